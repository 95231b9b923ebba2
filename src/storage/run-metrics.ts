/**
 * A run's test metrics by name, whatever its task: a regressor's (R², RMSE, …) live in
 * `run.metrics`, a classifier's (ROC AUC, log loss, …) in `run.classification.metrics`. Sorting,
 * filtering, listing and comparing read them through here, so one name means one number.
 * Runs stored before classification existed carry no task and are regression runs.
 */
import type { RegressionMetrics } from '../core/metrics';
import type { ClassificationMetrics } from '../core/metrics/classification';
import { CLASSIFICATION_METRICS } from '../core/metrics/classification-ranking';
import type { Task } from '../core/models/types';
import type { Run } from './records';

export type RegressionMetricName = keyof RegressionMetrics;
export type ClassificationMetricField = keyof ClassificationMetrics;
/** Any test metric a run can carry (the two tasks' names do not overlap). */
export type RunMetricName = RegressionMetricName | ClassificationMetricField;

export interface RunMetricInfo {
  name: RunMetricName;
  /** In the user's words. */
  label: string;
  task: Task;
  higherIsBetter: boolean;
}

export const RUN_METRICS: readonly RunMetricInfo[] = [
  { name: 'r2', label: 'R²', task: 'regression', higherIsBetter: true },
  { name: 'rmse', label: 'RMSE', task: 'regression', higherIsBetter: false },
  { name: 'mae', label: 'MAE', task: 'regression', higherIsBetter: false },
  { name: 'mape', label: 'MAPE', task: 'regression', higherIsBetter: false },
  { name: 'medianAe', label: 'Median AE', task: 'regression', higherIsBetter: false },
  { name: 'maxError', label: 'Max error', task: 'regression', higherIsBetter: false },
  // A classifier's, as the leaderboard names and ranks them.
  ...CLASSIFICATION_METRICS.map((m) => ({ name: m.field, label: m.label, task: 'classification' as const, higherIsBetter: m.higherIsBetter })),
];

/** The metric of that name (undefined for an unknown name). */
export function runMetricInfo(name: string): RunMetricInfo | undefined {
  return RUN_METRICS.find((m) => m.name === name);
}

/** What the run predicts: its recorded task, else (stored before classification) regression. */
export function runTask(r: Pick<Run, 'task' | 'classification'>): Task {
  return r.task ?? (r.classification ? 'classification' : 'regression');
}

/** The run's test metric of that name; undefined when it has none or it is not a number (NaN). */
export function runMetric(r: Pick<Run, 'metrics' | 'classification'>, name: RunMetricName): number | undefined {
  const v = (r.metrics as Partial<Record<string, number>> | undefined)?.[name] ?? (r.classification?.metrics as Partial<Record<string, number>> | undefined)?.[name];
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

/** The metrics of the runs' task; for runs of both tasks, none (they share no test metric). */
export function sharedRunMetrics(runs: readonly Pick<Run, 'task' | 'classification'>[]): { tasks: Task[]; metrics: RunMetricInfo[] } {
  const tasks = [...new Set(runs.map(runTask))].sort();
  return { tasks, metrics: tasks.length === 1 ? RUN_METRICS.filter((m) => m.task === tasks[0]) : [] };
}
