/**
 * A classifier in the model registry: registered from its run with its task, classes, threshold
 * and classification metrics; exported and imported back as the identical bundle file, whose
 * model gives the identical probabilities; listed by its ROC AUC.
 */
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle } from '../../src/core/bundle/bundle';
import { isClassifier } from '../../src/core/models/types';
import type { TrainingResult } from '../../src/core/pipeline/train';
import { versionMetrics, versionScore } from '../../src/app/Registry.svelte';
import { openLoupeDb, outcomeMetrics, RegistryStore, RunStore } from '../../src/storage';
import { trainClassifier } from '../helpers/classifier-run';

let dbCounter = 0;
const freshName = (): string => `loupe-cls-registry-test-${process.pid}-${++dbCounter}`;

let trained: TrainingResult;
beforeAll(async () => {
  trained = await trainClassifier(400);
});

describe('a classifier in the registry', () => {
  it('registers from its run with task, classes, threshold and metrics, and round-trips through a bundle file with identical probabilities', async () => {
    const db = await openLoupeDb({ name: freshName() });
    const runs = new RunStore(db);
    const reg = new RegistryStore(db);
    const c = trained.leaderboard[0];
    const run = await runs.start({ datasetId: 'c'.repeat(64), datasetName: 'clouds.csv', recipe: trained.recipe.recipe, modelType: c.type, params: c.params, seed: 7, environment: { loupeVersion: '0.1.0' } });
    await runs.finish(run.id, { ...outcomeMetrics(c, trained), history: c.history, logs: [], bundle: c.bundle });
    const v = await reg.register({ runId: run.id }, { name: 'Churn' });
    expect(v).toMatchObject({ version: 1, modelType: 'logistic', target: 'label', task: 'classification', classes: ['no', 'yes'], threshold: 0.5, sourceRunId: run.id });
    expect(v.metrics.classification?.test).toEqual(c.classification);
    expect(v.metrics.test).toBeUndefined();
    expect(versionMetrics(v.metrics).map((f) => f.name).slice(0, 2)).toEqual(['rocAuc', 'logLoss']);
    expect(versionMetrics(v.metrics)[0].value).toBe(c.classification!.rocAuc);
    expect(versionScore(v.metrics)).toBe(`ROC AUC ${c.classification!.rocAuc.toFixed(3)}`);

    const exported = await reg.exportBundle('Churn', 1);
    expect(exported).toBe(serializeBundle({ ...c.bundle!, lineage: { ...c.bundle!.lineage, runId: run.id } }));
    const imported = await reg.importBundle(exported, { name: 'Churn (imported)' });
    expect(imported).toMatchObject({ version: 1, source: 'import', task: 'classification', classes: ['no', 'yes'], threshold: 0.5 });
    expect(await reg.exportBundle('Churn (imported)', 1)).toBe(exported);

    // The imported file predicts exactly what the trained model does.
    const loaded = parseBundle(await reg.exportBundle('Churn (imported)', 1));
    expect(loaded.bundle.task).toBe('classification');
    expect(loaded.bundle.decision).toEqual({ threshold: 0.5 });
    const X = trained.evaluationRows.X;
    expect(isClassifier(loaded.model) && isClassifier(c.model!)).toBe(true);
    if (isClassifier(loaded.model) && isClassifier(c.model!)) expect(Array.from(loaded.model.predictProba(X))).toEqual(Array.from(c.model.predictProba(X)));
    db.close();
  });

  it('a three-class version has no threshold and ROC AUC as one-vs-rest macro', async () => {
    const multi = await trainClassifier(300, {}, true);
    const db = await openLoupeDb({ name: freshName() });
    const reg = new RegistryStore(db);
    const v = await reg.register({ bundle: multi.leaderboard[0].bundle! }, { name: 'Three' });
    expect(v).toMatchObject({ task: 'classification', classes: ['maybe', 'no', 'yes'] });
    expect(v.threshold).toBeUndefined();
    expect(versionMetrics(v.metrics)[0]).toEqual({ name: 'rocAuc', label: 'ROC AUC', value: multi.leaderboard[0].classification!.rocAuc });
    db.close();
  });
});
