/**
 * The CLI's read worker (a worker thread, started by read-worker-client.ts through
 * worker-boot.mjs): reads the CSV file as chunks and posts them (core
 * pipeline/read-channel.ts serveChunkReads).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serveChunkReads, type ReadReply } from '../core/pipeline/read-channel';
import { openFileSource } from './node-source';
import type { ReadWorkerData } from './read-worker-client';

async function run(port: NonNullable<typeof parentPort>, data: ReadWorkerData): Promise<void> {
  const source = await openFileSource(data.path);
  try {
    await serveChunkReads(
      (m, transfer) => port.postMessage(m, transfer ?? []),
      (handler) => port.on('message', (m: ReadReply) => handler(m)),
      source,
      { chunkRows: data.chunkRows, ...(data.chunkBytes !== undefined ? { chunkBytes: data.chunkBytes } : {}) },
    );
  } finally {
    await source.close();
  }
}

if (parentPort) void run(parentPort, workerData as ReadWorkerData);
