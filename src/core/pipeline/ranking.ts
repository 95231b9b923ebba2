/**
 * How the leaderboard orders candidates: a module of its own so the page can rank results
 * without loading the training pipeline.
 */
import type { RegressionMetrics } from '../metrics';

/** R², or RMSE where R² is undefined on the test part (a constant test target). */
export type RankedBy = 'r2' | 'rmse';

/** A candidate's place on the leaderboard: higher is better; −∞ for one that did not finish. */
export function rankingScore(r: { status: string; metrics?: RegressionMetrics }, by: RankedBy): number {
  const m = r.status === 'finished' ? r.metrics : undefined;
  const v = m ? (by === 'r2' ? m.r2 : -m.rmse) : NaN;
  return Number.isFinite(v) ? v : -Infinity;
}
