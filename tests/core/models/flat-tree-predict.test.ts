/**
 * Tree and forest prediction (flat-tree.ts: four rows descending side by side, branch-free) must
 * reach the same leaf as the plain one-row descent — x ≤ threshold goes left, NaN right — and add
 * the same values in the same order: the same doubles, bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { RandomForestClassifier, RandomForestRegressor } from '../../../src/core/models/forest/index';
import { accumulatePredictions, accumulateProba, type FlatTree } from '../../../src/core/models/tree/flat-tree';
import { Rng } from '../../../src/core/random';

/** The reference: one row at a time, a branch per step. */
function leafOf(t: FlatTree, data: Float64Array, o: number): number {
  let node = 0;
  while (t.feature[node] >= 0) node = data[o + t.feature[node]] <= t.threshold[node] ? t.left[node] : t.right[node];
  return node;
}

/** A random tree of up to `maxLeaves` leaves (children appended after their parent), with class shares when K is given. */
function randomTree(rng: Rng, p: number, maxLeaves: number, pool: number[], K?: number): FlatTree {
  const feature = [-1];
  const threshold = [0];
  const left = [-1];
  const right = [-1];
  const leaves = [0];
  const target = 1 + rng.nextInt(maxLeaves);
  while (leaves.length < target) {
    const n = leaves.splice(rng.nextInt(leaves.length), 1)[0];
    const a = feature.length;
    for (let k = 0; k < 2; k++) {
      feature.push(-1);
      threshold.push(0);
      left.push(-1);
      right.push(-1);
    }
    feature[n] = rng.nextInt(p);
    threshold[n] = pool[rng.nextInt(pool.length)];
    left[n] = a;
    right[n] = a + 1;
    leaves.push(a, a + 1);
  }
  const n = feature.length;
  const tree: FlatTree = {
    nFeatures: p,
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from({ length: n }, () => rng.normal() * 10 ** (rng.nextInt(10) - 5)),
    nSamples: new Int32Array(n).fill(1),
    importance: new Float64Array(p),
  };
  if (K) {
    tree.classes = K;
    tree.proba = Float64Array.from({ length: n * K }, () => rng.next());
  }
  return tree;
}

describe('tree prediction, four rows at a time', () => {
  it('gives the one-row descent’s doubles on random trees, thresholds hit exactly, NaN and any row count', () => {
    const rng = new Rng(31);
    const p = 5;
    const pool = [-1.5, -0, 0, 0.25, 2, 1e300, ...Array.from({ length: 10 }, () => Math.round(rng.normal() * 100) / 50)];
    for (const rows of [0, 1, 3, 4, 5, 1001]) {
      const data = Float64Array.from({ length: rows * p }, () => {
        const u = rng.next();
        return u < 0.1 ? NaN : u < 0.5 ? pool[rng.nextInt(pool.length)] : rng.normal() * 2;
      });
      for (const maxLeaves of [1, 2, 40, 300]) {
        const t = randomTree(rng, p, maxLeaves, pool, 3);
        const got = new Float64Array(rows).fill(0.1);
        const want = new Float64Array(rows).fill(0.1);
        accumulatePredictions(t, data, rows, p, got, 0.7);
        for (let r = 0; r < rows; r++) want[r] += 0.7 * t.value[leafOf(t, data, r * p)];
        expect(Array.from(got)).toEqual(Array.from(want));
        const gotP = new Float64Array(rows * 3);
        const wantP = new Float64Array(rows * 3);
        accumulateProba(t, data, rows, p, gotP, 0.5);
        for (let r = 0; r < rows; r++) for (let k = 0, a = leafOf(t, data, r * p) * 3; k < 3; k++) wantP[r * 3 + k] += 0.5 * t.proba![a + k];
        expect(Array.from(gotP)).toEqual(Array.from(wantP));
      }
    }
  });

  it('predicts fitted forests row by row as in one batch', async () => {
    const rng = new Rng(4);
    const n = 600;
    const p = 4;
    const data = Float64Array.from({ length: n * p }, () => Math.round(rng.normal() * 20) / 10);
    const y = Float64Array.from({ length: n }, (_, i) => data[i * p] * 2 + Math.sin(data[i * p + 1]) + rng.normal() * 0.1);
    const labels = Float64Array.from(y, (v) => (v > 0 ? 1 : 0));
    const X = { data, rows: n, cols: p };
    const reg = await new RandomForestRegressor({ nEstimators: 12, seed: 1 }).fit(X, y);
    const cls = await new RandomForestClassifier({ nEstimators: 12, seed: 1 }).fit(X, labels);
    const all = reg.predict(X);
    const allP = cls.predictProba(X);
    for (let i = 0; i < n; i += 37) {
      const row = { data: data.slice(i * p, i * p + p), rows: 1, cols: p };
      expect(reg.predict(row)[0]).toBe(all[i]);
      expect(Array.from(cls.predictProba(row))).toEqual(Array.from(allP.subarray(i * 2, i * 2 + 2)));
    }
  });
});
