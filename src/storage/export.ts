/**
 * Run history export: CSV (one row per run, every hyperparameter as `param.<name>`, every
 * metric as `metric.<name>`) for spreadsheets, and JSON (the run records without models).
 */
import { csvCell } from '../core/data/csv-cells';
import type { Run } from './records';

export const RUNS_JSON_FORMAT = 'loupe-runs';

// Regression's first, then a classifier's (a run has one task's metrics; the other's cells stay empty).
const METRIC_ORDER = ['r2', 'rmse', 'mae', 'mape', 'medianAe', 'maxError', 'rocAuc', 'logLoss', 'accuracy', 'balancedAccuracy', 'f1', 'f1Macro', 'f1Weighted', 'precision', 'recall', 'brier'];

/** A run's test metrics of either task, by name. */
function metricsOf(r: Run): Record<string, number> {
  return { ...r.metrics, ...r.classification?.metrics };
}

function splitText(r: Run): string {
  const s = r.split;
  if (!s) return '';
  if (s.kind === 'holdout') return `holdout ${s.testSize ?? ''}`.trim();
  if (s.kind === 'kfold') return `kfold ${s.k ?? ''}`.trim();
  return 'test-table';
}

/**
 * Columns: id, experiment, name, model, status, start, end, duration_s, seed, split, dataset,
 * param.*, metric.*, then for classifier runs task, classes (';'-joined) and threshold, and tags.
 */
export function runsToCsv(runs: readonly Run[]): string {
  const params = new Set<string>();
  const metrics = new Set<string>();
  for (const r of runs) {
    for (const k of Object.keys(r.params)) params.add(k);
    for (const k of Object.keys(metricsOf(r))) metrics.add(k);
  }
  const classifiers = runs.some((r) => r.classification);
  const paramCols = [...params].sort();
  const metricCols = [...metrics].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const header = ['id', 'experiment', 'name', 'model', 'status', 'start', 'end', 'duration_s', 'seed', 'split', 'dataset', ...paramCols.map((p) => `param.${p}`), ...metricCols.map((m) => `metric.${m}`), ...(classifiers ? ['task', 'classes', 'threshold'] : []), 'tags'];
  const lines = [header.map(csvCell).join(',')];
  for (const r of runs) {
    const row: unknown[] = [
      r.id,
      r.experiment,
      r.name,
      r.modelType,
      r.status,
      new Date(r.startedAt).toISOString(),
      r.endedAt !== undefined ? new Date(r.endedAt).toISOString() : '',
      r.endedAt !== undefined ? (r.endedAt - r.startedAt) / 1000 : '',
      r.seed,
      splitText(r),
      r.datasetName,
      ...paramCols.map((p) => r.params[p]),
      ...metricCols.map((m) => metricsOf(r)[m]),
      ...(classifiers ? [r.task ?? 'regression', r.classification?.classes.join(';') ?? '', r.classification?.threshold] : []),
      r.tags.join(';'),
    ];
    lines.push(row.map(csvCell).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

function rank(m: string): number {
  const i = METRIC_ORDER.indexOf(m);
  return i < 0 ? METRIC_ORDER.length : i;
}

export interface RunsJson {
  format: typeof RUNS_JSON_FORMAT;
  version: 1;
  /** ISO time of the export. */
  exportedAt: string;
  experiment?: string;
  runs: Run[];
}

/** The run records (params, metrics, histories, logs, environment; no models) as pretty JSON. */
export function runsToJson(runs: readonly Run[], options: { experiment?: string; now?: number } = {}): string {
  const doc: RunsJson = {
    format: RUNS_JSON_FORMAT,
    version: 1,
    exportedAt: new Date(options.now ?? Date.now()).toISOString(),
    ...(options.experiment !== undefined ? { experiment: options.experiment } : {}),
    runs: [...runs],
  };
  return JSON.stringify(doc, null, 2);
}
