/**
 * The CLI search's trials in worker threads, one per core the machine has (the app does the same
 * with its Web Worker pool): each worker prepares the same folds as the main thread
 * (search-worker.ts) and scores the trials the scheduler gives it, so on two cores two trials
 * run at once. A worker that cannot start, or stops, hands its trials back to this thread, which
 * scores them itself: the search's results never depend on where its trials ran.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ModelType } from '../core/models/types';
import { evaluateTrial, prefittedOf, type FitRows, type SearchData, type SearchRequest, type SerializedFit, type TrialOutcome, type TrialRunner, type TrialSpec } from '../core/pipeline/search';
import type { PrefittedModel } from '../core/pipeline/train';

export interface TrialWorkerData {
  /** The trial worker's module (the boot script loads it). */
  entry: string;
  /** What the folds are prepared from (the same as the main thread's). */
  request: Pick<SearchRequest, 'table' | 'recipe' | 'split' | 'folds' | 'seed'>;
  /** Load TensorFlow.js first (the families searched include a tfjs model). */
  tfjs: boolean;
}

export type TrialRequest =
  | { kind: 'run'; id: number; spec: TrialSpec }
  | { kind: 'cancel'; id: number }
  /** Fit a model on the training rows of the prepared run (a refit: the best's, an ensemble member's). */
  | { kind: 'fit'; id: number; model: ModelType; params: Record<string, unknown>; rows: FitRows };
export type TrialReply =
  | { kind: 'outcome'; id: number; outcome: TrialOutcome }
  | ({ kind: 'fitted'; id: number } & SerializedFit);

/** A refit waiting for a worker. */
interface PendingFit {
  model: ModelType;
  params: Record<string, unknown>;
  rows: FitRows;
  resolve: (m: PrefittedModel | undefined) => void;
}

/** Trial workers the CLI starts by default: one per core. */
export function defaultTrialWorkers(): number {
  return availableParallelism();
}

interface Pending {
  spec: TrialSpec;
  resolve: (o: TrialOutcome) => void;
  signal: AbortSignalLike;
}

class TrialWorker {
  readonly #worker: Worker;
  #pending: Pending | undefined;
  #fitting: PendingFit | undefined;
  #cancel: () => void = () => {};
  #id = 0;
  alive = true;
  /** Trials this worker scored, and models it fitted. */
  scored = 0;
  fitted = 0;

  constructor(
    data: TrialWorkerData,
    private readonly onLost: (p: Pending | undefined) => void,
    /** Called when the worker finished a job and can take another. */
    private readonly onIdle: () => void,
  ) {
    this.#worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: data });
    this.#worker.on('message', (m: TrialReply) => {
      if (m.id !== this.#id) return;
      if (m.kind === 'fitted') {
        const f = this.#fitting;
        if (!f) return;
        this.#fitting = undefined;
        this.fitted++;
        // A fit the worker could not make is left to the main thread (undefined).
        f.resolve(prefittedOf(m));
      } else {
        const p = this.#pending;
        if (!p) return;
        this.#settle();
        this.scored++;
        p.resolve(m.outcome);
      }
      this.onIdle();
    });
    const lost = (): void => {
      if (!this.alive) return;
      this.alive = false;
      const p = this.#pending;
      this.#settle();
      this.#fitting?.resolve(undefined);
      this.#fitting = undefined;
      this.onLost(p);
    };
    this.#worker.on('error', lost);
    this.#worker.on('exit', lost);
  }

  get idle(): boolean {
    return this.alive && !this.#pending && !this.#fitting;
  }

  run(p: Pending): void {
    this.#pending = p;
    const id = ++this.#id;
    this.#cancel = () => this.#worker.postMessage({ kind: 'cancel', id } satisfies TrialRequest);
    this.#worker.postMessage({ kind: 'run', id, spec: p.spec } satisfies TrialRequest);
    if (p.signal.aborted) this.#cancel();
    else p.signal.addEventListener('abort', this.#cancel);
  }

  fit(f: PendingFit): void {
    this.#fitting = f;
    this.#worker.postMessage({ kind: 'fit', id: ++this.#id, model: f.model, params: f.params, rows: f.rows } satisfies TrialRequest);
  }

  /** The pending trial is over: no longer cancelled through its signal. */
  #settle(): void {
    this.#pending?.signal.removeEventListener('abort', this.#cancel);
    this.#pending = undefined;
  }

  async stop(): Promise<void> {
    this.alive = false;
    this.#fitting?.resolve(undefined);
    this.#fitting = undefined;
    await this.#worker.terminate();
  }
}

/**
 * `count` trial workers, started at once (their preparation overlaps the main thread's);
 * `runner(data)` is the search's TrialRunner, `close()` ends them.
 */
export class TrialWorkers {
  readonly #workers: TrialWorker[];
  #data: SearchData | undefined;
  #inThreadCount = 0;

  constructor(count: number, request: TrialWorkerData['request'], options: { tfjs: boolean; entry?: string }) {
    const data: TrialWorkerData = { entry: options.entry ?? new URL('./search-worker.ts', import.meta.url).href, request, tfjs: options.tfjs };
    this.#workers = Array.from({ length: count }, () =>
      new TrialWorker(
        data,
        (p) => {
          if (p) this.#inThread(p);
          this.#drainFits();
        },
        () => this.#drainFits(),
      ),
    );
  }

  /** Refits waiting for a worker, first come first served. */
  readonly #fits: PendingFit[] = [];

  #drainFits(): void {
    for (let w = this.#workers.find((x) => x.idle); w && this.#fits.length; w = this.#workers.find((x) => x.idle)) w.fit(this.#fits.shift()!);
    // No worker left alive: the main thread fits what is still waiting.
    if (!this.#workers.some((x) => x.alive)) for (const f of this.#fits.splice(0)) f.resolve(undefined);
  }

  /**
   * A model of `type` fitted on the prepared run's training rows (`rows`: all, or the proper
   * part of the hold-out calibration split) by the next free worker — the search's refit of its
   * best, an ensemble member's (search.ts `RefitHook`); undefined when no worker could, and the
   * caller fits it itself.
   */
  fit = (model: ModelType, params: Record<string, unknown>, rows: FitRows): Promise<PrefittedModel | undefined> =>
    new Promise((resolve) => {
      this.#fits.push({ model, params, rows, resolve });
      this.#drainFits();
    });

  /** Models the workers fitted for the caller. */
  get fitted(): number {
    return this.#workers.reduce((n, w) => n + w.fitted, 0);
  }

  /** A trial a worker could not finish, scored in this thread. */
  #inThread(p: Pending): void {
    void evaluateTrial(this.#data!, p.spec, { signal: p.signal }).then((o) => {
      this.#inThreadCount++;
      p.resolve(o);
    });
  }

  /** Trials scored so far by the workers, and in this thread. */
  get scored(): { workers: number; thread: number } {
    return { workers: this.#workers.reduce((n, w) => n + w.scored, 0), thread: this.#inThreadCount };
  }

  runner = (data: SearchData): TrialRunner => {
    this.#data = data;
    return {
      parallel: Math.max(1, this.#workers.length),
      run: (spec, signal) =>
        new Promise<TrialOutcome>((resolve) => {
          const w = this.#workers.find((x) => x.idle);
          if (w) w.run({ spec, signal, resolve });
          else this.#inThread({ spec, signal, resolve });
        }),
    };
  };

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.stop()));
    for (const f of this.#fits.splice(0)) f.resolve(undefined);
  }
}
