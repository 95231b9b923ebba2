/**
 * How the leaderboard orders candidates: a module of its own so the page can rank results
 * without loading the training pipeline.
 */
import type { RegressionMetrics } from '../metrics';
import type { ClassificationMetrics } from '../metrics/classification';
import { CLASSIFICATION_METRICS, classificationRankingScore, type ClassificationMetricName } from '../metrics/classification-ranking';

/** R², or RMSE where R² is undefined on the test part (a constant test target). */
export type RankedBy = 'r2' | 'rmse';

/** Whether a leaderboard is ranked by a classification metric (a classification run) rather than R² or RMSE. */
export function isClassificationRanking(by: RankedBy | ClassificationMetricName): by is ClassificationMetricName {
  return CLASSIFICATION_METRICS.some((m) => m.name === by);
}

/** A candidate's place on the leaderboard: higher is better; −∞ for one that did not finish. */
export function rankingScore(
  r: { status: string; metrics?: RegressionMetrics; classification?: ClassificationMetrics },
  by: RankedBy | ClassificationMetricName,
): number {
  if (r.status !== 'finished') return -Infinity;
  if (isClassificationRanking(by)) return r.classification ? classificationRankingScore(r.classification, by) : -Infinity;
  const m = r.metrics;
  const v = m ? (by === 'r2' ? m.r2 : -m.rmse) : NaN;
  return Number.isFinite(v) ? v : -Infinity;
}
