/**
 * The classification metrics a leaderboard can rank by, by the names the CLI's `--metric` and
 * the report use (scikit-learn's scorer names), each with the field of ClassificationMetrics it
 * reads and its direction. ROC AUC is the default: it judges the probabilities over every
 * threshold, so it does not depend on the decision threshold a person picks later.
 */
import { InvalidParamsError } from '../errors';
import type { ClassificationMetrics } from './classification';

export type ClassificationMetricName =
  | 'roc_auc'
  | 'log_loss'
  | 'accuracy'
  | 'balanced_accuracy'
  | 'f1'
  | 'f1_macro'
  | 'f1_weighted'
  | 'precision'
  | 'recall'
  | 'brier';

export interface ClassificationMetricInfo {
  name: ClassificationMetricName;
  /** The field of ClassificationMetrics holding it. */
  field: keyof ClassificationMetrics;
  /** In the user's words, for the leaderboard and the report. */
  label: string;
  higherIsBetter: boolean;
}

export const CLASSIFICATION_METRICS: readonly ClassificationMetricInfo[] = [
  { name: 'roc_auc', field: 'rocAuc', label: 'ROC AUC', higherIsBetter: true },
  { name: 'log_loss', field: 'logLoss', label: 'Log loss', higherIsBetter: false },
  { name: 'accuracy', field: 'accuracy', label: 'Accuracy', higherIsBetter: true },
  { name: 'balanced_accuracy', field: 'balancedAccuracy', label: 'Balanced accuracy', higherIsBetter: true },
  { name: 'f1', field: 'f1', label: 'F1', higherIsBetter: true },
  { name: 'f1_macro', field: 'f1Macro', label: 'F1 (macro)', higherIsBetter: true },
  { name: 'f1_weighted', field: 'f1Weighted', label: 'F1 (weighted)', higherIsBetter: true },
  { name: 'precision', field: 'precision', label: 'Precision', higherIsBetter: true },
  { name: 'recall', field: 'recall', label: 'Recall', higherIsBetter: true },
  { name: 'brier', field: 'brier', label: 'Brier score', higherIsBetter: false },
];

export const DEFAULT_CLASSIFICATION_METRIC: ClassificationMetricName = 'roc_auc';

/** The metric of that name; InvalidParamsError (field `metric`) listing the names otherwise. */
export function classificationMetric(name: string): ClassificationMetricInfo {
  const found = CLASSIFICATION_METRICS.find((m) => m.name === name);
  if (!found)
    throw new InvalidParamsError('invalid-param', `Unknown metric "${name}"; choose one of ${CLASSIFICATION_METRICS.map((m) => m.name).join(', ')}.`, {
      field: 'metric',
    });
  return found;
}

/** A value to sort by, higher better: the metric, negated where lower is better; −∞ where undefined (NaN). */
export function classificationRankingScore(metrics: ClassificationMetrics, name: ClassificationMetricName): number {
  const info = classificationMetric(name);
  const v = metrics[info.field];
  if (!Number.isFinite(v)) return -Infinity;
  return info.higherIsBetter ? v : -v;
}
