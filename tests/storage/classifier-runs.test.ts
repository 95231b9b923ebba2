/**
 * Classifier runs in experiment tracking: a real logistic regression's run records its task,
 * classes, threshold, ranking metric and every classification metric; lists sort and filter by
 * them; the test probabilities are kept; exports carry them; and runs stored before the schema
 * knew tasks (version 5) load as regression runs after the upgrade.
 */
import 'fake-indexeddb/auto';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RegressionMetrics } from '../../src/core/metrics';
import type { TrainingResult } from '../../src/core/pipeline/train';
import { defaultRecipe } from '../../src/core/recipe';
import { parseCsv } from '../../src/core/data';
import { MIGRATIONS, openLoupeDb, outcomeMetrics, runMetric, runTask, RunStore, type RunInit } from '../../src/storage';
import { generateSampleGemstones } from '../../src/core/sample';
import { compareMetrics, withMetricOfStoredTask, type RunFilterDraft } from '../../src/app/RunsView.svelte';
import { trainClassifier } from '../helpers/classifier-run';

let dbCounter = 0;
const freshName = (): string => `loupe-cls-runs-test-${process.pid}-${++dbCounter}`;
const env = { loupeVersion: '0.1.0' };
const regression: RegressionMetrics = { r2: 0.9, rmse: 300, mae: 200, mape: 0.1, medianAe: 150, maxError: 900 };

let trained: TrainingResult;
let multi: TrainingResult;
beforeAll(async () => {
  trained = await trainClassifier(400, { candidates: [{ type: 'logistic' }, { type: 'tree-classifier', params: { maxDepth: 2 } }] });
  multi = await trainClassifier(300, {}, true);
});

function classifierInit(r: TrainingResult, i: number, over: Partial<RunInit> = {}): RunInit {
  const c = r.leaderboard[i];
  return { datasetId: 'c'.repeat(64), datasetName: 'clouds.csv', recipe: r.recipe.recipe, modelType: c.type, params: c.params, seed: 7, environment: env, ...over };
}

async function finishClassifier(store: RunStore, r: TrainingResult, i: number, over: Partial<RunInit> = {}): Promise<string> {
  const c = r.leaderboard[i];
  const run = await store.start(classifierInit(r, i, over));
  await store.finish(run.id, { ...outcomeMetrics(c, r), history: c.history, logs: [], split: r.split, evaluation: c.evaluation, bundle: c.bundle });
  return run.id;
}

describe('classifier runs', () => {
  it('record the task, classes, threshold, ranking metric and every classification metric, and keep the test probabilities', async () => {
    const db = await openLoupeDb({ name: freshName() });
    const store = new RunStore(db);
    const id = await finishClassifier(store, trained, 0);
    const run = (await store.get(id))!;
    const c = trained.leaderboard[0];
    expect(run.task).toBe('classification');
    expect(runTask(run)).toBe('classification');
    expect(run.metrics).toBeUndefined();
    expect(run.classification).toEqual({ classes: ['no', 'yes'], threshold: 0.5, rankedBy: 'roc_auc', metrics: c.classification });
    expect(Object.keys(run.classification!.metrics).sort()).toEqual(['accuracy', 'balancedAccuracy', 'brier', 'f1', 'f1Macro', 'f1Weighted', 'logLoss', 'precision', 'recall', 'rocAuc']);
    expect(runMetric(run, 'rocAuc')).toBe(c.classification!.rocAuc);
    expect(runMetric(run, 'r2')).toBeUndefined();

    const ev = (await store.getEvaluation(id))!;
    expect(ev.probabilities).toBeInstanceOf(Float32Array);
    expect(ev.probabilities!.length).toBe(ev.actual.length * 2);
    expect(ev.probabilities![1]).toBeCloseTo(c.evaluation!.probabilities![1], 6);
    // A multiclass run has no threshold and keeps K probabilities per row.
    const mid = await finishClassifier(store, multi, 0);
    const m = (await store.get(mid))!;
    expect(m.classification).toMatchObject({ classes: ['maybe', 'no', 'yes'], rankedBy: 'roc_auc' });
    expect(m.classification!.threshold).toBeUndefined();
    expect((await store.getEvaluation(mid))!.probabilities!.length).toBe(multi.leaderboard[0].evaluation!.actual.length * 3);
    db.close();
  });

  it('sort, filter and summarise by classification metrics beside regression runs; log loss sorts lowest first when asked', async () => {
    const db = await openLoupeDb({ name: freshName() });
    let t = 0;
    const store = new RunStore(db, { now: () => (t += 100) });
    const logistic = await finishClassifier(store, trained, trained.leaderboard.findIndex((c) => c.type === 'logistic'), { experiment: 'E' });
    const tree = await finishClassifier(store, trained, trained.leaderboard.findIndex((c) => c.type === 'tree-classifier'), { experiment: 'E' });
    const ds = await parseCsv(generateSampleGemstones(40, 1));
    const ridge = await store.start({ datasetId: 'd'.repeat(64), datasetName: 'gems.csv', recipe: defaultRecipe(ds.schema, 'price', ds.table), modelType: 'ridge', params: {}, seed: 1, environment: env, experiment: 'E' });
    await store.finish(ridge.id, { metrics: regression, history: { unit: 'none', metric: 'mse', train: [], validation: [] }, logs: [], model: { model: { type: 'ridge', params: {}, state: {} }, recipe: {} as never } });

    const auc = (id: string): number => trained.leaderboard.find((c) => c.type === ((id === logistic ? 'logistic' : 'tree-classifier') as string))!.classification!.rocAuc;
    expect(auc(logistic)).toBeGreaterThan(auc(tree));
    expect((await store.list({}, { by: 'rocAuc' })).map((r) => r.id)).toEqual([logistic, tree, ridge.id]);
    expect((await store.list({}, { by: 'logLoss', direction: 'asc' })).map((r) => r.id)[2]).toBe(ridge.id);
    expect((await store.list({ metric: { name: 'rocAuc', min: (auc(logistic) + auc(tree)) / 2 } })).map((r) => r.id)).toEqual([logistic]);
    expect((await store.list({ metric: { name: 'r2', min: 0 } })).map((r) => r.id)).toEqual([ridge.id]);
    const [e] = await store.listExperiments();
    expect(e).toMatchObject({ name: 'E', runCount: 3, bestR2: 0.9, bestRocAuc: auc(logistic) });

    // Compare chooses the task's metrics, and says plainly when the runs' tasks differ.
    const [a, b, r] = await Promise.all([store.get(logistic), store.get(tree), store.get(ridge.id)]);
    const same = compareMetrics([a!, b!]);
    expect(same.note).toBeNull();
    expect(same.metrics.map((m) => m.name)).toEqual(expect.arrayContaining(['rocAuc', 'logLoss', 'accuracy', 'f1', 'brier']));
    expect(same.metrics.some((m) => m.task === 'regression')).toBe(false);
    const mixed = compareMetrics([a!, r!]);
    expect(mixed.metrics).toEqual([]);
    expect(mixed.note).toMatch(/1 regression, 1 classification.*share no test metric/);

    // The Runs filter's metric follows the stored runs' task: R² while any regression run is
    // stored, ROC AUC when only classifiers are; a typed bound keeps the metric it was typed for.
    const draft: RunFilterDraft = { experiment: '', modelType: '', status: '', tag: '', metric: 'r2', min: '', max: '' };
    expect(withMetricOfStoredTask(draft, [a!, b!]).metric).toBe('rocAuc');
    expect(withMetricOfStoredTask(draft, [a!, r!])).toBe(draft);
    expect(withMetricOfStoredTask({ ...draft, metric: 'logLoss' }, [r!]).metric).toBe('r2');
    expect(withMetricOfStoredTask({ ...draft, min: '0.5' }, [a!, b!]).metric).toBe('r2');
    expect(withMetricOfStoredTask({ ...draft, metric: 'accuracy' }, [a!]).metric).toBe('accuracy');

    // CSV export: the classification metrics, task, classes and threshold as columns.
    const csv = Papa.parse<Record<string, string>>((await store.exportExperiment('E', 'csv')).trim(), { header: true });
    expect(csv.errors).toEqual([]);
    expect(csv.meta.fields).toEqual(expect.arrayContaining(['metric.r2', 'metric.rocAuc', 'metric.logLoss', 'metric.brier', 'task', 'classes', 'threshold']));
    const row = csv.data.find((x) => x.id === logistic)!;
    expect(row).toMatchObject({ task: 'classification', classes: 'no;yes', threshold: '0.5', 'metric.r2': '' });
    expect(Number(row['metric.rocAuc'])).toBeCloseTo(auc(logistic), 12);
    expect(csv.data.find((x) => x.id === ridge.id)).toMatchObject({ task: 'regression', classes: '', 'metric.rocAuc': '', 'metric.r2': '0.9' });
    db.close();
  });
});

describe('migration 5 → 6 (runs say their task)', () => {
  it('runs stored at version 5 load as regression runs, still sorted and filtered by their metrics', async () => {
    const name = freshName();
    const v5 = await openLoupeDb({ name, migrations: MIGRATIONS.slice(0, 5) });
    expect(v5.version).toBe(5);
    const ds = await parseCsv(generateSampleGemstones(40, 1));
    // A run as the version-5 code stored it: no task, no classification.
    const old = new RunStore(v5);
    const run = await old.start({ datasetId: 'd'.repeat(64), datasetName: 'gems.csv', recipe: defaultRecipe(ds.schema, 'price', ds.table), modelType: 'ridge', params: {}, seed: 1, environment: env });
    const tx = v5.transaction('runs', 'readwrite');
    const stored = (await tx.store.get(run.id))!;
    delete stored.task;
    await tx.store.put({ ...stored, status: 'finished', metrics: regression });
    await tx.done;
    v5.close();

    const v6 = await openLoupeDb({ name });
    expect(v6.version).toBe(MIGRATIONS.length);
    const runs = new RunStore(v6);
    const loaded = (await runs.get(run.id))!;
    expect(loaded.task).toBe('regression');
    expect(loaded.metrics).toEqual(regression);
    expect((await runs.list({ metric: { name: 'r2', min: 0.5 } }, { by: 'r2' })).map((r) => r.id)).toEqual([run.id]);
    v6.close();
  });
});
