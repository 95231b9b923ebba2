/**
 * PredictClient on an in-process prediction worker: a model is sent once per worker; cancelling a
 * file prediction that does not stop terminates the worker, and the next call loads the model into
 * the fresh one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PredictClient } from '../../src/app/PredictClient';
import type { ModelBundle } from '../../src/core/bundle/bundle';
import type { FilePredictionResult, LoadedModelInfo, RowPredictionResult } from '../../workers/protocol';
import { Deferred, FakeWorkers } from './fake-worker';

function makeApi() {
  const loads: string[] = [];
  const files: Deferred<FilePredictionResult>[] = [];
  return {
    loads,
    files,
    cancels: 0,
    load(key: string): LoadedModelInfo {
      loads.push(key);
      return { bundle: {} as ModelBundle, inputs: [] };
    },
    predictRow(key: string, record: Record<string, string>): RowPredictionResult {
      if (!loads.includes(key)) throw new Error(`${key} is not loaded`);
      return { prediction: Number(record.x) * 2, problems: [] };
    },
    predictFile(): Promise<FilePredictionResult> {
      const d = new Deferred<FilePredictionResult>();
      files.push(d);
      return d.promise;
    },
    cancel() {
      this.cancels++; // and keeps going: a hung prediction
    },
  };
}

let workers: FakeWorkers<ReturnType<typeof makeApi>>;
let client: PredictClient;
const bundle = {} as ModelBundle;

afterEach(() => {
  client?.dispose();
  workers?.closeAll();
});

describe('PredictClient', () => {
  it('loads a model once per worker; after a stuck file prediction is cancelled, the fresh worker loads it again', async () => {
    workers = new FakeWorkers(makeApi);
    client = new PredictClient('predict-test', { spawn: workers.spawn, terminateAfterMs: 40 });
    expect((await client.predictRow('m1', bundle, { x: '2' })).prediction).toBe(4);
    expect((await client.predictRow('m1', bundle, { x: '3' })).prediction).toBe(6);
    expect(workers.started[0].api.loads).toEqual(['m1']);

    let settled = false;
    void client.predictFile('m1', bundle, new Blob(['x\n1\n']), () => {}).finally(() => (settled = true));
    await expect.poll(() => workers.started[0].api.files.length).toBe(1);
    client.cancel();
    await expect.poll(() => workers.started[0].worker.terminated).toBe(true);
    expect(workers.started[0].api.cancels).toBe(1);
    expect(settled).toBe(false);

    expect((await client.predictRow('m1', bundle, { x: '5' })).prediction).toBe(10);
    expect(workers.started).toHaveLength(2);
    expect(workers.started[1].api.loads).toEqual(['m1']);
  });

  it('a different bundle under the same key (a shelf model saved with a new decision threshold) is loaded again; the same one is not', async () => {
    workers = new FakeWorkers(makeApi);
    client = new PredictClient('predict-test', { spawn: workers.spawn });
    await client.predictRow('m1', bundle, { x: '1' });
    await client.predictRow('m1', bundle, { x: '1' });
    const rethresholded = { ...bundle, decision: { threshold: 0.3 } } as ModelBundle;
    await client.predictRow('m1', rethresholded, { x: '1' });
    await client.predictRow('m1', rethresholded, { x: '1' });
    expect(workers.started[0].api.loads).toEqual(['m1', 'm1']);
  });
});
