/**
 * The coded prediction path of the GBDT ensemble (rows coded against the forest's thresholds,
 * integer tables walked several rows at a time) must take exactly the decisions of the raw
 * path (value ≤ threshold goes left, NaN follows the learned missing direction).
 */
import { describe, expect, it } from 'vitest';
import { GradientBoostingRegressor } from '../../../src/core/models/gbdt/index';
import { TreeEnsemble, type EnsembleState } from '../../../src/core/models/gbdt/ensemble';
import { StateReader } from '../../../src/core/models/state';
import type { Matrix } from '../../../src/core/models/types';
import { Rng } from '../../../src/core/random';

function forestOf(m: GradientBoostingRegressor, p: number): TreeEnsemble {
  return TreeEnsemble.read(StateReader.of(m.toJSON().state.forest, 'forest'), p);
}

/** Rows mixing random values, NaN, every threshold exactly, its neighbours one ulp away and extremes. */
function probeRows(f: TreeEnsemble, p: number, n: number, rng: Rng, nanShare: number): Matrix {
  const st = f.state;
  const byFeature: number[][] = Array.from({ length: p }, () => []);
  for (let k = 0; k < st.feature.length; k++) if (st.feature[k] >= 0) byFeature[st.feature[k]].push(st.threshold[k]);
  const data = new Float64Array(n * p);
  const tmp = new Float64Array(1);
  const bitsOf = new BigInt64Array(tmp.buffer);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < p; j++) {
      const u = rng.next();
      const ts = byFeature[j];
      let v: number;
      if (u < nanShare) v = NaN;
      else if (u < 0.5 && ts.length > 0) {
        v = ts[rng.nextInt(ts.length)];
        const w = rng.nextInt(3);
        if (w !== 1 && v !== 0 && Number.isFinite(v)) {
          // One ulp up or down.
          tmp[0] = v;
          bitsOf[0] += (w === 0) === v > 0 ? -1n : 1n;
          v = tmp[0];
        }
      } else if (u < 0.55) v = [-1e300, 1e300, 0, -0, Number.MAX_VALUE, -Number.MAX_VALUE][rng.nextInt(6)];
      else v = rng.normal() * 3;
      data[i * p + j] = v;
    }
  return { data, rows: n, cols: p };
}

function expectSamePaths(f: TreeEnsemble, X: Matrix): void {
  const coded = new Float64Array(X.rows);
  const raw = new Float64Array(X.rows);
  f.addPredictions(X, coded);
  f.addPredictionsRaw(X, raw);
  expect(Array.from(coded)).toEqual(Array.from(raw));
}

async function fitRandom(p: number, n: number, seed: number, params: ConstructorParameters<typeof GradientBoostingRegressor>[0]): Promise<GradientBoostingRegressor> {
  const rng = new Rng(seed);
  const data = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) data[i * p + j] = rng.next() < 0.08 ? NaN : j % 3 === 2 ? rng.nextInt(5) : rng.normal();
    const a = data[i * p];
    const b = data[i * p + 1];
    y[i] = (a === a ? a : 2) * 3 + (b === b ? Math.sin(b) : -1) + rng.normal() * 0.1;
  }
  return new GradientBoostingRegressor(params).fit({ data, rows: n, cols: p }, y);
}

describe('GBDT coded prediction', () => {
  it('takes the raw path’s decisions on thresholds, their ulp neighbours, extremes and NaN (packed tables)', async () => {
    const p = 5;
    const m = await fitRandom(p, 3000, 1, { maxIterations: 25, numLeaves: 31, earlyStopping: false });
    const f = forestOf(m, p);
    const rng = new Rng(99);
    // Several row blocks and a ragged tail; with NaN (missing-aware kernel) and without.
    expectSamePaths(f, probeRows(f, p, 5003, rng, 0));
    expectSamePaths(f, probeRows(f, p, 5003, rng, 0.1));
    expectSamePaths(f, probeRows(f, p, 7, rng, 0));
    expectSamePaths(f, probeRows(f, p, 7, rng, 0.5));
    // The model's own predict uses the coded path and agrees row by row.
    const X = probeRows(f, p, 300, rng, 0.05);
    const batch = m.predict(X);
    for (let i = 0; i < X.rows; i += 13) expect(m.predict({ data: X.data.slice(i * p, i * p + p), rows: 1, cols: p })[0]).toBe(batch[i]);
  });

  it('takes the raw path’s decisions on the four-word tables (used when packed words would not fit)', async () => {
    const p = 40;
    const m = await fitRandom(p, 600, 2, { maxIterations: 8, numLeaves: 15, minSamplesLeaf: 5, earlyStopping: false, colSubsampleByNode: 1 });
    const f = new TreeEnsemble(forestOf(m, p).state, { packedTables: false });
    const rng = new Rng(7);
    expectSamePaths(f, probeRows(f, p, 1503, rng, 0));
    expectSamePaths(f, probeRows(f, p, 1503, rng, 0.1));
    expectSamePaths(f, probeRows(f, p, 5, rng, 0.5));
  });

  it('predicts a hand-built forest whose right child is not left + 1, and one with a single leaf', () => {
    // Tree 0: root (x0 ≤ 1.5, missing left) → left = node 2 (value 10), right = node 1 (value 20).
    // Tree 1: a single leaf (value 0.5).
    const state: EnsembleState = {
      treeOffsets: Int32Array.from([0, 3, 4]),
      feature: Int32Array.from([0, -1, -1, -1]),
      threshold: Float64Array.from([1.5, 0, 0, 0]),
      left: Int32Array.from([2, -1, -1, -1]),
      right: Int32Array.from([1, -1, -1, -1]),
      value: Float64Array.from([0, 20, 10, 0.5]),
      missingLeft: Uint8Array.from([1, 0, 0, 0]),
      catIndex: Int32Array.from([-1, -1, -1, -1]),
      catBits: new Uint32Array(0),
      gain: new Float64Array(4),
      categoryCount: new Int32Array(1),
    };
    const f = TreeEnsemble.read(StateReader.of(state, 'forest'), 1);
    const X: Matrix = { data: Float64Array.from([1, 1.5, 2, NaN, -5]), rows: 5, cols: 1 };
    const out = new Float64Array(5);
    f.addPredictions(X, out);
    expect(Array.from(out)).toEqual([10.5, 10.5, 20.5, 10.5, 10.5]);
  });
});
