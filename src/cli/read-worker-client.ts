/**
 * The predicting side of the CLI's read worker (read-worker.ts): a ChunkReader for streamPredict
 * that reads the file in a worker thread. Chunks arrive in order and are handled one at a time;
 * each handled chunk lets the worker read one more. Errors keep their class, code and location.
 * A worker that cannot start (before it sent the header) leaves the reading to this thread.
 */
import { Worker } from 'node:worker_threads';
import { CancelledError } from '../core/errors';
import { errorFromWire, type errorToWire } from '../core/error-wire';
import type { ChunkLayout, ReadChunk } from '../core/pipeline/stream-chunk';
import type { ChunkReader } from '../core/pipeline/stream-predict';
import { readChunks, type ReadProgress } from '../core/pipeline/stream-read';
import type { CsvInput } from '../core/data/types';

export interface ReadWorkerData {
  /** The read worker's module (the boot script imports it). */
  entry: string;
  path: string;
  chunkRows: number;
  chunkBytes?: number;
}

/** Worker → this thread. */
export type ReadWorkerMessage =
  | { type: 'header'; names: string[] }
  | { type: 'chunk'; chunk: ReadChunk; progress: ReadProgress }
  | { type: 'end'; progress: ReadProgress }
  | { type: 'error'; error: ReturnType<typeof errorToWire> };

/** This thread → worker. */
export type ReadWorkerReply = { type: 'layout'; layout: ChunkLayout } | { type: 'taken' };

/**
 * The CSV file at `path` read in a worker thread, started at once (so that its start-up overlaps
 * loading the model) and reading up to its header until `reader` is used; `fallback` (the same
 * file opened here) is read in this thread when the worker cannot start. `stop` ends it.
 */
export class ReadWorker {
  private readonly worker: Worker;
  /** Messages that arrived before the reader was used, and the listener once it is. */
  private readonly early: ReadWorkerMessage[] = [];
  private listener: ((m: ReadWorkerMessage) => void) | null = null;
  private failure: { error: Error } | null = null;
  private onFailure: ((e: Error) => void) | null = null;
  private exited = false;
  /** Where the file was read: in the worker, or here when the worker could not start. */
  readIn: 'worker' | 'here' | null = null;

  constructor(path: string, chunkRows: number, options: { chunkBytes?: number; entry?: string } = {}) {
    const data: ReadWorkerData = {
      entry: options.entry ?? new URL('./read-worker.ts', import.meta.url).href,
      path,
      chunkRows,
      ...(options.chunkBytes !== undefined ? { chunkBytes: options.chunkBytes } : {}),
    };
    this.worker = new Worker(new URL('./read-worker-boot.mjs', import.meta.url), { workerData: data });
    this.worker.on('message', (m: ReadWorkerMessage) => (this.listener ? this.listener(m) : this.early.push(m)));
    const fail = (error: Error): void => {
      this.failure ??= { error };
      this.onFailure?.(error);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => {
      this.exited = true;
      fail(new Error(`The read worker stopped (exit code ${code}) before the end of the file.`));
    });
  }

  stop(): void {
    if (!this.exited) void this.worker.terminate();
  }

  /** A ChunkReader for streamPredict (once): the worker's chunks, in order. */
  readonly reader = (fallback: CsvInput): ChunkReader => (handlers, options) =>
    new Promise<ReadProgress>((resolve, reject) => {
      let started = false;
      let settled = false;
      // Chunks are handled in order, one after the other.
      let queue: Promise<void> = Promise.resolve();
      const finish = (error: unknown, progress?: ReadProgress): void => {
        if (settled) return;
        settled = true;
        options.signal?.removeEventListener('abort', onAbort);
        this.stop();
        if (error === undefined) resolve(progress!);
        else reject(error);
      };
      const onAbort = (): void => finish(new CancelledError());
      options.signal?.addEventListener('abort', onAbort);
      const reply = (m: ReadWorkerReply): void => {
        if (!settled) this.worker.postMessage(m);
      };
      const onMessage = (m: ReadWorkerMessage): void => {
        if (m.type === 'header') {
          started = true;
          this.readIn = 'worker';
          queue = queue
            .then(() => handlers.header(m.names))
            // Only what the reader uses: the input columns' names and kinds.
            .then((layout) => reply({ type: 'layout', layout: { ...layout, inputs: layout.inputs.map((c) => ({ name: c.name, kind: c.kind, ...(c.unit ? { unit: c.unit } : {}) })) } }))
            .catch((e: unknown) => finish(e));
        } else if (m.type === 'chunk') {
          queue = queue
            .then(async () => {
              if (settled) return;
              await handlers.chunk(m.chunk, m.progress);
              reply({ type: 'taken' });
            })
            .catch((e: unknown) => finish(e));
        } else if (m.type === 'end') queue = queue.then(() => finish(undefined, m.progress));
        else queue = queue.then(() => finish(errorFromWire(m.error)));
      };
      const onFailure = (e: Error): void => {
        if (settled) return;
        if (started) return finish(e);
        // The worker could not start: read here instead.
        settled = true;
        this.readIn = 'here';
        options.signal?.removeEventListener('abort', onAbort);
        this.stop();
        readChunks(fallback, handlers, options).then(resolve, reject);
      };
      this.listener = onMessage;
      for (const m of this.early.splice(0)) onMessage(m);
      if (this.failure && !started) onFailure(this.failure.error);
      else this.onFailure = onFailure;
    });
}
