/**
 * `loupe monitor <model.json> <batch.csv>`: predicts the batch with the model and compares it with
 * the model's reference data — the bundle's reference sample, or `--reference` — column by column
 * (Evidently's tests), the predictions too, and the model's metrics when the batch holds the
 * target. Prints a summary; writes the JSON report (a public interface: fields are only added)
 * and a self-contained HTML report. For scheduled jobs: `--fail-on-drift` exits with 3 on
 * dataset drift.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { openBundle, type LoadedBundle } from '../core/bundle/bundle';
import { checkBundleSize } from '../core/bundle/limits';
import { isPValueTest, type DriftTestName } from '../core/drift/types';
import { formatPercent, formatValue, plural } from '../core/format';
import {
  bundleReference,
  describePerformance,
  describeClassificationPerformance,
  type ClassificationBatchPerformance,
  monitorBatch,
  parseMonitorOptions,
  referenceFromCsv,
  renderMonitorHtml,
  type BatchPerformance,
  type MonitorOptions,
  type MonitorReference,
  type MonitorReport,
} from '../core/pipeline/monitor';
import { predictBatch } from '../core/pipeline/predicted-batch';
import { numberOption, parseArgs, rejectUnknown, stringOption, UsageError } from './args';
import type { Command, CommandIo } from './command';
import { readJsonFile } from './json-file';
import { openFileSource } from './node-source';

const USAGE = `loupe monitor <model.json> <batch.csv> [options]

Predicts the batch with the model and tests each input column, and the predictions, for drift
against the model's reference data (Evidently's default tests: Kolmogorov–Smirnov, chi-square or
Z-test p-values up to 1,000 reference rows; Wasserstein or Jensen–Shannon distances above). When
the batch holds the target column, the model's metrics on it are compared with its test metrics.
  --reference <ref.csv>  reference data (default: the sample of training rows in the bundle;
                         needed for bundles without one)
  --report <file.json>   write the JSON report here
  --html <file.html>     write a self-contained HTML report (aggregates only, opens offline)
  --fail-on-drift        exit with status 3 when the dataset drifts
  --threshold <x>        drift threshold for every column (p-value below, or distance at or above)
  --drift-share <s>      share of drifting columns at which the dataset drifts (default 0.5)
  --degradation <x>      how much worse the metric may get before it is flagged (default 0.1 = 10 %)
  --config <file.json>   settings: {"drift": {threshold, test, numeric, categorical, perColumn,
                         driftShare}, "prediction": {test, threshold}, "degradation": {metric:
                         rmse|mae|r2, threshold}}; the options above override it
  --chunk-rows <n>       rows predicted at a time (default 10000)`;

const VALUE_OPTIONS = ['reference', 'report', 'html', 'threshold', 'drift-share', 'degradation', 'config', 'chunk-rows'];

/** Exit status with --fail-on-drift when the dataset drifts. */
export const DRIFT_EXIT_CODE = 3;

/** The JSON report (public interface). */
export interface MonitorJsonReport {
  rows: number;
  referenceRows: number;
  columns: Array<{ name: string; test: DriftTestName; value: number; threshold: number; drift: boolean }>;
  driftShare: number;
  datasetDrift: boolean;
  prediction: { test: DriftTestName; value: number; drift: boolean };
  performance?: BatchPerformance;
  /** A classifier's, when the batch holds labels of its classes (field added). */
  classificationPerformance?: ClassificationBatchPerformance;
}

export function monitorJson(r: MonitorReport): MonitorJsonReport {
  return {
    rows: r.rows,
    referenceRows: r.referenceRows,
    columns: r.columns.map((c) => ({ name: c.name, test: c.test, value: c.value, threshold: c.threshold, drift: c.drift })),
    driftShare: r.driftShare,
    datasetDrift: r.datasetDrift,
    prediction: { test: r.prediction.test, value: r.prediction.value, drift: r.prediction.drift },
    ...(r.performance ? { performance: r.performance } : {}),
    ...(r.classificationPerformance ? { classificationPerformance: r.classificationPerformance } : {}),
  };
}

async function settings(args: ReturnType<typeof parseArgs>): Promise<MonitorOptions> {
  const path = stringOption(args, 'config');
  const options = path !== undefined ? parseMonitorOptions(await readJsonFile(path, 'monitoring settings')) : {};
  const threshold = numberOption(args, 'threshold');
  const share = numberOption(args, 'drift-share');
  const degradation = numberOption(args, 'degradation');
  const drift = { ...options.drift, ...(threshold !== undefined ? { threshold } : {}), ...(share !== undefined ? { driftShare: share } : {}) };
  return parseMonitorOptions({
    ...options,
    drift,
    ...(degradation !== undefined ? { degradation: { ...options.degradation, threshold: degradation } } : {}),
  });
}

async function referenceFor(loaded: LoadedBundle, path: string | undefined, chunkRows: number): Promise<MonitorReference> {
  if (path === undefined) return bundleReference(loaded);
  const source = await openFileSource(path);
  try {
    return await referenceFromCsv(loaded, source, 'file', { chunkRows });
  } finally {
    await source.close();
  }
}

function printSummary(io: CommandIo, r: MonitorReport, batchPath: string, reference: string): void {
  const drifting = r.columns.filter((c) => c.drift).length;
  io.out(`${batchPath}: ${plural(r.rows, 'row')} against ${plural(r.referenceRows, 'reference row')} (${reference})`);
  io.out(
    `${r.datasetDrift ? 'Dataset drift' : 'No dataset drift'}: ${drifting} of ${plural(r.columns.length, 'column')} drift (${formatPercent(r.driftShare)}; the dataset drifts from ${formatPercent(r.driftShareThreshold)})`,
  );
  const width = Math.max(6, ...r.columns.map((c) => c.name.length));
  const line = (name: string, test: DriftTestName, value: number, threshold: number, drift: boolean): string =>
    `  ${name.padEnd(width)}  ${test.padEnd(13)}  ${formatValue(value).padStart(12)}  ${`${isPValueTest(test) ? '<' : '≥'} ${formatValue(threshold)}`.padEnd(10)}  ${drift ? 'DRIFT' : 'ok'}`;
  io.out(`  ${'column'.padEnd(width)}  ${'test'.padEnd(13)}  ${'value'.padStart(12)}  drift if`);
  // Drifting columns first, as the HTML report and the app list them.
  for (const c of [...r.columns.filter((c) => c.drift), ...r.columns.filter((c) => !c.drift)]) io.out(line(c.name, c.test, c.value, c.threshold, c.drift));
  const p = r.prediction;
  io.out(`Predictions: ${p.test} ${formatValue(p.value)}: ${p.drift ? 'drift' : 'no drift'}`);
  if (r.performance) io.out(describePerformance(r.performance));
  if (r.classificationPerformance) io.out(describeClassificationPerformance(r.classificationPerformance));
}

export const monitorCommand: Command = {
  name: 'monitor',
  summary: 'drift of a batch against the model’s reference data, and its metrics when labelled',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, VALUE_OPTIONS);
    rejectUnknown(args, [...VALUE_OPTIONS, 'fail-on-drift', 'help']);
    if (args.positionals.length !== 2) throw new UsageError('monitor takes a model bundle and a CSV file');
    const [modelPath, batchPath] = args.positionals;
    if (args.options.get('fail-on-drift') !== undefined && args.options.get('fail-on-drift') !== true) throw new UsageError('--fail-on-drift takes no value');
    const chunkRows = numberOption(args, 'chunk-rows') ?? 10_000;
    if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new UsageError('--chunk-rows must be a positive integer');
    const options = await settings(args);
    checkBundleSize((await stat(modelPath)).size, basename(modelPath));
    const loaded = await openBundle(await readFile(modelPath, 'utf8'));
    const referencePath = stringOption(args, 'reference');
    const reference = await referenceFor(loaded, referencePath, chunkRows);
    const source = await openFileSource(batchPath);
    let report: MonitorReport;
    try {
      const { batch, summary } = await predictBatch(loaded, source, { chunkRows });
      if (summary.failed > 0) io.err(`${plural(summary.failed, 'row')} could not be predicted (left out of the prediction drift and the metrics); \`loupe predict\` lists why`);
      report = monitorBatch(loaded, reference, batch, options);
    } finally {
      await source.close();
    }
    const sample = loaded.referenceSample;
    const referenceText = referencePath !== undefined ? referencePath : `the bundle's sample of ${plural(sample!.sourceRows, 'training row')}`;
    printSummary(io, report, batchPath, referenceText);
    const reportPath = stringOption(args, 'report');
    if (reportPath !== undefined) {
      await writeFile(reportPath, JSON.stringify(monitorJson(report), null, 2) + '\n');
      io.err(`wrote ${reportPath}`);
    }
    const htmlPath = stringOption(args, 'html');
    if (htmlPath !== undefined) {
      const html = renderMonitorHtml(report, {
        title: `Drift report: ${loaded.bundle.name}`,
        subtitle: `${basename(batchPath)} against ${referencePath !== undefined ? basename(referencePath) : referenceText}, ${new Date().toISOString().slice(0, 10)}`,
      });
      await writeFile(htmlPath, html);
      io.err(`wrote ${htmlPath}`);
    }
    return args.options.get('fail-on-drift') === true && report.datasetDrift ? DRIFT_EXIT_CODE : 0;
  },
};
