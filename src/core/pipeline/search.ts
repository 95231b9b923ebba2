/**
 * Time-budgeted model search (issue 13 §1): Hyperband over the chosen model families, each
 * configuration scored by k-fold cross-validation on the training rows, then the best refitted
 * on every training row and scored on the test part by the training run itself.
 *
 * request →
 *   1. the run's own preparation (train.ts `prepareRun`: cleaning, split, recipe) and k folds of
 *      the training rows, each with its own recipe (train.ts `foldParts`) — done once;
 *   2. first, every family's defaults on all the rows (a strong baseline, and a best so far
 *      after the first trials even under a tiny budget), then its starting points (the
 *      catalog's `searchStarts`: strong configurations unlike the defaults);
 *   3. then, as soon as the last of those has started, Hyperband brackets, most aggressive
 *      first, repeated with fresh configurations until the budget is spent: a bracket draws n
 *      configurations (seeded, from the parameter tables' search spaces, families in turn) and
 *      runs successive halving on them — each rung keeps the best 1/η by cross-validated score
 *      (RMSE; a classification's log loss, on stratified folds) and gives them η times the resource;
 *   4. the best trial on the full resource is refitted by `runTraining` (same split, recipe,
 *      intervals and bundle as `train`) and scored on the test part — a model whose CV fits
 *      stopped early trains as many steps as they ran, on every row (`refitParams`); with a
 *      `refit` hook its fits (every row; the proper part for hold-out intervals) are made in
 *      the trial workers, side by side, as an ensemble's members' are (search-ensemble.ts).
 *
 * The resource is the share of each fold's training rows a fit sees (a seeded subsample, the
 * same for every configuration of a rung, so rungs compare like with like); predictions are
 * always made for the fold's whole held-out part. Rows suit every family (iterations, trees or
 * epochs would not apply to linear models, k-NN or a single tree) and cost falls with them for
 * all of them. Every trial keeps its out-of-fold predictions of every training row (`oof`,
 * aligned to `SearchResult.actual`), so an ensemble can be built over them.
 *
 * The budget is wall-clock seconds over steps 2–3 (the refit of step 4 comes after it): checked
 * before each trial starts, and inside trials through an AbortSignal that fires at the deadline
 * (a trial cut short is recorded as cancelled and not scored). `maxTrials` bounds the search in
 * trials instead, for results that do not depend on the machine's speed. Cancelling through
 * `signal` stops the search the same way and keeps the best so far.
 */
import { checkpoint, throwIfAborted } from '../abort';
import { takeMatrixRows, takeValues } from '../conformal/rows';
import { kFold, stratifiedKFold } from '../data/split';
import { targetIsPositive } from '../data/target';
import { CancelledError, LoupeError, PipelineError, isCancelled } from '../errors';
import { regressionMetrics, rmse } from '../metrics';
import { MODEL_CATALOG, modelLabel } from '../models/catalog';
import { createModel, modelFromJSON } from '../models/registry';
import type { Classifier, ModelType, SerializedModel } from '../models/types';
import { classificationMetrics } from '../metrics/classification';
import type { TreeSharing } from '../models/forest/tree-share';
import { permutation, Rng } from '../random';
import type { Recipe } from '../recipe';
import type { Table } from '../data/types';
import { calibrationPart, type IntervalRequest } from '../conformal/training';
import { Logger, type LogSink } from './log';
import { DEFAULT_SEARCH_BUDGET, DEFAULT_SEARCH_FOLDS, formatCvScore, refitParams, searchMetricOf, searchTrials, type SearchMetric, type BestPoint, type SearchProgress, type SearchStop, type Trial, type TrialOutcome, type TrialRunner, type TrialSpec } from './search-schedule';
import { foldParts, holdOutCalibrationCoverage, prepareRun, runTraining, wrongTaskError, type CandidateResult, type FitsElsewhere, type PrefittedModel, type DatasetRef, type FoldData, type PreparedRun, type RunWarning, type SplitSpec, type TrainingResult } from './train';

export * from './search-schedule';

export interface SearchRequest {
  table: Table;
  recipe: Recipe;
  /** The outer split: the best is scored on its test part (k-fold: out of fold, as `train` does). */
  split: SplitSpec;
  dataset: DatasetRef;
  /** Families searched, in the order their configurations are drawn. */
  models: ModelType[];
  /** Seed of the folds, of every draw and of every seeded model. */
  seed: number;
  /** Folds of the cross-validation on the training rows (default 5; a k-fold split's k wins). */
  folds?: number;
  /** Wall-clock budget in seconds (default 60). */
  budgetSeconds?: number;
  /** Stop after this many trials (started), whatever the time. */
  maxTrials?: number;
  /** Stops the search; the best so far is kept and refitted. */
  signal?: AbortSignalLike;
  /** Stops the final refit (the search's own `signal` does not). */
  refitSignal?: AbortSignalLike;
  /** Runs the trials (default: in this thread, one at a time, over `searchData`). */
  runner?: (data: SearchData) => TrialRunner;
  /**
   * Makes the refit's fits elsewhere (the trial workers, idle once the trials end): the best on
   * every training row and, for hold-out intervals, on the proper part, side by side. A fit it
   * cannot make (undefined) is made in this thread. Without it, both are made here, in turn.
   */
  refit?: RefitHook;
  /** Prediction intervals of the refitted best (as `train`; default 90 %). */
  intervals?: IntervalRequest | false;
  referenceSampleRows?: number;
  shareTrees?: TreeSharing;
  onTrialStart?: (t: TrialSpec) => void;
  onTrial?: (t: Trial) => void;
  onProgress?: (p: SearchProgress) => void;
  onLog?: LogSink;
}

export interface SearchResult {
  /** Every trial, in the order started (cancelled ones included, unscored). */
  trials: Trial[];
  /** The best finished trial on the full resource. */
  best: Trial;
  /** The best full-resource CV score each time it improved. */
  curve: BestPoint[];
  /** What the trials' `cvScore` measures: RMSE (regression) or log loss (classification). */
  metric: SearchMetric;
  /** The training rows' targets (target units; a classification's class codes): what every trial's `oof` predicts. */
  actual: Float64Array;
  /** The fold (0..k−1) that holds each training row out. */
  foldOf: Uint32Array;
  folds: number;
  stoppedBy: SearchStop;
  /** Seconds the search took (without the refit). */
  seconds: number;
  budgetSeconds: number;
  /** The training run that refitted the best: its split, recipe, warnings and one candidate. */
  run: TrainingResult;
  /** The refitted best: test metrics and its bundle. */
  candidate: CandidateResult;
  /** The refit's fits that `refit` made (an ensemble of the trials takes them, not fitting the best again). */
  bestFits?: FitsElsewhere;
  warnings: RunWarning[];
}

/** The rows every trial is scored on: the training rows' folds, prepared once. */
export interface SearchData {
  prepared: PreparedRun;
  folds: FoldData[];
  actual: Float64Array;
  foldOf: Uint32Array;
  seed: number;
  /** Seed of the outer split: the hold-out calibration part of the training rows is drawn from it. */
  splitSeed: number;
}

const now = (): number => performance.now();

/** Step 1: the run's preparation, then the folds of its training rows (a k-fold split: its own folds). */
export async function searchData(
  req: Pick<SearchRequest, 'table' | 'recipe' | 'split' | 'folds' | 'seed'>,
  log: Logger = new Logger(),
  warn: (w: RunWarning) => void = () => {},
): Promise<SearchData> {
  const prepared = await prepareRun(req, log, warn);
  let folds = prepared.foldData;
  if (folds.length === 0) {
    const k = req.folds ?? DEFAULT_SEARCH_FOLDS;
    const n = prepared.fullTrain.rowCount;
    if (!(Number.isInteger(k) && k >= 2))
      throw new PipelineError('bad-split', `The search's cross-validation needs a whole number of at least 2 folds; got ${k}.`, { field: 'folds', stage: 'transformation' });
    if (n < 2 * k)
      throw new PipelineError('test-too-small', `${k}-fold cross-validation of ${n} training rows leaves folds of fewer than 2 rows; choose fewer folds.`, { field: 'folds', stage: 'transformation' });
    // A classification's folds keep each class's share, as its k-fold runs do; every fold's recipe codes the classes alike.
    const classification = prepared.task === 'classification';
    const split = classification ? stratifiedKFold(prepared.train.y, k, req.seed) : kFold(n, k, req.seed);
    folds = foldParts(prepared.fullTrain, req.recipe, split, classification ? { classes: prepared.classes } : {});
  }
  const n = prepared.fullTrain.rowCount;
  const actual = new Float64Array(n);
  const foldOf = new Uint32Array(n);
  folds.forEach((f, k) => f.rows.forEach((r, i) => ((actual[r] = f.test.yRaw[i]), (foldOf[r] = k))));
  return { prepared, folds, actual, foldOf, seed: req.seed, splitSeed: req.split.seed };
}

/**
 * Scores one configuration: per fold, fit on (a seeded share of) its training rows and predict
 * its held-out rows. The subsample of a resource is the same for every configuration.
 */
export async function evaluateTrial(data: SearchData, spec: TrialSpec, opts: { signal?: AbortSignalLike; shareTrees?: TreeSharing } = {}): Promise<TrialOutcome> {
  const t0 = now();
  const classification = data.prepared.task === 'classification';
  // A classification's out-of-fold predictions are its class probabilities, k per row.
  const k = classification ? data.prepared.classes.length : 1;
  const oof = new Float64Array(data.actual.length * k);
  const stepsRule = MODEL_CATALOG[spec.model].refitSteps;
  const stepsRun: number[] = [];
  try {
    if (!MODEL_CATALOG[spec.model].tasks.includes(data.prepared.task)) throw wrongTaskError(modelLabel(spec.model), spec.model, data.prepared.task, data.prepared.recipe.recipe.target, 'models');
    for (let f = 0; f < data.folds.length; f++) {
      const fd = data.folds[f];
      let X = fd.train.X;
      let y = fd.train.y;
      if (spec.resource < 1) {
        const m = Math.max(2, Math.round(spec.resource * X.rows));
        const idx = permutation(X.rows, new Rng(data.seed + f)).slice(0, m).sort();
        X = takeMatrixRows(X, idx);
        y = takeValues(y, idx);
      }
      const model = createModel(spec.model, spec.params);
      await model.fit(X, y, { signal: opts.signal, shareTrees: opts.shareTrees, ...(classification ? { classCount: k } : {}) });
      if (stepsRule) {
        // Validation losses are recorded only when the fit held rows back to stop early.
        const h = model.history();
        if (h.validation.length > 0) stepsRun.push(h.train.length);
      }
      if (classification) {
        const proba = (model as Classifier).predictProba(fd.test.X);
        for (let i = 0; i < fd.rows.length; i++) oof.set(proba.subarray(i * k, i * k + k), fd.rows[i] * k);
      } else {
        const pred = fd.recipe.decodeTarget(model.predict(fd.test.X));
        for (let i = 0; i < fd.rows.length; i++) oof[fd.rows[i]] = pred[i];
      }
      await checkpoint(opts.signal);
    }
  } catch (e) {
    const seconds = (now() - t0) / 1000;
    if (isCancelled(e) || opts.signal?.aborted) return { status: 'cancelled', cvScore: NaN, seconds };
    return { status: 'failed', cvScore: NaN, seconds, error: { code: e instanceof LoupeError ? e.code : 'error', message: e instanceof Error ? e.message : String(e) } };
  }
  const seconds = (now() - t0) / 1000;
  const steps = stepsRun.length === data.folds.length ? { stepsRun } : {};
  if (classification) {
    const cls = classificationMetrics(data.actual, oof, k, { threshold: data.prepared.threshold });
    if (!Number.isFinite(cls.logLoss)) return { status: 'failed', cvScore: NaN, seconds, error: { code: 'not-finite', message: 'Some probabilities were not finite numbers (the fit diverged).' } };
    return { status: 'finished', cvScore: cls.logLoss, classification: cls, seconds, oof, ...steps };
  }
  const score = rmse(data.actual, oof);
  if (!Number.isFinite(score)) return { status: 'failed', cvScore: NaN, seconds, error: { code: 'not-finite', message: 'Some predictions were not finite numbers (the fit diverged).' } };
  return { status: 'finished', cvScore: score, metrics: regressionMetrics(data.actual, oof), seconds, oof, ...steps };
}

/** A model fitted on every training row of a search's prepared run, serialized to cross to another thread; without it, the reason the fit failed. */
export interface SerializedFit {
  model?: SerializedModel;
  seconds: number;
  error?: string;
}

/**
 * Which training rows of a search's prepared run a fit made elsewhere takes: all of them, or the
 * proper part of the hold-out calibration split at this coverage (conformal/training.ts
 * `calibrationPart`, as `runTraining` draws it: the same rows).
 */
export type FitRows = 'all' | { properAt: number };

/** Fits a model elsewhere on the prepared run's rows; undefined when it could not (the caller fits it). */
export type RefitHook = (type: ModelType, params: Record<string, unknown>, rows: FitRows) => Promise<PrefittedModel | undefined>;

/**
 * A refit's fits started elsewhere at once: on every training row, and on the proper part when
 * the run makes a hold-out calibration fit at `properAt` (train.ts `holdOutCalibrationCoverage`).
 * A fit that fails is left to the run.
 */
export function fitsElsewhere(refit: RefitHook, type: ModelType, params: Record<string, unknown>, properAt: number | null): FitsElsewhere {
  const at = (rows: FitRows): Promise<PrefittedModel | undefined> => refit(type, params, rows).catch(() => undefined);
  return { all: at('all'), ...(properAt !== null ? { proper: at({ properAt }) } : {}) };
}

/**
 * Fits `type` on the training rows of the prepared run (`rows`: all, or the proper part of the
 * hold-out calibration split) — a refit made in a CLI trial worker or an app pool worker: the
 * model serialized, a failure (the preparation's too) as `error`, never thrown.
 */
export async function fitOnTrainingRows(data: SearchData | PromiseLike<SearchData>, type: ModelType, params: Record<string, unknown>, signal?: AbortSignalLike, rows: FitRows = 'all'): Promise<SerializedFit> {
  const t0 = now();
  try {
    const d = await data;
    let { X, y } = d.prepared.train;
    if (rows !== 'all') {
      const part = calibrationPart(X.rows, d.splitSeed, rows.properAt);
      if ('reason' in part) throw new PipelineError('no-intervals', part.reason, { stage: 'training' });
      X = takeMatrixRows(X, part.proper);
      y = takeValues(y, part.proper);
    }
    const model = await createModel(type, params).fit(X, y, { signal });
    return { model: model.toJSON(), seconds: (now() - t0) / 1000 };
  } catch (e) {
    return { seconds: (now() - t0) / 1000, error: e instanceof Error ? e.message : String(e) };
  }
}

/** A serialized fit rebuilt where the ensemble is built; undefined when it failed (the run then fits the member itself). */
export function prefittedOf(f: SerializedFit): PrefittedModel | undefined {
  return f.model ? { model: modelFromJSON(f.model), seconds: f.seconds } : undefined;
}

/**
 * The search's refit of its best as an ensemble of its trials takes it (search-ensemble.ts
 * `refitted`): the fits `refit` made elsewhere, else the model this thread fitted.
 */
export function refittedBest(res: Pick<SearchResult, 'best' | 'bestFits' | 'candidate'>): (FitsElsewhere & { trialId: number }) | undefined {
  if (res.bestFits) return { trialId: res.best.id, ...res.bestFits };
  const model = res.candidate.model;
  return model ? { trialId: res.best.id, all: Promise.resolve({ model, seconds: res.candidate.fitSeconds }) } : undefined;
}

/** Trials one after another in this thread. */
export function inProcessRunner(data: SearchData, shareTrees?: TreeSharing): TrialRunner {
  return { parallel: 1, run: (spec, signal) => evaluateTrial(data, spec, { signal, shareTrees }) };
}

export async function runSearch(req: SearchRequest): Promise<SearchResult> {
  const log = new Logger(req.onLog);
  const warnings: RunWarning[] = [];
  const warn = (w: RunWarning): void => {
    warnings.push(w);
    log.warn('transformation', w.message, w.rows !== undefined ? { data: { rows: w.rows } } : {});
  };
  throwIfAborted(req.signal);
  if (req.models.length === 0) throw new PipelineError('no-candidates', 'Choose at least one model family to search.', { field: 'models', stage: 'training' });
  const budget = req.budgetSeconds ?? DEFAULT_SEARCH_BUDGET;
  if (!(budget > 0 && Number.isFinite(budget))) throw new PipelineError('bad-budget', `The search budget must be a positive number of seconds; got ${budget}.`, { field: 'budget', stage: 'training' });
  const maxTrials = req.maxTrials ?? Infinity;
  if (!(maxTrials >= 1)) throw new PipelineError('bad-budget', `The most trials must be at least 1; got ${maxTrials}.`, { field: 'maxTrials', stage: 'training' });

  const data = await searchData(req, log, warn);
  const task = data.prepared.task;
  req.models.forEach((m, i) => {
    if (!MODEL_CATALOG[m].tasks.includes(task)) throw wrongTaskError(modelLabel(m), m, task, req.recipe.target, `models[${i}]`);
  });
  const metric = searchMetricOf(task);
  const k = data.folds.length;
  log.info('training', `Search: ${req.models.join(', ')}; ${k}-fold CV of ${data.actual.length} training rows; budget ${budget} s`);
  const { trials, best, curve, stoppedBy, seconds } = await searchTrials({
    ...req,
    budgetSeconds: budget,
    foldTrainRows: data.folds[0].train.X.rows,
    // The same test as the app's search, on the same table: the same draws for the same seed.
    positiveTarget: task === 'regression' && targetIsPositive(req.table, req.recipe.target),
    metric,
    runner: req.runner ? req.runner(data) : inProcessRunner(data, req.shareTrees),
    log,
  });

  if (!best) {
    if (stoppedBy === 'cancelled') throw new CancelledError('The search was cancelled before any model was scored.');
    const failedTrial = trials.find((t) => t.status === 'failed');
    throw new PipelineError(
      'search-empty',
      failedTrial
        ? `No configuration could be scored: ${modelLabel(failedTrial.model)} failed: ${failedTrial.error?.message ?? ''}`
        : `The budget of ${budget} s ended before any model was scored on every row; give the search more time.`,
      { field: 'budget', stage: 'training' },
    );
  }
  log.info('evaluation', `Search stopped (${stoppedBy}) after ${trials.length} trials in ${seconds.toFixed(1)} s; best: trial ${best.id} ${best.model}, ${formatCvScore(metric, best.cvScore)}`, {
    data: { trials: trials.length, seconds, cvScore: best.cvScore },
  });

  // 4. The best, refitted on every training row and scored on the test part, as `train` does.
  const params = refitParams(best);
  const bestFits = req.refit ? fitsElsewhere(req.refit, best.model, params, holdOutCalibrationCoverage(req)) : undefined;
  const run = await runTraining({
    table: req.table,
    recipe: req.recipe,
    split: req.split,
    dataset: req.dataset,
    candidates: [{ name: modelLabel(best.model), type: best.model, params }],
    ...(bestFits ? { prefitted: [bestFits] } : {}),
    intervals: req.intervals,
    bundles: 'best',
    referenceSampleRows: req.referenceSampleRows,
    shareTrees: req.shareTrees,
    signal: req.refitSignal,
    onLog: req.onLog,
  });
  const candidate = run.leaderboard[0];
  if (candidate.status !== 'finished') throw new PipelineError('refit-failed', `Refitting the best model failed: ${candidate.error?.message ?? candidate.status}`, { stage: 'training' });
  return { trials, best, curve, actual: data.actual, foldOf: data.foldOf, folds: k, metric, stoppedBy, seconds, budgetSeconds: budget, run, candidate, warnings: run.warnings, ...(bestFits ? { bestFits } : {}) };
}
