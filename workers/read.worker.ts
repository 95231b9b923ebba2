/// <reference lib="webworker" />
/**
 * The read worker, nested in the prediction worker (read-client.ts starts it): reads the file
 * being predicted as chunks and posts them (core pipeline/read-channel.ts), so that reading and
 * parsing the next rows overlaps predicting and writing the rows read before.
 *
 * First message: { type: 'start', file, chunkRows }; then the read channel's replies.
 */
import { serveChunkReads, type ReadReply } from '../src/core/pipeline/read-channel';
import { fileSource } from './file-source';
import type { ReadStart } from './read-client';

declare const self: DedicatedWorkerGlobalScope;

let replies: ((m: ReadReply) => void) | null = null;
self.onmessage = (e: MessageEvent<ReadStart | ReadReply>) => {
  const m = e.data;
  if (m.type !== 'start') return replies?.(m);
  void serveChunkReads(
    (message, transfer) => self.postMessage(message, transfer ?? []),
    (handler) => (replies = handler),
    fileSource(m.file),
    { chunkRows: m.chunkRows },
  );
};
