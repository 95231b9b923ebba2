// Starts one of the CLI's worker threads (the read worker, the search's trial workers): the
// module named by `workerData.entry`. The CLI runs TypeScript through tsx, which a worker thread
// has to register for itself; its CommonJS hook transforms in this thread, so the worker starts
// in about half the time the ESM hook (a loader thread) takes.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/cjs/api';

register();
createRequire(import.meta.url)(fileURLToPath(workerData.entry));
