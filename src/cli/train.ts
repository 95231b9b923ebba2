/**
 * `loupe train <file.csv> --target <col> ...`: trains candidate models with the training
 * pipeline, prints the leaderboard, and writes the JSON report and the best model's bundle.
 * The report's shape is a public interface: extend it compatibly, never rename fields.
 *
 * Classification (`--task`, or inferred from the target): classifiers only (`--models` takes
 * the regression names too: gbdt → gbdt-classifier), ranked by `--metric` (default roc_auc),
 * each model's report entry adding accuracy, balancedAccuracy, f1, rocAuc and logLoss (its
 * regression fields null), and the report adding task, classes and the binary threshold.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { serializeBundle } from '../core/bundle/bundle';
import { REFERENCE_SAMPLE_ROWS } from '../core/bundle/reference-sample';
import { intervalSummary, percent, type IntervalSummary } from '../core/conformal/calibration';
import { SET_SCORES, setSummary, type SetScore, type SetSummary } from '../core/conformal/sets';
import type { IntervalRequest } from '../core/conformal/training';
import { parseCsv, type ParsedDataset } from '../core/data/index';
import { InvalidParamsError } from '../core/errors';
import { CANDIDATE_TYPES, candidateTypesFor } from '../core/models/catalog';
import { createModel, isModelType, modelInfo, modelLabel } from '../core/models/registry';
import type { ModelType, Task } from '../core/models/types';
import { CALIBRATION_CHOICES, type CalibrationChoice } from '../core/models/calibration-model';
import { CLASSIFICATION_METRICS, classificationMetric, type ClassificationMetricName } from '../core/metrics/classification-ranking';
import { resolveTask, type TaskChoice } from '../core/data/task';
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

Trains the chosen models, prints a leaderboard sorted by R² (classification: by --metric) and
picks the best.
  --target <col>       the column to predict (default: one named like a target, such as
                       price, *_price or Churn, else the last numeric column)
  --task <t>           auto (default: labels, or a few whole numbers each common, are classes;
                       other numbers regression), regression or classification
  --metric <m>         classification: rank by ${CLASSIFICATION_METRICS.map((m) => m.name).join(', ')}
                       (default roc_auc)
  --threshold <p>      binary classification: predict the positive class (the second in
                       sorted order, e.g. "Yes") where its probability ≥ p (default 0.5); used
                       by accuracy, F1, … and stored in the bundle
  --calibration <m>    classification: calibrate each model's probabilities, none (default),
                       platt (a sigmoid) or isotonic, fitted on a stratified 20 % of its
                       training rows held out of the model's fit; metrics are then of the
                       calibrated probabilities, and the bundle predicts with them
  --test <file.csv>    score on this file instead of a random split
  --test-size <f>      share of rows held out for testing (default 0.2)
  --folds <k>          k-fold cross-validation instead of a hold-out split
  --seed <n>           seed for the split and the models (default 42)
  --models <list>      comma-separated: ${CANDIDATE_TYPES.join(',')} (default: every model of the
                       task; for classification linear, knn, tree, forest, gbdt, mlp name
                       their classifiers)
  --params <json>      hyperparameters per model, e.g. '{"gbdt":{"learningRate":0.05}}'
  --ensemble           with --folds: add an "Ensemble" of the trained models, weighed on
                       their out-of-fold predictions (greedy selection; for ridge stacking
                       --params '{"ensemble":{"method":"stacking"}}')
  --recipe <file>      a Recipe JSON (default: inferred from the schema; id columns dropped)
  --interval <c>       coverage of the prediction intervals calibrated for each model and
                       stored in its bundle (default 0.9); a classifier's: of its conformal
                       prediction sets (classes whose probability is high enough)
  --set-score <s>      classification: the prediction sets' score, lac (default: 1 − p of
                       the class; the smallest sets, empty where no class is probable
                       enough) or aps (the probability mass down to the class; never empty)
  --no-intervals       calibrate no prediction intervals (hold-out: saves a second fit)
  --out <model.json>   write the best model's bundle here
  --reference-rows <n> training rows the bundle keeps as its drift reference (a seeded
                       sample with the model's predictions; default 10000, 0 for none)
  --report <file>      write the JSON report here
  --json               print the JSON report on stdout instead of the table
  --verbose            print the pipeline's log lines on stderr`;

const VALUE_OPTIONS = ['target', 'test', 'test-size', 'folds', 'seed', 'models', 'params', 'recipe', 'out', 'report', 'reference-rows', 'interval', 'task', 'metric', 'threshold', 'calibration', 'set-score'];

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
    /** A classifier's conformal prediction sets: coverage asked, and their coverage and mean size on the test part (k-fold: out of fold). */
    predictionSets?: SetSummary;
    /** Classification (null for a model that did not finish): test metrics, k-fold the mean over folds. */
    accuracy?: number | null;
    balancedAccuracy?: number | null;
    /** Binary: of the positive class; multiclass: macro. */
    f1?: number | null;
    /** Binary, or one-vs-rest macro; null where undefined (a class absent from the test part). */
    rocAuc?: number | null;
    logLoss?: number | null;
    /** Classification: the Brier score (the mean over rows of Σ_k (1[y = k] − p_k)²). */
    brier?: number | null;
  }>;
  best: string;
  /**
   * The metric `best` and the order of `models` follow: 'r2', or 'rmse' where R² is undefined on
   * the test part; classification: the --metric name (default 'roc_auc').
   */
  rankedBy: TrainingResult['rankedBy'];
  /** 'regression' or 'classification' (added with classification; absent in older reports = regression). */
  task?: Task;
  /** Classification: the class labels, code 0 first (binary: the second is the positive class). */
  classes?: string[];
  /** Binary classification: the decision threshold on the positive class's probability. */
  threshold?: number;
  /** Classification: the probability calibration of every model: 'none', 'platt' or 'isotonic'. */
  calibration?: CalibrationChoice;
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

/** The regression models' names that name a classifier of the same kind for a classification task. */
const CLASSIFIER_OF: Readonly<Record<string, string>> = {
  linear: 'logistic',
  knn: 'knn-classifier',
  tree: 'tree-classifier',
  forest: 'forest-classifier',
  gbdt: 'gbdt-classifier',
  mlp: 'mlp-classifier',
};

/**
 * A name given in --models or --params as the model type of `task`: the type itself, or for a
 * classification task the classifier a regression name stands for (gbdt → gbdt-classifier);
 * undefined when there is none.
 */
export function modelFor(name: string, task: Task): ModelType | undefined {
  if (isModelType(name) && modelInfo(name).tasks.includes(task)) return name;
  const mapped = task === 'classification' ? CLASSIFIER_OF[name] : Object.keys(CLASSIFIER_OF).find((k) => CLASSIFIER_OF[k] === name);
  return mapped !== undefined && isModelType(mapped) && modelInfo(mapped).tasks.includes(task) ? mapped : undefined;
}

/** --models' names checked before the data is read (which task they stand for is known once the target is); returns the option. */
export function checkModelNames(s: string | undefined): string | undefined {
  for (const m of (s ?? '').split(',').map((x) => x.trim().toLowerCase()).filter(Boolean))
    if (!isModelType(m) && CLASSIFIER_OF[m] === undefined) throw new UsageError(`unknown model "${m}" in --models; choose from ${CANDIDATE_TYPES.join(',')}`);
  return s;
}

/** --models: a comma-separated list of models of `task` (every one of the task when absent). */
export function parseModels(s: string | undefined, task: Task = 'regression'): ModelType[] {
  if (s === undefined) return candidateTypesFor(task);
  const list = s.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
  if (list.length === 0) throw new UsageError('--models needs at least one model');
  const out = list.map((m) => {
    if (m === 'ensemble') throw new UsageError('"ensemble" blends the other models: add --ensemble (with --folds k) instead of listing it in --models');
    const t = modelFor(m, task);
    if (t) return t;
    if (isModelType(m) || CLASSIFIER_OF[m] !== undefined)
      throw new UsageError(`"${m}" in --models is not a ${task} model; choose from ${candidateTypesFor(task).join(',')}`);
    throw new UsageError(`unknown model "${m}" in --models; choose from ${CANDIDATE_TYPES.join(',')}`);
  });
  return [...new Set(out)];
}

/**
 * --params, checked against each model's parameter table before anything is trained: keys are
 * the names --models takes (a regression name stands for its classifier in a classification task).
 */
export function parseParams(s: string | undefined, task: Task = 'regression'): Record<string, Record<string, unknown>> {
  if (s === undefined) return {};
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch {
    throw new UsageError('--params must be JSON, e.g. \'{"gbdt":{"learningRate":0.05}}\'');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new UsageError('--params must be a JSON object keyed by model');
  const out: Record<string, Record<string, unknown>> = {};
  for (const [k, p] of Object.entries(v)) {
    if (!isModelType(k) && CLASSIFIER_OF[k] === undefined) throw new UsageError(`--params: unknown model "${k}"`);
    if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new UsageError(`--params: "${k}" must map to an object of hyperparameters`);
    // A model of the other task is checked against its own table (it will not be trained).
    const type = modelFor(k, task) ?? (isModelType(k) ? k : undefined);
    if (type === undefined) throw new UsageError(`--params: "${k}" names no ${task} model`);
    try {
      createModel(type, p as Record<string, unknown>);
    } catch (e) {
      if (e instanceof InvalidParamsError) throw new UsageError(`--params: ${k}: ${e.message}`);
      throw e;
    }
    out[type] = p as Record<string, unknown>;
  }
  return out;
}

/** --task: auto (default), regression or classification. */
export function parseTask(s: string | undefined): TaskChoice | undefined {
  if (s === undefined) return undefined;
  if (s !== 'auto' && s !== 'regression' && s !== 'classification') throw new UsageError(`--task takes auto, regression or classification, got "${s}"`);
  return s;
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
  if (!proposal) throw new UsageError('no column to predict (none named like a target, and no numeric column); pass --target');
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
  return formatTable(head, body);
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
    const taskOption = parseTask(stringOption(args, 'task'));
    const metricOption = stringOption(args, 'metric');
    let metric: ClassificationMetricName | undefined;
    try {
      if (metricOption !== undefined) metric = classificationMetric(metricOption).name;
    } catch (e) {
      if (e instanceof InvalidParamsError) throw new UsageError(`--metric: ${e.message}`);
      throw e;
    }
    const threshold = numberOption(args, 'threshold');
    if (threshold !== undefined && !(threshold >= 0 && threshold <= 1)) throw new UsageError(`--threshold takes a probability between 0 and 1, got ${threshold}`);
    const setScore = stringOption(args, 'set-score');
    if (setScore !== undefined && !(SET_SCORES as readonly string[]).includes(setScore)) throw new UsageError(`--set-score takes ${SET_SCORES.join(' or ')}, got "${setScore}"`);
    const calibration = stringOption(args, 'calibration');
    if (calibration !== undefined && !(CALIBRATION_CHOICES as readonly string[]).includes(calibration))
      throw new UsageError(`--calibration takes ${CALIBRATION_CHOICES.join(', ')}, got "${calibration}"`);
    const modelsOption = checkModelNames(stringOption(args, 'models'));
    const paramsOption = stringOption(args, 'params');
    const ensemble = args.options.get('ensemble');
    if (ensemble !== undefined && ensemble !== true) throw new UsageError('--ensemble takes no value; choose its method with --params \'{"ensemble":{"method":"stacking"}}\'');
    if (ensemble && numberOption(args, 'folds') === undefined) throw new UsageError('--ensemble needs --folds k: an ensemble is weighed on its members’ out-of-fold predictions');
    const json = args.options.get('json') === true;
    const verbose = args.options.get('verbose') === true;

    const inputs = await trainingInputs(args, file, seed, (task) => parseModels(modelsOption, task), io, { task: taskOption, quiet: json });
    const { ds, target, recipe, split, dataWarnings, hash, task, models } = inputs;
    if (task === 'regression' && (metric !== undefined || threshold !== undefined || calibration !== undefined || setScore !== undefined))
      throw new UsageError(`--${metric !== undefined ? 'metric' : threshold !== undefined ? 'threshold' : calibration !== undefined ? 'calibration' : 'set-score'} is for classification; "${target}" is a regression target (--task classification to treat it as classes)`);
    const params = parseParams(paramsOption, task);
    if (params.ensemble && !ensemble) throw new UsageError('--params sets "ensemble" but --ensemble is not given');
    if (ensemble && task === 'classification') throw new UsageError(`--ensemble blends regression models; "${target}" is a classification target`);
    const out = stringOption(args, 'out');
    const asked = intervalOptions(args);
    if (setScore !== undefined && asked === false) throw new UsageError('--set-score and --no-intervals contradict each other');
    const intervals = asked && setScore !== undefined ? { ...asked, setScore: setScore as SetScore } : asked;
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
      ...(metric !== undefined ? { metric } : {}),
      ...(threshold !== undefined ? { threshold } : {}),
      ...(calibration !== undefined ? { calibration: calibration as CalibrationChoice } : {}),
      onLog: verbose ? (l) => io.err(formatLogLine(l)) : undefined,
      onCandidateDone: json
        ? undefined
        : (r) =>
            io.err(
              r.status !== 'finished'
                ? `  ${r.name.padEnd(10)} ${r.status}: ${r.error?.message ?? ''}`
                : r.classification
                  ? `  ${r.name.padEnd(16)} ROC AUC ${fmt(r.classification.rocAuc, 4)}  log loss ${fmt(r.classification.logLoss, 4)}  accuracy ${fmt(r.classification.accuracy, 4)}  (${r.fitSeconds.toFixed(2)} s)`
                  : `  ${r.name.padEnd(10)} R² ${fmt(r.metrics?.r2, 5)}  RMSE ${fmt(r.metrics?.rmse, 2)}  (${r.fitSeconds.toFixed(2)} s)`,
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
      if (best.classification) {
        const by = classificationMetric(result.rankedBy).label;
        io.out(classificationTable(result.leaderboard, result.best));
        io.out(
          `best by ${by}: ${best.name} (${modelLabel(best.type)}), ROC AUC ${fmt(best.classification.rocAuc, 4)}, log loss ${fmt(best.classification.logLoss, 4)}, accuracy ${fmt(best.classification.accuracy, 4)}` +
            (result.threshold !== undefined ? ` at threshold ${result.threshold} for ${JSON.stringify(result.classes![1])}` : ''),
        );
        if (result.calibration && result.calibration !== 'none')
          io.out(`probabilities calibrated (${result.calibration === 'platt' ? 'Platt' : 'isotonic'}) on a stratified 20 % of each model's training rows; Brier score ${fmt(best.classification.brier, 4)}`);
      } else {
        io.out(leaderboardTable(result.leaderboard, result.best));
        io.out(
          `best${result.rankedBy === 'rmse' ? ' by RMSE (R² is undefined on the test part)' : ''}: ${best.name} (${modelLabel(best.type)}), R² ${fmt(best.metrics?.r2, 5)}, RMSE ${fmt(best.metrics?.rmse, 2)}`,
        );
      }
      const blend = result.leaderboard.find((r) => r.type === 'ensemble' && r.status === 'finished');
      if (blend?.members)
        io.out(`${blend.name.toLowerCase()}: ${blend.members.map((m) => `${m.name} ${m.weight.toFixed(3)}`).join(', ')} (its score: each fold predicted with weights chosen on the other folds)`);
      const iv = best.intervals?.evaluation;
      if (iv)
        io.out(
          `intervals: ${percent(iv.coverage)} conformal${best.intervals!.scale ? ', normalised' : ''}; on the ${iv.kind === 'test' ? 'test rows' : 'rows out of fold'} they covered ${percent(iv.empiricalCoverage)}, mean width ${fmt(iv.meanWidth, 2)}`,
        );
      const ps = best.predictionSets?.evaluation;
      if (ps)
        io.out(
          `prediction sets: ${percent(ps.coverage)} conformal (${best.predictionSets!.score.toUpperCase()}); on the ${ps.kind === 'test' ? 'test rows' : 'rows out of fold'} they held the true class for ${percent(ps.empiricalCoverage)}, mean size ${fmt(ps.meanSetSize, 3)}`,
        );
      if (bundlePath) io.out(`model bundle: ${bundlePath}`);
      if (reportPath) io.out(`report: ${reportPath}`);
    }
    return 0;
  },
};

/**
 * The inputs `train` and `search` share: the dataset (and test file), the target, the recipe
 * (with `options.task` applied), the task it resolves to (said on stderr unless `quiet`), the
 * models (a list, or chosen for the task), the split.
 */
export async function trainingInputs(
  args: ParsedArgs,
  file: string,
  seed: number,
  modelsFor: ModelType[] | ((task: Task) => ModelType[]),
  io: CommandIo,
  options: { task?: TaskChoice; quiet?: boolean } = {},
) {
  const ds = await readDataset(file);
  const testPath = stringOption(args, 'test');
  const testDs = testPath !== undefined ? await readDataset(testPath) : undefined;
  const target = chooseTarget(ds, stringOption(args, 'target'), io);
  const recipePath = stringOption(args, 'recipe');
  const given: Recipe = recipePath !== undefined ? parseRecipe(await readJsonFile(recipePath, 'recipe')) : defaultRecipe(ds.schema, target, ds.table);
  if (given.target !== target) throw new UsageError(`the recipe predicts "${given.target}" but --target is "${target}"`);
  const recipe: Recipe = options.task !== undefined ? { ...given, task: options.task } : given;
  const resolved = taskOf(recipe, ds, target);
  // A task given on the command line was chosen by --task, not in a recipe file.
  const reason = options.task === 'regression' || options.task === 'classification' ? `--task ${options.task}` : resolved.reason;
  if (!options.quiet) io.err(`task: ${resolved.task} (${reason})`);
  const task = resolved.task;
  const models = typeof modelsFor === 'function' ? modelsFor(task) : modelsFor;
  const split = splitFrom(args, seed, testDs);
  if (models.some((m) => modelInfo(m).tfjs)) await initTf();
  const dataWarnings = [...ds.warnings, ...(testDs ? testDs.warnings.map((w) => ({ ...w, message: `${testPath}: ${w.message}` })) : [])];
  for (const w of dataWarnings) io.err(`warning: ${w.message}`);

  const hash = await fileSha256(file);
  return { ds, testDs, target, recipe, split, dataWarnings, hash, task, models };
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
      ...(r.predictionSets ? { predictionSets: setSummary(r.predictionSets) } : {}),
      ...(result.task === 'classification'
        ? {
            accuracy: finiteOrNull(r.classification?.accuracy),
            balancedAccuracy: finiteOrNull(r.classification?.balancedAccuracy),
            f1: finiteOrNull(r.classification?.f1),
            rocAuc: finiteOrNull(r.classification?.rocAuc),
            logLoss: finiteOrNull(r.classification?.logLoss),
            brier: finiteOrNull(r.classification?.brier),
          }
        : {}),
    })),
    best: best.name,
    rankedBy: result.rankedBy,
    ...(result.task === 'classification'
      ? { task: result.task, classes: result.classes, ...(result.threshold !== undefined ? { threshold: result.threshold } : {}), calibration: result.calibration ?? 'none' }
      : {}),
    warnings: [
      ...dataWarnings.map((w): ReportWarning => ({ source: 'data', code: w.kind, message: w.message, ...(w.column ? { column: w.column } : {}), ...(w.count !== undefined ? { count: w.count } : {}) })),
      ...result.warnings.map((w): ReportWarning => ({ source: 'training', code: w.code, message: w.message, ...(w.column ? { column: w.column } : {}), ...(w.rows !== undefined ? { count: w.rows } : {}) })),
    ],
    ...(bundlePath ? { bundle: bundlePath } : {}),
    ...(tfBackendInfo() ? { tfBackend: tfBackendInfo()!.backend } : {}),
  };
}

/** A metric for the JSON report: null where undefined (JSON has no NaN). */
function finiteOrNull(v: number | undefined): number | null {
  return v !== undefined && Number.isFinite(v) ? v : null;
}

/** The task the run will train for: the recipe's, resolved on the target column (a typed error becomes a usage error naming it). */
function taskOf(recipe: Recipe, ds: ParsedDataset, target: string): { task: Task; reason: string } {
  const col = ds.table.columns.find((c) => c.name === target)!;
  try {
    return resolveTask(recipe.task, col);
  } catch (e) {
    if (e instanceof Error && 'code' in e) throw new UsageError(e.message);
    throw e;
  }
}

/** The leaderboard of a classification run. */
export function classificationTable(rows: CandidateResult[], best: string | undefined): string {
  const head = ['#', 'model', 'ROC AUC', 'log loss', 'accuracy', 'bal. acc.', 'F1', 'fit s', 'predict s'];
  const body = rows.map((r, i) => {
    const m = r.classification;
    return [
      r.status === 'finished' ? String(i + 1) : '-',
      `${r.name}${r.name === best ? ' *' : ''}${r.status !== 'finished' ? ` (${r.status})` : ''}`,
      fmt(m?.rocAuc, 4),
      fmt(m?.logLoss, 4),
      fmt(m?.accuracy, 4),
      fmt(m?.balancedAccuracy, 4),
      fmt(m?.f1, 4),
      r.status === 'finished' ? r.fitSeconds.toFixed(3) : '—',
      r.status === 'finished' ? r.predictSeconds.toFixed(4) : '—',
    ];
  });
  return formatTable(head, body);
}

function formatTable(head: string[], body: string[][]): string {
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((b) => b[j].length)));
  const line = (cells: string[]): string => cells.map((c, j) => (j === 1 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}


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
