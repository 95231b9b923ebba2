import { describe, expect, it } from 'vitest';
import { modelFromJSON } from '../../../src/core/models/registry';
import { DecisionTreeRegressor, type FlatTree } from '../../../src/core/models/tree';
import { BundleError, InvalidParamsError } from '../../../src/core/errors';
import { Rng } from '../../../src/core/random';
import type { Matrix, SerializedModel } from '../../../src/core/models/types';
import { synthetic } from '../../conformance/suite';
import { expectThrowsAtField, thrown } from '../../helpers/errors';

function matrix(rows: number[][]): Matrix {
  const cols = rows[0].length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => data.set(r, i * cols));
  return { data, rows: rows.length, cols };
}

/** Training rows reaching each node, by routing every row from the root. */
function rowsPerNode(t: FlatTree, X: Matrix): number[][] {
  const out: number[][] = t.feature.length ? Array.from({ length: t.feature.length }, () => []) : [];
  for (let r = 0; r < X.rows; r++) {
    let node = 0;
    out[0].push(r);
    while (t.feature[node] >= 0) {
      node = X.data[r * X.cols + t.feature[node]] <= t.threshold[node] ? t.left[node] : t.right[node];
      out[node].push(r);
    }
  }
  return out;
}

/** Best proxy (sumL²/nL + sumR²/nR) over every feature and every cut between distinct values. */
function bruteForceBest(X: Matrix, y: Float64Array, rows: number[], minLeaf: number): number {
  let best = -Infinity;
  for (let f = 0; f < X.cols; f++) {
    const vals = [...new Set(rows.map((r) => X.data[r * X.cols + f]))].sort((a, b) => a - b);
    for (let k = 0; k + 1 < vals.length; k++) {
      const thr = (vals[k] + vals[k + 1]) / 2;
      let nl = 0, sl = 0, nr = 0, sr = 0;
      for (const r of rows) {
        if (X.data[r * X.cols + f] <= thr) { nl++; sl += y[r]; } else { nr++; sr += y[r]; }
      }
      if (nl < minLeaf || nr < minLeaf) continue;
      best = Math.max(best, (sl * sl) / nl + (sr * sr) / nr);
    }
  }
  return best;
}

describe('DecisionTreeRegressor', () => {
  it('finds the split a person finds by hand, at the midpoint', async () => {
    const X = matrix([[1, 5], [2, 5], [3, 5], [4, 5]]);
    const y = Float64Array.from([0, 0, 10, 10]);
    const m = await new DecisionTreeRegressor().fit(X, y);
    const t = m.flatTree();
    expect(t.feature[0]).toBe(0);
    expect(t.threshold[0]).toBe(2.5);
    expect(t.feature.length).toBe(3);
    expect(Array.from(m.predict(matrix([[2.5, 0], [2.51, 0], [-100, 9]])))).toEqual([0, 10, 0]);
    expect(Array.from(m.featureImportance()!)).toEqual([1, 0]);
  });

  it('fits the training data exactly when depth is unlimited and rows are distinct', async () => {
    const { X, y } = synthetic(300, 4, 3);
    const m = await new DecisionTreeRegressor().fit(X, y);
    expect(Array.from(m.predict(X))).toEqual(Array.from(y));
  });

  it('averages the targets of duplicated rows in one leaf', async () => {
    const X = matrix([[1], [1], [1], [2]]);
    const m = await new DecisionTreeRegressor().fit(X, Float64Array.from([1, 2, 6, 10]));
    expect(Array.from(m.predict(matrix([[1], [2]])))).toEqual([3, 10]);
  });

  it('respects maxDepth, minSamplesLeaf and minSamplesSplit', async () => {
    const { X, y } = synthetic(500, 5, 4);
    const d = await new DecisionTreeRegressor({ maxDepth: 3 }).fit(X, y);
    expect(d.shape().depth).toBe(3);
    expect(d.shape().leaves).toBe(8);
    const l = (await new DecisionTreeRegressor({ minSamplesLeaf: 7 }).fit(X, y)).flatTree();
    for (let i = 0; i < l.feature.length; i++) if (l.feature[i] < 0) expect(l.nSamples[i]).toBeGreaterThanOrEqual(7);
    const s = (await new DecisionTreeRegressor({ minSamplesSplit: 40 }).fit(X, y)).flatTree();
    for (let i = 0; i < s.feature.length; i++) if (s.feature[i] >= 0) expect(s.nSamples[i]).toBeGreaterThanOrEqual(40);
  });

  it('chooses at every node the best split a brute-force search finds (ties and duplicates included)', async () => {
    // The last case has nodes above 256 rows, which are split from histograms.
    for (let seed = 0; seed < 6; seed++) {
      const rng = new Rng(100 + seed);
      const n = seed === 5 ? 3000 : 60;
      const p = 3;
      const data = new Float64Array(n * p);
      const y = new Float64Array(n);
      for (let i = 0; i < n * p; i++) data[i] = rng.nextInt(6); // few distinct values: many ties
      for (let i = 0; i < n; i++) y[i] = data[i * p] * 2 - data[i * p + 1] + rng.nextInt(4);
      const X = { data, rows: n, cols: p };
      const minLeaf = 1 + (seed % 3);
      const t = (await new DecisionTreeRegressor({ seed, minSamplesLeaf: minLeaf }).fit(X, y)).flatTree();
      const rows = rowsPerNode(t, X);
      for (let node = 0; node < t.feature.length; node++) {
        expect(t.nSamples[node]).toBe(rows[node].length);
        const mean = rows[node].reduce((a, r) => a + y[r], 0) / rows[node].length;
        expect(t.value[node]).toBeCloseTo(mean, 9);
        const best = bruteForceBest(X, y, rows[node], minLeaf);
        if (t.feature[node] < 0) {
          // A leaf: pure, too small, or no allowed cut.
          const pure = rows[node].every((r) => y[r] === y[rows[node][0]]);
          expect(pure || rows[node].length < Math.max(2, 2 * minLeaf) || best === -Infinity).toBe(true);
          continue;
        }
        let sl = 0, nl = 0, sr = 0, nr = 0;
        for (const r of rows[node]) {
          if (X.data[r * p + t.feature[node]] <= t.threshold[node]) { sl += y[r]; nl++; } else { sr += y[r]; nr++; }
        }
        expect((sl * sl) / nl + (sr * sr) / nr).toBeCloseTo(best, 6);
      }
    }
  });

  it('gives all importance to the only informative feature', async () => {
    const rng = new Rng(5);
    const n = 200;
    const data = new Float64Array(n * 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      data[i * 2] = i % 2;
      data[i * 2 + 1] = rng.next();
      y[i] = 10 * (i % 2);
    }
    const imp = (await new DecisionTreeRegressor().fit({ data, rows: n, cols: 2 }, y)).featureImportance()!;
    expect(Array.from(imp)).toEqual([1, 0]);
  });

  it('minImpurityDecrease stops splits that gain too little', async () => {
    const { X, y } = synthetic(200, 3, 9);
    const m = await new DecisionTreeRegressor({ minImpurityDecrease: 1e9 }).fit(X, y);
    expect(m.shape().nodes).toBe(1);
  });

  it('rejects bad params naming the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ maxDepth: 0 }, 'maxDepth'],
      [{ minSamplesSplit: 1 }, 'minSamplesSplit'],
      [{ minSamplesLeaf: 0.5 }, 'minSamplesLeaf'],
      [{ maxFeatures: 'half' }, 'maxFeatures'],
      [{ maxFeatures: 2.5 }, 'maxFeatures'],
      [{ minImpurityDecrease: -1 }, 'minImpurityDecrease'],
      [{ seed: 1.5 }, 'seed'],
      [{ maxDepht: 3 }, 'maxDepht'],
    ];
    for (const [p, field] of cases) expectThrowsAtField(() => new DecisionTreeRegressor(p as never), InvalidParamsError, field);
  });

  it('maxFeatures draws features at random per node under the seed', async () => {
    const { X, y } = synthetic(300, 6, 2);
    const a = await new DecisionTreeRegressor({ maxFeatures: 'sqrt', seed: 1 }).fit(X, y);
    const b = await new DecisionTreeRegressor({ maxFeatures: 'sqrt', seed: 1 }).fit(X, y);
    const c = await new DecisionTreeRegressor({ maxFeatures: 'sqrt', seed: 2 }).fit(X, y);
    expect(Array.from(a.flatTree().threshold)).toEqual(Array.from(b.flatTree().threshold));
    expect(Array.from(a.flatTree().threshold)).not.toEqual(Array.from(c.flatTree().threshold));
  });

  describe('fromJSON rejects corrupted state', () => {
    const fitted = async (): Promise<SerializedModel> => {
      const { X, y } = synthetic(100, 3, 1);
      return (await new DecisionTreeRegressor({ maxDepth: 4 }).fit(X, y)).toJSON();
    };
    /** A fitted tree's serialized form with `edit` applied to its state. */
    const corrupt = async (edit: (s: Record<string, unknown>) => void): Promise<SerializedModel> => {
      const s = await fitted();
      const state = { ...s.state } as Record<string, unknown>;
      for (const k of Object.keys(state)) if (ArrayBuffer.isView(state[k])) state[k] = (state[k] as Float64Array).slice();
      edit(state);
      return { ...s, state: state as SerializedModel['state'] };
    };
    const cases: [string, (s: Record<string, unknown>) => void, string][] = [
      ['child out of range', (s) => ((s.left as Int32Array)[0] = 9999), 'state.left[0]'],
      ['child before parent (a cycle)', (s) => ((s.right as Int32Array)[0] = 0), 'state.right[0]'],
      ['feature ≥ nFeatures', (s) => ((s.feature as Int32Array)[0] = 3), 'state.feature[0]'],
      ['non-finite value', (s) => ((s.value as Float64Array)[2] = NaN), 'state.value[2]'],
      ['non-finite threshold', (s) => ((s.threshold as Float64Array)[0] = Infinity), 'state.threshold[0]'],
      ['length mismatch', (s) => (s.value = (s.value as Float64Array).slice(1)), 'state.value'],
      ['wrong array type', (s) => (s.left = Float64Array.from(s.left as Int32Array)), 'state.left'],
      ['missing array', (s) => delete s.nSamples, 'state.nSamples'],
    ];
    for (const [name, edit, field] of cases) {
      it(name, async () => {
        const bad = await corrupt(edit);
        expectThrowsAtField(() => modelFromJSON(bad), BundleError, field);
      });
    }
    it('a node with two parents', async () => {
      const bad = await corrupt((s) => {
        const l = s.left as Int32Array;
        const r = s.right as Int32Array;
        r[0] = l[0];
      });
      thrown(() => modelFromJSON(bad), BundleError);
    });
  });
});
