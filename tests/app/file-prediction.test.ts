/**
 * FilePrediction on an in-process prediction worker, for saving straight to a picked file: with
 * "save to a file" on, a chosen CSV waits until the person picks where to save (the browser's
 * dialog needs their click); the worker then gets the file's handle as the output; a dismissed
 * dialog starts nothing; a picked file's result offers no download (the file is the output); and
 * a failed prediction leaves no result. A classifier's file is asked for no regression-only columns.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilePrediction } from '../../src/app/FilePrediction.svelte';
import type { ShelfModel } from '../../src/app/ModelShelf.svelte';
import { PredictClient } from '../../src/app/PredictClient';
import type { ModelBundle } from '../../src/core/bundle/bundle';
import { RowError } from '../../src/core/errors';
import type { FilePredictionOptions, FilePredictionResult, LoadedModelInfo } from '../../workers/protocol';
import { Deferred, FakeWorkers } from './fake-worker';

function makeApi() {
  const files: { options: FilePredictionOptions | undefined; answer: Deferred<FilePredictionResult> }[] = [];
  return {
    files,
    load(): LoadedModelInfo {
      return { bundle: {} as ModelBundle, inputs: [] };
    },
    predictFile(_key: string, _file: Blob, _onProgress: unknown, options?: FilePredictionOptions): Promise<FilePredictionResult> {
      const answer = new Deferred<FilePredictionResult>();
      files.push({ options, answer });
      return answer.promise;
    },
    cancel() {},
  };
}

const model: ShelfModel = { id: 'run-1', name: 'gbdt', bundle: { target: 'price' } as ModelBundle, source: 'session', addedAt: 0 };
const csv = new File(['carat\n1\n'], 'gems.csv', { type: 'text/csv' });
const summary = { rows: 1, predicted: 1, failed: 0, problemCounts: {}, raggedRows: 0, outOfRange: 0, clipped: 0, distribution: { min: 1, max: 1, mean: 1, std: 0, histogram: { edges: [], counts: [] } } };

/** A stand-in for showSaveFilePicker: what it was asked, and what it answers. */
let picks: { suggestedName?: string }[];
let answer: () => Promise<unknown>;
let workers: FakeWorkers<ReturnType<typeof makeApi>>;
let client: PredictClient;
let job: FilePrediction;

beforeEach(() => {
  picks = [];
  answer = async () => ({ kind: 'file', name: 'chosen.csv' });
  (globalThis as { showSaveFilePicker?: unknown }).showSaveFilePicker = (o: { suggestedName?: string }) => (picks.push(o), answer());
  workers = new FakeWorkers(makeApi);
  client = new PredictClient('predict-test', { spawn: workers.spawn });
  job = new FilePrediction(client);
});

afterEach(() => {
  delete (globalThis as { showSaveFilePicker?: unknown }).showSaveFilePicker;
  job.dispose();
  client.dispose();
  workers.closeAll();
});

const api = () => workers.started[0].api;

describe('FilePrediction saving to a picked file', () => {
  it('waits for the pick, hands the handle to the worker, and shows the saved file without a download', async () => {
    expect(job.canSaveToFile).toBe(true);
    job.saveToFile = true;
    await job.choose(csv, model);
    expect(job.pending?.name).toBe('gems.csv');
    expect(job.running).toBeNull();
    expect(workers.started).toHaveLength(0);

    const done = job.saveAndStart(model);
    await expect.poll(() => api()?.files.length ?? 0).toBe(1);
    expect(picks).toEqual([expect.objectContaining({ suggestedName: 'gems-predictions.csv' })]);
    expect(api().files[0].options?.output).toEqual({ kind: 'picked', handle: { kind: 'file', name: 'chosen.csv' } });
    expect(job.pending).toBeNull();
    expect(job.running?.output).toBe('picked');

    api().files[0].answer.resolve({ summary, output: { kind: 'picked', name: 'chosen.csv', bytes: 42 }, header: ['carat'], predictionColumn: 'prediction', preview: { columns: ['carat', 'prediction', 'error'], rows: [['1', '2.5', '']] }, problems: [], seconds: 0.1, readIn: 'read worker' });
    await done;
    expect(job.result).toMatchObject({ output: 'picked', url: null, fileName: 'chosen.csv', bytes: 42, readIn: 'read worker' });
    expect(job.running).toBeNull();
  });

  it('starts nothing when the save dialog is dismissed, and keeps the chosen file', async () => {
    answer = async () => {
      throw Object.assign(new Error('The user aborted a request.'), { name: 'AbortError' });
    };
    job.saveToFile = true;
    await job.choose(csv, model);
    await job.saveAndStart(model);
    expect(picks).toHaveLength(1);
    expect(job.pending?.name).toBe('gems.csv');
    expect(job.running).toBeNull();
    expect(job.problem).toBeNull();
    expect(workers.started).toHaveLength(0);
  });

  it('without "save to a file", predicts at once (the output chosen by size: memory for a small file)', async () => {
    const done = job.choose(csv, model);
    await expect.poll(() => api()?.files.length ?? 0).toBe(1);
    expect(picks).toHaveLength(0);
    expect(api().files[0].options?.output).toEqual({ kind: 'memory' });
    api().files[0].answer.reject(new RowError('missing-column', 'The file lacks a column the model needs: "cut".', { column: 'cut' }));
    await done;
    expect(job.result).toBeNull();
    expect(job.problem).toMatchObject({ title: 'Could not predict “gems.csv”', column: 'cut' });
  });
});

describe('FilePrediction with a classifier', () => {
  it('asks for no clipping even when it was ticked for a regression model, but for explanations and its prediction sets', async () => {
    const classifier: ShelfModel = {
      id: 'run-2',
      name: 'churn',
      bundle: { target: 'Churn', task: 'classification', classes: ['No', 'Yes'], predictionSets: { coverage: 0.8 } } as unknown as ModelBundle,
      source: 'session',
      addedAt: 0,
    };
    job.clip = true;
    job.explain = true;
    job.intervals = true;
    void job.choose(new File(['tenure\n1\n'], 'customers.csv', { type: 'text/csv' }), classifier);
    await expect.poll(() => api()?.files.length ?? 0).toBe(1);
    const options = api().files[0].options!;
    // Clipping is for numbers; a classifier explains its class and writes a set at its own coverage.
    expect([options.clip, options.explain, options.interval]).toEqual([false, true, 0.8]);
    // The same ticks still apply to a regression model's file.
    api().files[0].answer.reject(new Error('done'));
    void job.choose(csv, { ...model, bundle: { target: 'price', intervals: { coverage: 0.9 } } as unknown as ModelBundle });
    await expect.poll(() => api()?.files.length ?? 0).toBe(2);
    expect(api().files[1].options).toMatchObject({ clip: true, explain: true, interval: 0.9 });
  });
});
