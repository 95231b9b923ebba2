/**
 * TrainingSession on a pool of in-process training workers: the leaderboard orders finished
 * candidates by R² (failed and cancelled ones after), the best goes first onto the model shelf,
 * and a cancelled candidate ends cancelled while the others finish. Node has no IndexedDB here, so
 * recording runs fails — which must not stop training (the problem is reported).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DatasetLibrary, OpenDataset } from '../../src/app/DatasetLibrary.svelte';
import { ModelShelf } from '../../src/app/ModelShelf.svelte';
import type { RecipeState } from '../../src/app/RecipeState.svelte';
import { TrainingSession } from '../../src/app/TrainingSession.svelte';
import { TrainWorkerPool } from '../../src/app/WorkerPool';
import type { ModelBundle } from '../../src/core/bundle/bundle';
import { MODEL_TYPES } from '../../src/core/models/catalog';
import type { ModelType } from '../../src/core/models/types';
import { defaultRecipe } from '../../src/core/recipe';
import type { TrainJob, TrainJobProgress, TrainJobResult } from '../../workers/protocol';
import { sampleDataset } from './datasets';
import { Deferred, FakeWorkers } from './fake-worker';

/** How each model type's job ends in the fake worker: finished with this R², failed, or held until cancelled. */
type Outcome = number | 'fail' | 'hold';

/** Holds the fake worker's answer to saving the decision threshold 0.2. */
let slowSave = new Deferred<void>();

/** Every job the fake workers were given, in order. */
const jobsSeen: TrainJob[] = [];

function makeApi(outcomes: Partial<Record<ModelType, Outcome>>) {
  return () => {
    const held = new Map<string, Deferred<TrainJobResult>>();
    return {
      init: () => ({ backend: 'wasm', simd: true, multithread: false }),
      setTable() {},
      async train(job: TrainJob, onProgress?: (p: TrainJobProgress) => void): Promise<TrainJobResult> {
        jobsSeen.push(job);
        onProgress?.({ jobId: job.jobId, fraction: 0.5, losses: [{ step: 1, train: 1 }] });
        const outcome = outcomes[job.candidate.type] ?? 0.5;
        const base = {
          jobId: job.jobId,
          name: job.candidate.name,
          type: job.candidate.type,
          params: job.candidate.params ?? {},
          fitSeconds: 0.1,
          predictSeconds: 0.01,
          history: { unit: 'none' as const, metric: 'mse', train: [], validation: [] },
          featureNames: [],
          warnings: [],
          logs: [],
          split: { kind: job.split.kind, seed: job.split.seed, trainRows: 100, testRows: 100, removedByCleaning: 0 },
          ...(job.members ? { members: job.members.map((m, i) => ({ name: m.name, type: m.type, weight: i === 0 ? 1 : 0 })) } : {}),
        };
        if (outcome === 'hold') {
          const d = new Deferred<TrainJobResult>();
          held.set(job.jobId, d);
          return d.promise;
        }
        if (outcome === 'fail') return { ...base, status: 'failed', error: { code: 'error', message: 'diverged', stage: 'training' } };
        const metrics = { r2: outcome, rmse: 1, mae: 1, mape: 0.1, medianAe: 1, maxError: 2 };
        const bundle = { model: { type: job.candidate.type }, lineage: {} } as unknown as ModelBundle;
        return { ...base, status: 'finished', metrics, bundle };
      },
      cancel(jobId: string) {
        held.get(jobId)?.resolve({
          jobId,
          name: jobId,
          type: 'forest',
          params: {},
          status: 'cancelled',
          fitSeconds: 0,
          predictSeconds: 0,
          history: { unit: 'none', metric: 'mse', train: [], validation: [] },
          featureNames: [],
          warnings: [],
          error: { code: 'cancelled', message: 'Cancelled.', stage: 'training' },
          logs: [],
        });
      },
      permutationImportance() {},
      /** A save of threshold 0.2 answers only when `slowSave` is resolved; others at once. */
      async setDecisionThreshold(jobId: string, threshold: number) {
        if (threshold === 0.2) await slowSave.promise;
        return { bundle: { model: { type: 'ridge' }, lineage: {}, decision: { threshold } }, metricsUpdated: true };
      },
      release() {},
      finishRun() {},
    };
  };
}

let workers: FakeWorkers<ReturnType<ReturnType<typeof makeApi>>>;
let session: TrainingSession;
let shelf: ModelShelf;

async function setup(
  outcomes: Partial<Record<ModelType, Outcome>>,
  chosen: ModelType[],
  split: 'holdout' | 'kfold' = 'holdout',
  /** A classification run (the sample's `cut`), with these settings made before it starts. */
  classification?: (s: TrainingSession) => void,
): Promise<void> {
  jobsSeen.length = 0;
  workers = new FakeWorkers(makeApi(outcomes));
  const current: OpenDataset = await sampleDataset('v1');
  const library = { current } as unknown as DatasetLibrary;
  const target = classification ? 'cut' : 'price';
  const recipe = { recipe: defaultRecipe(current.meta.schema, target, current.table), issues: [], ...(classification ? { task: { task: 'classification' } } : {}) } as unknown as RecipeState;
  shelf = new ModelShelf();
  const pool = new TrainWorkerPool({ size: 2, wasmPaths: 'tfjs/', createWorker: workers.spawn, terminateAfterMs: 50 });
  session = new TrainingSession(library, recipe, shelf, pool);
  session.selected = Object.fromEntries(MODEL_TYPES.map((t) => [t, chosen.includes(t)])) as Record<ModelType, boolean>;
  session.split = { ...session.split, kind: split };
  classification?.(session);
  expect(session.blocker).toBeNull();
  session.start();
}

afterEach(() => {
  session?.dispose();
  workers?.closeAll();
});

describe('TrainingSession', () => {
  it('orders the leaderboard by R², failed candidates last; the best goes first onto the shelf', async () => {
    await setup({ linear: 0.91, ridge: 0.95, lasso: 'fail', gbdt: 0.98 }, ['linear', 'ridge', 'lasso', 'gbdt']);
    await expect.poll(() => session.candidates.map((c) => c.type)).toEqual(['linear', 'ridge', 'lasso', 'gbdt']);
    await expect.poll(() => session.runEndedAt, { timeout: 10_000 }).not.toBeNull();
    expect(session.running).toBe(false);
    expect(session.leaderboard.map((c) => [c.type, c.status])).toEqual([
      ['gbdt', 'finished'],
      ['ridge', 'finished'],
      ['linear', 'finished'],
      ['lasso', 'failed'],
    ]);
    expect(session.best?.type).toBe('gbdt');
    expect(session.focus?.type).toBe('gbdt');
    expect(shelf.models.map((m) => m.name)).toEqual(['Gradient-boosted trees — R² 0.980', 'Ridge — R² 0.950', 'Linear regression — R² 0.910']);
    expect(shelf.selected?.name).toBe('Gradient-boosted trees — R² 0.980');
    // Recording runs needs IndexedDB, which Node lacks here: training went on and the problem is said.
    expect(session.problem?.title).toMatch(/Could not record the run/);
  });

  it('a cancelled candidate ends cancelled while the others finish', async () => {
    await setup({ forest: 'hold', linear: 0.9 }, ['linear', 'forest']);
    const forest = () => session.candidates.find((c) => c.type === 'forest')!;
    await expect.poll(() => forest().status, { timeout: 10_000 }).toBe('running');
    expect(session.running).toBe(true);
    session.cancel(forest().id);
    await expect.poll(() => session.runEndedAt, { timeout: 10_000 }).not.toBeNull();
    expect(session.leaderboard.map((c) => [c.type, c.status])).toEqual([
      ['linear', 'finished'],
      ['forest', 'cancelled'],
    ]);
    expect(shelf.models.map((m) => m.bundle.model.type)).toEqual(['linear']);
    // The worker honoured the cancel: none was terminated.
    expect(workers.alive).toHaveLength(workers.started.length);
  });

  it('builds an ensemble of a k-fold run’s finished models as one more candidate, its members trained with their params', async () => {
    await setup({ linear: 0.91, gbdt: 0.98, lasso: 'fail' }, ['linear', 'lasso', 'gbdt'], 'kfold');
    await expect.poll(() => session.runEndedAt, { timeout: 10_000 }).not.toBeNull();
    expect(session.ensembleBlocker).toBeNull();
    session.buildEnsemble();
    expect(session.ensembleBlocker).toBe('The run is still going.');
    const ensemble = () => session.candidates.find((c) => c.type === 'ensemble');
    await expect.poll(() => ensemble()?.status, { timeout: 10_000 }).toBe('finished');
    const job = jobsSeen.find((j) => j.candidate.type === 'ensemble')!;
    expect(job.candidate).toMatchObject({ name: 'Ensemble', params: { method: 'greedy', size: 50 } });
    // The finished models only (not the failed lasso), with the params they were trained with.
    expect(job.members!.map((m) => m.type).sort()).toEqual(['gbdt', 'linear']);
    for (const m of job.members!) expect(m.params).toEqual(jobsSeen.find((j) => j.candidate.type === m.type)!.candidate.params);
    expect(job.split.kind).toBe('kfold');
    await expect.poll(() => session.runEndedAt, { timeout: 10_000 }).not.toBeNull();
    expect(session.ensembleBlocker).toBe('This run already has its ensemble.');
    expect(shelf.models.map((m) => m.bundle.model.type)).toContain('ensemble');
  });

  it("passes a classification run's calibration choice to every job (and none when it is 'none')", async () => {
    await setup({ logistic: 0.8, 'gbdt-classifier': 0.9 }, ['logistic', 'gbdt-classifier'], 'holdout', (s) => (s.calibration = 'isotonic'));
    await expect.poll(() => session.runEndedAt, { timeout: 10_000 }).not.toBeNull();
    expect(jobsSeen.map((j) => [j.candidate.type, j.calibration])).toEqual([
      ['logistic', 'isotonic'],
      ['gbdt-classifier', 'isotonic'],
    ]);
    session.dispose();
    workers.closeAll();
    await setup({ logistic: 0.8 }, ['logistic'], 'holdout', () => undefined);
    await expect.poll(() => session.runEndedAt, { timeout: 10_000 }).not.toBeNull();
    expect(jobsSeen.map((j) => j.calibration)).toEqual([undefined]);
  });

  it('offers no ensemble after a hold-out run', async () => {
    await setup({ linear: 0.91, gbdt: 0.98 }, ['linear', 'gbdt']);
    await expect.poll(() => session.runEndedAt, { timeout: 10_000 }).not.toBeNull();
    expect(session.ensembleBlocker).toMatch(/k-fold cross-validation/);
  });

  it('saving a decision threshold puts the bundle from the worker on the shelf in its place; a newer save’s answer wins', async () => {
    slowSave = new Deferred<void>();
    await setup({ linear: 0.91, ridge: 0.95 }, ['linear', 'ridge']);
    await expect.poll(() => session.runEndedAt, { timeout: 10_000 }).not.toBeNull();
    const ridge = session.candidates.find((c) => c.type === 'ridge')!;
    const order = shelf.models.map((m) => m.id);
    session.setThreshold(ridge.id, 0.2);
    const first = session.saveThreshold(ridge.id);
    expect(session.thresholdSaves[ridge.id]).toEqual({ status: 'running' });
    session.setThreshold(ridge.id, 0.7);
    await session.saveThreshold(ridge.id);
    slowSave.resolve();
    await first;
    expect(session.thresholdSaves[ridge.id]).toEqual({ status: 'done', result: { threshold: 0.7, metricsUpdated: true } });
    expect(shelf.models.map((m) => m.id)).toEqual(order);
    expect(shelf.models.find((m) => m.id === `session:${ridge.id}`)?.bundle.decision).toEqual({ threshold: 0.7 });
    expect(session.candidates.find((c) => c.id === ridge.id)?.result?.bundle?.decision).toEqual({ threshold: 0.7 });
  });
});
