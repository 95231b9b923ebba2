import { describe, expect, it } from 'vitest';
import { roundTrip } from '../../helpers/model-json';
import { KNeighborsClassifier } from '../../../src/core/models/knn';
import { modelFromJSON } from '../../../src/core/models/registry';
import type { Classifier, Matrix } from '../../../src/core/models/types';
import { initTf } from '../../../src/core/tf';
import { expectProbabilities, syntheticClasses } from '../../helpers/classification';

describe('KNeighborsClassifier', () => {
  // One feature: rows at 0, 1, 2, 3, 10 with classes 0, 0, 1, 2, 1.
  const X: Matrix = { data: Float64Array.of(0, 1, 2, 3, 10), rows: 5, cols: 1 };
  const y = Float64Array.of(0, 0, 1, 2, 1);
  const q = (...v: number[]): Matrix => ({ data: Float64Array.from(v), rows: v.length, cols: 1 });

  it('uniform: each class’s share of the k nearest rows', async () => {
    await initTf();
    const m = await new KNeighborsClassifier({ k: 3 }).fit(X, y);
    // 0.9: nearest 1, 0, 2 → classes 0, 0, 1.
    expect(Array.from(m.predictProba(q(0.9)))).toEqual([2 / 3, 1 / 3, 0]);
    // 9: nearest 10, 3, 2 → classes 1, 2, 1.
    expect(Array.from(m.predict(q(0.9, 9)))).toEqual([0, 1]);
  });

  it('distance: shares weighted by 1/distance; a row at distance 0 takes all', async () => {
    const m = await new KNeighborsClassifier({ k: 3, weights: 'distance' }).fit(X, y);
    // 2.5: rows 2 (d 0.5, class 1), 3 (0.5, class 2), 1 (1.5, class 0).
    const w = [1 / 1.5, 1 / 0.5, 1 / 0.5];
    const s = w[0] + w[1] + w[2];
    const p = m.predictProba(q(2.5));
    expect(p[0]).toBeCloseTo(w[0] / s, 15);
    expect(p[1]).toBeCloseTo(w[1] / s, 15);
    expect(p[2]).toBeCloseTo(w[2] / s, 15);
    expect(Array.from(m.predictProba(q(3)))).toEqual([0, 0, 1]);
  });

  it('keeps classCount columns; same neighbours with the k-d tree and brute force', async () => {
    const tr = syntheticClasses(500, 4, 2, 1);
    const te = syntheticClasses(100, 4, 2, 2);
    const tree = await new KNeighborsClassifier({ k: 7, algorithm: 'kd_tree' }).fit(tr.X, tr.y, { classCount: 3 });
    const brute = await new KNeighborsClassifier({ k: 7, algorithm: 'brute' }).fit(tr.X, tr.y, { classCount: 3 });
    const p = tree.predictProba(te.X);
    expectProbabilities(p, te.X.rows, 3);
    for (let i = 0; i < te.X.rows; i++) expect(p[i * 3 + 2]).toBe(0);
    expect(Array.from(brute.predictProba(te.X))).toEqual(Array.from(p));
  });

  it('round-trips through the registry; refuses a training class code outside 0..K−1', async () => {
    const m = await new KNeighborsClassifier({ k: 2 }).fit(X, y);
    const back = modelFromJSON(roundTrip(m.toJSON())) as Classifier;
    expect(Array.from(back.predictProba(q(0.5, 4, 9)))).toEqual(Array.from(m.predictProba(q(0.5, 4, 9))));
    const bad = roundTrip(m.toJSON());
    bad.state = { ...bad.state, y: Float64Array.of(0, 0, 1, 3, 1) };
    expect(() => modelFromJSON(bad)).toThrow(expect.objectContaining({ name: 'BundleError', where: { field: 'state.y[3]' } }));
  });
});
