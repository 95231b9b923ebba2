import { describe, expect, it } from 'vitest';
import { roundTrip } from '../../helpers/model-json';
import { BundleError, InvalidInputError } from '../../../src/core/errors';
import { classWeights } from '../../../src/core/models/class-weight';
import { GradientBoostingClassifier, GradientBoostingRegressor } from '../../../src/core/models/gbdt';
import { createModel, modelFromJSON } from '../../../src/core/models/registry';
import type { Classifier, Matrix, StateValue } from '../../../src/core/models/types';
import { accuracyOf, expectProbabilities, syntheticClasses } from '../../helpers/classification';

describe('GradientBoostingClassifier', () => {
  const train3 = syntheticClasses(1500, 5, 3, 1);
  const test3 = syntheticClasses(500, 5, 3, 2);
  const train2 = syntheticClasses(1500, 5, 2, 3);
  const test2 = syntheticClasses(500, 5, 2, 4);

  it('binary: one raw score, the log-odds; starts at log(p / (1 − p)) and takes Newton steps −G/H', async () => {
    // One feature, x = 0 for rows 0..99 and 1 for rows 100..199; class 1 in 20 and 70 of them.
    const n = 200;
    const X: Matrix = { data: Float64Array.from({ length: n }, (_, i) => (i < 100 ? 0 : 1)), rows: n, cols: 1 };
    const y = Float64Array.from({ length: n }, (_, i) => (i < 100 ? (i < 20 ? 1 : 0) : i < 170 ? 1 : 0));
    const m = await new GradientBoostingClassifier({ maxIterations: 1, numLeaves: 2, learningRate: 1, minSamplesLeaf: 1 }).fit(X, y);
    const p0 = 90 / 200;
    expect(m.baselines[0]).toBeCloseTo(Math.log(p0 / (1 - p0)), 14);
    const raw0 = Math.log(p0 / (1 - p0));
    const leaf = (positives: number) => raw0 - (100 * p0 - positives) / (100 * p0 * (1 - p0));
    const proba = m.predictProba({ data: Float64Array.of(0, 1), rows: 2, cols: 1 });
    expect(proba[1]).toBeCloseTo(1 / (1 + Math.exp(-leaf(20))), 12);
    expect(proba[3]).toBeCloseTo(1 / (1 + Math.exp(-leaf(70))), 12);
    expect(proba[0] + proba[1]).toBe(1);
    expect(m.ensembles().length).toBe(1);
  });

  it('binary and multiclass: valid probabilities, predict = their argmax, well above chance', async () => {
    for (const [tr, te, k] of [[train2, test2, 2], [train3, test3, 3]] as const) {
      const m = await new GradientBoostingClassifier().fit(tr.X, tr.y);
      expect(m.classCount).toBe(k);
      const proba = m.predictProba(te.X);
      expectProbabilities(proba, te.X.rows, k);
      const pred = m.predict(te.X);
      for (let i = 0; i < te.X.rows; i++) {
        const row = Array.from(proba.subarray(i * k, i * k + k));
        expect(pred[i]).toBe(row.indexOf(Math.max(...row)));
      }
      expect(accuracyOf(te.y, pred), `k = ${k}`).toBeGreaterThan(0.8);
    }
  });

  it('multiclass: one tree per class per iteration, history in log loss', async () => {
    const m = await new GradientBoostingClassifier({ maxIterations: 30 }).fit(train3.X, train3.y);
    expect(m.ensembles().length).toBe(3);
    for (const e of m.ensembles()) expect(e.nTrees).toBe(30);
    const h = m.history();
    expect(h.metric).toBe('log_loss');
    expect(h.train.length).toBe(30);
    expect(h.train[29]).toBeLessThan(h.train[0]);
    // Starting scores are the log class shares.
    const shares = [0, 1, 2].map((c) => train3.y.filter((v) => v === c).length / train3.y.length);
    expect(Array.from(m.baselines)).toEqual(shares.map(Math.log));
  });

  it('keeps classCount columns when a class is missing from y, with near-zero probability for it', async () => {
    const y = train2.y; // codes 0 and 1 only
    const m = await new GradientBoostingClassifier({ maxIterations: 20 }).fit(train2.X, y, { classCount: 3 });
    expect(m.classCount).toBe(3);
    const proba = m.predictProba(test2.X);
    expectProbabilities(proba, test2.X.rows, 3);
    for (let i = 0; i < test2.X.rows; i++) expect(proba[i * 3 + 2]).toBeLessThan(1e-6);
    // Two classes declared, one present: still finite, certain of the present one.
    const one = await new GradientBoostingClassifier({ maxIterations: 5 }).fit(train2.X, new Float64Array(train2.X.rows), { classCount: 2 });
    const p1 = one.predictProba(test2.X);
    expectProbabilities(p1, test2.X.rows, 2);
    expect(p1[0]).toBeGreaterThan(0.999);
  });

  it("classWeight 'balanced' weighs rows n / (K · count) and lifts the rare class's probability", async () => {
    expect(Array.from(classWeights(Float64Array.of(0, 0, 0, 1), 2, 'balanced')!)).toEqual([4 / 6, 4 / 6, 4 / 6, 2]);
    // K counts the classes present, as scikit-learn's compute_class_weight.
    expect(Array.from(classWeights(Float64Array.of(0, 0, 0, 1), 3, 'balanced')!)).toEqual([4 / 6, 4 / 6, 4 / 6, 2]);
    expect(classWeights(Float64Array.of(0, 1), 2, 'none')).toBeNull();
    // Keep about one in six of class 1.
    const keep = Array.from({ length: train2.X.rows }, (_, i) => i).filter((i) => train2.y[i] === 0 || i % 6 === 0);
    const X: Matrix = { data: Float64Array.from(keep.flatMap((i) => Array.from(train2.X.data.subarray(i * 5, i * 5 + 5)))), rows: keep.length, cols: 5 };
    const y = Float64Array.from(keep, (i) => train2.y[i]);
    const meanP1 = (m: Classifier): number => {
      const p = m.predictProba(test2.X);
      let s = 0;
      for (let i = 0; i < test2.X.rows; i++) s += p[i * 2 + 1];
      return s / test2.X.rows;
    };
    const plain = await new GradientBoostingClassifier().fit(X, y);
    const balanced = await new GradientBoostingClassifier({ classWeight: 'balanced' }).fit(X, y);
    // Weighted, the classes are even: the starting log-odds are 0.
    expect(Math.abs(balanced.baselines[0])).toBeLessThan(1e-12);
    expect(plain.baselines[0]).toBeLessThan(-1);
    expect(meanP1(balanced)).toBeGreaterThan(meanP1(plain) + 0.03);
  });

  it('early stopping: a stratified hold-out, the best iteration kept', async () => {
    const m = await new GradientBoostingClassifier({ earlyStopping: true, maxIterations: 1000, learningRate: 0.3 }).fit(train3.X, train3.y);
    const h = m.history();
    expect(h.bestStep).toBeDefined();
    expect(h.validation.length).toBeLessThan(1000);
    expect(m.iterations).toBe(h.bestStep! + 1);
    expect(Math.min(...h.validation)).toBe(h.validation[h.bestStep!]);
    // A validation set of the caller's is used as given.
    const v = await new GradientBoostingClassifier({ maxIterations: 40 }).fit(train3.X, train3.y, { validation: { X: test3.X, y: test3.y } });
    expect(v.history().validation.length).toBeGreaterThan(0);
  });

  it('refuses bad class codes in y and in the validation target, naming the row', async () => {
    const y = train2.y.slice();
    y[4] = 0.5;
    await expect(new GradientBoostingClassifier().fit(train2.X, y)).rejects.toMatchObject({ name: 'InvalidInputError', code: 'bad-class-code', where: { row: 5 } });
    const yv = test2.y.slice();
    yv[2] = 7;
    const err = await new GradientBoostingClassifier().fit(train2.X, train2.y, { validation: { X: test2.X, y: yv } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).where.row).toBe(3);
    expect((err as InvalidInputError).message).toMatch(/^Validation target/);
  });

  it('round-trips through the registry with identical probabilities; refuses uneven class forests', async () => {
    const m = await new GradientBoostingClassifier({ maxIterations: 25, rowSubsample: 0.8, seed: 4 }).fit(train3.X, train3.y);
    const back = modelFromJSON(roundTrip(m.toJSON())) as Classifier;
    expect(back.type).toBe('gbdt-classifier');
    expect(Array.from(back.predictProba(test3.X))).toEqual(Array.from(m.predictProba(test3.X)));
    expect(back.history()).toEqual(m.history());
    const s = roundTrip(m.toJSON());
    const forests = s.state.forests as StateValue[];
    s.state = { ...s.state, forests: [forests[0], forests[1]] };
    expect(() => modelFromJSON(s)).toThrow(BundleError);
    expect(createModel('gbdt-classifier')).toBeInstanceOf(GradientBoostingClassifier);
  });

  it('handles NaN in X as missing, and is deterministic under a seed with sampling on', async () => {
    const X = { ...train3.X, data: train3.X.data.slice() };
    for (let i = 0; i < 300; i++) X.data[i * 5 * 3] = NaN;
    const params = { maxIterations: 20, rowSubsample: 0.7, colSubsample: 0.8, seed: 9 };
    const a = await new GradientBoostingClassifier(params).fit(X, train3.y);
    const b = await new GradientBoostingClassifier(params).fit(X, train3.y);
    expect(Array.from(a.predictProba(X))).toEqual(Array.from(b.predictProba(X)));
    expectProbabilities(a.predictProba(X), X.rows, 3);
    const c = await new GradientBoostingClassifier({ ...params, seed: 10 }).fit(X, train3.y);
    expect(Array.from(c.predictProba(X))).not.toEqual(Array.from(a.predictProba(X)));
  });

  it('leaves the regressor a regressor (no task, one prediction per row)', async () => {
    const r = await new GradientBoostingRegressor({ maxIterations: 5 }).fit(train3.X, train3.y);
    expect((r as unknown as { task?: string }).task).toBeUndefined();
    expect(r.predict(test3.X).length).toBe(test3.X.rows);
  });
});
