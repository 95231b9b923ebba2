/**
 * One of the search's trial workers (a worker thread, started by search-workers.ts through
 * worker-boot.mjs): prepares the search's folds once, as the main thread does (core
 * pipeline/search.ts `searchData`: seeded, so every thread holds the same rows), then scores the
 * trials it is sent (`evaluateTrial`) and posts their outcomes back, the out-of-fold
 * predictions transferred. It also fits models on every training row of the prepared run (an
 * ensemble's members, refitted side by side) and posts them back serialized.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { evaluateTrial, fitOnTrainingRows, searchData, type TrialOutcome } from '../core/pipeline/search';
import { initTf } from '../core/tf';
import type { TrialReply, TrialRequest, TrialWorkerData } from './search-workers';

function serve(port: NonNullable<typeof parentPort>, init: TrialWorkerData): void {
  const data = (async () => {
    if (init.tfjs) await initTf();
    return searchData(init.request);
  })();
  const running = new Map<number, AbortController>();
  port.on('message', (m: TrialRequest) => {
    if (m.kind === 'cancel') {
      running.get(m.id)?.abort();
      return;
    }
    if (m.kind === 'fit') {
      void fitOnTrainingRows(data, m.model, m.params, undefined, m.rows).then((fit) => port.postMessage({ kind: 'fitted', id: m.id, ...fit } satisfies TrialReply));
      return;
    }
    const controller = new AbortController();
    running.set(m.id, controller);
    void (async () => {
      let outcome: TrialOutcome;
      try {
        outcome = await evaluateTrial(await data, m.spec, { signal: controller.signal });
      } catch (e) {
        // Only the preparation can throw here (evaluateTrial reports a fit's failure as an outcome).
        outcome = { status: 'failed', cvScore: NaN, seconds: 0, error: { code: 'worker', message: e instanceof Error ? e.message : String(e) } };
      } finally {
        running.delete(m.id);
      }
      const reply: TrialReply = { kind: 'outcome', id: m.id, outcome };
      port.postMessage(reply, outcome.oof ? [outcome.oof.buffer as ArrayBuffer] : []);
    })();
  });
}

if (parentPort) serve(parentPort, workerData as TrialWorkerData);
