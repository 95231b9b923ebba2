/**
 * Monitoring a batch: how far the data a model meets has moved from the data it was trained on,
 * and — when the batch holds the target — how well the model still does.
 *
 * batch (a predicted CSV, predicted-batch.ts) + reference (the bundle's reference sample, or
 * reference data predicted by the same model: a file, the training dataset) →
 *   1. a drift report of the model's input columns, as read before imputation (src/core/drift:
 *      Evidently's tests and defaults, every test and threshold settable);
 *   2. drift of the predictions (the model's output on the batch against its output on the
 *      reference), one more column with its own settable test and threshold; a classifier's
 *      predicted class is a categorical column (its levels the classes), tested as one;
 *   3. with the target: the model's metrics on the batch's labelled rows, compared with its test
 *      metrics; degraded when RMSE (or MAE) is more than `threshold` (default 0.1: 10 %) above
 *      the test figure, or R² more than `threshold` below it. A classifier's: its class
 *      probabilities on the rows whose label is one of its classes, scored with every
 *      classification metric at its decision threshold beside the test figures; degraded when ROC
 *      AUC drops more than `threshold` (see judgeClassification).
 */
import type { LoadedBundle } from '../bundle/bundle';
import { computeDrift } from '../drift/report';
import type { CsvInput } from '../data/types';
import { InvalidInputError } from '../errors';
import { regressionMetrics } from '../metrics';
import { classificationMetrics } from '../metrics/classification';
import {
  degradationSetting,
  judgeClassification,
  judgePerformance,
  type BatchPerformance,
  type ClassificationBatchPerformance,
  type MonitorOptions,
  type MonitorReport,
} from './monitor-settings';
import type { PredictCsvOptions } from './predict';
import { predictBatch, type PredictedBatch } from './predicted-batch';

export * from './monitor-settings';
export { renderMonitorHtml } from './monitor-html';

/** What a batch is compared with: the model's input columns and its predictions on the same rows. */
export interface MonitorReference {
  table: PredictedBatch['table'];
  predictions: Float64Array;
  /** Where it came from: the bundle's sample, a reference file, the training dataset. */
  source: 'bundle' | 'file' | 'dataset';
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

/** The predictions as one column: numbers, or a classifier's class codes as a categorical column of its classes. */
function predictionTable(values: Float64Array, classes: readonly string[]): PredictedBatch['table'] {
  if (classes.length === 0) return { rowCount: values.length, columns: [{ type: 'numeric', name: 'prediction', values }] };
  const codes = Int32Array.from(values, (c) => (Number.isInteger(c) && c >= 0 && c < classes.length ? c : -1));
  return { rowCount: values.length, columns: [{ type: 'categorical', name: 'prediction', codes, levels: [...classes] }] };
}

/** Compares a predicted batch with the reference: input drift, prediction drift and, with the target, performance. */
export function monitorBatch(loaded: LoadedBundle, reference: MonitorReference, batch: PredictedBatch, options: MonitorOptions = {}): MonitorReport {
  degradationSetting(options.degradation ?? {});
  const inputs = loaded.recipe.inputSchema().map((c) => c.name);
  const drift = computeDrift(reference.table, batch.table, { ...options.drift, columns: options.drift?.columns ?? inputs });
  const rule = options.prediction ?? {};
  const classes = loaded.recipe.task === 'classification' ? loaded.recipe.classes : [];
  const prediction = computeDrift(predictionTable(reference.predictions, classes), predictionTable(batch.predictions, classes), {
    ...(rule.test ? { test: rule.test } : {}),
    ...(rule.threshold !== undefined ? { threshold: rule.threshold } : {}),
  }).columns[0];
  const report: MonitorReport = { ...drift, prediction };
  if (batch.actual && loaded.recipe.task === 'regression') {
    const performance = batchPerformance(loaded, batch.predictions, batch.actual, options.degradation ?? {});
    if (performance) report.performance = performance;
  }
  if (batch.actual && batch.probabilities && classes.length > 0) {
    const performance = classifierPerformance(loaded, batch.probabilities, batch.actual, options.degradation ?? {});
    if (performance) report.classificationPerformance = performance;
  }
  return report;
}

/** A classifier on the rows with a known class (codes in `actual`) and probabilities (not NaN). */
function classifierPerformance(loaded: LoadedBundle, probabilities: Float64Array, actual: Float64Array, setting: NonNullable<MonitorOptions['degradation']>): ClassificationBatchPerformance | undefined {
  const k = loaded.recipe.classes.length;
  const rows: number[] = [];
  for (let i = 0; i < actual.length; i++) if (Number.isInteger(actual[i]) && actual[i] >= 0 && actual[i] < k && Number.isFinite(probabilities[i * k])) rows.push(i);
  if (rows.length === 0) return undefined;
  const y = Float64Array.from(rows, (i) => actual[i]);
  const p = new Float64Array(rows.length * k);
  rows.forEach((i, r) => p.set(probabilities.subarray(i * k, i * k + k), r * k));
  const metrics = classificationMetrics(y, p, k, { threshold: loaded.bundle.decision?.threshold });
  return judgeClassification(metrics, loaded.bundle.metrics.classification?.test, rows.length, setting);
}

function batchPerformance(loaded: LoadedBundle, predicted: Float64Array, actual: Float64Array, setting: NonNullable<MonitorOptions['degradation']>): BatchPerformance | undefined {
  const y: number[] = [];
  const yhat: number[] = [];
  for (let i = 0; i < actual.length; i++)
    if (Number.isFinite(actual[i]) && Number.isFinite(predicted[i])) {
      y.push(actual[i]);
      yhat.push(predicted[i]);
    }
  if (y.length === 0) return undefined;
  return judgePerformance(regressionMetrics(y, yhat), loaded.bundle.metrics.test, y.length, setting);
}
