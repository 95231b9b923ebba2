/**
 * Owns one prediction worker and knows which models it has loaded. `use(model)` makes sure the
 * model is loaded there (sending the bundle once). `cancel()` asks the running file prediction to
 * stop; if the worker does not answer within a moment it is terminated, and the next call starts
 * a fresh worker (which reloads the models it needs).
 */
import { proxy } from 'comlink';
import type { ModelBundle } from '../core/bundle/bundle';
import type { FilePredictionOptions, FilePredictionProgress, FilePredictionResult, LoadedModelInfo, PredictApi, RowPredictionResult } from '../../workers/protocol';
import { OwnedWorker, type WorkerEndpoint } from './owned-worker';

const TERMINATE_AFTER_MS = 1500;

export interface PredictClientOptions {
  /** Starts the worker (tests pass an in-process one). */
  spawn?: () => WorkerEndpoint;
  /** How long a cancelled file prediction may take to stop before its worker is terminated. */
  terminateAfterMs?: number;
}

export class PredictClient {
  readonly #worker: OwnedWorker<PredictApi>;
  readonly #terminateAfterMs: number;
  /** Keys loaded in the current worker (promises, so concurrent callers share one load). */
  #loads = new Map<string, Promise<LoadedModelInfo>>();
  /** The bundle each key was loaded from by `use`: a different one under the same key is loaded again. */
  #bundles = new Map<string, ModelBundle>();
  /** The file prediction running, so cancel() knows what to wait for. */
  #running: { answer: Promise<unknown> } | null = null;

  constructor(name: string, options: PredictClientOptions = {}) {
    this.#worker = new OwnedWorker<PredictApi>(
      options.spawn ?? (() => new Worker(new URL('../../workers/predict.worker.ts', import.meta.url), { type: 'module', name })),
      // A new worker has no model loaded.
      () => this.#loads.clear(),
    );
    this.#terminateAfterMs = options.terminateAfterMs ?? TERMINATE_AFTER_MS;
  }

  /** Validates a bundle file in the worker and keeps it loaded under `key`. */
  importBundle(key: string, file: Blob): Promise<LoadedModelInfo> {
    const p = this.#worker.api.importBundle(key, file);
    this.#loads.set(key, p);
    p.catch(() => this.#loads.delete(key));
    return p;
  }

  /**
   * Loads the bundle under `key` unless this worker already has it; a different bundle under the
   * same key (a shelf model saved with a new decision threshold) is loaded again.
   */
  use(key: string, bundle: ModelBundle): Promise<LoadedModelInfo> {
    const api = this.#worker.api;
    let p = this.#loads.get(key);
    const known = this.#bundles.get(key);
    if (!p || (known !== undefined && known !== bundle)) {
      p = api.load(key, bundle);
      this.#loads.set(key, p);
      this.#bundles.set(key, bundle);
      p.catch(() => this.#loads.delete(key));
    }
    return p;
  }

  async predictRow(key: string, bundle: ModelBundle, record: Record<string, string>, options: { explain?: boolean } = {}): Promise<RowPredictionResult> {
    await this.use(key, bundle);
    return this.#worker.api.predictRow(key, record, options);
  }

  async predictFile(key: string, bundle: ModelBundle, file: Blob, onProgress: (p: FilePredictionProgress) => void, options: FilePredictionOptions = {}): Promise<FilePredictionResult> {
    await this.use(key, bundle);
    const answer = this.#worker.api.predictFile(key, file, proxy(onProgress), options);
    const running = { answer };
    this.#running = running;
    try {
      return await answer;
    } finally {
      if (this.#running === running) this.#running = null;
    }
  }

  /** The bundle as an ONNX file, built in this client's worker. */
  exportOnnx(bundle: ModelBundle): Promise<Uint8Array> {
    return this.#worker.api.exportOnnx(bundle);
  }

  /** The bundle's HTML model report, made in this client's worker (its SHAP summary runs the model). */
  modelReport(bundle: ModelBundle, extra: { title?: string; registry?: { model?: string; version?: number; aliases?: string[] } }): Promise<string> {
    return this.#worker.api.modelReport(bundle, extra);
  }

  /**
   * Asks the file prediction to stop; terminates the worker if it has not stopped soon. Resolves
   * once it has stopped either way (its output abandoned by the worker, or by the termination).
   */
  async cancel(): Promise<void> {
    const running = this.#running;
    if (!running) return;
    const terminated = await this.#worker.stop(running.answer, (api) => api.cancel(), this.#terminateAfterMs);
    if (terminated && this.#running === running) this.#running = null;
  }

  dispose(): void {
    this.#running = null;
    this.#worker.terminate();
  }
}
