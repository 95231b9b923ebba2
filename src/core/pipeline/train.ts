/**
 * The training pipeline: dataset + recipe + candidate models + split → one result per
 * candidate (fit/predict time, metrics, histories), a leaderboard sorted by R² (RMSE beside it)
 * and the best model. Stages log structured lines and fail with a PipelineError naming the stage;
 * one candidate failing does not stop the others; cancellation stops everything.
 */
import { checkpoint, throwIfAborted } from '../abort';
import { kFold, trainTestSplit } from '../data/split';
import { takeRows } from '../data';
import type { Table } from '../data/types';
import { CancelledError, LoupeError, PipelineError, isCancelled, type PipelineStage } from '../errors';
import { regressionMetrics, type RegressionMetrics } from '../metrics';
import type { FitHistory } from '../models/history';
import { createModel, modelLabel } from '../models/registry';
import type { Matrix, ModelType, Regressor } from '../models/types';
import { applyCleaning, fitRecipe, type FittedRecipe, type Recipe } from '../recipe';
import { Logger, type LogSink } from './log';

export interface CandidateSpec {
  /** Display name, unique within a run (defaults to the model type). */
  name?: string;
  type: ModelType;
  params?: Record<string, unknown>;
}

export type SplitSpec =
  | { kind: 'holdout'; testSize: number; seed: number }
  | { kind: 'test-table'; table: Table; seed: number }
  | { kind: 'kfold'; k: number; seed: number };

/** What the split was, as recorded in reports, runs and bundle lineage. */
export interface SplitInfo {
  kind: SplitSpec['kind'];
  seed: number;
  testSize?: number;
  k?: number;
  trainRows: number;
  testRows: number;
  /** Rows removed by cleaning before the split. */
  removedByCleaning: number;
}

export interface TrainingProgress {
  candidate: string;
  candidateIndex: number;
  candidates: number;
  /** 0..1 within this candidate. */
  fraction: number;
  /** 0..1 over the whole run. */
  overall: number;
  step?: number;
  totalSteps?: number;
  loss?: { train?: number; validation?: number };
}

export interface TrainingRequest {
  table: Table;
  recipe: Recipe;
  candidates: CandidateSpec[];
  split: SplitSpec;
  signal?: AbortSignalLike;
  onProgress?: (p: TrainingProgress) => void;
  onLog?: LogSink;
  /** Called when a candidate finishes, fails or is cancelled (for live leaderboards and run records). */
  onCandidateDone?: (r: CandidateResult) => void;
}

export type CandidateStatus = 'finished' | 'failed' | 'cancelled';

export interface CandidateResult {
  name: string;
  type: ModelType;
  /** Hyperparameters with defaults filled in. */
  params: Record<string, unknown>;
  status: CandidateStatus;
  /** Test metrics (k-fold: mean over folds). */
  metrics?: RegressionMetrics;
  /** Per-fold test metrics for k-fold. */
  folds?: RegressionMetrics[];
  fitSeconds: number;
  predictSeconds: number;
  history: FitHistory;
  /** The fitted model (k-fold: refitted on every row). */
  model?: Regressor;
  /** Test predictions in the order of `TrainingResult.testTarget` (holdout and test-table). */
  testPredictions?: Float64Array;
  featureImportance?: Float64Array;
  error?: { code: string; message: string; stage: PipelineStage };
}

export interface TrainingResult {
  split: SplitInfo;
  recipe: FittedRecipe;
  /** Sorted by R² descending; failed and cancelled candidates last. */
  leaderboard: CandidateResult[];
  best?: string;
  /** Raw test targets for predicted-vs-actual plots (holdout and test-table). */
  testTarget?: Float64Array;
  /** The training table after cleaning (rows the recipe was fitted on, plus test rows for holdout). */
  trainRows: Table;
  logs: Logger['lines'];
}

const now = (): number => performance.now();

/** Runs a stage, turning unexpected errors into a PipelineError that names it. */
async function stage<T>(name: PipelineStage, log: Logger, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isCancelled(e)) throw e instanceof CancelledError ? e : new CancelledError();
    if (e instanceof PipelineError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    log.error(name, message);
    throw new PipelineError(e instanceof LoupeError ? e.code : 'stage-failed', `${capitalize(name)} failed: ${message}`, { ...(e instanceof LoupeError ? e.where : {}), stage: name }, { cause: e });
  }
}

function capitalize(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}

interface Prepared {
  X: Matrix;
  y: Float64Array;
  yRaw: Float64Array;
}

function prepare(recipe: FittedRecipe, table: Table): Prepared {
  const { X, y } = recipe.transformTable(table);
  if (!y) throw new PipelineError('missing-target', `The target column "${recipe.recipe.target}" is missing.`, { column: recipe.recipe.target, stage: 'transformation' });
  return { X, y: recipe.encodeTarget(y), yRaw: y };
}

export function candidateNames(candidates: CandidateSpec[]): string[] {
  const seen = new Map<string, number>();
  return candidates.map((c) => {
    const base = c.name ?? modelLabel(c.type);
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    return k === 1 ? base : `${base} #${k}`;
  });
}

export async function trainCandidates(req: TrainingRequest): Promise<TrainingResult> {
  const log = new Logger(req.onLog);
  const { signal } = req;
  throwIfAborted(signal);
  if (req.candidates.length === 0) throw new PipelineError('no-candidates', 'Choose at least one model to train.', { stage: 'training' });
  const names = candidateNames(req.candidates);

  // ---- transformation: cleaning, split, recipe fitted on training rows only ----
  const { cleaned, removed } = await stage('transformation', log, () => {
    const c = applyCleaning(req.table, req.recipe);
    for (const s of c.steps) log.info('transformation', `${s.description}: removed ${s.removed} rows`, { data: { removed: s.removed } });
    const t = dropMissingTarget(c.table, req.recipe.target, log);
    return { cleaned: t, removed: req.table.rowCount - t.rowCount };
  });
  log.info('ingestion', `Dataset: ${req.table.rowCount} rows, ${req.table.columns.length} columns`, { data: { rows: req.table.rowCount } });

  const split = req.split;
  let splitInfo: SplitInfo;
  let folds: { train: Uint32Array; test: Uint32Array }[] = [];
  let holdout: { train: Table; test: Table } | undefined;
  await stage('transformation', log, () => {
    if (split.kind === 'holdout') {
      if (!(split.testSize > 0 && split.testSize < 1)) throw new PipelineError('bad-split', `Test share must be between 0 and 1; got ${split.testSize}.`, { field: 'testSize', stage: 'transformation' });
      const s = trainTestSplit(cleaned.rowCount, { testSize: split.testSize, seed: split.seed });
      holdout = { train: takeRows(cleaned, s.train), test: takeRows(cleaned, s.test) };
      splitInfo = { kind: 'holdout', seed: split.seed, testSize: split.testSize, trainRows: s.train.length, testRows: s.test.length, removedByCleaning: removed };
    } else if (split.kind === 'test-table') {
      const t = dropMissingTarget(applyCleaning(split.table, req.recipe).table, req.recipe.target, log);
      holdout = { train: cleaned, test: t };
      splitInfo = { kind: 'test-table', seed: split.seed, trainRows: cleaned.rowCount, testRows: t.rowCount, removedByCleaning: removed };
    } else {
      if (!(Number.isInteger(split.k) && split.k >= 2 && split.k <= cleaned.rowCount))
        throw new PipelineError('bad-split', `k must be an integer from 2 to the number of rows; got ${split.k}.`, { field: 'k', stage: 'transformation' });
      folds = kFold(cleaned.rowCount, split.k, split.seed);
      splitInfo = { kind: 'kfold', seed: split.seed, k: split.k, trainRows: cleaned.rowCount, testRows: cleaned.rowCount, removedByCleaning: removed };
    }
    if (holdout && (holdout.train.rowCount === 0 || holdout.test.rowCount === 0))
      throw new PipelineError('bad-split', `The split leaves ${holdout.train.rowCount} training and ${holdout.test.rowCount} test rows; both need at least one.`, { stage: 'transformation' });
  });
  log.info('transformation', `Split: ${splitInfo!.kind}, ${splitInfo!.trainRows} training rows, ${splitInfo!.testRows} test rows`, {
    data: { trainRows: splitInfo!.trainRows, testRows: splitInfo!.testRows, seed: split.seed },
  });

  // The recipe fitted on all training rows (the one that ships in a bundle).
  const fullTrain = holdout ? holdout.train : cleaned;
  const recipe = await stage('transformation', log, () => fitRecipe(req.recipe, fullTrain));
  const train = await stage('transformation', log, () => prepare(recipe, fullTrain));
  const test = holdout ? await stage('transformation', log, () => prepare(recipe, holdout!.test)) : undefined;
  log.info('transformation', `Features: ${recipe.featureNames.join(', ')}`, { data: { features: recipe.featureNames.length } });

  // k-fold: each fold fits its own recipe on its training rows.
  const foldData = await stage('transformation', log, () =>
    folds.map((f) => {
      const trT = takeRows(cleaned, f.train);
      const teT = takeRows(cleaned, f.test);
      const r = fitRecipe(req.recipe, trT);
      return { recipe: r, train: prepare(r, trT), test: prepare(r, teT) };
    }),
  );

  const results: CandidateResult[] = [];
  const n = req.candidates.length;
  for (let ci = 0; ci < n; ci++) {
    const spec = req.candidates[ci];
    const name = names[ci];
    const report = (fraction: number, extra: Partial<TrainingProgress> = {}): void =>
      req.onProgress?.({ candidate: name, candidateIndex: ci, candidates: n, fraction, overall: (ci + fraction) / n, ...extra });
    let result: CandidateResult;
    let params: Record<string, unknown> = {};
    try {
      const probe = createModel(spec.type, spec.params ?? {});
      params = { ...(probe.params as Record<string, unknown>) };
      log.info('training', `Training ${name}`, { candidate: name });
      report(0);
      if (foldData.length > 0) {
        const foldMetrics: RegressionMetrics[] = [];
        let fitSeconds = 0;
        let predictSeconds = 0;
        const parts = foldData.length + 1;
        for (let k = 0; k < foldData.length; k++) {
          const fd = foldData[k];
          const m = createModel(spec.type, spec.params ?? {});
          const t0 = now();
          await m.fit(fd.train.X, fd.train.y, { signal, onProgress: (p) => report((k + p.fraction) / parts, { step: p.step, totalSteps: p.totalSteps, loss: p.loss }) });
          fitSeconds += (now() - t0) / 1000;
          const t1 = now();
          const pred = fd.recipe.decodeTarget(m.predict(fd.test.X));
          predictSeconds += (now() - t1) / 1000;
          foldMetrics.push(regressionMetrics(fd.test.yRaw, pred));
          log.info('evaluation', `Fold ${k + 1}/${foldData.length}: R² ${foldMetrics[k].r2.toFixed(4)}, RMSE ${foldMetrics[k].rmse.toFixed(2)}`, { candidate: name });
          await checkpoint(signal);
        }
        const model = createModel(spec.type, spec.params ?? {});
        await model.fit(train.X, train.y, { signal, onProgress: (p) => report((foldData.length + p.fraction) / parts, { step: p.step, totalSteps: p.totalSteps, loss: p.loss }) });
        result = {
          name,
          type: spec.type,
          params,
          status: 'finished',
          metrics: meanMetrics(foldMetrics),
          folds: foldMetrics,
          fitSeconds: fitSeconds / foldData.length,
          predictSeconds: predictSeconds / foldData.length,
          history: model.history(),
          model,
          featureImportance: model.featureImportance?.(),
        };
      } else {
        const model = createModel(spec.type, spec.params ?? {});
        const t0 = now();
        await model.fit(train.X, train.y, { signal, onProgress: (p) => report(p.fraction, { step: p.step, totalSteps: p.totalSteps, loss: p.loss }) });
        const fitSeconds = (now() - t0) / 1000;
        const t1 = now();
        const pred = recipe.decodeTarget(model.predict(test!.X));
        const predictSeconds = (now() - t1) / 1000;
        result = {
          name,
          type: spec.type,
          params,
          status: 'finished',
          metrics: regressionMetrics(test!.yRaw, pred),
          fitSeconds,
          predictSeconds,
          history: model.history(),
          model,
          testPredictions: pred,
          featureImportance: model.featureImportance?.(),
        };
      }
      const m = result.metrics!;
      log.info('evaluation', `${name}: R² ${m.r2.toFixed(4)}, RMSE ${m.rmse.toFixed(2)}, fit ${result.fitSeconds.toFixed(2)} s`, {
        candidate: name,
        data: { r2: m.r2, rmse: m.rmse, mae: m.mae, fitSeconds: result.fitSeconds },
      });
      report(1);
    } catch (e) {
      if (isCancelled(e) || signal?.aborted) {
        log.warn('training', `${name} cancelled`, { candidate: name });
        results.push(failed(name, spec, params, 'cancelled', e));
        req.onCandidateDone?.(results[results.length - 1]);
        throw e instanceof CancelledError ? e : new CancelledError();
      }
      const msg = e instanceof Error ? e.message : String(e);
      log.error('training', `${name} failed: ${msg}`, { candidate: name });
      result = failed(name, spec, params, 'failed', e);
    }
    results.push(result);
    req.onCandidateDone?.(result);
  }

  const leaderboard = rankByR2(results);
  const best = leaderboard.find((r) => r.status === 'finished');
  if (!best) throw new PipelineError('all-failed', 'Every candidate model failed; see the log for each.', { stage: 'training' });
  log.info('evaluation', `Best model by R²: ${best.name} (R² ${best.metrics!.r2.toFixed(4)}, RMSE ${best.metrics!.rmse.toFixed(2)})`, { candidate: best.name });
  return { split: splitInfo!, recipe, leaderboard, best: best.name, testTarget: test?.yRaw, trainRows: cleaned, logs: log.lines };
}

function failed(name: string, spec: CandidateSpec, params: Record<string, unknown>, status: CandidateStatus, e: unknown): CandidateResult {
  const code = e instanceof LoupeError ? e.code : 'error';
  const message = e instanceof Error ? e.message : String(e);
  return {
    name,
    type: spec.type,
    params,
    status,
    fitSeconds: 0,
    predictSeconds: 0,
    history: { unit: 'none', metric: 'mse', train: [], validation: [] },
    error: { code, message, stage: 'training' },
  };
}

/** Sorted by R² descending (the course's rule); unfinished candidates last, in their order. */
export function rankByR2(results: CandidateResult[]): CandidateResult[] {
  const score = (r: CandidateResult): number => (r.status === 'finished' && r.metrics && Number.isFinite(r.metrics.r2) ? r.metrics.r2 : -Infinity);
  return results
    .map((r, i) => ({ r, i }))
    .sort((a, b) => score(b.r) - score(a.r) || a.i - b.i)
    .map((x) => x.r);
}

function meanMetrics(ms: RegressionMetrics[]): RegressionMetrics {
  const keys = Object.keys(ms[0]) as (keyof RegressionMetrics)[];
  const out = {} as RegressionMetrics;
  for (const k of keys) out[k] = ms.reduce((s, m) => s + m[k], 0) / ms.length;
  return out;
}

/**
 * Rows without a target value cannot be learned from or scored: they are removed before the
 * split, and the count is logged (never silently). A target column that is absent or not a
 * number is an error naming it.
 */
function dropMissingTarget(table: Table, target: string, log: Logger): Table {
  const col = table.columns.find((c) => c.name === target);
  if (!col) throw new PipelineError('missing-target', `The target column "${target}" is not in the dataset.`, { column: target, stage: 'transformation' });
  if (col.type !== 'numeric')
    throw new PipelineError('target-not-numeric', `The target column "${target}" is not numeric; Loupe predicts a number.`, { column: target, stage: 'transformation' });
  const keep: number[] = [];
  for (let i = 0; i < col.values.length; i++) if (Number.isFinite(col.values[i])) keep.push(i);
  if (keep.length === table.rowCount) return table;
  if (keep.length === 0) throw new PipelineError('no-target-values', `The target column "${target}" has no numeric values.`, { column: target, stage: 'transformation' });
  log.warn('transformation', `Removed ${table.rowCount - keep.length} rows whose target "${target}" is missing or not finite`, { data: { removed: table.rowCount - keep.length } });
  return takeRows(table, Uint32Array.from(keep));
}
