/**
 * Owns one prediction worker and knows which models it has loaded. `use(model)` makes sure the
 * model is loaded there (sending the bundle once). `cancel()` asks the running file prediction to
 * stop; if the worker does not answer within a moment it is terminated, and the next call starts
 * a fresh worker (which reloads the models it needs).
 */
import { proxy, wrap, type Remote } from 'comlink';
import type { ModelBundle } from '../core/bundle/bundle';
import { installErrorTransfer } from '../../workers/error-transfer';
import type { FilePredictionOptions, FilePredictionProgress, FilePredictionResult, LoadedModelInfo, PredictApi, RowPredictionResult } from '../../workers/protocol';

const TERMINATE_AFTER_MS = 1500;

export class PredictClient {
  readonly #name: string;
  #worker: Worker | null = null;
  #api: Remote<PredictApi> | null = null;
  /** Keys loaded in the current worker (promises, so concurrent callers share one load). */
  #loads = new Map<string, Promise<LoadedModelInfo>>();
  /** Set while a file prediction runs, so cancel() knows what to wait for. */
  #running: { answered: boolean } | null = null;

  constructor(name: string) {
    this.#name = name;
  }

  #ensure(): Remote<PredictApi> {
    if (!this.#api) {
      installErrorTransfer();
      this.#worker = new Worker(new URL('../../workers/predict.worker.ts', import.meta.url), { type: 'module', name: this.#name });
      this.#api = wrap<PredictApi>(this.#worker);
    }
    return this.#api;
  }

  /** Validates a bundle file in the worker and keeps it loaded under `key`. */
  importBundle(key: string, file: Blob): Promise<LoadedModelInfo> {
    const p = this.#ensure().importBundle(key, file);
    this.#loads.set(key, p);
    p.catch(() => this.#loads.delete(key));
    return p;
  }

  /** Loads the bundle under `key` unless this worker already has it. */
  use(key: string, bundle: ModelBundle): Promise<LoadedModelInfo> {
    let p = this.#loads.get(key);
    if (!p) {
      p = this.#ensure().load(key, bundle);
      this.#loads.set(key, p);
      p.catch(() => this.#loads.delete(key));
    }
    return p;
  }

  async predictRow(key: string, bundle: ModelBundle, record: Record<string, string>): Promise<RowPredictionResult> {
    await this.use(key, bundle);
    return this.#ensure().predictRow(key, record);
  }

  async predictFile(key: string, bundle: ModelBundle, file: Blob, onProgress: (p: FilePredictionProgress) => void, options: FilePredictionOptions = {}): Promise<FilePredictionResult> {
    await this.use(key, bundle);
    const running = { answered: false };
    this.#running = running;
    try {
      return await this.#ensure().predictFile(key, file, proxy(onProgress), options);
    } finally {
      running.answered = true;
      if (this.#running === running) this.#running = null;
    }
  }

  /** Asks the file prediction to stop; terminates the worker if it has not stopped soon. */
  cancel(): void {
    const running = this.#running;
    if (!running) return;
    void this.#api?.cancel();
    setTimeout(() => {
      if (!running.answered && this.#running === running) this.#terminate();
    }, TERMINATE_AFTER_MS);
  }

  dispose(): void {
    this.#terminate();
  }

  #terminate(): void {
    this.#running = null;
    this.#loads.clear();
    this.#worker?.terminate();
    this.#worker = null;
    this.#api = null;
  }
}
