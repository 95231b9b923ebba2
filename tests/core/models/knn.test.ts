import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelFromJSON } from '../../../src/core/models/registry';
import { BundleError, InvalidParamsError } from '../../../src/core/errors';
import { KNeighborsRegressor } from '../../../src/core/models/knn';
import { KD_TREE_MAX_FEATURES } from '../../../src/core/models/knn/k-neighbors';
import { KdTree } from '../../../src/core/models/knn/kd-tree';
import { bruteRefinedRows, MAX_SCANNED_OVER_REFINED, MAX_SCANNED_SHARE, treePays } from '../../../src/core/models/knn/neighbour-index';
import { Rng } from '../../../src/core/random';
import type { Matrix } from '../../../src/core/models/types';
import { synthetic } from '../../conformance/suite';

/** Plain float64 brute force with (distance, index) ordering: the reference for the tfjs path. */
function bruteForce(train: Matrix, y: Float64Array, test: Matrix, k: number, weights: 'uniform' | 'distance'): Float64Array {
  const p = train.cols;
  const out = new Float64Array(test.rows);
  for (let i = 0; i < test.rows; i++) {
    const d: [number, number][] = [];
    for (let t = 0; t < train.rows; t++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += (test.data[i * p + j] - train.data[t * p + j]) ** 2;
      d.push([Math.sqrt(s), t]);
    }
    d.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const nn = d.slice(0, k);
    if (weights === 'uniform') out[i] = nn.reduce((a, [, t]) => a + y[t], 0) / k;
    else if (nn[0][0] === 0) {
      const z = nn.filter(([dd]) => dd === 0);
      out[i] = z.reduce((a, [, t]) => a + y[t], 0) / z.length;
    } else {
      const w = nn.map(([dd]) => 1 / dd);
      out[i] = nn.reduce((a, [, t], r) => a + w[r] * y[t], 0) / w.reduce((a, b) => a + b, 0);
    }
  }
  return out;
}

describe('KNeighborsRegressor', () => {
  const train = synthetic(3000, 6, 21);
  const test = synthetic(200, 6, 22);

  for (const weights of ['uniform', 'distance'] as const)
    for (const k of [1, 5, 12])
      it(`matches float64 brute force (k=${k}, ${weights})`, async () => {
        const m = await new KNeighborsRegressor({ k, weights }).fit(train.X, train.y);
        const got = m.predict(test.X);
        const want = bruteForce(train.X, train.y, test.X, k, weights);
        for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 9);
      });

  it('breaks distance ties by training row, and exact matches win with distance weights', async () => {
    // Rows 0 and 1 are duplicates with different targets; row 2 is farther away.
    const X: Matrix = { data: Float64Array.from([0, 0, 0, 0, 3, 0]), rows: 3, cols: 2 };
    const y = Float64Array.from([10, 20, 99]);
    const one = await new KNeighborsRegressor({ k: 1 }).fit(X, y);
    expect(one.predict({ data: Float64Array.from([0, 0]), rows: 1, cols: 2 })[0]).toBe(10);
    const dist = await new KNeighborsRegressor({ k: 3, weights: 'distance' }).fit(X, y);
    expect(dist.predict({ data: Float64Array.from([0, 0]), rows: 1, cols: 2 })[0]).toBe(15);
  });

  it('the k-d tree finds the same neighbours, distances and predictions as brute force (random data, ties)', async () => {
    // Values on a coarse grid (duplicates and equal distances are common) or continuous ones;
    // 1 to 20 features around the automatic switch; k up to the whole training set.
    const data = fc
      .record({ n: fc.integer({ min: 1, max: 400 }), q: fc.integer({ min: 1, max: 40 }), p: fc.integer({ min: 1, max: 20 }), grid: fc.boolean(), seed: fc.integer({ min: 0, max: 1e6 }) })
      .chain((c) =>
        fc.record({
          c: fc.constant(c),
          k: fc.integer({ min: 1, max: Math.min(c.n, 25) }),
          weights: fc.constantFrom('uniform' as const, 'distance' as const),
        }),
      );
    await fc.assert(
      fc.asyncProperty(data, async ({ c, k, weights }) => {
        const rng = new Rng(c.seed);
        const value = (): number => (c.grid ? rng.nextInt(4) - 1 : rng.normal());
        const train: Matrix = { data: Float64Array.from({ length: c.n * c.p }, value), rows: c.n, cols: c.p };
        const y = Float64Array.from({ length: c.n }, () => rng.normal() * 100);
        // Some queries repeat training rows exactly (distance 0).
        const test: Matrix = { data: Float64Array.from({ length: c.q * c.p }, value), rows: c.q, cols: c.p };
        for (let i = 0; i < c.q; i += 3) test.data.set(train.data.subarray((i % c.n) * c.p, (i % c.n + 1) * c.p), i * c.p);
        const tree = await new KNeighborsRegressor({ k, weights, algorithm: 'kd_tree' }).fit(train, y);
        const brute = await new KNeighborsRegressor({ k, weights, algorithm: 'brute' }).fit(train, y);
        const a = tree.kneighbors(test);
        const b = brute.kneighbors(test);
        expect(Array.from(a.rows)).toEqual(Array.from(b.rows));
        expect(Array.from(a.distances)).toEqual(Array.from(b.distances));
        expect(Array.from(tree.predict(test))).toEqual(Array.from(brute.predict(test)));
        // And both agree with the plain float64 reference.
        const want = bruteForce(train, y, test, k, weights);
        const got = tree.predict(test);
        for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 9);
      }),
      { numRuns: 120, seed: 13 },
    );
  });

  it("'auto' keeps the k-d tree where it prunes (few features) and searches by brute force where it cannot, with the same result", async () => {
    for (const [p, want] of [[3, 'kd_tree'], [24, 'brute']] as const) {
      const d = synthetic(3000, p, 5);
      const q = synthetic(50, p, 6);
      const auto = await new KNeighborsRegressor({ k: 5 }).fit(d.X, d.y);
      expect(auto.search).toBe(want);
      const other = await new KNeighborsRegressor({ k: 5, algorithm: want === 'kd_tree' ? 'brute' : 'kd_tree' }).fit(d.X, d.y);
      expect(Array.from(auto.kneighbors(q.X).rows)).toEqual(Array.from(other.kneighbors(q.X).rows));
      expect(Array.from(auto.predict(q.X))).toEqual(Array.from(other.predict(q.X)));
    }
    // Beyond KD_TREE_MAX_FEATURES no tree is tried, and k of half the rows or more is brute force too (as scikit-learn).
    expect((await new KNeighborsRegressor({ k: 1 }).fit(synthetic(100, KD_TREE_MAX_FEATURES + 1, 1).X, new Float64Array(100))).search).toBe('brute');
    expect((await new KNeighborsRegressor({ k: 50 }).fit(synthetic(100, 2, 1).X, new Float64Array(100))).search).toBe('brute');
  });

  it("'auto' keeps the tree for a large k on few rows, where it scans fewer rows than brute force refines, with the same result", async () => {
    const d = synthetic(3000, 6, 7);
    const q = synthetic(200, 6, 8);
    const k = 25;
    // The share alone would choose brute force here (a search's k-NN trial on a subsample: the tree was 0.17–0.24× its time).
    const share = new KdTree(d.X.data, d.X.rows, d.X.cols).scannedShare(d.X.data, d.X.rows, k, 64);
    expect(share).toBeGreaterThan(MAX_SCANNED_SHARE);
    expect(share * d.X.rows).toBeLessThanOrEqual(MAX_SCANNED_OVER_REFINED * bruteRefinedRows(d.X.rows, k));
    const auto = await new KNeighborsRegressor({ k }).fit(d.X, d.y);
    expect(auto.search).toBe('kd_tree');
    const brute = await new KNeighborsRegressor({ k, algorithm: 'brute' }).fit(d.X, d.y);
    expect(Array.from(auto.kneighbors(q.X).rows)).toEqual(Array.from(brute.kneighbors(q.X).rows));
    expect(Array.from(auto.predict(q.X))).toEqual(Array.from(brute.predict(q.X)));
    // The rule: brute force refines its k + 6 best groups of 32 rows (31 · 32 = 992 for k = 25).
    expect(bruteRefinedRows(3000, 25)).toBe(992);
    expect(treePays(0.49, 3000, 25)).toBe(true); // 1,470 scanned ≤ 1.5 · 992
    expect(treePays(0.5, 3000, 25)).toBe(false);
    expect(treePays(0.08, 20000, 5)).toBe(true); // the share rule
    expect(treePays(0.1, 20000, 5)).toBe(false);
  });

  it('keeps using the k-d tree after a bundle round trip', async () => {
    const m = await new KNeighborsRegressor({ k: 3, algorithm: 'kd_tree' }).fit(train.X, train.y);
    const back = modelFromJSON(m.toJSON()) as KNeighborsRegressor;
    expect(Array.from(back.predict(test.X))).toEqual(Array.from(m.predict(test.X)));
    expect(Array.from(back.kneighbors(test.X).rows)).toEqual(Array.from(m.kneighbors(test.X).rows));
  });

  it('rejects k larger than the training set, and bad options, naming the field', async () => {
    await expect(new KNeighborsRegressor({ k: 10 }).fit({ data: new Float64Array(10), rows: 5, cols: 2 }, new Float64Array(5))).rejects.toMatchObject({
      where: { field: 'k' },
    });
    expect(() => new KNeighborsRegressor({ k: 0 })).toThrow(InvalidParamsError);
    expect(() => new KNeighborsRegressor({ weights: 'gaussian' as never })).toThrow(InvalidParamsError);
  });

  it('rejects a bundle whose stored rows do not match its shape', async () => {
    const m = await new KNeighborsRegressor().fit(train.X, train.y);
    const s = m.toJSON();
    const bad = { ...s, state: { ...s.state, X: (s.state.X as Float64Array).slice(1) } };
    expect(() => modelFromJSON(bad)).toThrow(expect.objectContaining({ name: 'BundleError', where: expect.objectContaining({ field: 'state.X' }) }));
  });
});
