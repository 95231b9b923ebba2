/**
 * Monitoring a batch: how far the data a model meets has moved from the data it was trained on,
 * and — when the batch holds the target — how well the model still does.
 *
 * batch (a predicted CSV, predicted-batch.ts) + reference (the bundle's reference sample, or
 * reference data predicted by the same model: a file, the training dataset) →
 *   1. a drift report of the model's input columns, as read before imputation (src/core/drift:
 *      Evidently's tests and defaults, every test and threshold settable);
 *   2. drift of the predictions (the model's output on the batch against its output on the
 *      reference), one more column with its own settable test and threshold;
 *   3. with the target: the model's metrics on the batch's labelled rows, compared with its test
 *      metrics; degraded when RMSE (or MAE) is more than `threshold` (default 0.1: 10 %) above
 *      the test figure, or R² more than `threshold` below it.
 */
import type { LoadedBundle } from '../bundle/bundle';
import { renderDriftReportHtml, type DriftHtmlOptions } from '../drift/html';
import { validateDriftConfig } from '../drift/config';
import { computeDrift } from '../drift/report';
import { formatPercent, formatValue, plural } from '../format';
import type { DriftColumnResult, DriftConfig, DriftReport, DriftRule } from '../drift/types';
import type { CsvInput } from '../data/types';
import { InvalidInputError, InvalidParamsError } from '../errors';
import { regressionMetrics, type RegressionMetrics } from '../metrics';
import type { PredictCsvOptions } from './predict';
import { predictBatch, type PredictedBatch } from './predicted-batch';

/** What a batch is compared with: the model's input columns and its predictions on the same rows. */
export interface MonitorReference {
  table: PredictedBatch['table'];
  predictions: Float64Array;
  /** Where it came from: the bundle's sample, a reference file, the training dataset. */
  source: 'bundle' | 'file' | 'dataset';
}

export type DegradationMetric = 'rmse' | 'mae' | 'r2';

export const DEGRADATION_DEFAULTS = { metric: 'rmse' as DegradationMetric, threshold: 0.1 } as const;

export interface MonitorOptions {
  /** Tests and thresholds of the input columns (global, per kind, per column), as in computeDrift. */
  drift?: DriftConfig;
  /** Test and threshold for the predictions (default: Evidently's choice by reference size). */
  prediction?: DriftRule;
  /** When the batch holds the target: which metric to compare with the test metrics, and how far it may fall. */
  degradation?: { metric?: DegradationMetric; threshold?: number };
}

export interface BatchPerformance {
  /** Labelled rows scored (rows with a target value and a prediction). */
  rows: number;
  metrics: RegressionMetrics;
  /** The model's metrics on its test part (k-fold: mean over folds), when the bundle records them. */
  test?: RegressionMetrics;
  metric: DegradationMetric;
  /** RMSE/MAE: batch ÷ test − 1 (0.25 = 25 % worse); R²: test − batch. Absent without test metrics. */
  change?: number;
  threshold: number;
  degraded: boolean;
}

export interface MonitorReport extends DriftReport {
  /** Drift of the model's predictions (its column is named "prediction"). */
  prediction: DriftColumnResult;
  /** Present when the batch holds the target column with at least one value. */
  performance?: BatchPerformance;
}

/** The bundle's reference sample as a MonitorReference; a typed error saying what to do when the bundle has none. */
export function bundleReference(loaded: LoadedBundle): MonitorReference {
  const s = loaded.referenceSample;
  if (!s)
    throw new InvalidInputError(
      'no-reference',
      'This model bundle carries no reference sample (it was made before Loupe kept one, or exported without it), so drift needs reference data: give a CSV of the data the model was trained on.',
      { field: 'referenceSample' },
    );
  return { table: s.table, predictions: s.predictions, source: 'bundle' };
}

/** Reference data from a CSV (or the training file): read and predicted by the model, as a batch is. */
export async function referenceFromCsv(loaded: LoadedBundle, input: CsvInput, source: 'file' | 'dataset', options: Pick<PredictCsvOptions, 'signal' | 'chunkRows' | 'onProgress'> = {}): Promise<MonitorReference> {
  const { batch } = await predictBatch(loaded, input, options);
  if (batch.table.rowCount === 0) throw new InvalidInputError('empty-reference', 'The reference data has no rows.');
  return { table: batch.table, predictions: batch.predictions, source };
}

function predictionTable(values: Float64Array): PredictedBatch['table'] {
  return { rowCount: values.length, columns: [{ type: 'numeric', name: 'prediction', values }] };
}

/** Compares a predicted batch with the reference: input drift, prediction drift and, with the target, performance. */
export function monitorBatch(loaded: LoadedBundle, reference: MonitorReference, batch: PredictedBatch, options: MonitorOptions = {}): MonitorReport {
  degradationSetting(options.degradation ?? {});
  const inputs = loaded.recipe.inputSchema().map((c) => c.name);
  const drift = computeDrift(reference.table, batch.table, { ...options.drift, columns: options.drift?.columns ?? inputs });
  const rule = options.prediction ?? {};
  const prediction = computeDrift(predictionTable(reference.predictions), predictionTable(batch.predictions), {
    ...(rule.test ? { test: rule.test } : {}),
    ...(rule.threshold !== undefined ? { threshold: rule.threshold } : {}),
  }).columns[0];
  const report: MonitorReport = { ...drift, prediction };
  if (batch.actual) {
    const performance = batchPerformance(loaded, batch.predictions, batch.actual, options.degradation ?? {});
    if (performance) report.performance = performance;
  }
  return report;
}

/** The metric and threshold with defaults filled in; InvalidParamsError naming the field. */
function degradationSetting(setting: NonNullable<MonitorOptions['degradation']>): { metric: DegradationMetric; threshold: number } {
  const metric = setting.metric ?? DEGRADATION_DEFAULTS.metric;
  const threshold = setting.threshold ?? DEGRADATION_DEFAULTS.threshold;
  if (metric !== 'rmse' && metric !== 'mae' && metric !== 'r2')
    throw new InvalidParamsError('invalid-degradation', `degradation.metric: must be rmse, mae or r2; got ${String(metric)}.`, { field: 'degradation.metric' });
  if (!(typeof threshold === 'number' && Number.isFinite(threshold) && threshold >= 0))
    throw new InvalidParamsError('invalid-degradation', `degradation.threshold: must be a number of at least 0 (0.1 = 10 % worse); got ${String(threshold)}.`, {
      field: 'degradation.threshold',
    });
  return { metric, threshold };
}

function batchPerformance(loaded: LoadedBundle, predicted: Float64Array, actual: Float64Array, setting: NonNullable<MonitorOptions['degradation']>): BatchPerformance | undefined {
  const { metric, threshold } = degradationSetting(setting);
  const y: number[] = [];
  const yhat: number[] = [];
  for (let i = 0; i < actual.length; i++)
    if (Number.isFinite(actual[i]) && Number.isFinite(predicted[i])) {
      y.push(actual[i]);
      yhat.push(predicted[i]);
    }
  if (y.length === 0) return undefined;
  const metrics = regressionMetrics(y, yhat);
  const test = loaded.bundle.metrics.test;
  if (!test) return { rows: y.length, metrics, metric, threshold, degraded: false };
  const change = metric === 'r2' ? test.r2 - metrics.r2 : metrics[metric] / test[metric] - 1;
  return { rows: y.length, metrics, test, metric, change, threshold, degraded: change > threshold };
}

const METRIC_LABELS: Record<DegradationMetric, string> = { rmse: 'RMSE', mae: 'MAE', r2: 'R²' };

/** The performance in one sentence, e.g. "RMSE on 4,404 labelled rows: 1557.92 (test 1022; 52% worse): degraded (the limit is 10% worse)." */
export function describePerformance(p: BatchPerformance): string {
  const label = METRIC_LABELS[p.metric];
  const value = formatValue(p.metrics[p.metric]);
  const head = `${label} on ${plural(p.rows, 'labelled row')}: ${value}`;
  if (p.test === undefined || p.change === undefined) return `${head} (the model records no test metrics to compare with).`;
  const test = formatValue(p.test[p.metric]);
  const change =
    Math.abs(p.change) < 1e-9
      ? 'the same'
      : p.metric === 'r2'
        ? `${p.change > 0 ? `${formatValue(p.change)} lower` : `${formatValue(-p.change)} higher`}`
        : `${formatPercent(Math.abs(p.change))} ${p.change > 0 ? 'worse' : 'better'}`;
  const limit = p.metric === 'r2' ? `a drop of ${formatValue(p.threshold)}` : `${formatPercent(p.threshold)} worse`;
  return `${head} (test ${test}; ${change}): ${p.degraded ? 'degraded' : 'not degraded'} (the limit is ${limit}).`;
}

/** The report as one self-contained HTML page (aggregates only): the input columns, the predictions and the performance. */
export function renderMonitorHtml(report: MonitorReport, options: DriftHtmlOptions = {}): string {
  const notes = [...(options.notes ?? []), ...(report.performance ? [describePerformance(report.performance)] : [])];
  return renderDriftReportHtml(report, { ...options, notes, prediction: report.prediction });
}

/**
 * MonitorOptions from JSON a person wrote (a --config file, stored settings): only the known
 * fields, each checked; InvalidParamsError names the field in full (`drift.perColumn.carat.threshold`).
 */
export function parseMonitorOptions(json: unknown): MonitorOptions {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new InvalidParamsError('invalid-monitor-options', 'Monitoring settings must be an object with drift, prediction and degradation.', { field: '(root)' });
  const o = json as Record<string, unknown>;
  for (const key of Object.keys(o))
    if (key !== 'drift' && key !== 'prediction' && key !== 'degradation')
      throw new InvalidParamsError('invalid-monitor-options', `${key}: unknown setting; the settings are drift, prediction and degradation.`, { field: key });
  const out: MonitorOptions = {};
  const within = (prefix: string, check: () => void): void => {
    try {
      check();
    } catch (e) {
      if (!(e instanceof InvalidParamsError)) throw e;
      const field = `${prefix}.${e.where.field ?? ''}`.replace(/\.$/, '');
      throw new InvalidParamsError(e.code, `${prefix}.${e.message}`, { ...e.where, field }, { cause: e });
    }
  };
  if (o.drift !== undefined) {
    within('drift', () => validateDriftConfig(o.drift as DriftConfig));
    out.drift = o.drift as DriftConfig;
  }
  if (o.prediction !== undefined) {
    const rule = o.prediction as DriftRule;
    within('prediction', () => {
      if (typeof rule !== 'object' || rule === null || Object.keys(rule).some((k) => k !== 'test' && k !== 'threshold'))
        throw new InvalidParamsError('invalid-monitor-options', ': must be {test, threshold}.', {});
      validateDriftConfig({ test: rule.test, threshold: rule.threshold });
    });
    out.prediction = rule;
  }
  if (o.degradation !== undefined) {
    const d = o.degradation as MonitorOptions['degradation'];
    if (typeof d !== 'object' || d === null) throw new InvalidParamsError('invalid-degradation', 'degradation: must be {metric, threshold}.', { field: 'degradation' });
    degradationSetting(d);
    out.degradation = d;
  }
  return out;
}
