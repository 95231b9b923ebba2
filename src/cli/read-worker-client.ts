/**
 * The CLI's read worker, predicting side: the CSV file read in a worker thread (read-worker.ts,
 * started through worker-boot.mjs) as the chunks streamPredict takes (core
 * pipeline/read-channel.ts), so that on two cores reading and parsing the next rows overlaps
 * predicting and writing the rows read before.
 */
import { Worker } from 'node:worker_threads';
import { ReadClient, type ReadMessage } from '../core/pipeline/read-channel';

export interface ReadWorkerData {
  /** The read worker's module (the boot script loads it). */
  entry: string;
  path: string;
  chunkRows: number;
  chunkBytes?: number;
}

/**
 * The CSV file at `path` read in a worker thread in chunks of `chunkRows` rows, started at once
 * (its start-up overlaps loading the model); `reader(fallback)` is the ChunkReader for
 * streamPredict, which reads `fallback` (the same file opened here) in this thread when the
 * worker cannot start. `stop` ends the worker.
 */
export class ReadWorker extends ReadClient {
  constructor(path: string, chunkRows: number, options: { chunkBytes?: number; entry?: string } = {}) {
    const data: ReadWorkerData = {
      entry: options.entry ?? new URL('./read-worker.ts', import.meta.url).href,
      path,
      chunkRows,
      ...(options.chunkBytes !== undefined ? { chunkBytes: options.chunkBytes } : {}),
    };
    const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: data });
    let exited = false;
    super(
      (m) => worker.postMessage(m),
      () => {
        if (!exited) void worker.terminate();
      },
    );
    worker.on('message', (m: ReadMessage) => this.receive(m));
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => {
      exited = true;
      this.fail(new Error(`The read worker stopped (exit code ${code}) before the end of the file.`));
    });
  }
}
