/**
 * Retraining a classifier champion: the challenger learns the champion's classes and threshold,
 * both are scored on the same held-out new rows with classification metrics, and `better` goes
 * by ROC AUC (default) or by log loss, lower better. New rows of other classes are refused.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle, type LoadedBundle } from '../../../src/core/bundle/bundle';
import { takeRows, trainTestSplit } from '../../../src/core/data';
import { classificationMetrics } from '../../../src/core/metrics/classification';
import { isClassifier } from '../../../src/core/models/types';
import { runRetrain } from '../../../src/core/pipeline/retrain';
import { clouds, trainClassifier } from '../../helpers/classifier-run';

const hashOf = (c: string): string => c.repeat(64);

async function championOf(n: number, options: Parameters<typeof trainClassifier>[1] = {}, third = false): Promise<LoadedBundle> {
  const res = await trainClassifier(n, { bundles: 'best', ...options }, third);
  return parseBundle(serializeBundle(res.leaderboard[0].bundle!));
}

describe('retraining a classifier', () => {
  let champion: LoadedBundle;
  beforeAll(async () => {
    champion = await championOf(400, { threshold: 0.3 });
  });

  it('scores champion and challenger on the same held-out rows by ROC AUC; a changed relation makes the challenger better', async () => {
    // The "yes" cloud moved: what x2 says about the label changed sign.
    const fresh = await clouds(800, { yesAt: [1.5, -1.5], seed: 99 });
    const r = await runRetrain({ champion, newData: { table: fresh.table, dataset: { hash: hashOf('e'), name: 'new.csv', rows: 800 } }, mode: 'new' });
    expect(r.rankedBy).toBe('roc_auc');
    expect(r.champion.metrics).toBeUndefined();
    // The champion's figures are its probabilities on exactly the held-out rows, at its threshold.
    const split = trainTestSplit(800, { testSize: 0.2, seed: champion.bundle.lineage.seed });
    expect(r.evaluatedRows).toBe(split.test.length);
    const held = takeRows(fresh.table, split.test);
    const { X } = champion.recipe.transformTable(held);
    const y = champion.recipe.targetCodes(held);
    expect(isClassifier(champion.model)).toBe(true);
    if (isClassifier(champion.model)) expect(r.champion.classification).toEqual(classificationMetrics(y, champion.model.predictProba(X), 2, { threshold: 0.3 }));
    expect(r.challenger.classification!.rocAuc).toBeGreaterThan(r.champion.classification!.rocAuc + 0.1);
    expect(r.better).toBe('challenger');
    // The challenger is a classifier of the same classes, deciding at the champion's threshold, named as a retrain.
    expect(r.bundle).toMatchObject({ task: 'classification', classes: ['no', 'yes'], decision: { threshold: 0.3 }, name: champion.bundle.name });
    expect(r.bundle.lineage.retrain?.mode).toBe('new');
    expect(r.run.threshold).toBe(0.3);
    const reloaded = parseBundle(serializeBundle(r.bundle));
    expect(reloaded.recipe.classes).toEqual(['no', 'yes']);
  });

  it('compares by log loss when asked (lower is better), and keeps the champion when it is as good', async () => {
    // The same kind of rows as the champion's: a challenger of the same model is no better by a margin that counts…
    const same = await clouds(800, { seed: 4242 });
    const r = await runRetrain({ champion, newData: { table: same.table, dataset: { hash: hashOf('f'), name: 'same.csv', rows: 800 } }, mode: 'new', metric: 'log_loss' });
    expect(r.rankedBy).toBe('log_loss');
    const a = r.champion.classification!.logLoss;
    const b = r.challenger.classification!.logLoss;
    expect(r.better).toBe(b < a ? 'challenger' : 'champion');
    // …and where the relation changed, log loss says so too.
    const moved = await clouds(800, { yesAt: [1.5, -1.5], seed: 99 });
    const m = await runRetrain({ champion, newData: { table: moved.table, dataset: { hash: hashOf('e'), name: 'new.csv', rows: 800 } }, mode: 'new', metric: 'log_loss' });
    expect(m.challenger.classification!.logLoss).toBeLessThan(m.champion.classification!.logLoss);
    expect(m.better).toBe('challenger');
  });

  it('refuses new training rows that lack one of the champion’s classes, naming it', async () => {
    const three = await championOf(300, {}, true);
    const two = await clouds(400, { seed: 5 });
    const e = await runRetrain({ champion: three, newData: { table: two.table, dataset: { hash: hashOf('g'), name: 'two.csv', rows: 400 } }, mode: 'new' }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'class-mismatch', where: { field: 'classes', column: 'label' } });
    expect((e as Error).message).toMatch(/lack "maybe"/);
  });
});
