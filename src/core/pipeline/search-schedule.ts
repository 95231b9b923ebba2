/**
 * The model search's scheduler (issue 13 §1): every family's defaults and starting points, then Hyperband brackets
 * of seeded draws from the parameter tables' search spaces, within a wall-clock budget. It
 * holds no data — trials are scored by a TrialRunner (pipeline/search.ts in this thread, or the
 * app's worker pool) — so the page can run it without loading any model code.
 *
 * Hyperband: a bracket draws n configurations and runs successive halving on them — each rung
 * keeps the best 1/η by cross-validated RMSE and gives them η times the resource (the share of
 * each fold's training rows). Brackets run most aggressive first, repeated with fresh
 * configurations until the budget, `maxTrials` or the signal stops the search; the budget is
 * checked before each trial starts and inside trials through the signal the runner gets.
 */
import { StopSwitch } from '../abort';
import type { RegressionMetrics } from '../metrics';
import type { ClassificationMetrics } from '../metrics/classification';
import { MODEL_CATALOG, modelLabel } from '../models/catalog';
import { resolveParams } from '../models/params';
import { drawParams, startParams } from '../models/search-space';
import type { ModelType, Task } from '../models/types';
import { Rng } from '../random';
import { Logger } from './log';

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
/** The same choice for a classification target: boosted trees, logistic regression and k-NN. */
export const DEFAULT_CLASSIFICATION_SEARCH_MODELS: readonly ModelType[] = ['gbdt-classifier', 'logistic', 'knn-classifier'];

/** The families a search of `task` tries when none are chosen. */
export function defaultSearchModels(task: Task): readonly ModelType[] {
  return task === 'classification' ? DEFAULT_CLASSIFICATION_SEARCH_MODELS : DEFAULT_SEARCH_MODELS;
}

/**
 * What a trial's `cvScore` measures, lower being better: the RMSE of a regression's out-of-fold
 * predictions, the log loss of a classification's out-of-fold probabilities (a proper score of
 * every class's probability, defined for any number of classes, where accuracy or F1 would
 * only judge the decisions at one threshold).
 */
export type SearchMetric = 'rmse' | 'log_loss';

export function searchMetricOf(task: Task): SearchMetric {
  return task === 'classification' ? 'log_loss' : 'rmse';
}

export const SEARCH_METRIC_LABELS: Record<SearchMetric, string> = { rmse: 'RMSE', log_loss: 'log loss' };

/** A cross-validated score as logs and the CLI write it: "CV RMSE 591.94", "CV log loss 0.4103". */
export function formatCvScore(metric: SearchMetric, v: number): string {
  return `CV ${SEARCH_METRIC_LABELS[metric]} ${v.toFixed(metric === 'log_loss' ? 4 : 2)}`;
}
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
  /**
   * Cross-validated score (`SearchMetric`, lower is better): out-of-fold predictions of every
   * training row against their targets — RMSE in the target's units, or a classification's log
   * loss. NaN unless finished.
   */
  cvScore: number;
  /** Every metric of the same out-of-fold predictions, when finished: a regression's. */
  metrics?: RegressionMetrics;
  /** A classification's (decided at the run's threshold). */
  classification?: ClassificationMetrics;
  /** Wall-clock seconds of the trial (its k fits and predictions). */
  seconds: number;
  /**
   * Out-of-fold predictions: element i is the prediction for training row i by the fold model
   * that did not see it (aligned to `SearchResult.actual`); a classification's are its class
   * probabilities, row-major (k per row). Kept for every finished trial.
   */
  oof?: Float64Array;
  /**
   * Steps (boosting iterations) each fold's fit ran, when every fit stopped early on a held-out
   * share — for models whose catalog entry has `refitSteps`; the refit trains their mean on
   * every row (`refitParams`).
   */
  stepsRun?: number[];
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

/** What the scheduler needs: the families, the seed, the budget, how to run a trial, and whom to tell. */
export interface TrialSchedule {
  /** Families searched, in the order their configurations are drawn. */
  models: ModelType[];
  /** Seed of every draw and of every seeded model. */
  seed: number;
  budgetSeconds: number;
  /** Stop after this many trials (started), whatever the time. */
  maxTrials?: number;
  /** Stops the search; the best so far is kept. */
  signal?: AbortSignalLike;
  /** Rows a fold trains on with the full resource (sets how many rungs there are). */
  foldTrainRows: number;
  /** Every known target value is above 0 (`targetIsPositive`): fields marked `searchIf: 'positive-target'` are searched too. */
  positiveTarget?: boolean;
  /** What the trials' scores measure (log lines; default RMSE). */
  metric?: SearchMetric;
  runner: TrialRunner;
  log?: Logger;
  onTrialStart?: (t: TrialSpec) => void;
  onTrial?: (t: Trial) => void;
  onProgress?: (p: SearchProgress) => void;
}

const now = (): number => performance.now();

/**
 * Most rungs below the full resource: rungs of 1/9, 1/3 and all the rows. Deeper brackets (1/27,
 * 1/81) were measured on the gemstone split: under a 120 s budget the first bracket of 81
 * configurations never reached the full resource, and 500-row fits of boosted trees say little
 * about their 42,000-row fits.
 */
export const MAX_BRACKET = 2;

/** The rungs' resources: η^−s … 1 with the smallest still fitting on MIN_RUNG_ROWS rows. */
export function maxBracket(foldTrainRows: number, eta = SEARCH_ETA): number {
  let s = 0;
  while (s < MAX_BRACKET && foldTrainRows / eta ** (s + 1) >= MIN_RUNG_ROWS) s++;
  return s;
}

/** Lower is better; unscored trials last. */
const scoreOf = (t: Trial): number => (t.status === 'finished' ? t.cvScore : Infinity);

/** What the scheduler found: every trial, the best on the full resource (if any) and its curve. */
export interface ScheduledTrials {
  trials: Trial[];
  best: Trial | undefined;
  curve: BestPoint[];
  stoppedBy: SearchStop;
  seconds: number;
}

/**
 * Steps 2–3: the defaults and starting points, then Hyperband brackets (at most `parallel`
 * trials at once over both), each trial run by `runner` (in this thread,
 * or the app's worker pool — the page runs this scheduler, which holds no data). Resolves when
 * the budget, maxTrials or the signal stops it; never rejects for a trial's failure.
 */
export async function searchTrials(req: TrialSchedule): Promise<ScheduledTrials> {
  const log = req.log ?? new Logger();
  const budget = req.budgetSeconds;
  const maxTrials = req.maxTrials ?? Infinity;
  const runner = req.runner;
  const smax = maxBracket(req.foldTrainRows);
  log.info('training', `Search rungs: ${[...Array(smax + 1)].map((_, i) => (i === smax ? 'all rows' : `1/${SEARCH_ETA ** (smax - i)}`)).join(', ')}; up to ${runner.parallel} trials at once`);
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
  const context = { positiveTarget: req.positiveTarget === true };
  const nextConfig = (): { model: ModelType; params: Record<string, unknown> } => {
    const model = req.models[drawn++ % req.models.length];
    return { model, params: paramsOf(model, drawParams(MODEL_CATALOG[model].params, rng, modelLabel(model), context)) };
  };
  const canStart = (): boolean => {
    if (stop.aborted) return false;
    if (trials.length >= maxTrials) {
      // No more trials start; those running finish (they were started within the bound).
      stoppedBy ??= 'max-trials';
      return false;
    }
    return true;
  };

  // At most `parallel` trials at once, over every rung running (the opening and a bracket's).
  const slots = new Slots(Math.max(1, runner.parallel));

  /**
   * Runs the rung's configurations in order, each as soon as a slot is free: `started` resolves
   * once the last has started (or none will), `done` with all of them as trials, in order.
   */
  const runRung = (configs: { model: ModelType; params: Record<string, unknown> }[], resource: number, bracket: number, rung: number): { started: Promise<void>; done: Promise<Trial[]> } => {
    const out: Trial[] = [];
    let next = 0;
    let allStarted = (): void => {};
    const started = new Promise<void>((resolve) => (allStarted = resolve));
    const lane = async (): Promise<void> => {
      for (;;) {
        await slots.acquire();
        if (!(next < configs.length && canStart())) {
          slots.release();
          return;
        }
        const c = configs[next++];
        if (next === configs.length) allStarted();
        try {
          await runTrial(c, resource, bracket, rung, out);
        } finally {
          slots.release();
        }
      }
    };
    const done = Promise.all(Array.from({ length: Math.max(1, runner.parallel) }, lane)).then(() => {
      allStarted();
      return out.sort((a, b) => a.id - b.id);
    });
    return { started, done };
  };

  const runTrial = async (c: { model: ModelType; params: Record<string, unknown> }, resource: number, bracket: number, rung: number, out: Trial[]): Promise<void> => {
    const spec: TrialSpec = { id: trials.length, model: c.model, params: c.params, resource, bracket, rung };
    const slot = trials.length;
    trials.push({ ...spec, status: 'cancelled', cvScore: NaN, seconds: 0 });
    req.onTrialStart?.(spec);
    const outcome = await runner.run(spec, stop);
    const t: Trial = { ...spec, ...outcome };
    trials[slot] = t;
    out.push(t);
    if (t.status === 'failed') log.warn('training', `Trial ${t.id} (${modelLabel(t.model)}) failed: ${t.error?.message ?? ''}`, { candidate: `trial ${t.id}` });
    if (t.status === 'finished') {
      log.info('evaluation', `Trial ${t.id} ${t.model} on ${fraction(resource)} of the rows: ${formatCvScore(req.metric ?? 'rmse', t.cvScore)} (${t.seconds.toFixed(2)} s)`, {
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
  };

  try {
    // 2. Every family's defaults on every row, each followed by its starting points
    //    (`searchStarts`). The brackets begin once the last of them has started: a long one (a
    //    larger network) does not hold the other slots idle.
    //    A starting point the data reduces to an earlier configuration (a log-target start
    //    without its loss on targets ≤ 0 is the defaults) is not run twice.
    const opening = runRung(
      req.models.flatMap((m) => {
        const configs = [{}, ...(MODEL_CATALOG[m].searchStarts ?? []).map((start) => startParams(MODEL_CATALOG[m].params, start, context))].map((given) => ({ model: m, params: paramsOf(m, given) }));
        return configs.filter((c, i) => configs.findIndex((d) => JSON.stringify(d.params) === JSON.stringify(c.params)) === i);
      }),
      1,
      -1,
      0,
    );
    await opening.started;
    // 3. Hyperband brackets, most aggressive first, until the budget is spent.
    while (!stop.aborted && canStart()) {
      for (let s = smax; s >= 0 && canStart(); s--) {
        const n = Math.ceil(((smax + 1) / (s + 1)) * SEARCH_ETA ** s);
        let configs = Array.from({ length: n }, nextConfig);
        for (let i = 0; i <= s && configs.length > 0 && canStart(); i++) {
          const resource = i === s ? 1 : SEARCH_ETA ** (i - s);
          const done = await runRung(configs, resource, s, i).done;
          const keep = Math.floor(configs.length / SEARCH_ETA);
          configs = done
            .filter((t) => t.status === 'finished')
            .sort((a, b) => scoreOf(a) - scoreOf(b) || a.id - b.id)
            .slice(0, keep)
            .map((t) => ({ model: t.model, params: t.params }));
        }
      }
    }
    await opening.done;
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onAbort);
  }
  return { trials, best, curve, stoppedBy: stoppedBy ?? 'budget', seconds: (now() - t0) / 1000 };
}


/** Slots for trials: `acquire` waits (first come, first served) until one is free. */
class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(count: number) {
    this.#free = count;
  }

  acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}

function fraction(r: number): string {
  return r === 1 ? 'all' : `1/${Math.round(1 / r)}`;
}

/** The trials an ensemble can blend: finished on every row (resource 1) with their out-of-fold predictions kept. */
export function ensemblePool<T extends { status: string; resource: number; oof?: Float64Array }>(trials: readonly T[]): (T & { oof: Float64Array })[] {
  return trials.filter((t): t is T & { oof: Float64Array } => t.status === 'finished' && t.resource === 1 && t.oof !== undefined);
}

/**
 * The params a trial is refitted with on every training row: its own, except that a model whose
 * fits all stopped early (`stepsRun`) trains the mean of their steps with early stopping off,
 * keeping no rows back. Nested 5-fold CV on the gemstone training rows (each outer fold's
 * training part refitted after an inner 5-fold CV): the gbdt defaults 600.36 refitted with
 * early stopping, 597.73 this way; a depth-6 log-link gbdt 599.86 → 597.30. (1.15× the steps:
 * 597.88 and 597.37; 1.3×: 598.08 and 597.72.) A model with a `refitAveraged` rule (the MLP)
 * is refitted as the average of that many seeded fits (see MLP_REFIT_NETWORKS).
 */
export function refitParams(trial: Pick<Trial, 'model' | 'params' | 'stepsRun'>): Record<string, unknown> {
  const { refitSteps: rule, refitAveraged: averaged } = MODEL_CATALOG[trial.model];
  let params = trial.params;
  const steps = trial.stepsRun;
  if (rule && steps && steps.length > 0) {
    const mean = steps.reduce((a, b) => a + b, 0) / steps.length;
    params = { ...params, [rule.earlyStopping]: false, [rule.steps]: Math.max(1, Math.round(mean)) };
  }
  if (averaged && !((params[averaged.param] as number) >= averaged.count)) params = { ...params, [averaged.param]: averaged.count };
  return params;
}
