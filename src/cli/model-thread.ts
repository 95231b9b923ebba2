/**
 * The CLI's second core for bulk prediction: a worker thread (model-worker.ts) that loads the same
 * bundle file and applies the model to each chunk sent to it, so that reading, encoding and
 * writing (the main thread) overlap with predicting. Used by `loupe predict` for models that do
 * not run on tfjs (those keep their backend in the main thread) and for files large enough to
 * repay starting it.
 */
import { Worker } from 'node:worker_threads';
import type { Matrix } from '../core/models/types';
import type { ModelReply, ModelRequest } from './model-worker';

export interface ModelThread {
  run(m: Matrix): Promise<Float64Array>;
  close(): Promise<void>;
}

export function startModelThread(bundlePath: string): ModelThread {
  // The worker is TypeScript: a small module registers tsx's loader in the thread (as `--import tsx`
  // does for the CLI; resolved from here, whatever the working directory), then imports it.
  const boot = `const { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))});\nregister();\nawait import(${JSON.stringify(new URL('./model-worker.ts', import.meta.url).href)});\n`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData: { bundlePath } });
  const pending = new Map<number, { resolve: (p: Float64Array) => void; reject: (e: Error) => void }>();
  let next = 0;
  let failure: Error | null = null;
  const failAll = (e: Error): void => {
    failure ??= e;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  worker.on('message', (reply: ModelReply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if ('output' in reply) p.resolve(reply.output);
    else if ('error' in reply) p.reject(new Error(reply.error));
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the prediction thread stopped (exit code ${code})`)));
  return {
    run(m: Matrix): Promise<Float64Array> {
      if (failure) return Promise.reject(failure);
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        // Copied, not transferred: the main thread still needs the matrix (intervals, explanations).
        const request: ModelRequest = { id, data: m.data, rows: m.rows, cols: m.cols };
        worker.postMessage(request);
      });
    },
    async close(): Promise<void> {
      failure ??= new Error('the prediction thread was closed');
      await worker.terminate();
    },
  };
}
