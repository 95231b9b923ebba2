/**
 * The ensemble of a k-fold run: one more candidate, weighed on the others' out-of-fold
 * predictions, scored out of fold without seeing each scored fold, bundled, predicting and
 * explaining like any model.
 */
import { describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle } from '../../../src/core/bundle/bundle';
import { parseCsv } from '../../../src/core/data';
import { kFold } from '../../../src/core/data/split';
import { Explainer } from '../../../src/core/explain';
import { regressionMetrics } from '../../../src/core/metrics';
import { EnsembleRegressor } from '../../../src/core/models/ensemble';
import { greedySelection } from '../../../src/core/models/ensemble/selection';
import { predictRecords } from '../../../src/core/pipeline/predict';
import { ensembleOfTrials, trialName } from '../../../src/core/pipeline/search-ensemble';
import { candidateNames, runTraining, type TrainingRequest } from '../../../src/core/pipeline/train';
import { defaultRecipe } from '../../../src/core/recipe';
import { generateSampleGemstones } from '../../../src/core/sample';

const DATASET = { hash: 'e'.repeat(64), name: 'sample.csv' };

async function request(rest: Partial<TrainingRequest> & Pick<TrainingRequest, 'candidates' | 'split'>): Promise<TrainingRequest> {
  const ds = await parseCsv(generateSampleGemstones(1200, 5));
  return { table: ds.table, recipe: defaultRecipe(ds.schema, 'price', ds.table), dataset: DATASET, ...rest };
}

const CANDIDATES = [{ type: 'ridge' as const }, { type: 'tree' as const, params: { maxDepth: 6 } }, { type: 'gbdt' as const, params: { maxIterations: 80 } }];

describe('an ensemble of a k-fold run', () => {
  it('is one more candidate: weights sum to 1, scored out of fold, bundled, predicting Σ weight × member', async () => {
    const res = await runTraining(await request({ candidates: CANDIDATES, split: { kind: 'kfold', k: 4, seed: 7 }, ensemble: {}, bundles: 'each' }));
    expect(res.leaderboard).toHaveLength(4);
    const e = res.leaderboard.find((r) => r.name === 'Ensemble')!;
    expect(e).toMatchObject({ type: 'ensemble', status: 'finished' });
    expect(e.params).toMatchObject({ method: 'greedy', size: 50 });
    const weights = e.members!.map((m) => m.weight);
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (const m of e.members!) expect(['Ridge', 'Decision tree', 'Gradient-boosted trees']).toContain(m.name);
    // Its metrics are its own out-of-fold predictions', per fold, as for every candidate.
    expect(e.evaluation).toMatchObject({ kind: 'out-of-fold', totalRows: 1200 });
    expect(e.folds).toHaveLength(4);
    expect(e.metrics!.r2).toBeGreaterThan(0.8);

    // The fitted ensemble is Σ weight × member, members being the candidates' refitted models.
    const model = e.model as EnsembleRegressor;
    const X = res.evaluationRows.X;
    const blended = new Float64Array(X.rows);
    for (const m of e.members!) {
      const member = res.leaderboard.find((r) => r.name === m.name)!.model!;
      const p = member.predict(X);
      for (let i = 0; i < X.rows; i++) blended[i] += m.weight * p[i];
    }
    const p = model.predict(X);
    for (let i = 0; i < X.rows; i++) expect(p[i]).toBeCloseTo(blended[i], 8);

    // Its bundle round-trips with bit-identical predictions and predicts a row.
    const loaded = parseBundle(serializeBundle(e.bundle!));
    expect(loaded.bundle.model.type).toBe('ensemble');
    expect(Array.from(loaded.model.predict(X))).toEqual(Array.from(p));
    const row = predictRecords(loaded, [{ carat: 0.9, cut: 'Ideal', color: 'G', clarity: 'VS1', depth: 61.5, table: 57, x: 6.2, y: 6.2, z: 3.8 }]);
    expect(row.problems).toEqual([]);
    expect(Number.isFinite(row.predictions[0])).toBe(true);
  });

  it('is scored with weights chosen without each scored fold', async () => {
    const res = await runTraining(await request({ candidates: CANDIDATES, split: { kind: 'kfold', k: 3, seed: 2 }, ensemble: { size: 20 }, bundles: 'none', intervals: false }));
    const e = res.leaderboard.find((r) => r.name === 'Ensemble')!;
    const members = res.leaderboard.filter((r) => r.type !== 'ensemble');
    const actual = members[0].evaluation!.actual;
    const folds = kFold(actual.length, 3, 2);
    // Fold 0 by hand: weights from folds 1 and 2's rows, applied to fold 0's rows.
    const f = folds[0];
    const other = Uint32Array.from([...folds[1].test, ...folds[2].test]);
    const s = greedySelection(members.map((m) => Float64Array.from(other, (r) => m.evaluation!.predicted[r])), Float64Array.from(other, (r) => actual[r]), { size: 20 });
    const pred = Float64Array.from(f.test, (r) => members.reduce((sum, m, j) => sum + s.weights[j] * m.evaluation!.predicted[r], 0));
    const want = regressionMetrics(Float64Array.from(f.test, (r) => actual[r]), pred);
    expect(e.folds![0].rmse).toBeCloseTo(want.rmse, 8);
    for (let i = 0; i < f.test.length; i++) expect(e.evaluation!.predicted[f.test[i]]).toBeCloseTo(pred[i], 8);
  });

  it('explains exactly (members linear and trees): base + Σ values = prediction, the weighted sum of the members’', async () => {
    const res = await runTraining(await request({ candidates: CANDIDATES, split: { kind: 'kfold', k: 3, seed: 1 }, ensemble: { method: 'stacking' }, bundles: 'none', intervals: false }));
    const e = res.leaderboard.find((r) => r.name === 'Ensemble')!;
    expect(e.status).toBe('finished');
    const model = e.model as EnsembleRegressor;
    const rows = { ...res.evaluationRows.X, data: res.evaluationRows.X.data.slice(0, 8 * res.evaluationRows.X.cols), rows: 8 };
    const ex = new Explainer(model, res.recipe).explain(rows);
    expect(ex.kind).toBe('ensemble');
    const pred = res.recipe.decodeTarget(model.predict(rows));
    for (let r = 0; r < 8; r++) expect(ex.predictions[r]).toBeCloseTo(pred[r], 6);
    // The weighted sum of the members' own explanations (no target transform in this recipe).
    const sum = new Float64Array(ex.values.length);
    let base = model.intercept;
    for (const { model: m, weight } of model.members) {
      const mx = new Explainer(m, res.recipe).explain(rows);
      base += weight * mx.base;
      mx.values.forEach((v, i) => (sum[i] += weight * v));
    }
    expect(ex.base).toBeCloseTo(base, 6);
    ex.values.forEach((v, i) => expect(v).toBeCloseTo(sum[i], 6));
  });

  it('is explained by sampling when a member is (k-NN)', async () => {
    const res = await runTraining(
      await request({ candidates: [{ type: 'ridge' }, { type: 'knn', params: { k: 10 } }], split: { kind: 'kfold', k: 3, seed: 3 }, ensemble: { method: 'stacking' }, bundles: 'none', intervals: false }),
    );
    const e = res.leaderboard.find((r) => r.name === 'Ensemble')!;
    const rows = { ...res.evaluationRows.X, data: res.evaluationRows.X.data.slice(0, 3 * res.evaluationRows.X.cols), rows: 3 };
    const ex = new Explainer(e.model!, res.recipe, { permutations: 16, seed: 1 }).explain(rows);
    expect(ex.kind).toBe('sampling');
    const pred = res.recipe.decodeTarget(e.model!.predict(rows));
    for (let r = 0; r < 3; r++) expect(ex.predictions[r]).toBeCloseTo(pred[r], 6);
  });

  it('needs k-fold, and fails as a candidate (not the run) with fewer than two finished models', async () => {
    await expect(runTraining(await request({ candidates: CANDIDATES, split: { kind: 'holdout', testSize: 0.2, seed: 1 }, ensemble: {} }))).rejects.toMatchObject({
      name: 'PipelineError',
      code: 'ensemble-needs-folds',
    });
    const res = await runTraining(await request({ candidates: [{ type: 'ridge' }], split: { kind: 'kfold', k: 3, seed: 1 }, ensemble: {}, bundles: 'none', intervals: false }));
    const e = res.leaderboard.find((r) => r.name === 'Ensemble')!;
    expect(e.status).toBe('failed');
    expect(e.error).toMatchObject({ code: 'ensemble-too-few' });
    expect(res.best).toBe('Ridge');
  });
});

describe('an ensemble over out-of-fold predictions made elsewhere (a search)', () => {
  it('works with a test part: weighed on the given predictions, scored on the test rows, its out-of-fold metrics kept', async () => {
    // The out-of-fold predictions of a 3-fold cross-validation of the same training rows.
    const cv = await runTraining(await request({ candidates: CANDIDATES, split: { kind: 'kfold', k: 3, seed: 4 }, bundles: 'none', intervals: false }));
    const byName = new Map(cv.leaderboard.map((r) => [r.name, r.evaluation!.predicted]));
    const actual = cv.leaderboard[0].evaluation!.actual;
    const foldOf = new Uint32Array(actual.length);
    kFold(actual.length, 3, 4).forEach((f, k) => f.test.forEach((r) => (foldOf[r] = k)));
    // The same rows as a test-table run's training rows: every sample row trains, a second sample tests.
    const ds = await parseCsv(generateSampleGemstones(1200, 5));
    const testDs = await parseCsv(generateSampleGemstones(400, 6));
    const res = await runTraining({
      table: ds.table,
      recipe: defaultRecipe(ds.schema, 'price', ds.table),
      dataset: DATASET,
      candidates: CANDIDATES,
      split: { kind: 'test-table', table: testDs.table, seed: 4 },
      ensemble: {},
      ensembleOutOfFold: { actual, foldOf, byCandidate: ['Ridge', 'Decision tree', 'Gradient-boosted trees'].map((n) => byName.get(n)!) },
      bundles: 'each',
    });
    const e = res.leaderboard.find((r) => r.name === 'Ensemble')!;
    expect(e.status).toBe('finished');
    expect(e.evaluation).toMatchObject({ kind: 'test', totalRows: 400 });
    expect(regressionMetrics(e.evaluation!.actual, e.evaluation!.predicted)).toEqual(e.metrics);
    // Its cross-validated score is the k-fold run's ensemble's: same predictions, same folds.
    const kfoldEnsemble = await runTraining(await request({ candidates: CANDIDATES, split: { kind: 'kfold', k: 3, seed: 4 }, ensemble: {}, bundles: 'none', intervals: false }));
    expect(e.outOfFoldMetrics!.rmse).toBeCloseTo(kfoldEnsemble.leaderboard.find((r) => r.name === 'Ensemble')!.metrics!.rmse, 8);
    expect(e.intervals?.evaluation).toMatchObject({ kind: 'test', rows: 400 });
    expect(parseBundle(serializeBundle(e.bundle!)).bundle.model.type).toBe('ensemble');
  });

  it('refuses predictions for a different number of candidates', async () => {
    await expect(
      runTraining(await request({ candidates: CANDIDATES, split: { kind: 'holdout', testSize: 0.2, seed: 1 }, ensemble: {}, ensembleOutOfFold: { actual: new Float64Array(2), foldOf: new Uint32Array(2), byCandidate: [null] } })),
    ).rejects.toMatchObject({ code: 'bad-ensemble' });
  });
});

describe('the ensemble of a search’s trials', () => {
  it('refits only the trials greedy selection picks (the best always), weighs them on their out-of-fold predictions and chooses by cross-validation', async () => {
    const specs = [...CANDIDATES, { type: 'knn' as const, params: { k: 40 } }, { type: 'tree' as const, params: { maxDepth: 2 } }];
    const cv = await runTraining(await request({ candidates: specs, split: { kind: 'kfold', k: 3, seed: 4 }, bundles: 'none', intervals: false }));
    const actual = cv.leaderboard[0].evaluation!.actual;
    const foldOf = new Uint32Array(actual.length);
    kFold(actual.length, 3, 4).forEach((f, k) => f.test.forEach((r) => (foldOf[r] = k)));
    const names = candidateNames(specs);
    const trials = specs.map((c, id) => {
      const r = cv.leaderboard.find((x) => x.name === names[id])!;
      return { id, model: c.type, params: r.params, resource: 1, status: 'finished', cvScore: r.metrics!.rmse, oof: r.evaluation!.predicted };
    });
    // A trial on a third of the rows never joins (its predictions are a weaker model's than its refit would be).
    trials.push({ ...trials[2], id: 5, resource: 1 / 3 });
    const ds = await parseCsv(generateSampleGemstones(1200, 5));
    const testDs = await parseCsv(generateSampleGemstones(400, 6));
    const out = await ensembleOfTrials({
      table: ds.table,
      recipe: defaultRecipe(ds.schema, 'price', ds.table),
      dataset: DATASET,
      split: { kind: 'test-table', table: testDs.table, seed: 4 },
      trials,
      actual,
      foldOf,
      intervals: false,
    });
    const best = trials.slice(0, 5).reduce((a, b) => (b.cvScore < a.cvScore ? b : a));
    const picked = greedySelection(trials.slice(0, 5).map((t) => t.oof), actual, { size: 50 }).weights;
    const members = trials.slice(0, 5).filter((t, i) => picked[i] > 0 || t === best).map((t) => trialName(t));
    expect(out.run.leaderboard.filter((c) => c.type !== 'ensemble').map((c) => c.name).sort()).toEqual(members.sort());
    expect(members).toContain(trialName(best));
    expect(out.run.leaderboard.map((c) => c.name)).not.toContain(trialName(trials[5]));
    expect(out.bestTrial.name).toBe(trialName(best));
    expect(out.cvRmse.bestTrial).toBe(best.cvScore);
    expect(out.cvRmse.ensemble).toBe(out.ensemble.outOfFoldMetrics!.rmse);
    expect(out.chosen).toBe(out.cvRmse.ensemble < out.cvRmse.bestTrial ? out.ensemble : out.bestTrial);
    expect(out.chosen.bundle).toBeDefined();
  });
});
