/**
 * The training pool on in-process workers: jobs spread over at most `size` workers, each worker
 * set up once and sent the table once; a queued job cancelled never reaches a worker; a running
 * job is cancelled in its worker, and a worker that does not answer is terminated and replaced;
 * a random forest's trees are grown across the pool into the forest one worker would build.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultPoolSize, TrainWorkerPool } from '../../src/app/WorkerPool';
import { Checkpointer } from '../../src/core/abort';
import { RandomForestRegressor, trainSharedTrees, type ForestParams } from '../../src/core/models/forest';
import type { Matrix } from '../../src/core/models/types';
import { shareThrough } from '../../workers/tree-share-link';
import { synthetic } from '../conformance/suite';
import type { Table } from '../../src/core/data/types';
import type { RefitLink, RetrainJob, RetrainJobProgress, RetrainJobResult, SearchFitJob, SearchFitResult, TrainJob, TrainJobProgress, TrainJobResult, TrainWorkerInit, TreeShareLink } from '../../workers/protocol';
import { Deferred, FakeWorkers, settle } from './fake-worker';

/** A training worker that holds each job until the test finishes it (or it honours a cancel). */
function makeApi(honoursCancel: boolean) {
  return (n: number) => {
    const jobs = new Map<string, Deferred<TrainJobResult>>();
    const api = {
      n,
      inits: [] as TrainWorkerInit[],
      tables: [] as string[],
      trained: [] as string[],
      cancels: [] as string[],
      init(opts: TrainWorkerInit) {
        api.inits.push(opts);
        return { backend: 'wasm', simd: true, multithread: false };
      },
      setTable(key: string, table: Table) {
        api.tables.push(`${key}:${table.rowCount}`);
      },
      links: new Map<string, RefitLink | undefined>(),
      fits: [] as SearchFitJob[],
      fitSearchModel(job: SearchFitJob): SearchFitResult {
        api.fits.push(job);
        return { model: { type: job.model, params: job.params, state: { worker: n } }, seconds: 0.5 };
      },
      train(job: TrainJob, onProgress?: (p: TrainJobProgress) => void, _trees?: TreeShareLink, refit?: RefitLink): Promise<TrainJobResult> {
        api.trained.push(job.jobId);
        api.links.set(job.jobId, refit);
        const d = new Deferred<TrainJobResult>();
        jobs.set(job.jobId, d);
        onProgress?.({ jobId: job.jobId, fraction: 0.5, losses: [] });
        return d.promise;
      },
      cancel(jobId: string) {
        api.cancels.push(jobId);
        if (honoursCancel) jobs.get(jobId)?.resolve(result(jobId, 'cancelled'));
      },
      finish(jobId: string) {
        jobs.get(jobId)!.resolve(result(jobId, 'finished'));
      },
      permutationImportance(jobId: string) {
        return { featureNames: ['x'], baseline: 1, mean: new Float64Array(1), std: new Float64Array(1), repeats: 1, rows: n, jobId };
      },
      release() {},
      finishRun() {},
      retrained: [] as string[],
      retrain(job: RetrainJob, onProgress?: (p: RetrainJobProgress) => void): Promise<RetrainJobResult> {
        api.retrained.push(`${job.jobId}:${job.newData.table.rowCount}`);
        const d = new Deferred<TrainJobResult>();
        jobs.set(job.jobId, d);
        onProgress?.({ jobId: job.jobId, fraction: 0.25 });
        return d.promise.then((r) => ({ jobId: r.jobId, status: r.status as RetrainJobResult['status'] }));
      },
    };
    return api;
  };
}

function result(jobId: string, status: 'finished' | 'cancelled'): TrainJobResult {
  return {
    jobId,
    name: jobId,
    type: 'linear',
    params: {},
    status,
    fitSeconds: 0,
    predictSeconds: 0,
    history: { unit: 'none', metric: 'mse', train: [], validation: [] },
    featureNames: [],
    warnings: [],
    logs: [],
  };
}

const table: Table = { rowCount: 4, columns: [{ type: 'numeric', name: 'x', values: Float64Array.from([1, 2, 3, 4]) }] };

function job(jobId: string): TrainJob {
  return {
    jobId,
    tableKey: 'v1',
    dataset: { id: 'v1', name: 'v1.csv', rows: 4 },
    recipe: { target: 'y', columns: [], cleaning: [], features: [] } as unknown as TrainJob['recipe'],
    candidate: { type: 'linear', name: jobId },
    split: { kind: 'holdout', testSize: 0.25, seed: 1 },
  };
}

let workers: FakeWorkers<ReturnType<ReturnType<typeof makeApi>>>;
let pool: TrainWorkerPool;

function setup(size: number, honoursCancel = true, terminateAfterMs = 50): void {
  workers = new FakeWorkers(makeApi(honoursCancel));
  pool = new TrainWorkerPool({ size, wasmPaths: 'tfjs/', createWorker: workers.spawn, terminateAfterMs });
  pool.setTable('v1', table);
}

/** Which worker (its number) is training each job so far. */
function placement(): Record<string, number> {
  return Object.fromEntries(workers.started.flatMap((w) => w.api.trained.map((id) => [id, w.api.n])));
}

afterEach(() => {
  pool?.dispose();
  workers?.closeAll();
});

describe('TrainWorkerPool', () => {
  it('spreads jobs over at most `size` workers, each set up and sent the table once; a queued job starts when a worker frees up', async () => {
    setup(2);
    const started: string[] = [];
    const progress: string[] = [];
    const runs = ['a', 'b', 'c'].map((id) => pool.run(job(id), { onStart: () => started.push(id), onProgress: (p) => progress.push(p.jobId) }));
    await expect.poll(() => Object.keys(placement()).length).toBe(2);
    expect(workers.started).toHaveLength(2);
    const first = placement();
    expect(new Set(Object.values(first))).toEqual(new Set([1, 2]));
    expect(started.sort()).toEqual(['a', 'b']);
    // c waits; finishing a frees its worker for c.
    workers.started[first.a - 1].api.finish('a');
    expect((await runs[0]).status).toBe('finished');
    await expect.poll(() => placement().c).toBe(first.a);
    expect(workers.started).toHaveLength(2);
    for (const w of workers.started) {
      expect(w.api.inits).toHaveLength(1);
      expect(w.api.tables).toEqual(['v1:4']);
    }
    workers.started[first.b - 1].api.finish('b');
    workers.started[first.a - 1].api.finish('c');
    expect((await Promise.all(runs)).map((r) => r.status)).toEqual(['finished', 'finished', 'finished']);
    await expect.poll(() => progress.sort()).toEqual(['a', 'b', 'c']);
  });

  it("a search's refit job (its ensemble, or its best) fits in the other workers through its refit link; a pool of one offers none", async () => {
    setup(3);
    const searchEnsemble = { searchKey: 's1', folds: 3, seed: 4, trials: [] };
    const ens = pool.run({ ...job('ens'), candidate: { type: 'ensemble', name: 'Search ensemble' }, searchEnsemble });
    await expect.poll(() => placement().ens).toBeDefined();
    const host = workers.started[placement().ens - 1].api;
    const link = host.links.get('ens')!;
    expect(link).toBeDefined();
    const fitted = await Promise.all([link.fit('ridge', { alpha: 2 }, 'all'), link.fit('gbdt', { seed: 4 }, { properAt: 0.9 })]);
    expect(fitted.map((f) => f.model!.type)).toEqual(['ridge', 'gbdt']);
    // Fitted by other workers on the search's prepared run (its key, folds and seed), never by the ensemble's own.
    const fits = workers.started.flatMap((w) => w.api.fits.map((f) => ({ worker: w.api.n, f })));
    expect(fits).toHaveLength(2);
    for (const { worker, f } of fits) {
      expect(worker).not.toBe(host.n);
      expect(f).toMatchObject({ searchKey: 's1', folds: 3, seed: 4, tableKey: 'v1', split: job('x').split });
    }
    expect(fits.map(({ f }) => [f.params, f.rows])).toEqual([
      [{ alpha: 2 }, 'all'],
      [{ seed: 4 }, { properAt: 0.9 }],
    ]);
    host.finish('ens');
    expect((await ens).status).toBe('finished');

    // The best's refit job: its link fits on the search's prepared run too.
    const best = pool.run({ ...job('best'), searchRefit: { searchKey: 's2', folds: 5, seed: 1 } });
    await expect.poll(() => placement().best).toBeDefined();
    const bestHost = workers.started[placement().best - 1].api;
    await bestHost.links.get('best')!.fit('gbdt', { seed: 1 }, { properAt: 0.8 });
    const bestFit = workers.started.flatMap((w) => w.api.fits.map((f) => ({ worker: w.api.n, f }))).find(({ f }) => f.jobId.startsWith('best-'))!;
    expect(bestFit.worker).not.toBe(bestHost.n);
    expect(bestFit.f).toMatchObject({ searchKey: 's2', folds: 5, seed: 1, rows: { properAt: 0.8 } });
    bestHost.finish('best');
    await best;
    // An ordinary job gets no link.
    const plain = pool.run(job('plain'));
    await expect.poll(() => placement().plain).toBeDefined();
    expect(workers.started[placement().plain - 1].api.links.get('plain')).toBeUndefined();
    workers.started[placement().plain - 1].api.finish('plain');
    await plain;
    pool.dispose();
    workers.closeAll();

    setup(1);
    const alone = pool.run({ ...job('ens1'), candidate: { type: 'ensemble', name: 'Search ensemble' }, searchEnsemble });
    await expect.poll(() => placement().ens1).toBe(1);
    expect(workers.started[0].api.links.get('ens1')).toBeUndefined();
    workers.started[0].api.finish('ens1');
    await alone;
  });

  it('cancelling a queued job resolves it at once; it never reaches a worker', async () => {
    setup(1);
    const a = pool.run(job('a'));
    const b = pool.run(job('b'));
    await expect.poll(() => placement().a).toBe(1);
    pool.cancel('b');
    const r = await b;
    expect(r.status).toBe('cancelled');
    expect(r.error?.message).toBe('Cancelled before it started.');
    workers.started[0].api.finish('a');
    expect((await a).status).toBe('finished');
    await settle();
    expect(workers.started[0].api.trained).toEqual(['a']);
  });

  it('a running job is cancelled in its worker, which is kept', async () => {
    setup(1, true);
    const a = pool.run(job('a'));
    await expect.poll(() => placement().a).toBe(1);
    pool.cancel('a');
    expect((await a).status).toBe('cancelled');
    expect(workers.started[0].api.cancels).toEqual(['a']);
    await settle(100);
    expect(workers.alive).toHaveLength(1);
    // The same worker takes the next job.
    const b = pool.run(job('b'));
    await expect.poll(() => placement().b).toBe(1);
    workers.started[0].api.finish('b');
    expect((await b).status).toBe('finished');
  });

  it('a hung worker is terminated after the grace period and replaced; the job says the worker was stopped', async () => {
    setup(1, false, 40);
    const a = pool.run(job('a'));
    const b = pool.run(job('b'));
    await expect.poll(() => placement().a).toBe(1);
    pool.cancel('a');
    const r = await a;
    expect(r.status).toBe('cancelled');
    expect(r.error?.message).toBe('Cancelled (the worker was stopped).');
    expect(workers.started[0].worker.terminated).toBe(true);
    // b runs on a fresh worker, set up and sent the table again.
    await expect.poll(() => placement().b).toBe(2);
    expect(workers.started[1].api.tables).toEqual(['v1:4']);
    workers.started[1].api.finish('b');
    expect((await b).status).toBe('finished');
    // The stopped worker's model is gone: its importance cannot be computed.
    await expect(pool.permutationImportance('a')).rejects.toThrow(/has been stopped/);
  });

  it('permutation importance goes to the worker that trained the job', async () => {
    setup(2);
    const runs = ['a', 'b'].map((id) => pool.run(job(id)));
    await expect.poll(() => Object.keys(placement()).length).toBe(2);
    const where = placement();
    workers.started[where.a - 1].api.finish('a');
    workers.started[where.b - 1].api.finish('b');
    await Promise.all(runs);
    expect((await pool.permutationImportance('b')).rows).toBe(where.b);
    expect((await pool.permutationImportance('a')).rows).toBe(where.a);
  });

  it('a retrain queues with training jobs, carries its own rows (the pool table is not sent), and is cancelled like them', async () => {
    setup(1);
    const retrainJob = (jobId: string): RetrainJob => ({
      jobId,
      champion: {} as RetrainJob['champion'],
      newData: { table, dataset: { id: 'n1', name: 'new.csv', rows: 4 } },
      mode: 'new',
    });
    const a = pool.run(job('a'));
    const progress: number[] = [];
    const r1 = pool.retrain(retrainJob('r1'), { onProgress: (p) => progress.push(p.fraction) });
    const r2 = pool.retrain(retrainJob('r2'));
    await expect.poll(() => placement().a).toBe(1);
    pool.cancel('r2');
    expect(await r2).toMatchObject({ jobId: 'r2', status: 'cancelled', error: { code: 'cancelled', message: 'Cancelled before it started.' } });
    workers.started[0].api.finish('a');
    await expect.poll(() => workers.started[0].api.retrained).toEqual(['r1:4']);
    expect(workers.started[0].api.tables).toEqual(['v1:4']);
    workers.started[0].api.finish('r1');
    expect(await r1).toEqual({ jobId: 'r1', status: 'finished' });
    await expect.poll(() => progress).toEqual([0.25]);
    // A running retrain is cancelled in its worker.
    const r3 = pool.retrain(retrainJob('r3'));
    await expect.poll(() => workers.started[0].api.retrained).toEqual(['r1:4', 'r3:4']);
    pool.cancel('r3');
    expect((await r3).status).toBe('cancelled');
    expect(workers.started[0].api.cancels).toEqual(['r3']);
  });
});

/**
 * Workers that run the real forest code: `train` fits a RandomForestRegressor on fixed data with
 * the share link the pool gives (as the train worker does, through shareThrough) and keeps its
 * predictions; `trainTrees` is the real helper. `failAfterOne`: this helper takes one index and dies.
 */
const forestData = synthetic(3000, 6, 31);
const forestQueries = synthetic(200, 6, 32);
const FOREST = { nEstimators: 40, seed: 9, maxFeatures: 0.5 };

function forestApi(failing: number | null = null) {
  return (n: number) => {
    const api = {
      n,
      predictions: null as Float64Array | null,
      linked: false,
      grown: 0,
      tookBeforeDying: null as number | null,
      init: () => ({ backend: 'wasm', simd: true, multithread: false }),
      setTable() {},
      async train(j: TrainJob, _onProgress?: unknown, trees?: TreeShareLink): Promise<TrainJobResult> {
        api.linked = trees !== undefined;
        const m = await new RandomForestRegressor(FOREST).fit(forestData.X, forestData.y, { shareTrees: trees && shareThrough(trees) });
        api.predictions = m.predict(forestQueries.X);
        return result(j.jobId, 'finished');
      },
      async trainTrees(X: Matrix, y: Float64Array, params: ForestParams, take: () => Promise<number>) {
        if (n === failing) {
          api.tookBeforeDying = await take();
          throw new Error('worker lost');
        }
        const grown = await trainSharedTrees(X, y, params, async () => take(), new Checkpointer(undefined));
        api.grown += grown.length;
        return grown;
      },
      cancel() {},
      release() {},
      finishRun() {},
    };
    return api;
  };
}

function forestJob(jobId: string): TrainJob {
  return { ...job(jobId), candidate: { type: 'forest', name: jobId, params: FOREST } };
}

describe('TrainWorkerPool: a random forest’s trees spread over the pool', () => {
  let forestWorkers: FakeWorkers<ReturnType<ReturnType<typeof forestApi>>>;
  afterEach(() => forestWorkers?.closeAll());

  async function runForest(size: number, failing: number | null = null) {
    forestWorkers = new FakeWorkers(forestApi(failing));
    pool = new TrainWorkerPool({ size, wasmPaths: 'tfjs/', createWorker: forestWorkers.spawn });
    pool.setTable('v1', table);
    const r = await pool.run(forestJob('f'));
    expect(r.status).toBe('finished');
    const leader = forestWorkers.started.find((w) => w.api.predictions !== null)!;
    return { leader: leader.api, helpers: forestWorkers.started.filter((w) => w !== leader).map((w) => w.api) };
  }

  it('other workers grow some of the trees, and the forest is the one a single worker builds', async () => {
    const single = await new RandomForestRegressor(FOREST).fit(forestData.X, forestData.y);
    const { leader, helpers } = await runForest(3);
    expect(leader.linked).toBe(true);
    expect(helpers).toHaveLength(2);
    const byHelpers = helpers.reduce((a, h) => a + h.grown, 0);
    expect(byHelpers).toBeGreaterThan(0);
    expect(byHelpers).toBeLessThan(FOREST.nEstimators);
    expect(Array.from(leader.predictions!)).toEqual(Array.from(single.predict(forestQueries.X)));
  });

  it('a helper that dies with a tree costs no tree: the forest’s own worker grows it', async () => {
    const single = await new RandomForestRegressor(FOREST).fit(forestData.X, forestData.y);
    const { leader, helpers } = await runForest(3, 2);
    expect(helpers.find((h) => h.n === 2)!.tookBeforeDying).toBeGreaterThanOrEqual(0);
    expect(Array.from(leader.predictions!)).toEqual(Array.from(single.predict(forestQueries.X)));
  });

  it('a pool of one worker fits the forest alone (no share offered)', async () => {
    const { leader, helpers } = await runForest(1);
    expect(leader.linked).toBe(false);
    expect(helpers).toHaveLength(0);
  });
});

describe('defaultPoolSize', () => {
  it('is hardwareConcurrency − 1 workers, at least one', () => {
    for (const [cores, want] of [[8, 7], [2, 1], [1, 1]] as const) {
      vi.stubGlobal('navigator', { hardwareConcurrency: cores });
      expect(defaultPoolSize()).toBe(want);
    }
    vi.unstubAllGlobals();
  });
});
