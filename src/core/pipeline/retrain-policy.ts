/**
 * When a registered model should be retrained: its retraining policy judged against a monitored
 * batch. Pure and small, so that the page (Monitor and Models screens) can ask without loading
 * the retraining pipeline.
 *
 * - 'drift': the batch shows dataset drift (share of drifting columns at or past its threshold);
 * - 'degradation': the batch held the target and the model's metric on it is worse than its test
 *   metric by more than `threshold` (relative: 0.1 = 10 % worse; for R² and a classifier's ROC AUC,
 *   a drop of 10 % of the test figure; a classifier's log loss as RMSE);
 * - 'manual': never recommended; a person retrains when they choose.
 */
import type { RegressionMetrics } from '../metrics';
import type { ClassificationMetrics } from '../metrics/classification';
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
  metric?: { name: SignalMetric; value: number };
}

/** The metric a batch is judged by: a regressor's, or a classifier's ROC AUC (log loss where it is undefined). */
export type SignalMetric = 'rmse' | 'mae' | 'r2' | 'roc_auc' | 'log_loss';

/** The field of the test metrics each signal metric reads. */
const FIELD = { rmse: 'rmse', mae: 'mae', r2: 'r2', roc_auc: 'rocAuc', log_loss: 'logLoss' } as const;

export interface RetrainAdvice {
  recommended: boolean;
  /** Why, in plain words (also when not recommended). */
  reason: string;
}

/** How much worse `value` is than `test` (positive: worse), relative to the test metric. */
export function relativeWorsening(name: SignalMetric, value: number, test: number): number {
  if (name === 'r2' || name === 'roc_auc') return (test - value) / Math.max(Math.abs(test), Number.EPSILON);
  return (value - test) / Math.max(Math.abs(test), Number.EPSILON);
}

const LABEL = { rmse: 'RMSE', mae: 'MAE', r2: 'R²', roc_auc: 'ROC AUC', log_loss: 'Log loss' } as const;
const pct = (x: number): string => `${Math.round(x * 1000) / 10} %`;

/** Judges the newest monitored batch of a model against its policy; `test` is the model's test metrics (a regressor's or a classifier's). */
export function retrainAdvice(policy: RetrainPolicySettings, batch: BatchSignal | undefined, test: RegressionMetrics | ClassificationMetrics | undefined): RetrainAdvice {
  if (policy.trigger === 'manual') return { recommended: false, reason: 'The policy is manual: retrain when you choose.' };
  if (!batch) return { recommended: false, reason: 'No batch has been monitored for this model yet.' };
  if (policy.trigger === 'drift') {
    return batch.datasetDrift
      ? { recommended: true, reason: `Dataset drift in ${batch.fileName}: ${pct(batch.driftShare)} of the columns drift.` }
      : { recommended: false, reason: `No dataset drift in ${batch.fileName} (${pct(batch.driftShare)} of the columns drift).` };
  }
  const threshold = policy.threshold ?? DEFAULT_DEGRADATION_THRESHOLD;
  if (!batch.metric) return { recommended: false, reason: `${batch.fileName} held no target values, so the model's metric could not be measured on it.` };
  const t = (test as Partial<Record<string, number>> | undefined)?.[FIELD[batch.metric.name]];
  if (t === undefined || !Number.isFinite(t)) return { recommended: false, reason: 'The model has no test metric to compare with.' };
  const w = relativeWorsening(batch.metric.name, batch.metric.value, t);
  const label = LABEL[batch.metric.name];
  const v = (x: number): string => String(Number(x.toPrecision(5)));
  return w > threshold
    ? { recommended: true, reason: `${label} on ${batch.fileName} is ${v(batch.metric.value)} against ${v(t)} in testing: ${pct(w)} worse, past the limit of ${pct(threshold)}.` }
    : { recommended: false, reason: `${label} on ${batch.fileName} is ${v(batch.metric.value)} against ${v(t)} in testing: within the limit of ${pct(threshold)} worse.` };
}
