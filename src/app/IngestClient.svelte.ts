/**
 * Owns the ingest worker. One parse at a time: a new `parse` supersedes the previous one (which
 * is cancelled and whose answer is ignored). `cancel()` rejects the pending parse at once; if the
 * worker does not stop within a moment, it is terminated and a fresh one is started next time.
 */
import { proxy } from 'comlink';
import { CancelledError } from '../core/errors';
import type { ParseProgress } from '../core/data/types';
import type { IngestApi, IngestResult, IngestStoreOptions } from '../../workers/protocol';
import { OwnedWorker, type WorkerEndpoint } from './owned-worker';

const TERMINATE_AFTER_MS = 1500;

interface Pending {
  reject: (e: unknown) => void;
  /** The worker's answer (settles when it answers; never, once the worker is terminated). */
  answer: Promise<unknown>;
  /** The page's promise has been settled (answered, failed, cancelled or superseded). */
  settled: boolean;
  /** The worker has answered (result or error). */
  answered: boolean;
}

export interface IngestClientOptions {
  /** Starts the worker (tests pass an in-process one). */
  spawn?: () => WorkerEndpoint;
  /** How long a cancelled parse may take to stop before its worker is terminated. */
  terminateAfterMs?: number;
}

export class IngestClient {
  /** Progress of the parse in flight, or null. */
  progress = $state.raw<ParseProgress | null>(null);
  /** True while a parse is in flight. */
  busy = $state(false);

  readonly #worker: OwnedWorker<IngestApi>;
  readonly #terminateAfterMs: number;
  /** The parse the page is waiting for. */
  #pending: Pending | null = null;
  /** The last parse sent to the worker (it may be cancelled yet still running there). */
  #inFlight: Pending | null = null;

  constructor(options: IngestClientOptions = {}) {
    this.#worker = new OwnedWorker<IngestApi>(
      options.spawn ?? (() => new Worker(new URL('../../workers/ingest.worker.ts', import.meta.url), { type: 'module', name: 'ingest' })),
    );
    this.#terminateAfterMs = options.terminateAfterMs ?? TERMINATE_AFTER_MS;
  }

  /**
   * Parses a file (or the sample, as a Blob) in the worker, and stores it there when `store` is
   * given (the result's `stored`). Rejects with CsvError, CancelledError or a StorageError.
   */
  parse(file: Blob, store?: IngestStoreOptions): Promise<IngestResult> {
    const previous = this.#pending;
    if (previous) this.#settle(previous, () => previous.reject(new CancelledError('Superseded by a newer file.')));
    // Never queue a file behind a parse the worker is still busy with (superseded or cancelled
    // but not yet stopped): start on a fresh worker instead.
    if (this.#inFlight && !this.#inFlight.answered) this.#terminate();
    const api = this.#worker.api;
    this.busy = true;
    this.progress = { bytesRead: 0, totalBytes: file.size, rows: 0 };
    const pending: Pending = { reject: () => {}, answer: Promise.resolve(), settled: false, answered: false };
    this.#pending = pending;
    this.#inFlight = pending;
    const onProgress = proxy((p: ParseProgress) => {
      if (this.#pending === pending) this.progress = p;
    });
    return new Promise<IngestResult>((resolve, reject) => {
      pending.reject = reject;
      pending.answer = api.parse(file, onProgress, store).then(
        (r) => {
          pending.answered = true;
          this.#settle(pending, () => resolve(r));
        },
        (e: unknown) => {
          pending.answered = true;
          this.#settle(pending, () => reject(e));
        },
      );
    });
  }

  /**
   * Cancels the parse in flight: its promise rejects with CancelledError now, and the worker is
   * told to stop; if it has not stopped within a moment it is replaced.
   */
  cancel(): void {
    const p = this.#pending;
    if (!p) return;
    this.#settle(p, () => p.reject(new CancelledError('Loading was cancelled.')));
    void this.#worker.stop(p.answer, (api) => api.cancel(), this.#terminateAfterMs).then((terminated) => {
      if (terminated && this.#inFlight === p) this.#inFlight = null;
    });
  }

  /** Stops the worker for good (page teardown). */
  dispose(): void {
    this.cancel();
    this.#terminate();
  }

  #settle(p: Pending, done: () => void): void {
    if (p.settled) return; // already cancelled or superseded: ignore the stale answer
    p.settled = true;
    if (this.#pending === p) {
      this.#pending = null;
      this.busy = false;
      this.progress = null;
    }
    done();
  }

  #terminate(): void {
    this.#inFlight = null;
    this.#worker.terminate();
  }
}
