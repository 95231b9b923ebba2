/**
 * A worker thread that holds a model bundle and predicts the matrices it is sent: `loupe predict`
 * runs the model here (streamPredict's `runModel`) while the main thread reads, encodes and
 * writes the next chunks. The same bundle and code as the main thread, so the same numbers.
 */
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { openBundle } from '../core/bundle/bundle';

/** A matrix to predict (row-major), and the answer: the model's outputs or the error's message. */
export interface ModelRequest {
  id: number;
  data: Float64Array;
  rows: number;
  cols: number;
}
export type ModelReply = { id: number; output: Float64Array } | { id: number; error: string };

const loaded = await openBundle(await readFile((workerData as { bundlePath: string }).bundlePath, 'utf8'));
const features = loaded.recipe.features;
parentPort!.on('message', ({ id, data, rows, cols }: ModelRequest) => {
  let reply: ModelReply;
  try {
    reply = { id, output: loaded.model.predict({ data, rows, cols, features }) };
  } catch (e) {
    reply = { id, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(reply, 'output' in reply ? [reply.output.buffer as ArrayBuffer] : []);
});
