/// <reference lib="webworker" />
/**
 * Training worker: one candidate at a time through src/core's pipeline. The page's pool sends the
 * dataset table once (`setTable`), then jobs; each job runs `trainCandidates` with one candidate
 * (the split is seeded, so every worker sees the same rows) and hands back the metrics, the
 * bundle built here, plot data and importances. The fitted model stays here for permutation
 * importance until released.
 */
import { expose, transfer } from 'comlink';
import { createBundle, type ModelBundle } from '../src/core/bundle/bundle';
import { referenceProfile } from '../src/core/bundle/reference-profile';
import { takeRows } from '../src/core/data';
import { trainTestSplit } from '../src/core/data/split';
import type { Table } from '../src/core/data/types';
import { isCancelled, LoupeError } from '../src/core/errors';
import type { Matrix, Regressor } from '../src/core/models/types';
import { permutationImportance } from '../src/core/pipeline/importance';
import type { LogLine } from '../src/core/pipeline/log';
import { trainCandidates, type CandidateResult, type TrainingResult } from '../src/core/pipeline/train';
import { permutation, Rng } from '../src/core/random';
import type { FittedRecipe } from '../src/core/recipe';
import { initTf } from '../src/core/tf';
import { openLoupeDb, RunStore, type RunOutcome } from '../src/storage';
import { installErrorTransfer } from './error-transfer';
import type { PermutationImportanceResult, TrainApi, TrainJob, TrainJobProgress, TrainJobResult } from './protocol';

installErrorTransfer();

const PROGRESS_MS = 100;

let table: { key: string; table: Table } | null = null;
const running = new Map<string, AbortController>();
/** Finished jobs' models and evaluation rows, for permutation importance. */
const kept = new Map<string, { model: Regressor; recipe: FittedRecipe; X: Matrix; y: Float64Array; outcome: RunOutcome & { bundle: ModelBundle } }>();
let runStore: Promise<RunStore> | null = null;

function evaluationRows(res: TrainingResult, job: TrainJob): { rows: Table; inSample: boolean } {
  if (job.split.kind === 'holdout') {
    const s = trainTestSplit(res.trainRows.rowCount, { testSize: job.split.testSize, seed: job.split.seed });
    return { rows: takeRows(res.trainRows, s.test), inSample: false };
  }
  return { rows: res.trainRows, inSample: true };
}

function buffersOf(r: TrainJobResult): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  if (r.evaluation) out.push(r.evaluation.actual.buffer as ArrayBuffer, r.evaluation.predicted.buffer as ArrayBuffer);
  if (r.featureImportance) out.push(r.featureImportance.buffer as ArrayBuffer);
  return out;
}

function unfinished(job: TrainJob, status: 'failed' | 'cancelled', e: unknown, done: CandidateResult | undefined, logs: LogLine[]): TrainJobResult {
  const error = done?.error ?? {
    code: e instanceof LoupeError ? e.code : status === 'cancelled' ? 'cancelled' : 'error',
    message: e instanceof Error ? e.message : String(e),
    stage: e instanceof LoupeError && e.where.stage ? e.where.stage : 'training',
  };
  return {
    jobId: job.jobId,
    name: job.candidate.name,
    type: job.candidate.type,
    params: done?.params ?? job.candidate.params ?? {},
    status,
    fitSeconds: 0,
    predictSeconds: 0,
    history: done?.history ?? { unit: 'none', metric: 'mse', train: [], validation: [] },
    featureNames: [],
    error: status === 'cancelled' ? { ...error, code: 'cancelled' } : error,
    logs,
  };
}

const api: TrainApi = {
  init: (opts) => initTf({ wasmPaths: opts.wasmPaths, threads: opts.threads }),

  setTable(key, t) {
    table = { key, table: t };
  },

  async train(job, onProgress) {
    if (!table || table.key !== job.tableKey) throw new Error(`The dataset ${job.tableKey} was not sent to this worker.`);
    const controller = new AbortController();
    running.set(job.jobId, controller);
    const logs: LogLine[] = [];
    let done: CandidateResult | undefined;
    let pending: TrainJobProgress = { jobId: job.jobId, fraction: 0, losses: [] };
    let last = 0;
    const flush = (): void => {
      last = performance.now();
      onProgress?.(pending);
      pending = { ...pending, losses: [] };
    };
    try {
      const res = await trainCandidates({
        table: table.table,
        recipe: job.recipe,
        candidates: [job.candidate],
        split: job.split,
        signal: controller.signal,
        onLog: (l) => logs.push(l),
        onCandidateDone: (r) => (done = r),
        onProgress: (p) => {
          pending.fraction = p.fraction;
          pending.step = p.step;
          pending.totalSteps = p.totalSteps;
          if (p.loss && p.step !== undefined) pending.losses.push({ step: p.step, train: p.loss.train, validation: p.loss.validation });
          if (performance.now() - last >= PROGRESS_MS) flush();
        },
      });
      const r = res.leaderboard[0];
      const model = r.model!;
      const recipe = res.recipe;
      const ev = evaluationRows(res, job);
      const { X, y } = recipe.transformTable(ev.rows);
      const actual = y ?? new Float64Array(0);
      const predicted = !ev.inSample && r.testPredictions ? r.testPredictions : recipe.decodeTarget(model.predict(X));
      const inputs = recipe.inputSchema().map((c) => c.name);
      const bundle = createBundle({
        name: job.candidate.name,
        recipe,
        model,
        metrics: { test: r.metrics, folds: r.folds, fitSeconds: r.fitSeconds, predictSeconds: r.predictSeconds },
        lineage: { datasetHash: job.dataset.id, datasetName: job.dataset.name, datasetRows: job.dataset.rows, split: res.split, seed: job.split.seed },
        referenceProfile: referenceProfile(res.trainRows, [...inputs, recipe.target]),
      });
      kept.set(job.jobId, {
        model,
        recipe,
        X,
        y: actual,
        outcome: { metrics: r.metrics!, folds: r.folds, fitSeconds: r.fitSeconds, predictSeconds: r.predictSeconds, history: r.history, logs: res.logs, split: res.split, bundle },
      });
      pending.fraction = 1;
      flush();
      const out: TrainJobResult = {
        jobId: job.jobId,
        name: r.name,
        type: r.type,
        params: r.params,
        status: 'finished',
        metrics: r.metrics,
        folds: r.folds,
        fitSeconds: r.fitSeconds,
        predictSeconds: r.predictSeconds,
        history: r.history,
        split: res.split,
        bundle,
        evaluation: { actual: Float64Array.from(actual), predicted: Float64Array.from(predicted), inSample: ev.inSample },
        featureNames: recipe.featureNames,
        featureImportance: r.featureImportance ? Float64Array.from(r.featureImportance) : undefined,
        logs: res.logs,
      };
      return transfer(out, buffersOf(out));
    } catch (e) {
      if (controller.signal.aborted || isCancelled(e)) return unfinished(job, 'cancelled', e, done, logs);
      return unfinished(job, 'failed', e, done, logs);
    } finally {
      running.delete(job.jobId);
    }
  },

  cancel(jobId) {
    running.get(jobId)?.abort();
  },

  async permutationImportance(jobId, opts = {}): Promise<PermutationImportanceResult> {
    const k = kept.get(jobId);
    if (!k) throw new Error('This model is no longer kept in its worker; train it again to compute permutation importance.');
    const seed = opts.seed ?? 0;
    const maxRows = opts.maxRows ?? 5000;
    let X = k.X;
    let y = k.y;
    if (X.rows > maxRows) {
      const pick = permutation(X.rows, new Rng(seed)).slice(0, maxRows).sort();
      const data = new Float64Array(maxRows * X.cols);
      const ys = new Float64Array(maxRows);
      for (let i = 0; i < maxRows; i++) {
        data.set(X.data.subarray(pick[i] * X.cols, (pick[i] + 1) * X.cols), i * X.cols);
        ys[i] = y[pick[i]];
      }
      X = { data, rows: maxRows, cols: X.cols, features: X.features };
      y = ys;
    }
    const res = await permutationImportance((m) => k.recipe.decodeTarget(k.model.predict(m)), X, y, { repeats: opts.repeats ?? 3, seed });
    const out: PermutationImportanceResult = { featureNames: k.recipe.featureNames, baseline: res.baseline, mean: res.mean, std: res.std, repeats: res.repeats, rows: X.rows };
    return transfer(out, [out.mean.buffer as ArrayBuffer, out.std.buffer as ArrayBuffer]);
  },

  async finishRun(jobId, runId) {
    const k = kept.get(jobId);
    if (!k) throw new Error('This model is no longer kept in its worker; its run could not be saved.');
    runStore ??= openLoupeDb().then((db) => new RunStore(db));
    const o = k.outcome;
    await (await runStore).finish(runId, { ...o, bundle: { ...o.bundle, lineage: { ...o.bundle.lineage, runId } } });
  },

  release(jobIds) {
    if (!jobIds) kept.clear();
    else for (const id of jobIds) kept.delete(id);
  },
};

expose(api);
