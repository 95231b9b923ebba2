/**
 * `loupe train <file.csv> --target <col> ...`: trains candidate models with the training
 * pipeline, prints the leaderboard, and writes the JSON report and the best model's bundle.
 * The report's shape is a public interface: extend it compatibly, never rename fields.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { serializeBundle } from '../core/bundle/bundle';
import { REFERENCE_SAMPLE_ROWS } from '../core/bundle/reference-sample';
import { intervalSummary, percent, type IntervalSummary } from '../core/conformal/calibration';
import type { IntervalRequest } from '../core/conformal/training';
import { parseCsv, type ParsedDataset } from '../core/data/index';
import { InvalidParamsError } from '../core/errors';
import { CANDIDATE_TYPES, candidateTypesFor } from '../core/models/catalog';
import { createModel, isModelType, modelInfo, modelLabel } from '../core/models/registry';
import type { ModelType } from '../core/models/types';
import { formatLogLine } from '../core/pipeline/log';
import type { EnsembleRequest } from '../core/pipeline/ensemble';
import { runTraining, type CandidateResult, type SplitSpec, type TrainingResult } from '../core/pipeline/train';
import { defaultRecipe, parseRecipe, type Recipe } from '../core/recipe';
import { initTf, tfBackendInfo } from '../core/tf';
import { LOUPE_VERSION } from '../core/version';
import { proposeTarget } from '../core/data/target';
import { numberOption, parseArgs, rejectUnknown, stringOption, UsageError, type ParsedArgs } from './args';
import type { Command, CommandIo } from './command';
import { readJsonFile } from './json-file';
import { fileSha256, openFileSource } from './node-source';

const USAGE = `loupe train <file.csv> --target <col> [options]

Trains the chosen models, prints a leaderboard sorted by R² and picks the best.
  --target <col>       the numeric column to predict (default: one named like a target,
                       such as price or *_price, else the last numeric column)
  --test <file.csv>    score on this file instead of a random split
  --test-size <f>      share of rows held out for testing (default 0.2)
  --folds <k>          k-fold cross-validation instead of a hold-out split
  --seed <n>           seed for the split and the models (default 42)
  --models <list>      comma-separated: ${CANDIDATE_TYPES.join(',')} (default: every regression model)
  --params <json>      hyperparameters per model, e.g. '{"gbdt":{"learningRate":0.05}}'
  --ensemble           with --folds: add an "Ensemble" of the trained models, weighed on
                       their out-of-fold predictions (greedy selection; for ridge stacking
                       --params '{"ensemble":{"method":"stacking"}}')
  --recipe <file>      a Recipe JSON (default: inferred from the schema; id columns dropped)
  --interval <c>       coverage of the prediction intervals calibrated for each model and
                       stored in its bundle (default 0.9)
  --no-intervals       calibrate no prediction intervals (hold-out: saves a second fit)
  --out <model.json>   write the best model's bundle here
  --reference-rows <n> training rows the bundle keeps as its drift reference (a seeded
                       sample with the model's predictions; default 10000, 0 for none)
  --report <file>      write the JSON report here
  --json               print the JSON report on stdout instead of the table
  --verbose            print the pipeline's log lines on stderr`;

const VALUE_OPTIONS = ['target', 'test', 'test-size', 'folds', 'seed', 'models', 'params', 'recipe', 'out', 'report', 'reference-rows', 'interval'];

/** The JSON report (public interface). */
export interface TrainReport {
  loupeVersion: string;
  dataset: { path: string; rows: number; hash: string };
  target: string;
  split: TrainingResult['split'];
  models: Array<{
    name: string;
    label: string;
    status: CandidateResult['status'];
    r2: number | null;
    rmse: number | null;
    mae: number | null;
    mape: number | null;
    medianAe: number | null;
    maxError: number | null;
    fitSeconds: number;
    predictSeconds: number;
    params: Record<string, unknown>;
    iterations?: number;
    error?: string;
    /** An ensemble (--ensemble): the models it blends and their weights. */
    members?: Array<{ name: string; weight: number }>;
    /** Its conformal prediction intervals: coverage asked, and how they did on the test part (k-fold: out of fold). */
    intervals?: IntervalSummary;
  }>;
  best: string;
  /** The metric `best` and the order of `models` follow: 'r2', or 'rmse' where R² is undefined on the test part. */
  rankedBy: TrainingResult['rankedBy'];
  /** What ingestion ('data': ragged rows padded, duplicates, …) and the run ('training') warned about. */
  warnings: ReportWarning[];
  bundle?: string;
  tfBackend?: string;
}

export interface ReportWarning {
  source: 'data' | 'training';
  code: string;
  message: string;
  column?: string;
  /** Rows concerned, where known. */
  count?: number;
}

/** --models: a comma-separated list of model types (every regression model when absent). */
export function parseModels(s: string | undefined): ModelType[] {
  if (s === undefined) return candidateTypesFor('regression');
  const list = s.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
  if (list.length === 0) throw new UsageError('--models needs at least one model');
  for (const m of list) {
    if (m === 'ensemble') throw new UsageError('"ensemble" blends the other models: add --ensemble (with --folds k) instead of listing it in --models');
    if (!isModelType(m)) throw new UsageError(`unknown model "${m}" in --models; choose from ${CANDIDATE_TYPES.join(',')}`);
  }
  return [...new Set(list)] as ModelType[];
}

/** --params, checked against each model's parameter table before anything is read or trained. */
export function parseParams(s: string | undefined): Record<string, Record<string, unknown>> {
  if (s === undefined) return {};
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch {
    throw new UsageError('--params must be JSON, e.g. \'{"gbdt":{"learningRate":0.05}}\'');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UsageError('--params must be a JSON object keyed by model');
  for (const [k, p] of Object.entries(v)) {
    if (!isModelType(k)) throw new UsageError(`--params: unknown model "${k}"`);
    if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new UsageError(`--params: "${k}" must map to an object of hyperparameters`);
    try {
      createModel(k, p as Record<string, unknown>);
    } catch (e) {
      if (e instanceof InvalidParamsError) throw new UsageError(`--params: ${k}: ${e.message}`);
      throw e;
    }
  }
  return v as Record<string, Record<string, unknown>>;
}

/** A CSV file read, typed and profiled. */
export async function readDataset(path: string): Promise<ParsedDataset> {
  const source = await openFileSource(path);
  try {
    return await parseCsv(source);
  } finally {
    await source.close();
  }
}

function chooseTarget(ds: ParsedDataset, given: string | undefined, io: CommandIo): string {
  if (given !== undefined) {
    const s = ds.schema.find((c) => c.name === given);
    if (!s) throw new UsageError(`--target "${given}" is not a column; columns: ${ds.schema.map((c) => c.name).join(', ')}`);
    return given;
  }
  const proposal = proposeTarget(ds.schema);
  if (!proposal) throw new UsageError('no numeric column to predict; pass --target');
  io.err(`note: no --target given; predicting "${proposal.column}" (${proposal.reason})`);
  return proposal.column;
}

function splitFrom(args: ParsedArgs, seed: number, testTable: ParsedDataset | undefined): SplitSpec {
  const testSize = numberOption(args, 'test-size');
  const folds = numberOption(args, 'folds');
  const chosen = [testTable !== undefined, testSize !== undefined, folds !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('choose one of --test, --test-size and --folds');
  if (testTable) return { kind: 'test-table', table: testTable.table, seed };
  if (folds !== undefined) {
    if (!Number.isInteger(folds) || folds < 2) throw new UsageError('--folds must be an integer ≥ 2');
    return { kind: 'kfold', k: folds, seed };
  }
  const ts = testSize ?? 0.2;
  if (!(ts > 0 && ts < 1)) throw new UsageError('--test-size must be between 0 and 1');
  return { kind: 'holdout', testSize: ts, seed };
}

export const fmt = (v: number | undefined, digits: number): string => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));

export function leaderboardTable(rows: CandidateResult[], best: string | undefined): string {
  const head = ['#', 'model', 'R²', 'RMSE', 'MAE', 'MAPE %', 'fit s', 'predict s'];
  const body = rows.map((r, i) => [
    r.status === 'finished' ? String(i + 1) : '-',
    `${r.name}${r.name === best ? ' *' : ''}${r.status !== 'finished' ? ` (${r.status})` : ''}`,
    fmt(r.metrics?.r2, 5),
    fmt(r.metrics?.rmse, 2),
    fmt(r.metrics?.mae, 2),
    fmt(r.metrics ? r.metrics.mape * 100 : undefined, 2),
    r.status === 'finished' ? r.fitSeconds.toFixed(3) : '—',
    r.status === 'finished' ? r.predictSeconds.toFixed(4) : '—',
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((b) => b[j].length)));
  const line = (cells: string[]): string => cells.map((c, j) => (j === 1 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train models on a CSV, print the leaderboard, write the report and the best model',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, VALUE_OPTIONS);
    rejectUnknown(args, [...VALUE_OPTIONS, 'json', 'verbose', 'no-intervals', 'ensemble', 'help']);
    if (args.positionals.length !== 1) throw new UsageError('train takes exactly one CSV file');
    const file = args.positionals[0];
    const seed = numberOption(args, 'seed') ?? 42;
    if (!Number.isInteger(seed) || seed < 0) throw new UsageError('--seed must be a non-negative integer');
    const referenceRows = numberOption(args, 'reference-rows') ?? REFERENCE_SAMPLE_ROWS;
    if (!Number.isInteger(referenceRows) || referenceRows < 0) throw new UsageError('--reference-rows must be a whole number of at least 0');
    const models = parseModels(stringOption(args, 'models'));
    const params = parseParams(stringOption(args, 'params'));
    const ensemble = args.options.get('ensemble');
    if (ensemble !== undefined && ensemble !== true) throw new UsageError('--ensemble takes no value; choose its method with --params \'{"ensemble":{"method":"stacking"}}\'');
    if (ensemble && numberOption(args, 'folds') === undefined) throw new UsageError('--ensemble needs --folds k: an ensemble is weighed on its members’ out-of-fold predictions');
    if (params.ensemble && !ensemble) throw new UsageError('--params sets "ensemble" but --ensemble is not given');
    const json = args.options.get('json') === true;
    const verbose = args.options.get('verbose') === true;

    const { ds, target, recipe, split, dataWarnings, hash } = await trainingInputs(args, file, seed, models, io);
    const out = stringOption(args, 'out');
    const intervals = intervalOptions(args);
    const result = await runTraining({
      table: ds.table,
      recipe,
      split,
      dataset: { hash, name: file.split(/[\\/]/).pop(), rows: ds.table.rowCount },
      modelSeed: seed,
      intervals,
      bundles: out !== undefined ? 'best' : 'none',
      referenceSampleRows: referenceRows,
      candidates: models.map((type) => ({ name: type, type, params: params[type] ?? {} })),
      ...(ensemble ? { ensemble: (params.ensemble ?? {}) as EnsembleRequest } : {}),
      onLog: verbose ? (l) => io.err(formatLogLine(l)) : undefined,
      onCandidateDone: json
        ? undefined
        : (r) =>
            io.err(
              r.status === 'finished'
                ? `  ${r.name.padEnd(10)} R² ${fmt(r.metrics?.r2, 5)}  RMSE ${fmt(r.metrics?.rmse, 2)}  (${r.fitSeconds.toFixed(2)} s)`
                : `  ${r.name.padEnd(10)} ${r.status}: ${r.error?.message ?? ''}`,
            ),
    });
    if (!verbose) for (const w of result.warnings) io.err(`warning: ${w.message}`);
    const best = result.leaderboard.find((r) => r.name === result.best)!;

    let bundlePath: string | undefined;
    if (out !== undefined) {
      await writeFile(out, serializeBundle(best.bundle!));
      bundlePath = out;
    }

    const report = trainReport({ file, rows: ds.table.rowCount, hash, target, result, best, dataWarnings, bundlePath });
    const reportPath = stringOption(args, 'report');
    if (reportPath !== undefined) await writeFile(reportPath, JSON.stringify(report, null, 2) + '\n');

    if (json) io.out(JSON.stringify(report, null, 2));
    else {
      const s = result.split;
      io.out(
        `${file}: ${ds.table.rowCount.toLocaleString('en-US')} rows → ${s.kind === 'kfold' ? `${s.k}-fold cross-validation` : `${s.trainRows.toLocaleString('en-US')} train / ${s.testRows.toLocaleString('en-US')} test`} (seed ${seed}); target "${target}"`,
      );
      io.out(leaderboardTable(result.leaderboard, result.best));
      io.out(
        `best${result.rankedBy === 'rmse' ? ' by RMSE (R² is undefined on the test part)' : ''}: ${best.name} (${modelLabel(best.type)}), R² ${fmt(best.metrics?.r2, 5)}, RMSE ${fmt(best.metrics?.rmse, 2)}`,
      );
      const blend = result.leaderboard.find((r) => r.type === 'ensemble' && r.status === 'finished');
      if (blend?.members)
        io.out(`${blend.name.toLowerCase()}: ${blend.members.map((m) => `${m.name} ${m.weight.toFixed(3)}`).join(', ')} (its score: each fold predicted with weights chosen on the other folds)`);
      const iv = best.intervals?.evaluation;
      if (iv)
        io.out(
          `intervals: ${percent(iv.coverage)} conformal${best.intervals!.scale ? ', normalised' : ''}; on the ${iv.kind === 'test' ? 'test rows' : 'rows out of fold'} they covered ${percent(iv.empiricalCoverage)}, mean width ${fmt(iv.meanWidth, 2)}`,
        );
      if (bundlePath) io.out(`model bundle: ${bundlePath}`);
      if (reportPath) io.out(`report: ${reportPath}`);
    }
    return 0;
  },
};

/** The inputs `train` and `search` share: the dataset (and test file), the target, the recipe, the split. */
export async function trainingInputs(args: ParsedArgs, file: string, seed: number, models: ModelType[], io: CommandIo) {
  const ds = await readDataset(file);
  const testPath = stringOption(args, 'test');
  const testDs = testPath !== undefined ? await readDataset(testPath) : undefined;
  const target = chooseTarget(ds, stringOption(args, 'target'), io);
  const recipePath = stringOption(args, 'recipe');
  const recipe: Recipe = recipePath !== undefined ? parseRecipe(await readJsonFile(recipePath, 'recipe')) : defaultRecipe(ds.schema, target, ds.table);
  if (recipe.target !== target) throw new UsageError(`the recipe predicts "${recipe.target}" but --target is "${target}"`);
  const split = splitFrom(args, seed, testDs);
  if (models.some((m) => modelInfo(m).tfjs)) await initTf();
  const dataWarnings = [...ds.warnings, ...(testDs ? testDs.warnings.map((w) => ({ ...w, message: `${testPath}: ${w.message}` })) : [])];
  for (const w of dataWarnings) io.err(`warning: ${w.message}`);

  const hash = await fileSha256(file);
  return { ds, testDs, target, recipe, split, dataWarnings, hash };
}

/** Train's JSON report of a run (public interface); `search` extends it. */
export function trainReport(r: {
  file: string;
  rows: number;
  hash: string;
  target: string;
  result: TrainingResult;
  best: CandidateResult;
  dataWarnings: ParsedDataset['warnings'];
  bundlePath?: string;
}): TrainReport {
  const { file, rows, hash, target, result, best, dataWarnings, bundlePath } = r;
  return {
    loupeVersion: LOUPE_VERSION,
    dataset: { path: file, rows, hash },
    target,
    split: result.split,
    models: result.leaderboard.map((r) => ({
      name: r.name,
      label: modelLabel(r.type),
      status: r.status,
      r2: r.metrics?.r2 ?? null,
      rmse: r.metrics?.rmse ?? null,
      mae: r.metrics?.mae ?? null,
      mape: r.metrics?.mape ?? null,
      medianAe: r.metrics?.medianAe ?? null,
      maxError: r.metrics?.maxError ?? null,
      fitSeconds: r.fitSeconds,
      predictSeconds: r.predictSeconds,
      params: r.params,
      ...(r.history.train.length || r.history.validation.length ? { iterations: Math.max(r.history.train.length, r.history.validation.length) } : {}),
      ...(r.error ? { error: r.error.message } : {}),
      ...(r.members ? { members: r.members.map((m) => ({ name: m.name, weight: m.weight })) } : {}),
      ...(r.intervals ? { intervals: intervalSummary(r.intervals) } : {}),
    })),
    best: best.name,
    rankedBy: result.rankedBy,
    warnings: [
      ...dataWarnings.map((w): ReportWarning => ({ source: 'data', code: w.kind, message: w.message, ...(w.column ? { column: w.column } : {}), ...(w.count !== undefined ? { count: w.count } : {}) })),
      ...result.warnings.map((w): ReportWarning => ({ source: 'training', code: w.code, message: w.message, ...(w.column ? { column: w.column } : {}), ...(w.rows !== undefined ? { count: w.rows } : {}) })),
    ],
    ...(bundlePath ? { bundle: bundlePath } : {}),
    ...(tfBackendInfo() ? { tfBackend: tfBackendInfo()!.backend } : {}),
  };
}

/** `--interval <c>` (coverage of the intervals to calibrate) or `--no-intervals`. */
export function intervalOptions(args: ParsedArgs): IntervalRequest | false {
  const off = args.options.get('no-intervals');
  if (off !== undefined && off !== true) throw new UsageError('--no-intervals takes no value');
  const coverage = numberOption(args, 'interval');
  if (off === true) {
    if (coverage !== undefined) throw new UsageError('--interval and --no-intervals contradict each other');
    return false;
  }
  if (coverage !== undefined && !(coverage > 0 && coverage < 1)) throw new UsageError(`--interval takes a coverage between 0 and 1 (0.9 for 90 %), got ${coverage}`);
  return coverage !== undefined ? { coverage } : {};
}
