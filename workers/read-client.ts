/**
 * Starts the read worker (read.worker.ts) for a file the prediction worker predicts: a ReadClient
 * whose reader streamPredict takes. Null where a worker cannot start a worker (then the
 * prediction worker reads the file itself, as it would also do if the read worker failed to load).
 */
import { ReadClient, type ReadMessage } from '../src/core/pipeline/read-channel';

/** The read worker's first message. */
export interface ReadStart {
  type: 'start';
  file: Blob;
  chunkRows: number;
}

export function startReadWorker(file: Blob, chunkRows: number): ReadClient | null {
  if (typeof Worker === 'undefined') return null;
  let worker: Worker;
  try {
    worker = new Worker(new URL('./read.worker.ts', import.meta.url), { type: 'module', name: 'read' });
  } catch {
    return null;
  }
  const client = new ReadClient(
    (m) => worker.postMessage(m),
    () => worker.terminate(),
  );
  worker.onmessage = (e: MessageEvent<ReadMessage>) => client.receive(e.data);
  worker.onerror = (e) => {
    e.preventDefault();
    client.fail(new Error(e.message || 'The read worker could not start.'));
  };
  const start: ReadStart = { type: 'start', file, chunkRows };
  worker.postMessage(start);
  return client;
}
