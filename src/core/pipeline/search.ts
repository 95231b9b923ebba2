/**
 * Time-budgeted model search (issue 13 §1): Hyperband over the chosen model families, each
 * configuration scored by k-fold cross-validation on the training rows, then the best refitted
 * on every training row and scored on the test part by the training run itself.
 *
 * request →
 *   1. the run's own preparation (train.ts `prepareRun`: cleaning, split, recipe) and k folds of
 *      the training rows, each with its own recipe (train.ts `foldParts`) — done once;
 *   2. first, every family's defaults on all the rows (a strong baseline, and a best so far
 *      after the first trials even under a tiny budget);
 *   3. then Hyperband brackets, most aggressive first, repeated with fresh configurations until
 *      the budget is spent: a bracket draws n configurations (seeded, from the parameter tables'
 *      search spaces, families in turn) and runs successive halving on them — each rung keeps
 *      the best 1/η by cross-validated RMSE and gives them η times the resource;
 *   4. the best trial on the full resource is refitted by `runTraining` (same split, recipe,
 *      intervals and bundle as `train`) and scored on the test part.
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
import { checkpoint, StopSwitch, throwIfAborted } from '../abort';
import { takeMatrixRows, takeValues } from '../conformal/rows';
import { kFold } from '../data/split';
import { CancelledError, LoupeError, PipelineError, isCancelled } from '../errors';
import { rmse, r2 } from '../metrics';
import { MODEL_CATALOG, modelLabel } from '../models/catalog';
import { drawParams } from '../models/search-space';
import { resolveParams } from '../models/params';
import { createModel } from '../models/registry';
import type { ModelType } from '../models/types';
import type { TreeSharing } from '../models/forest/tree-share';
import { permutation, Rng } from '../random';
import type { Recipe } from '../recipe';
import type { Table } from '../data/types';
import type { IntervalRequest } from '../conformal/training';
import { Logger, type LogSink } from './log';
import { foldParts, prepareRun, runTraining, type CandidateResult, type DatasetRef, type FoldData, type PreparedRun, type RunWarning, type SplitSpec, type TrainingResult } from './train';

/** Default wall-clock budget of a search, in seconds. */
export const DEFAULT_SEARCH_BUDGET = 60;
/** Default folds of the cross-validation that scores each configuration (a k-fold split uses its own k). */
export const DEFAULT_SEARCH_FOLDS = 5;
/** Successive halving keeps 1/η of each rung and gives the survivors η times the rows. */
export const SEARCH_ETA = 3;
/**
 * Families searched when none are chosen: the ones whose fits are cheap enough for many trials
 * in a minute (a forest of 100 deep trees or a tfjs network costs tens of such trials); the
 * others are searched when asked for.
 */
export const DEFAULT_SEARCH_MODELS: readonly ModelType[] = ['gbdt', 'ridge', 'knn'];
/** The smallest rung fits on at least this many rows (fewer rows: fewer rungs). */
export const MIN_RUNG_ROWS = 200;

/** One configuration to score: a model, its drawn params and the share of rows it fits on. */
export interface TrialSpec {
  /** 0, 1, 2 … in the order trials were started. */
  id: number;
  model: ModelType;
  /** The params it was built with (defaults filled in; the search seed for seeded models). */
  params: Record<string, unknown>;
  /** Share of each fold's training rows its fits see, in (0, 1]; 1 = the full resource. */
  resource: number;
  /** Hyperband bracket (−1 for the defaults that open a search) and rung within it. */
  bracket: number;
  rung: number;
}

/** What scoring a configuration gave. */
export interface TrialOutcome {
  status: 'finished' | 'failed' | 'cancelled';
  /** Cross-validated RMSE: out-of-fold predictions of every training row against their targets, in the target's units. NaN unless finished. */
  cvScore: number;
  /** Cross-validated R² of the same predictions. NaN unless finished. */
  cvR2: number;
  /** Wall-clock seconds of the trial (its k fits and predictions). */
  seconds: number;
  /**
   * Out-of-fold predictions: element i is the prediction for training row i by the fold model
   * that did not see it (aligned to `SearchResult.actual`). Kept for every finished trial.
   */
  oof?: Float64Array;
  error?: { code: string; message: string };
}

export type Trial = TrialSpec & TrialOutcome;

/** A point of the best-so-far curve: after `trials` trials and `seconds`, the best full-resource CV RMSE. */
export interface BestPoint {
  seconds: number;
  trials: number;
  trialId: number;
  cvScore: number;
}

export type SearchStop = 'budget' | 'max-trials' | 'cancelled';

export interface SearchProgress {
  trials: number;
  /** 0..1 of the budget used (or of maxTrials, whichever is nearer its end). */
  fraction: number;
  best?: BestPoint;
}

/** Runs trials: in-process (CLI, tests) or in the app's worker pool. */
export interface TrialRunner {
  /** How many trials may run at once. */
  readonly parallel: number;
  run(spec: TrialSpec, signal: AbortSignalLike): Promise<TrialOutcome>;
}

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
  /** The best full-resource CV RMSE each time it improved. */
  curve: BestPoint[];
  /** The training rows' targets (target units): what every trial's `oof` predicts. */
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
  warnings: RunWarning[];
}

/** The rows every trial is scored on: the training rows' folds, prepared once. */
export interface SearchData {
  prepared: PreparedRun;
  folds: FoldData[];
  actual: Float64Array;
  foldOf: Uint32Array;
  seed: number;
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
    folds = foldParts(prepared.fullTrain, req.recipe, kFold(n, k, req.seed));
  }
  const n = prepared.fullTrain.rowCount;
  const actual = new Float64Array(n);
  const foldOf = new Uint32Array(n);
  folds.forEach((f, k) => f.rows.forEach((r, i) => ((actual[r] = f.test.yRaw[i]), (foldOf[r] = k))));
  return { prepared, folds, actual, foldOf, seed: req.seed };
}

/**
 * Scores one configuration: per fold, fit on (a seeded share of) its training rows and predict
 * its held-out rows. The subsample of a resource is the same for every configuration.
 */
export async function evaluateTrial(data: SearchData, spec: TrialSpec, opts: { signal?: AbortSignalLike; shareTrees?: TreeSharing } = {}): Promise<TrialOutcome> {
  const t0 = now();
  const oof = new Float64Array(data.actual.length);
  try {
    for (let k = 0; k < data.folds.length; k++) {
      const fd = data.folds[k];
      let X = fd.train.X;
      let y = fd.train.y;
      if (spec.resource < 1) {
        const m = Math.max(2, Math.round(spec.resource * X.rows));
        const idx = permutation(X.rows, new Rng(data.seed + k)).slice(0, m).sort();
        X = takeMatrixRows(X, idx);
        y = takeValues(y, idx);
      }
      const model = createModel(spec.model, spec.params);
      await model.fit(X, y, { signal: opts.signal, shareTrees: opts.shareTrees });
      const pred = fd.recipe.decodeTarget(model.predict(fd.test.X));
      for (let i = 0; i < fd.rows.length; i++) oof[fd.rows[i]] = pred[i];
      await checkpoint(opts.signal);
    }
  } catch (e) {
    const seconds = (now() - t0) / 1000;
    if (isCancelled(e) || opts.signal?.aborted) return { status: 'cancelled', cvScore: NaN, cvR2: NaN, seconds };
    return { status: 'failed', cvScore: NaN, cvR2: NaN, seconds, error: { code: e instanceof LoupeError ? e.code : 'error', message: e instanceof Error ? e.message : String(e) } };
  }
  const seconds = (now() - t0) / 1000;
  const score = rmse(data.actual, oof);
  if (!Number.isFinite(score)) return { status: 'failed', cvScore: NaN, cvR2: NaN, seconds, error: { code: 'not-finite', message: 'Some predictions were not finite numbers (the fit diverged).' } };
  return { status: 'finished', cvScore: score, cvR2: r2(data.actual, oof), seconds, oof };
}

/** Trials one after another in this thread. */
export function inProcessRunner(data: SearchData, shareTrees?: TreeSharing): TrialRunner {
  return { parallel: 1, run: (spec, signal) => evaluateTrial(data, spec, { signal, shareTrees }) };
}

/** The rungs' resources: η^−s … 1 with the smallest still fitting on MIN_RUNG_ROWS rows. */
export function maxBracket(foldTrainRows: number, eta = SEARCH_ETA): number {
  let s = 0;
  while (s < 4 && foldTrainRows / eta ** (s + 1) >= MIN_RUNG_ROWS) s++;
  return s;
}

/** Lower is better; unscored trials last. */
const scoreOf = (t: Trial): number => (t.status === 'finished' ? t.cvScore : Infinity);

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
  const runner = req.runner ? req.runner(data) : inProcessRunner(data, req.shareTrees);
  const k = data.folds.length;
  const smax = maxBracket(data.folds[0].train.X.rows);
  log.info('training', `Search: ${req.models.join(', ')}; ${k}-fold CV of ${data.actual.length} training rows; budget ${budget} s; rungs ${[...Array(smax + 1)].map((_, i) => `1/${SEARCH_ETA ** (smax - i)}`).join(', ')}`);

  // The deadline fires inside trials; the caller's signal too.
  const stop = new StopSwitch();
  const t0 = now();
  let stoppedBy: SearchStop | undefined;
  const halt = (why: SearchStop): void => {
    stoppedBy ??= why;
    stop.abort();
  };
  const timer = setTimeout(() => halt('budget'), budget * 1000);
  const onAbort = (): void => halt('cancelled');
  req.signal?.addEventListener('abort', onAbort);
  if (req.signal?.aborted) halt('cancelled');

  const trials: Trial[] = [];
  const curve: BestPoint[] = [];
  let best: Trial | undefined;
  const rng = new Rng(req.seed);
  let drawn = 0;
  const seedFor = (type: ModelType): Record<string, unknown> => (MODEL_CATALOG[type].seeded ? { seed: req.seed } : {});
  const paramsOf = (type: ModelType, given: Record<string, unknown>): Record<string, unknown> => ({ ...resolveParams(MODEL_CATALOG[type].params, { ...given, ...seedFor(type) }, modelLabel(type)) });
  const nextConfig = (): { model: ModelType; params: Record<string, unknown> } => {
    const model = req.models[drawn++ % req.models.length];
    return { model, params: paramsOf(model, drawParams(MODEL_CATALOG[model].params, rng, modelLabel(model))) };
  };
  const canStart = (): boolean => {
    if (stop.aborted) return false;
    if (trials.length >= maxTrials) {
      halt('max-trials');
      return false;
    }
    return true;
  };

  /** Runs the rung's configurations (at most `parallel` at once); returns them as trials, in order. */
  const runRung = async (configs: { model: ModelType; params: Record<string, unknown> }[], resource: number, bracket: number, rung: number): Promise<Trial[]> => {
    const out: Trial[] = [];
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < configs.length && canStart()) {
        const c = configs[next++];
        const spec: TrialSpec = { id: trials.length, model: c.model, params: c.params, resource, bracket, rung };
        const slot = trials.length;
        trials.push({ ...spec, status: 'cancelled', cvScore: NaN, cvR2: NaN, seconds: 0 });
        req.onTrialStart?.(spec);
        const outcome = await runner.run(spec, stop);
        const t: Trial = { ...spec, ...outcome };
        trials[slot] = t;
        out.push(t);
        if (t.status === 'failed') log.warn('training', `Trial ${t.id} (${modelLabel(t.model)}) failed: ${t.error?.message ?? ''}`, { candidate: `trial ${t.id}` });
        if (t.status === 'finished') {
          log.info('evaluation', `Trial ${t.id} ${t.model} on ${fraction(resource)} of the rows: CV RMSE ${t.cvScore.toFixed(2)} (${t.seconds.toFixed(2)} s)`, {
            candidate: `trial ${t.id}`,
            data: { cvScore: t.cvScore, resource, seconds: t.seconds },
          });
          if (resource === 1 && (!best || t.cvScore < best.cvScore)) {
            best = t;
            curve.push({ seconds: (now() - t0) / 1000, trials: trials.length, trialId: t.id, cvScore: t.cvScore });
          }
        }
        req.onTrial?.(t);
        req.onProgress?.({ trials: trials.length, fraction: Math.min(1, Math.max((now() - t0) / 1000 / budget, trials.length / maxTrials)), best: curve.at(-1) });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, runner.parallel) }, lane));
    return out.sort((a, b) => a.id - b.id);
  };

  try {
    // 2. Every family's defaults on every row.
    await runRung(
      req.models.map((m) => ({ model: m, params: paramsOf(m, {}) })),
      1,
      -1,
      0,
    );
    // 3. Hyperband brackets, most aggressive first, until the budget is spent.
    while (!stop.aborted && canStart()) {
      for (let s = smax; s >= 0 && canStart(); s--) {
        const n = Math.ceil(((smax + 1) / (s + 1)) * SEARCH_ETA ** s);
        let configs = Array.from({ length: n }, nextConfig);
        for (let i = 0; i <= s && configs.length > 0 && canStart(); i++) {
          const resource = i === s ? 1 : SEARCH_ETA ** (i - s);
          const done = await runRung(configs, resource, s, i);
          const keep = Math.floor(configs.length / SEARCH_ETA);
          configs = done
            .filter((t) => t.status === 'finished')
            .sort((a, b) => scoreOf(a) - scoreOf(b) || a.id - b.id)
            .slice(0, keep)
            .map((t) => ({ model: t.model, params: t.params }));
        }
      }
    }
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
  }
  const seconds = (now() - t0) / 1000;
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
  log.info('evaluation', `Search stopped (${stoppedBy}) after ${trials.length} trials in ${seconds.toFixed(1)} s; best: trial ${best.id} ${best.model}, CV RMSE ${best.cvScore.toFixed(2)}`, {
    data: { trials: trials.length, seconds, cvScore: best.cvScore },
  });

  // 4. The best, refitted on every training row and scored on the test part, as `train` does.
  const run = await runTraining({
    table: req.table,
    recipe: req.recipe,
    split: req.split,
    dataset: req.dataset,
    candidates: [{ name: modelLabel(best.model), type: best.model, params: best.params }],
    intervals: req.intervals,
    bundles: 'best',
    referenceSampleRows: req.referenceSampleRows,
    shareTrees: req.shareTrees,
    signal: req.refitSignal,
    onLog: req.onLog,
  });
  const candidate = run.leaderboard[0];
  if (candidate.status !== 'finished') throw new PipelineError('refit-failed', `Refitting the best model failed: ${candidate.error?.message ?? candidate.status}`, { stage: 'training' });
  return { trials, best, curve, actual: data.actual, foldOf: data.foldOf, folds: k, stoppedBy: stoppedBy ?? 'budget', seconds, budgetSeconds: budget, run, candidate, warnings: run.warnings };
}

function fraction(r: number): string {
  return r === 1 ? 'all' : `1/${Math.round(1 / r)}`;
}
