import 'fake-indexeddb/auto';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/core/data';
import type { RegressionMetrics } from '../../src/core/metrics';
import type { SerializedModel } from '../../src/core/models/types';
import type { FittedRecipeJSON, Recipe } from '../../src/core/recipe';
import { defaultRecipe } from '../../src/core/recipe';
import { generateSampleGemstones } from '../../src/core/sample';
import {
  onStorageChange,
  openLoupeDb,
  RunStore,
  sessionLockName,
  startTabSession,
  StorageError,
  type LocksLike,
  type LoupeDb,
  type RunInit,
  type RunsJson,
  type StorageChange,
} from '../../src/storage';
import { quotaExceeded, withFailingWrites } from './failing-writes';
import { classificationMetrics } from '../../src/core/metrics/classification';

let dbCounter = 0;
const freshName = (): string => `loupe-runs-test-${process.pid}-${++dbCounter}`;
const HASH = 'b'.repeat(64);

let recipe: Recipe;
beforeAll(async () => {
  const ds = await parseCsv(generateSampleGemstones(60, 3));
  recipe = defaultRecipe(ds.schema, 'price', ds.table);
});

function init(over: Partial<RunInit> = {}): RunInit {
  return {
    datasetId: HASH,
    datasetName: 'gems.csv',
    recipe,
    modelType: 'ridge',
    params: { alpha: 1, fitIntercept: true },
    seed: 42,
    split: { kind: 'holdout', seed: 42, testSize: 0.2, trainRows: 48, testRows: 12, removedByCleaning: 0 },
    environment: { loupeVersion: '0.1.0', backend: 'cpu', userAgent: 'vitest', hardwareThreads: 2 },
    ...over,
  };
}

const metrics = (r2: number, rmse: number): RegressionMetrics => ({ r2, rmse, mae: rmse * 0.8, mape: 0.1, medianAe: rmse * 0.5, maxError: rmse * 3 });

function fittedModel(n = 1000): { model: SerializedModel; recipe: FittedRecipeJSON } {
  const coef = new Float64Array(n);
  for (let i = 0; i < n; i++) coef[i] = i / 7;
  return {
    model: { type: 'ridge', params: { alpha: 1 }, state: { coef, intercept: 3.5, codes: new Int32Array([1, -1, 2]) } },
    recipe: { type: 'fitted-recipe', version: 1, recipe, inputs: [], transformer: { type: 'column-transformer', params: {}, state: {} } } as unknown as FittedRecipeJSON,
  };
}

const outcome = (m: RegressionMetrics, n?: number) => ({
  metrics: m,
  history: { unit: 'iteration' as const, metric: 'mse', train: [3, 2, 1], validation: [3.5, 2.5, 1.5] },
  logs: [{ time: 5, level: 'info' as const, stage: 'training' as const, message: 'done' }],
  model: fittedModel(n),
  fitSeconds: 0.5,
});

/** An in-memory LockManager: held until the callback's promise settles. */
class FakeLocks implements LocksLike {
  readonly held = new Set<string>();
  async request(name: string, cb: (lock: unknown) => Promise<unknown>): Promise<unknown> {
    if (this.held.has(name)) throw new Error(`lock ${name} already held`);
    this.held.add(name);
    try {
      return await cb({ name });
    } finally {
      this.held.delete(name);
    }
  }
  async query(): Promise<{ held: { name: string }[] }> {
    return { held: [...this.held].map((name) => ({ name })) };
  }
}

async function open(): Promise<LoupeDb> {
  return openLoupeDb({ name: freshName() });
}

describe('RunStore lifecycle', () => {
  it('starts a running run with defaults, heartbeats, and finishes with metrics, history and model', async () => {
    const db = await open();
    let t = 1_000;
    const store = new RunStore(db, { now: () => t, session: { id: 'tab-1' } });
    const run = await store.start(init({ name: 'Ridge', tags: [' baseline ', 'baseline', ''] }));
    expect(run).toMatchObject({ status: 'running', experiment: 'gems.csv', sessionId: 'tab-1', startedAt: 1000, heartbeatAt: 1000, tags: ['baseline'], note: '' });
    expect(run.id).toMatch(/^[0-9a-f-]{36}$/);
    t = 2_000;
    await store.heartbeat(run.id);
    expect((await store.get(run.id))?.heartbeatAt).toBe(2000);
    expect(await store.getModel(run.id)).toBeUndefined();

    t = 4_500;
    const done = await store.finish(run.id, outcome(metrics(0.91, 540)));
    expect(done).toMatchObject({ status: 'finished', endedAt: 4500, fitSeconds: 0.5, metrics: { r2: 0.91, rmse: 540 } });
    const stored = await store.get(run.id);
    expect(stored?.history?.validation).toEqual([3.5, 2.5, 1.5]);
    expect(stored?.logs.map((l) => l.message)).toEqual(['done']);
    expect(stored?.recipe.target).toBe('price');
    const model = await store.getModel(run.id);
    const coef = model?.model?.state.coef;
    expect(coef).toBeInstanceOf(Float64Array);
    expect((coef as Float64Array)[700]).toBe(100);
    expect(model?.model?.state.codes).toEqual(new Int32Array([1, -1, 2]));
    expect(stored?.modelBytes).toBeGreaterThan(8000);
    // A heartbeat after finishing changes nothing.
    t = 9_000;
    await store.heartbeat(run.id);
    expect((await store.get(run.id))?.heartbeatAt).toBe(4500);
    db.close();
  });

  it('records failures and cancellations; a closed run cannot be finished later', async () => {
    const db = await open();
    const store = new RunStore(db);
    const a = await store.start(init());
    const failed = await store.fail(a.id, { code: 'not-finite', message: 'Training failed: loss is NaN', stage: 'training' }, [
      { time: 1, level: 'error', stage: 'training', message: 'loss is NaN' },
    ]);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'not-finite', stage: 'training' } });
    expect(failed.endedAt).toBeDefined();

    const b = await store.start(init());
    await store.cancel(b.id);
    const err = await store.finish(b.id, outcome(metrics(0.5, 1))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).code).toBe('run-closed');
    expect((await store.get(b.id))?.status).toBe('cancelled');
    expect(await store.getModel(b.id)).toBeUndefined();

    await expect(store.finish('no-such-run', outcome(metrics(0.5, 1)))).rejects.toMatchObject({ code: 'run-missing' });
    await expect(store.finish(a.id, { ...outcome(metrics(0.5, 1)), model: undefined })).rejects.toMatchObject({ code: 'run-model-missing' });
    db.close();
  });

  it('edits tags, note and experiment; refuses an empty experiment name', async () => {
    const db = await open();
    const store = new RunStore(db);
    const r = await store.start(init());
    const next = await store.update(r.id, { tags: ['keep', ' keep', 'try-2'], note: 'log target helps', experiment: ' log target ' });
    expect(next).toMatchObject({ tags: ['keep', 'try-2'], note: 'log target helps', experiment: 'log target' });
    expect(await store.get(r.id)).toMatchObject({ tags: ['keep', 'try-2'], note: 'log target helps', experiment: 'log target' });
    await expect(store.update(r.id, { experiment: '  ' })).rejects.toMatchObject({ code: 'invalid-name' });
    expect((await store.listExperiments()).map((e) => e.name)).toEqual(['log target']);
    db.close();
  });
});

describe('finish is all or nothing', () => {
  it('a failing status write after the model write leaves no model and the run still running', async () => {
    const db = await open();
    const store = new RunStore(db);
    const r = await store.start(init());
    const err = await withFailingWrites(
      (name, value) => (name === 'runs' && (value as { status?: string }).status === 'finished' ? new Error('disk error') : undefined),
      () => store.finish(r.id, outcome(metrics(0.9, 1))).catch((e: unknown) => e),
    );
    expect((err as Error).message).toBe('disk error');
    expect((await store.get(r.id))?.status).toBe('running');
    expect(await store.getModel(r.id)).toBeUndefined();
    // And it still finishes afterwards.
    await store.finish(r.id, outcome(metrics(0.9, 1)));
    expect((await store.getModel(r.id))?.model?.type).toBe('ridge');
    db.close();
  });

  it('a quota failure on the model becomes a StorageError naming the largest stored items', async () => {
    const db = await open();
    const store = new RunStore(db);
    const big = await store.start(init({ name: 'Big forest', experiment: 'sizes' }));
    await store.finish(big.id, outcome(metrics(0.8, 2), 20_000));
    const small = await store.start(init({ name: 'Small', experiment: 'sizes' }));
    await store.finish(small.id, outcome(metrics(0.7, 3), 10));
    const r = await store.start(init({ name: 'Too big' }));
    const err = await withFailingWrites(
      (name) => (name === 'run-models' ? quotaExceeded() : undefined),
      () => store.finish(r.id, outcome(metrics(0.9, 1))).catch((e: unknown) => e),
    );
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).code).toBe('quota-exceeded');
    // Largest first: the big forest is named before the small run.
    expect((err as StorageError).message).toMatch(/full.*Delete runs.*run "Big forest" \(sizes\), about 16\d\.\d kB.*run "Small"/s);
    expect((await store.get(r.id))?.status).toBe('running');
    expect(await store.getModel(r.id)).toBeUndefined();
    db.close();
  });
});

describe('listing, deleting and experiments', () => {
  async function seeded(): Promise<{ db: LoupeDb; store: RunStore; ids: Record<string, string> }> {
    const db = await open();
    let t = 0;
    const store = new RunStore(db, { now: () => (t += 100) });
    const ids: Record<string, string> = {};
    const add = async (key: string, over: Partial<RunInit>, m?: RegressionMetrics): Promise<void> => {
      const r = await store.start(init(over));
      ids[key] = r.id;
      if (m) await store.finish(r.id, outcome(m));
    };
    await add('ridgeA', { experiment: 'A', modelType: 'ridge', tags: ['baseline'] }, metrics(0.8, 500));
    await add('gbdtA', { experiment: 'A', modelType: 'gbdt', params: { maxIterations: 100, learningRate: 0.1 } }, metrics(0.95, 300));
    await add('treeA', { experiment: 'A', modelType: 'tree' }, metrics(0.6, 700));
    await add('runningA', { experiment: 'A', modelType: 'gbdt' });
    await add('knnB', { experiment: 'B', modelType: 'knn', datasetId: 'c'.repeat(64), tags: ['baseline'] }, metrics(0.9, 350));
    return { db, store, ids };
  }

  it('filters by experiment, model type, status, tag, dataset and metric range; sorts', async () => {
    const { db, store, ids } = await seeded();
    expect((await store.list()).map((r) => r.id)).toEqual([ids.knnB, ids.runningA, ids.treeA, ids.gbdtA, ids.ridgeA]);
    expect((await store.list({ experiment: 'A' })).length).toBe(4);
    expect((await store.list({ experiment: 'A', modelType: 'gbdt' })).map((r) => r.id)).toEqual([ids.runningA, ids.gbdtA]);
    expect((await store.list({ status: 'running' })).map((r) => r.id)).toEqual([ids.runningA]);
    expect((await store.list({ tag: 'baseline' })).map((r) => r.id).sort()).toEqual([ids.ridgeA, ids.knnB].sort());
    expect((await store.list({ datasetId: HASH })).length).toBe(4);
    expect((await store.list({ metric: { name: 'r2', min: 0.85 } })).map((r) => r.id)).toEqual([ids.knnB, ids.gbdtA]);
    expect((await store.list({ experiment: 'A', metric: { name: 'rmse', max: 500 } })).map((r) => r.id)).toEqual([ids.gbdtA, ids.ridgeA]);
    // Best RMSE first; the running run (no metrics) comes last.
    expect((await store.list({ experiment: 'A' }, { by: 'rmse', direction: 'asc' })).map((r) => r.id)).toEqual([ids.gbdtA, ids.ridgeA, ids.treeA, ids.runningA]);
    expect((await store.list({}, { by: 'r2' })).map((r) => r.id)).toEqual([ids.gbdtA, ids.knnB, ids.ridgeA, ids.treeA, ids.runningA]);

    const exps = await store.listExperiments();
    expect(exps.map((e) => [e.name, e.runCount, e.bestR2])).toEqual([
      ['B', 1, 0.9],
      ['A', 4, 0.95],
    ]);
    expect(exps[1].statuses).toEqual({ finished: 3, running: 1 });
    db.close();
  });

  it('keeps a finished run’s per-row test predictions apart, as float32, and deletes them with the run', async () => {
    const db = await open();
    const store = new RunStore(db);
    const r = await store.start(init());
    const actual = Float64Array.from({ length: 1000 }, (_, i) => 300 + i * 12.345678);
    const predicted = actual.map((v, i) => v + Math.sin(i) * 40);
    await store.finish(r.id, { ...outcome(metrics(0.9, 40)), evaluation: { kind: 'test', actual, predicted, totalRows: 1000 } });
    const ev = (await store.getEvaluation(r.id))!;
    expect(ev).toMatchObject({ runId: r.id, kind: 'test', totalRows: 1000 });
    expect(ev.actual).toBeInstanceOf(Float32Array);
    expect(Array.from(ev.actual)).toEqual(Array.from(Float32Array.from(actual)));
    expect(Array.from(ev.predicted)).toEqual(Array.from(Float32Array.from(predicted)));
    // The run record itself stays small: lists never load the predictions.
    expect(JSON.stringify(await store.get(r.id))).not.toContain('predicted');
    const before = await store.delete([r.id]);
    expect(before).toBeGreaterThanOrEqual(8000);
    expect(await store.getEvaluation(r.id)).toBeUndefined();
    db.close();
  });

  it('deletes runs with their models in one go and reports the bytes reclaimed', async () => {
    const { db, store, ids } = await seeded();
    const modelBytes = (await store.getModel(ids.gbdtA))!.bytes;
    const reclaimed = await store.delete([ids.gbdtA, ids.treeA, 'unknown-id']);
    expect(reclaimed).toBeGreaterThan(2 * modelBytes);
    expect(await store.get(ids.gbdtA)).toBeUndefined();
    expect(await store.getModel(ids.gbdtA)).toBeUndefined();
    expect(await store.getModel(ids.treeA)).toBeUndefined();
    expect((await store.getModel(ids.ridgeA))?.model).toBeDefined();
    expect((await store.list({ experiment: 'A' })).map((r) => r.id).sort()).toEqual([ids.ridgeA, ids.runningA].sort());
    expect(await store.delete([])).toBe(0);
    db.close();
  });

  it('exports an experiment as CSV that parses back to one row per run, and as JSON', async () => {
    const { db, store, ids } = await seeded();
    await store.update(ids.ridgeA, { tags: ['=SUM(A1)', 'baseline', 'has,comma "quoted"'] });
    const csv = await store.exportExperiment('A', 'csv');
    const parsed = Papa.parse<Record<string, string>>(csv.trim(), { header: true });
    expect(parsed.errors).toEqual([]);
    const fields = parsed.meta.fields!;
    expect(fields.slice(0, 11)).toEqual(['id', 'experiment', 'name', 'model', 'status', 'start', 'end', 'duration_s', 'seed', 'split', 'dataset']);
    expect(fields).toEqual(expect.arrayContaining(['param.alpha', 'param.fitIntercept', 'param.maxIterations', 'param.learningRate', 'metric.r2', 'metric.rmse', 'metric.mae', 'metric.mape', 'metric.medianAe', 'metric.maxError', 'tags']));
    expect(fields.at(-1)).toBe('tags');
    const rows = parsed.data;
    // Oldest first.
    expect(rows.map((r) => r.id)).toEqual([ids.ridgeA, ids.gbdtA, ids.treeA, ids.runningA]);
    const ridge = rows[0];
    expect(ridge).toMatchObject({ experiment: 'A', model: 'ridge', status: 'finished', seed: '42', split: 'holdout 0.2', 'param.alpha': '1', 'param.maxIterations': '', 'metric.r2': '0.8', 'metric.rmse': '500' });
    // Commas and quotes survive; a cell a spreadsheet would run as a formula is defused.
    expect(ridge.tags).toBe(`'=SUM(A1);baseline;has,comma "quoted"`);
    expect(Number(ridge.duration_s)).toBeCloseTo((Date.parse(ridge.end) - Date.parse(ridge.start)) / 1000, 6);
    expect(rows[1]).toMatchObject({ model: 'gbdt', 'param.maxIterations': '100', 'param.learningRate': '0.1', 'metric.r2': '0.95' });
    expect(rows[3]).toMatchObject({ status: 'running', end: '', duration_s: '', 'metric.r2': '' });

    const json = JSON.parse(await store.exportExperiment('A', 'json')) as RunsJson;
    expect(json).toMatchObject({ format: 'loupe-runs', version: 1, experiment: 'A' });
    expect(json.runs.map((r) => r.id)).toEqual([ids.ridgeA, ids.gbdtA, ids.treeA, ids.runningA]);
    expect(json.runs[1].history?.train).toEqual([3, 2, 1]);
    expect(json.runs[0].recipe.target).toBe('price');
    db.close();
  });
});

describe('interrupted runs', () => {
  it('without Web Locks: marks other sessions’ runs whose heartbeat is too old', async () => {
    const name = freshName();
    let t = 0;
    const dbA = await openLoupeDb({ name });
    const dbB = await openLoupeDb({ name });
    const tabA = new RunStore(dbA, { now: () => t, session: { id: 'A' }, heartbeatTimeoutMs: 30_000 });
    const tabB = new RunStore(dbB, { now: () => t, session: { id: 'B' }, heartbeatTimeoutMs: 30_000 });
    const stale = await tabA.start(init({ name: 'stale' }));
    const alive = await tabA.start(init({ name: 'alive' }));
    const own = await tabB.start(init({ name: 'own' }));
    const done = await tabA.start(init({ name: 'done' }));
    await tabA.finish(done.id, outcome(metrics(0.9, 1)));
    t = 40_000;
    await tabA.heartbeat(alive.id);
    t = 45_000;
    expect(await tabB.markInterrupted()).toEqual([stale.id]);
    expect(await tabB.get(stale.id)).toMatchObject({ status: 'interrupted', endedAt: 0, error: { code: 'interrupted' } });
    expect((await tabB.get(alive.id))?.status).toBe('running');
    expect((await tabB.get(own.id))?.status).toBe('running');
    expect((await tabB.get(done.id))?.status).toBe('finished');
    // A presumed-dead tab that was only slow may still finish its run.
    await tabA.finish(stale.id, outcome(metrics(0.7, 2)));
    expect((await tabB.get(stale.id))?.status).toBe('finished');
    dbA.close();
    dbB.close();
  });

  it('with Web Locks: a run is interrupted exactly when its tab’s session lock is gone', async () => {
    const locks = new FakeLocks();
    const name = freshName();
    const dbA = await openLoupeDb({ name });
    const dbB = await openLoupeDb({ name });
    const sessionA = await startTabSession({ locks });
    const sessionB = await startTabSession({ locks });
    expect(locks.held.has(sessionLockName(sessionA.id))).toBe(true);
    let t = 0;
    const tabA = new RunStore(dbA, { session: sessionA, now: () => t });
    const tabB = new RunStore(dbB, { session: sessionB, now: () => t });
    const r = await tabA.start(init());
    t = 10 * 60_000; // an old heartbeat does not matter while the lock is held
    expect(await tabB.markInterrupted()).toEqual([]);
    expect((await tabB.get(r.id))?.status).toBe('running');

    sessionA.release(); // the tab closes
    await new Promise((res) => setTimeout(res, 0));
    expect(locks.held.has(sessionLockName(sessionA.id))).toBe(false);
    expect(await tabB.markInterrupted()).toEqual([r.id]);
    expect((await tabB.get(r.id))?.status).toBe('interrupted');
    sessionB.release();
    dbA.close();
    dbB.close();
  });
});

describe('change notices', () => {
  it('posts runs-changed with the run id on the loupe-db channel after a commit', async () => {
    const db = await open();
    const store = new RunStore(db);
    const seen: StorageChange[] = [];
    const stop = onStorageChange((c) => seen.push(c));
    try {
      const r = await store.start(init());
      await store.update(r.id, { note: 'x' });
      for (let i = 0; i < 50 && seen.length < 2; i++) await new Promise((res) => setTimeout(res, 10));
      expect(seen).toEqual([
        { type: 'runs-changed', ids: [r.id] },
        { type: 'runs-changed', ids: [r.id] },
      ]);
      // A failed write posts nothing.
      await store.update('missing', { note: 'y' }).catch(() => {});
      await new Promise((res) => setTimeout(res, 50));
      expect(seen).toHaveLength(2);
    } finally {
      stop();
      db.close();
    }
  });
});

describe('search runs (parent and trials)', () => {
  it('records trials closed under their search run, finds them by parent, and keeps the search summary on the parent', async () => {
    const db = await openLoupeDb({ name: freshName() });
    const store = new RunStore(db);
    const parent = await store.start(init({ name: 'Search', modelType: 'gbdt' }));
    const trial = await store.recordTrial({
      ...init({ name: 'Trial 0 — Ridge' }),
      parentRunId: parent.id,
      status: 'finished',
      trial: { id: 0, resource: 1, bracket: -1, rung: 0, cvScore: 812.5 },
      metrics: metrics(0.9, 812.5),
      seconds: 1.5,
    });
    const failed = await store.recordTrial({
      ...init({ name: 'Trial 1 — Ridge' }),
      parentRunId: parent.id,
      status: 'failed',
      trial: { id: 1, resource: 1 / 3, bracket: 1, rung: 0 },
      seconds: 0.2,
      error: { code: 'not-finite', message: 'Some predictions were not finite numbers (the fit diverged).', stage: 'training' },
    });
    await store.start(init({ name: 'unrelated' }));
    expect(trial).toMatchObject({ status: 'finished', parentRunId: parent.id, trial: { id: 0, cvScore: 812.5 }, fitSeconds: 1.5 });
    expect(trial.endedAt! - trial.startedAt).toBeCloseTo(1500, 0);
    // A trial keeps no model: it was scored by cross-validation.
    expect(await store.getModel(trial.id)).toBeUndefined();
    const children = await store.list({ parentRunId: parent.id }, { by: 'startedAt', direction: 'asc' });
    expect(children.map((r) => r.id).sort()).toEqual([trial.id, failed.id].sort());
    expect(children.find((r) => r.id === failed.id)).toMatchObject({ status: 'failed', error: { code: 'not-finite' } });
    const search = { models: ['ridge' as const], budgetSeconds: 60, folds: 5, trials: 2, stoppedBy: 'budget' as const, bestTrial: 0, cvScore: 812.5, curve: [{ seconds: 1.5, trials: 1, trialId: 0, cvScore: 812.5 }] };
    const done = await store.finish(parent.id, { ...outcome(metrics(0.91, 790)), search });
    expect(done.search).toEqual(search);
    expect((await store.get(parent.id))!.parentRunId).toBeUndefined();
    db.close();
  });

  it("records a classification search's trial with its out-of-fold classification metrics, ranked by log loss", async () => {
    const db = await openLoupeDb({ name: freshName() });
    const store = new RunStore(db);
    const parent = await store.start(init({ name: 'Search', modelType: 'logistic' }));
    const cls = classificationMetrics(Float64Array.from([0, 1, 1, 0]), Float64Array.from([0.8, 0.2, 0.3, 0.7, 0.4, 0.6, 0.9, 0.1]), 2, { threshold: 0.5 });
    const [run] = await store.recordTrials([
      {
        ...init({ name: 'Trial 0 — Logistic regression', modelType: 'logistic' }),
        parentRunId: parent.id,
        status: 'finished',
        trial: { id: 0, resource: 1, bracket: -1, rung: 0, cvScore: cls.logLoss },
        classification: { classes: ['No', 'Yes'], rankedBy: 'log_loss', metrics: cls },
        seconds: 0.2,
      },
    ]);
    const stored = (await store.get(run.id))!;
    expect(stored).toMatchObject({ task: 'classification', classification: { classes: ['No', 'Yes'], rankedBy: 'log_loss' }, trial: { cvScore: cls.logLoss } });
    expect(stored.classification!.metrics.logLoss).toBe(cls.logLoss);
    expect(stored.metrics).toBeUndefined();
    db.close();
  });

  it("records a search's trials in one transaction, with one change notice naming them all", async () => {
    const db = await openLoupeDb({ name: freshName() });
    const store = new RunStore(db);
    const parent = await store.start(init({ name: 'Search', modelType: 'tree' }));
    const seen: StorageChange[] = [];
    const stop = onStorageChange((c) => seen.push(c));
    try {
      const trials = Array.from({ length: 300 }, (_, i) => ({
        ...init({ name: `Trial ${i} — Decision tree` }),
        parentRunId: parent.id,
        status: 'finished' as const,
        trial: { id: i, resource: 1, bracket: 0, rung: 0, cvScore: 800 + i },
        seconds: 0.1,
      }));
      const runs = await store.recordTrials(trials);
      expect(runs.map((r) => r.trial!.id)).toEqual(trials.map((t) => t.trial.id));
      const children = await store.list({ parentRunId: parent.id });
      expect(children).toHaveLength(300);
      expect(new Set(children.map((r) => r.id))).toEqual(new Set(runs.map((r) => r.id)));
      await new Promise((res) => setTimeout(res, 50));
      expect(seen).toEqual([{ type: 'runs-changed', ids: runs.map((r) => r.id) }]);
      expect(await store.recordTrials([])).toEqual([]);
    } finally {
      stop();
      db.close();
    }
  });
});
