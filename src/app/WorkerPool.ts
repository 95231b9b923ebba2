/**
 * A pool of training workers: at most `size` (default max(1, hardwareConcurrency − 1)), created
 * on demand, each set up once (tfjs backend) and sent the dataset table once. Jobs wait in a
 * queue; `cancel` removes a queued job or stops a running one in its worker (a worker that does
 * not answer within a moment is terminated and replaced). Permutation importance and explanations
 * go to the worker that trained the job, which keeps the model. A retrain job (champion + new
 * rows) carries its own tables and queues with the training jobs.
 *
 * A random forest's trees are spread over the pool: its job gets a TreeShareLink, and once the
 * forest has its matrix, helper tasks on the other workers grow the tree indices a
 * TreeShareHost hands out (core's forest/tree-share.ts). Helpers wait behind queued jobs, and a
 * helper that starts after the last index was handed out does nothing; tree t is the same tree in
 * any worker, so the forest is the one a single worker would build.
 */
import { proxy, type Remote } from 'comlink';
import type { PartialDependence, PartialDependenceOptions, ShapSummary } from '../core/explain';
import type { Table } from '../core/data/types';
import { CancelledError } from '../core/errors';
import type { TfBackendInfo } from '../core/tf';
import { TreeShareHost } from '../core/models/forest/tree-share';
import type { ForestParams } from '../core/models/forest/params';
import type { Matrix, ModelType } from '../core/models/types';
import type { ThresholdedBundle } from '../core/pipeline/decision-threshold';
import type { FitRows } from '../core/pipeline/search';
import { transferableTable } from './column-transfer';
import { OwnedWorker, type WorkerEndpoint } from './owned-worker';
import {
  unfinishedJob,
  unfinishedRetrain,
  type PermutationImportanceResult,
  type RetrainJob,
  type RetrainJobProgress,
  type RetrainJobResult,
  type TrainApi,
  type TrainJob,
  type TrainJobProgress,
  type TrainJobResult,
  type RefitLink,
  type SearchFitJob,
  type SearchFitResult,
  type SearchRunRef,
  type SearchTrialJob,
  type SharedTree,
  type TreeShareLink,
} from '../../workers/protocol';
import type { TrialOutcome } from '../core/pipeline/search-schedule';
import type { RunSearch } from '../storage/records';
import { transferTrees } from '../../workers/tree-share-link';

const TERMINATE_AFTER_MS = 3000;

export interface JobHandlers<P = TrainJobProgress> {
  /** The job left the queue and started in a worker. */
  onStart?: () => void;
  onProgress?: (p: P) => void;
}

export interface PoolOptions {
  /** Workers at most; default max(1, hardwareConcurrency − 1). */
  size?: number;
  /** Folder URL of the tfjs .wasm files. */
  wasmPaths: string;
  /** For tests: how a worker is made. */
  createWorker?: () => WorkerEndpoint;
  /** How long a cancelled job may take to stop before its worker is terminated (and replaced). */
  terminateAfterMs?: number;
}

interface Slot {
  worker: OwnedWorker<TrainApi>;
  ready: Promise<TfBackendInfo>;
  tableKey: string | null;
  job: Queued | null;
  /** The shared forest this slot is growing trees for, and its helper id there. */
  helper: { host: TreeShareHost; id: number } | null;
  alive: boolean;
}

/** Helpers for a shared forest fit, waiting for a free worker. */
interface HelperTask {
  host: TreeShareHost;
  X: Matrix;
  y: Float64Array;
  params: ForestParams;
}

/** A queued job of either kind; its result type is known to the method that queued it. */
interface Queued {
  jobId: string;
  /** The pool table the job trains on (sent to its worker first), or null for a job that carries its rows. */
  tableKey: string | null;
  onStart?: () => void;
  /** Runs the job in a ready slot's worker; `live` says whether its progress is still wanted. */
  exec: (slot: Slot, live: () => boolean, q: Queued) => Promise<unknown>;
  /** The job's result when it did not finish (failed in the pool, or cancelled). */
  unfinished: (status: 'failed' | 'cancelled', message: string) => unknown;
  resolve: (r: unknown) => void;
  settled: boolean;
  /** Settles with the job (answered by its worker, failed, or cancelled). */
  done: Promise<unknown>;
  /** Cancel was asked while the job ran: it is not started if it has not been yet. */
  cancelled: boolean;
  slot: Slot | null;
  /** The forest fit in progress that shares its trees (k-fold fits share one after another). */
  share: TreeShareHost | null;
}

function busy(s: Slot): boolean {
  return s.job !== null || s.helper !== null;
}

export function defaultPoolSize(): number {
  const hc = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
  return Math.max(1, hc - 1);
}

function poolFailure(status: 'failed' | 'cancelled', message: string): Error {
  return status === 'cancelled' ? new CancelledError(message) : Object.assign(new Error(message), { code: 'worker-error' });
}

export class TrainWorkerPool {
  readonly size: number;
  readonly #opts: PoolOptions;
  readonly #terminateAfterMs: number;
  readonly #slots: Slot[] = [];
  readonly #queue: Queued[] = [];
  readonly #helpers: HelperTask[] = [];
  /** Which slot trained which finished job (for permutation importance). */
  readonly #owner = new Map<string, Slot>();
  #table: { key: string; table: Table } | null = null;
  #backend: Promise<TfBackendInfo> | null = null;

  constructor(opts: PoolOptions) {
    this.#opts = opts;
    this.size = Math.max(1, opts.size ?? defaultPoolSize());
    this.#terminateAfterMs = opts.terminateAfterMs ?? TERMINATE_AFTER_MS;
  }

  /** The tfjs backend of the pool's workers (starts one worker if none is running). */
  backend(): Promise<TfBackendInfo> {
    if (!this.#backend) this.#backend = this.#slot().ready;
    return this.#backend;
  }

  /** The table later jobs name by `key`; sent to each worker once, before its first job on it. */
  setTable(key: string, table: Table): void {
    if (this.#table?.key === key && this.#table.table === table) return;
    this.#table = { key, table };
    for (const s of this.#slots) if (s.tableKey !== key) s.tableKey = null;
  }

  /** Queues a job. The promise never rejects for a model failure or a cancel: the result's status says so. */
  run(job: TrainJob, handlers: JobHandlers = {}): Promise<TrainJobResult> {
    return this.#enqueue<TrainJobResult>(job.jobId, job.tableKey, handlers.onStart, async (slot, live, q) => {
      const onProgress = proxy((p: TrainJobProgress) => {
        if (live()) handlers.onProgress?.(p);
      });
      const share = job.candidate.type === 'forest' && this.size > 1 ? this.#shareLink(q) : undefined;
      // A search's refit job (its ensemble, or its best) fits in the other workers too, side by side (one worker: all in its own).
      const search = job.searchEnsemble ?? job.searchRefit;
      const refit = search && this.size > 1 ? this.#refitLink(job, search) : undefined;
      const r = await slot.worker.api.train(job, onProgress, share, refit);
      if (r.status === 'finished') this.#owner.set(job.jobId, slot);
      return r;
    }, (status, message) => {
      const r = unfinishedJob(job, status, poolFailure(status, message));
      return status === 'failed' ? { ...r, error: { code: 'worker-error', message, stage: 'training' } } : r;
    });
  }

  /** Queues a retrain (its rows travel with it). Never rejects for a failure or a cancel: the result's status says so. */
  retrain(job: RetrainJob, handlers: JobHandlers<RetrainJobProgress> = {}): Promise<RetrainJobResult> {
    return this.#enqueue<RetrainJobResult>(job.jobId, null, handlers.onStart, (slot, live) => {
      const onProgress = proxy((p: RetrainJobProgress) => {
        if (live()) handlers.onProgress?.(p);
      });
      return slot.worker.api.retrain(job, onProgress);
    }, (status, message) => unfinishedRetrain(job.jobId, status, poolFailure(status, message)));
  }

  /** Queues a search trial on the pool's table. Never rejects: a failure or a cancel is the outcome's status. */
  searchTrial(job: SearchTrialJob, handlers: JobHandlers<never> = {}): Promise<TrialOutcome> {
    return this.#enqueue<TrialOutcome>(
      job.jobId,
      job.tableKey,
      handlers.onStart,
      (slot) => slot.worker.api.searchTrial(job),
      (status, message) => ({ status, cvScore: NaN, seconds: 0, ...(status === 'failed' ? { error: { code: 'worker-error', message } } : {}) }),
    );
  }

  /** Queues a model's fit on every training row of a search's prepared run. Never rejects: a failure or a cancel comes back as `error`. */
  fitSearchModel(job: SearchFitJob): Promise<SearchFitResult> {
    return this.#enqueue<SearchFitResult>(job.jobId, job.tableKey, undefined, (slot) => slot.worker.api.fitSearchModel(job), (status, message) => ({ seconds: 0, error: `${status}: ${message}` }));
  }

  /** The page's side of a search's refit job: each fit a job of its own, on whichever worker is free. */
  #refitLink(job: TrainJob, search: SearchRunRef): RefitLink {
    let n = 0;
    return proxy({
      fit: (model: ModelType, params: Record<string, unknown>, rows: FitRows): Promise<SearchFitResult> =>
        this.fitSearchModel({ jobId: `${job.jobId}-refit-${++n}`, tableKey: job.tableKey, searchKey: search.searchKey, recipe: job.recipe, split: job.split, folds: search.folds, seed: search.seed, model, params, rows }),
    });
  }

  #enqueue<R>(jobId: string, tableKey: string | null, onStart: (() => void) | undefined, exec: (slot: Slot, live: () => boolean, q: Queued) => Promise<R>, unfinished: (status: 'failed' | 'cancelled', message: string) => R): Promise<R> {
    let resolve: (r: unknown) => void = () => {};
    const done = new Promise<unknown>((ok) => (resolve = ok));
    const q: Queued = { jobId, tableKey, onStart, exec, unfinished, settled: false, done, cancelled: false, slot: null, share: null, resolve: () => {} };
    q.resolve = (r) => {
      if (q.settled) return; // cancelled meanwhile: ignore the late answer
      q.settled = true;
      resolve(r);
    };
    this.#queue.push(q);
    this.#pump();
    return done as Promise<R>;
  }

  /** Removes a queued job or stops a running one. */
  cancel(jobId: string): void {
    const i = this.#queue.findIndex((q) => q.jobId === jobId);
    if (i >= 0) {
      const [q] = this.#queue.splice(i, 1);
      q.resolve(q.unfinished('cancelled', 'Cancelled before it started.'));
      return;
    }
    const slot = this.#slots.find((s) => s.job?.jobId === jobId);
    if (!slot) return;
    const q = slot.job!;
    q.cancelled = true;
    q.share?.stop();
    void slot.worker.stop(q.done, (api) => api.cancel(jobId), this.#terminateAfterMs).then((terminated) => {
      if (!terminated) return;
      this.#drop(slot);
      q.resolve(q.unfinished('cancelled', 'Cancelled (the worker was stopped).'));
      this.#pump();
    });
  }

  cancelAll(): void {
    for (const q of [...this.#queue]) this.cancel(q.jobId);
    for (const s of this.#slots) if (s.job) this.cancel(s.job.jobId);
  }

  async permutationImportance(jobId: string, opts?: { repeats?: number; seed?: number; maxRows?: number }): Promise<PermutationImportanceResult> {
    return (await this.#keeper(jobId, 'compute permutation importance')).permutationImportance(jobId, opts);
  }

  /** SHAP summary of a finished job's model, from the worker that trained it. */
  async explainSummary(jobId: string, opts?: { maxRows?: number; seed?: number }): Promise<ShapSummary> {
    return (await this.#keeper(jobId, 'explain it')).explainSummary(jobId, opts);
  }

  /** Partial dependence and ICE curves of one input column, from the worker that trained the job. */
  async partialDependence(jobId: string, column: string, opts?: PartialDependenceOptions & { classCode?: number }): Promise<PartialDependence> {
    return (await this.#keeper(jobId, 'explore it')).partialDependence(jobId, column, opts);
  }

  async #keeper(jobId: string, what: string): Promise<Remote<TrainApi>> {
    const slot = this.#owner.get(jobId);
    if (!slot || !slot.alive) throw new Error(`The worker that trained this model has been stopped; train it again to ${what}.`);
    return slot.worker.api;
  }

  /** Saves a finished job's run (outcome and bundle) from the worker that trained it. */
  async finishRun(jobId: string, runId: string, search?: RunSearch): Promise<void> {
    const slot = this.#owner.get(jobId);
    if (!slot || !slot.alive) throw new Error('The worker that trained this model has been stopped; its run could not be saved.');
    await slot.worker.api.finishRun(jobId, runId, search);
  }

  /** Saves another decision threshold into a finished binary classifier's bundle, in the worker that trained it (and over its stored run's bundle). */
  async setDecisionThreshold(jobId: string, threshold: number, runId?: string): Promise<ThresholdedBundle> {
    return (await this.#keeper(jobId, 'change its decision threshold')).setDecisionThreshold(jobId, threshold, runId);
  }

  /** Forgets the models the workers keep for finished jobs. */
  release(): void {
    this.#owner.clear();
    for (const s of this.#slots) void s.worker.api.release();
  }

  dispose(): void {
    this.cancelAll();
    for (const s of [...this.#slots]) this.#drop(s);
  }

  #slot(): Slot {
    const idle = this.#slots.find((s) => !busy(s));
    if (idle || this.#slots.length >= this.size) return idle ?? this.#slots[0];
    const name = `train-${this.#slots.length + 1}`;
    const worker = new OwnedWorker<TrainApi>(this.#opts.createWorker ?? (() => new Worker(new URL('../../workers/train.worker.ts', import.meta.url), { type: 'module', name })));
    const hc = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1;
    const threads = Math.max(1, Math.floor(hc / this.size));
    const slot: Slot = { worker, ready: worker.api.init({ wasmPaths: this.#opts.wasmPaths, threads }), tableKey: null, job: null, helper: null, alive: true };
    this.#slots.push(slot);
    return slot;
  }

  #pump(): void {
    // Jobs first, then helpers of shared forests; helpers whose forest handed out its last tree are dropped.
    for (;;) {
      while (this.#helpers.length > 0 && !this.#helpers[0].host.open) this.#helpers.shift();
      if (this.#queue.length === 0 && this.#helpers.length === 0) return;
      const hasIdle = this.#slots.some((s) => !busy(s)) || this.#slots.length < this.size;
      if (!hasIdle) return;
      const slot = this.#slot();
      if (this.#queue.length > 0) {
        const q = this.#queue.shift()!;
        slot.job = q;
        q.slot = slot;
        void this.#runOn(slot, q);
      } else void this.#helpOn(slot, this.#helpers.shift()!);
    }
  }

  /** The page's side of a forest job's shared trees (a comlink proxy for the worker). */
  #shareLink(q: Queued): TreeShareLink {
    return proxy({
      begin: (X: Matrix, y: Float64Array, params: ForestParams): boolean => {
        if (q.cancelled || q.settled || this.size < 2) return false;
        const host = new TreeShareHost(params.nEstimators);
        q.share = host;
        for (let i = 1; i < this.size; i++) this.#helpers.push({ host, X, y, params });
        this.#pump();
        return true;
      },
      take: (): number => q.share?.takeNow() ?? -1,
      collect: async (): Promise<{ trees: SharedTree[]; missing: number[] }> => {
        const host = q.share;
        if (!host) return { trees: [], missing: [] };
        return transferTrees(await host.collect());
      },
    });
  }

  async #helpOn(slot: Slot, task: HelperTask): Promise<void> {
    const { host } = task;
    const id = host.join();
    slot.helper = { host, id };
    try {
      await slot.ready;
      const trees = await slot.worker.api.trainTrees(task.X, task.y, task.params, proxy(() => host.takeNow(id)));
      host.deliver(id, trees);
    } catch {
      // The trees it took are grown by the forest's own worker (TreeShareHost.collect's `missing`).
      host.fail(id);
    } finally {
      if (slot.helper?.id === id && slot.helper.host === host) slot.helper = null;
      this.#pump();
    }
  }

  async #runOn(slot: Slot, q: Queued): Promise<void> {
    try {
      await slot.ready;
      if (q.tableKey !== null) {
        const t = this.#table;
        if (!t || t.key !== q.tableKey) throw new Error('The dataset for this job is no longer open.');
        if (slot.tableKey !== t.key) {
          await slot.worker.api.setTable(t.key, transferableTable(t.table)); // a structured clone would block the page
          slot.tableKey = t.key;
        }
      }
      if (q.settled || !slot.alive) return;
      if (q.cancelled) {
        q.resolve(q.unfinished('cancelled', 'Cancelled before it started.'));
        return;
      }
      q.onStart?.();
      q.resolve(await q.exec(slot, () => !q.settled, q));
    } catch (e) {
      if (!q.settled) q.resolve(q.unfinished('failed', e instanceof Error ? e.message : String(e)));
    } finally {
      if (slot.job === q) slot.job = null;
      this.#pump();
    }
  }

  /** Terminates a slot's worker and forgets the slot (a new one is made on demand). */
  #drop(slot: Slot): void {
    slot.alive = false;
    slot.worker.terminate();
    slot.job?.share?.stop();
    slot.job = null;
    if (slot.helper) slot.helper.host.fail(slot.helper.id); // its call never settles now
    slot.helper = null;
    const i = this.#slots.indexOf(slot);
    if (i >= 0) this.#slots.splice(i, 1);
    if (this.#backend && this.#slots.length === 0) this.#backend = null;
  }
}
