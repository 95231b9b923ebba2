/**
 * When a registered model should be retrained: its retraining policy judged against a monitored
 * batch. Pure and small, so that the page (Monitor and Models screens) can ask without loading
 * the retraining pipeline.
 *
 * - 'drift': the batch shows dataset drift (share of drifting columns at or past its threshold);
 * - 'degradation': the batch held the target and the model's metric on it is worse than its test
 *   metric by more than `threshold` (relative: 0.1 = 10 % worse; for R², a drop of 10 % of |R²|);
 * - 'manual': never recommended; a person retrains when they choose.
 */
import type { RegressionMetrics } from '../metrics';
import type { RetrainMode } from './retrain-modes';

export type RetrainTrigger = 'drift' | 'degradation' | 'manual';

export const RETRAIN_TRIGGERS: readonly RetrainTrigger[] = ['drift', 'degradation', 'manual'];

/** Default relative degradation that trips a 'degradation' policy (10 % worse than the test metric). */
export const DEFAULT_DEGRADATION_THRESHOLD = 0.1;

export interface RetrainPolicySettings {
  trigger: RetrainTrigger;
  /** trigger 'degradation': the relative worsening that trips it (0.1 = 10 %). */
  threshold?: number;
  /** How the one-click retrain draws its rows. */
  mode: RetrainMode;
  window?: number;
}

/** What the policy reads from a monitored batch (aggregates only). */
export interface BatchSignal {
  fileName: string;
  /** Epoch milliseconds. */
  createdAt: number;
  driftShare: number;
  datasetDrift: boolean;
  /** When the batch held the target: the model's metric on it. */
  metric?: { name: 'rmse' | 'mae' | 'r2'; value: number };
}

export interface RetrainAdvice {
  recommended: boolean;
  /** Why, in plain words (also when not recommended). */
  reason: string;
}

/** How much worse `value` is than `test` (positive: worse), relative to the test metric. */
export function relativeWorsening(name: 'rmse' | 'mae' | 'r2', value: number, test: number): number {
  if (name === 'r2') return (test - value) / Math.max(Math.abs(test), Number.EPSILON);
  return (value - test) / Math.max(Math.abs(test), Number.EPSILON);
}

const LABEL = { rmse: 'RMSE', mae: 'MAE', r2: 'R²' } as const;
const pct = (x: number): string => `${Math.round(x * 1000) / 10} %`;

/** Judges the newest monitored batch of a model against its policy; `test` is the model's test metrics. */
export function retrainAdvice(policy: RetrainPolicySettings, batch: BatchSignal | undefined, test: RegressionMetrics | undefined): RetrainAdvice {
  if (policy.trigger === 'manual') return { recommended: false, reason: 'The policy is manual: retrain when you choose.' };
  if (!batch) return { recommended: false, reason: 'No batch has been monitored for this model yet.' };
  if (policy.trigger === 'drift') {
    return batch.datasetDrift
      ? { recommended: true, reason: `Dataset drift in ${batch.fileName}: ${pct(batch.driftShare)} of the columns drift.` }
      : { recommended: false, reason: `No dataset drift in ${batch.fileName} (${pct(batch.driftShare)} of the columns drift).` };
  }
  const threshold = policy.threshold ?? DEFAULT_DEGRADATION_THRESHOLD;
  if (!batch.metric) return { recommended: false, reason: `${batch.fileName} held no target values, so the model's metric could not be measured on it.` };
  const t = test?.[batch.metric.name];
  if (t === undefined || !Number.isFinite(t)) return { recommended: false, reason: 'The model has no test metric to compare with.' };
  const w = relativeWorsening(batch.metric.name, batch.metric.value, t);
  const label = LABEL[batch.metric.name];
  const v = (x: number): string => String(Number(x.toPrecision(5)));
  return w > threshold
    ? { recommended: true, reason: `${label} on ${batch.fileName} is ${v(batch.metric.value)} against ${v(t)} in testing: ${pct(w)} worse, past the limit of ${pct(threshold)}.` }
    : { recommended: false, reason: `${label} on ${batch.fileName} is ${v(batch.metric.value)} against ${v(t)} in testing: within the limit of ${pct(threshold)} worse.` };
}
