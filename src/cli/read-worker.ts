/**
 * The CLI's read worker (a worker thread): reads a CSV file as chunks (pipeline/stream-read.ts)
 * and posts them to the thread that predicts, so that on a machine with two cores reading and
 * parsing the next rows overlaps predicting and writing the rows read before. Protocol (see
 * read-worker-client.ts): → header · ← layout · → chunk (its buffers transferred) · ← taken
 * (one per chunk: at most AHEAD chunks wait) · → end | error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorToWire } from '../core/error-wire';
import { asciiBytes, chunkBuffers, type ChunkLayout } from '../core/pipeline/stream-chunk';
import { readChunks } from '../core/pipeline/stream-read';
import { openFileSource } from './node-source';
import type { ReadWorkerData, ReadWorkerMessage, ReadWorkerReply } from './read-worker-client';

/** Chunks posted and not yet taken before reading waits: bounds the memory they hold. */
const AHEAD = 4;

async function run(port: NonNullable<typeof parentPort>, data: ReadWorkerData): Promise<void> {
  let layout: ((l: ChunkLayout) => void) | null = null;
  let taken: (() => void) | null = null;
  let waiting = 0;
  port.on('message', (m: ReadWorkerReply) => {
    if (m.type === 'layout') layout?.(m.layout);
    else {
      waiting--;
      taken?.();
      taken = null;
    }
  });
  const post = (m: ReadWorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  const source = await openFileSource(data.path);
  try {
    const progress = await readChunks(
      source,
      {
        header: (names) =>
          new Promise<ChunkLayout>((resolve) => {
            layout = resolve;
            post({ type: 'header', names });
          }),
        chunk: async (read, p) => {
          const chunk = asciiBytes(read);
          post({ type: 'chunk', chunk, progress: p }, chunkBuffers(chunk));
          if (++waiting >= AHEAD) await new Promise<void>((resolve) => (taken = resolve));
        },
      },
      { chunkRows: data.chunkRows, ...(data.chunkBytes !== undefined ? { chunkBytes: data.chunkBytes } : {}) },
    );
    post({ type: 'end', progress });
  } catch (e) {
    post({ type: 'error', error: errorToWire(e) });
  } finally {
    await source.close();
  }
}

if (parentPort) void run(parentPort, workerData as ReadWorkerData);
