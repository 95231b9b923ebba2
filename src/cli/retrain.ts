/**
 * `loupe retrain <model.json> <new.csv> [--base old.csv] [--window N] ...`: retrains a champion
 * bundle on new labelled rows, scores champion and challenger side by side on the same held-out
 * new rows, says which is better, and writes the challenger's bundle and the JSON report.
 * The report's shape is a public interface: extend it compatibly, never rename fields.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseBundle, serializeBundle } from '../core/bundle/bundle';
import { checkBundleSize } from '../core/bundle/limits';
import type { RegressionMetrics } from '../core/metrics';
import type { ClassificationMetrics } from '../core/metrics/classification';
import { classificationMetric } from '../core/metrics/classification-ranking';
import { isClassificationRanking } from '../core/pipeline/ranking';
import { modelInfo } from '../core/models/registry';
import { formatLogLine } from '../core/pipeline/log';
import { DEFAULT_HOLDOUT_SHARE, RETRAIN_MODES, runRetrain, type ContenderScore, type RetrainMode, type RetrainResult } from '../core/pipeline/retrain';
import { initTf } from '../core/tf';
import { LOUPE_VERSION } from '../core/version';
import { numberOption, parseArgs, rejectUnknown, stringOption, UsageError } from './args';
import type { Command } from './command';
import { fileSha256 } from './node-source';
import { fmt, parseModels, parseParams, readDataset } from './train';

const USAGE = `loupe retrain <model.json> <new.csv> [options]

Retrains the model on new labelled rows (they hold the target column) with the same recipe and
hyperparameters, scores the model (champion) and the retrained one (challenger) on the same
held-out part of the new rows, and says which is better (by R², or RMSE where R² is undefined).
  --base <old.csv>     the rows the champion was trained on: train on old ∪ new
  --window <n>         train on the last n rows (of old then new with --base, else of new)
  --mode <m>           ${RETRAIN_MODES.join(' | ')} (default: window with --window, all with --base, else new)
  --test-size <f>      share of the new rows held out for scoring (default ${DEFAULT_HOLDOUT_SHARE})
  --seed <n>           seed of the held-out split (default: the champion's split seed)
  --models <list>      a fresh model choice instead of the champion's model (the best is the challenger)
  --params <json>      hyperparameters for --models, e.g. '{"gbdt":{"learningRate":0.05}}'
  --out <file.json>    write the challenger's bundle here
  --report <file>      write the JSON report here
  --json               print the JSON report on stdout instead of the summary
  --verbose            print the pipeline's log lines on stderr`;

const VALUE_OPTIONS = ['base', 'window', 'mode', 'test-size', 'seed', 'models', 'params', 'out', 'report'];

type MetricsReport = { [K in keyof RegressionMetrics]: number };
/** A classifier's side: the fields `train`'s report gives its models, and the Brier score. */
type ClassificationReport = Pick<ClassificationMetrics, 'accuracy' | 'balancedAccuracy' | 'f1' | 'rocAuc' | 'logLoss' | 'brier'>;

/** The JSON report (public interface). */
export interface RetrainReport {
  loupeVersion: string;
  model: string;
  newData: { path: string; rows: number; hash: string };
  base?: { path: string; rows: number; hash: string };
  mode: RetrainMode;
  window?: number;
  holdoutShare: number;
  seed: number;
  /** The rows the challenger learned from: a derived dataset version naming its parents. */
  training: { rows: number; baseRows: number; newRows: number; datasetHash: string; parents: RetrainResult['training']['parents'] };
  /** A regressor's metrics; a classifier's (ROC AUC, log loss, …) instead when the champion is one. */
  champion: (MetricsReport | ClassificationReport) & { name: string; type: string };
  challenger: (MetricsReport | ClassificationReport) & { name: string; type: string; params: Record<string, unknown> };
  /** Held-out new rows both models were scored on. */
  evaluatedRows: number;
  skippedRows: RetrainResult['skippedRows'];
  rankedBy: RetrainResult['rankedBy'];
  better: RetrainResult['better'];
  warnings: string[];
  bundle?: string;
}

function metricsOf(s: ContenderScore): MetricsReport | ClassificationReport {
  const c = s.classification;
  if (c) return { accuracy: c.accuracy, balancedAccuracy: c.balancedAccuracy, f1: c.f1, rocAuc: c.rocAuc, logLoss: c.logLoss, brier: c.brier };
  const m = s.metrics!;
  return { r2: m.r2, rmse: m.rmse, mae: m.mae, mape: m.mape, medianAe: m.medianAe, maxError: m.maxError };
}

/** The text table's header and one contender's row: R², RMSE, MAE, MAPE %; or ROC AUC, log loss, accuracy, F1. */
function tableRow(s: ContenderScore): string[] {
  const c = s.classification;
  if (c) return [fmt(c.rocAuc, 4), fmt(c.logLoss, 4), fmt(c.accuracy, 4), fmt(c.f1, 4)];
  const m = s.metrics!;
  return [fmt(m.r2, 5), fmt(m.rmse, 2), fmt(m.mae, 2), fmt(m.mape * 100, 2)];
}

function chooseMode(given: string | undefined, base: boolean, window: number | undefined): RetrainMode {
  if (given !== undefined && !(RETRAIN_MODES as readonly string[]).includes(given)) throw new UsageError(`--mode must be one of ${RETRAIN_MODES.join(', ')}; got "${given}"`);
  const mode = (given as RetrainMode | undefined) ?? (window !== undefined ? 'window' : base ? 'all' : 'new');
  if (mode === 'all' && !base) throw new UsageError('--mode all needs --base (the rows the champion was trained on)');
  if (mode === 'window' && window === undefined) throw new UsageError('--mode window needs --window');
  if (mode !== 'window' && window !== undefined) throw new UsageError(`--window applies to --mode window, not ${mode}`);
  return mode;
}

export const retrainCommand: Command = {
  name: 'retrain',
  summary: 'retrain a model bundle on new labelled rows; compare champion and challenger',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, VALUE_OPTIONS);
    rejectUnknown(args, [...VALUE_OPTIONS, 'json', 'verbose', 'help']);
    if (args.positionals.length !== 2) throw new UsageError('retrain takes a model bundle and a CSV file of new labelled rows');
    const [modelPath, newPath] = args.positionals;
    const basePath = stringOption(args, 'base');
    const window = numberOption(args, 'window');
    if (window !== undefined && !(Number.isInteger(window) && window >= 2)) throw new UsageError('--window must be a whole number of rows, at least 2');
    const mode = chooseMode(stringOption(args, 'mode'), basePath !== undefined, window);
    const holdoutShare = numberOption(args, 'test-size') ?? DEFAULT_HOLDOUT_SHARE;
    if (!(holdoutShare > 0 && holdoutShare < 1)) throw new UsageError('--test-size must be between 0 and 1');
    const seed = numberOption(args, 'seed');
    if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0)) throw new UsageError('--seed must be a non-negative integer');
    const modelsOption = stringOption(args, 'models');
    const params = parseParams(stringOption(args, 'params'));
    if (modelsOption === undefined && Object.keys(params).length) throw new UsageError('--params applies to --models (without it the champion keeps its own hyperparameters)');
    const candidates = modelsOption !== undefined ? parseModels(modelsOption).map((type) => ({ name: type, type, params: params[type] ?? {} })) : undefined;
    const json = args.options.get('json') === true;
    const verbose = args.options.get('verbose') === true;

    checkBundleSize((await stat(modelPath)).size, basename(modelPath));
    const champion = parseBundle(await readFile(modelPath, 'utf8'));
    const fresh = await readDataset(newPath);
    const base = basePath !== undefined ? await readDataset(basePath) : undefined;
    const newHash = await fileSha256(newPath);
    const baseHash = basePath !== undefined ? await fileSha256(basePath) : undefined;
    if (baseHash !== undefined && baseHash !== champion.bundle.lineage.datasetHash)
      io.err(`note: ${basePath} is not the file the model was trained on (its SHA-256 differs from the bundle's lineage); using it as the old rows anyway`);
    if ([champion.bundle.model.type, ...(candidates ?? []).map((c) => c.type)].some((t) => modelInfo(t).tfjs)) await initTf();

    const r = await runRetrain({
      champion,
      newData: { table: fresh.table, dataset: { hash: newHash, name: basename(newPath), rows: fresh.table.rowCount } },
      ...(base ? { base: { table: base.table, dataset: { hash: baseHash!, name: basename(basePath!), rows: base.table.rowCount } } } : {}),
      mode,
      ...(window !== undefined ? { window } : {}),
      holdoutShare,
      ...(seed !== undefined ? { seed } : {}),
      ...(candidates ? { candidates } : {}),
      onLog: verbose ? (l) => io.err(formatLogLine(l)) : undefined,
    });
    if (!verbose) for (const w of r.warnings) io.err(`warning: ${w}`);

    const out = stringOption(args, 'out');
    if (out !== undefined) await writeFile(out, serializeBundle(r.bundle));
    const best = r.run.leaderboard.find((c) => c.name === r.run.best)!;
    const report: RetrainReport = {
      loupeVersion: LOUPE_VERSION,
      model: modelPath,
      newData: { path: newPath, rows: fresh.table.rowCount, hash: newHash },
      ...(base ? { base: { path: basePath!, rows: base.table.rowCount, hash: baseHash! } } : {}),
      mode: r.mode,
      ...(r.window !== undefined ? { window: r.window } : {}),
      holdoutShare: r.holdoutShare,
      seed: r.seed,
      training: { rows: r.training.dataset.rows, baseRows: r.training.baseRows, newRows: r.training.newRows, datasetHash: r.training.dataset.hash, parents: r.training.parents },
      champion: { name: r.champion.name, type: r.champion.type, ...metricsOf(r.champion) },
      challenger: { name: r.challenger.name, type: r.challenger.type, params: best.params, ...metricsOf(r.challenger) },
      evaluatedRows: r.evaluatedRows,
      skippedRows: r.skippedRows,
      rankedBy: r.rankedBy,
      better: r.better,
      warnings: r.warnings,
      ...(out !== undefined ? { bundle: out } : {}),
    };
    const reportPath = stringOption(args, 'report');
    if (reportPath !== undefined) await writeFile(reportPath, JSON.stringify(report, null, 2) + '\n');

    if (json) io.out(JSON.stringify(report, null, 2));
    else {
      const t = r.training;
      io.out(
        `trained on ${t.dataset.rows.toLocaleString('en-US')} rows (${t.baseRows.toLocaleString('en-US')} old, ${t.newRows.toLocaleString('en-US')} new; mode ${r.mode}${r.window !== undefined ? ` ${r.window}` : ''}); ` +
          `scored on ${r.evaluatedRows.toLocaleString('en-US')} held-out new rows (${Math.round(r.holdoutShare * 100)} %, seed ${r.seed})`,
      );
      const rows = [
        ['', ...(r.champion.classification ? ['ROC AUC', 'log loss', 'accuracy', 'F1'] : ['R²', 'RMSE', 'MAE', 'MAPE %'])],
        ['champion', ...tableRow(r.champion)],
        ['challenger', ...tableRow(r.challenger)],
      ];
      const widths = rows[0].map((_, j) => Math.max(...rows.map((row) => row[j].length)));
      for (const row of rows) io.out(row.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  '));
      const by = isClassificationRanking(r.rankedBy) ? classificationMetric(r.rankedBy).label : r.rankedBy === 'r2' ? 'R²' : 'RMSE (R² is undefined on the held-out rows)';
      io.out(`better by ${by}: ${r.better}${r.better === 'champion' ? ' (keep the current model)' : ''}`);
      if (out !== undefined) io.out(`challenger bundle: ${out}`);
      if (reportPath !== undefined) io.out(`report: ${reportPath}`);
    }
    return 0;
  },
};
