/**
 * The prediction kernels of the GBDT ensemble — leaf masks in WebAssembly (leaf-masks.ts) and
 * the coded descent (rows coded against the forest's thresholds, integer tables walked several
 * rows at a time) — must take exactly the decisions of the raw path (value ≤ threshold goes
 * left, a category by its bit, NaN and unseen categories follow the learned missing direction)
 * and add the same leaf values in the same order: the same doubles, bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { GradientBoostingRegressor } from '../../../src/core/models/gbdt/index';
import { CAT_WORDS, TreeEnsemble, type EnsembleState } from '../../../src/core/models/gbdt/ensemble';
import { MAX_MASK_FEATURES } from '../../../src/core/models/gbdt/leaf-masks';
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

function expectSamePaths(f: TreeEnsemble, X: Matrix, start = 0): void {
  const coded = new Float64Array(X.rows).fill(start);
  const raw = new Float64Array(X.rows).fill(start);
  f.addPredictions(X, coded);
  f.addPredictionsRaw(X, raw);
  // Object.is on every double: bit for bit (−0 apart from 0, NaN equal).
  for (let i = 0; i < X.rows; i++) if (!Object.is(coded[i], raw[i])) expect({ row: i, kernel: coded[i] }).toEqual({ row: i, kernel: raw[i] });
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

/**
 * A random valid ensemble: trees of up to `maxLeaves` leaves grown by splitting random leaves
 * (children appended after their parent, left and right in either order), numeric features
 * splitting on thresholds drawn from a small pool (shared across trees, ±0 and extremes among
 * them), categorical features (the first `nCat`) on random category sets, random missing
 * directions, and leaf values of mixed magnitudes (so that the order of the sums shows).
 */
function randomEnsemble(rng: Rng, o: { trees: number; maxLeaves: number; p: number; nCat: number; categories: number }): EnsembleState {
  const pool = [-0, 0, 1e-300, -2.5, Number.MAX_VALUE, -Number.MAX_VALUE, ...Array.from({ length: 12 }, () => Math.round(rng.normal() * 300) / 100)];
  const treeOffsets = [0];
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const missingLeft: number[] = [];
  const catIndex: number[] = [];
  const catBits: number[] = [];
  for (let t = 0; t < o.trees; t++) {
    const base = feature.length;
    const node = (): number => {
      feature.push(-1);
      threshold.push(0);
      left.push(-1);
      right.push(-1);
      value.push(rng.normal() * 10 ** (rng.nextInt(12) - 6));
      missingLeft.push(0);
      catIndex.push(-1);
      return feature.length - 1 - base;
    };
    const leaves = [node()];
    const target = 1 + rng.nextInt(o.maxLeaves);
    while (leaves.length < target) {
      const n = leaves.splice(rng.nextInt(leaves.length), 1)[0];
      const g = base + n;
      const a = node();
      const b = node();
      const [l, r] = rng.next() < 0.5 ? [a, b] : [b, a];
      const f = rng.nextInt(o.p);
      feature[g] = f;
      left[g] = l;
      right[g] = r;
      value[g] = 0;
      missingLeft[g] = rng.nextInt(2);
      if (f < o.nCat) {
        catIndex[g] = catBits.length / CAT_WORDS;
        const words = new Array<number>(CAT_WORDS).fill(0);
        for (let c = 0; c < o.categories; c++) if (rng.next() < 0.5) words[c >>> 5] |= 1 << (c & 31);
        catBits.push(...words.map((w) => w >>> 0));
      } else threshold[g] = pool[rng.nextInt(pool.length)];
      leaves.push(l, r);
    }
    treeOffsets.push(feature.length);
  }
  const n = feature.length;
  return {
    treeOffsets: Int32Array.from(treeOffsets),
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
    missingLeft: Uint8Array.from(missingLeft),
    catIndex: Int32Array.from(catIndex),
    catBits: Uint32Array.from(catBits),
    gain: new Float64Array(n),
    categoryCount: Int32Array.from({ length: o.p }, (_, j) => (j < o.nCat ? o.categories : 0)),
  };
}

/** Probe rows plus category-like values in the categorical columns: codes, unseen ones, fractions, negatives, −0, NaN. */
function probeWithCategories(f: TreeEnsemble, p: number, nCat: number, categories: number, n: number, rng: Rng): Matrix {
  const X = probeRows(f, p, n, rng, 0.1);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < nCat; j++) {
      const u = rng.next();
      X.data[i * p + j] = u < 0.7 ? rng.nextInt(categories) : u < 0.8 ? categories + rng.nextInt(3) : u < 0.85 ? 0.5 + rng.nextInt(categories) : u < 0.9 ? -1 : u < 0.95 ? -0 : NaN;
    }
  return X;
}

describe('GBDT leaf-mask prediction (WebAssembly)', () => {
  it('gives the raw path’s doubles on random trees with NaN, categorical splits, shared thresholds and either child order', () => {
    const rng = new Rng(2024);
    for (const o of [
      { trees: 60, maxLeaves: 32, p: 7, nCat: 2, categories: 40 },
      { trees: 5, maxLeaves: 3, p: 2, nCat: 0, categories: 0 },
      { trees: 37, maxLeaves: 31, p: 4, nCat: 4, categories: 256 },
      { trees: 9, maxLeaves: 1, p: 3, nCat: 1, categories: 5 },
    ]) {
      const state = randomEnsemble(rng, o);
      const f = TreeEnsemble.read(StateReader.of(state, 'forest'), o.p);
      expect(f.predictionKernel()).toBe(o.maxLeaves === 1 ? 'coded' : 'leaf-masks'); // single leaves only: nothing to table
      // Several blocks of 1,024 rows and a tail that is not a whole group of four, then a few rows; sums starting from a baseline.
      expectSamePaths(f, probeWithCategories(f, o.p, o.nCat, o.categories, 2503, rng), 1234.5);
      expectSamePaths(f, probeWithCategories(f, o.p, o.nCat, o.categories, 3, rng), -0);
      // And agree with the coded descent (which leaves categorical trees to the raw path).
      const X = probeWithCategories(f, o.p, o.nCat, o.categories, 700, rng);
      const viaMasks = new Float64Array(X.rows);
      const viaCoded = new Float64Array(X.rows);
      f.addPredictions(X, viaMasks);
      new TreeEnsemble(state, { leafMasks: false }).addPredictions(X, viaCoded);
      expect(Array.from(viaMasks)).toEqual(Array.from(viaCoded));
    }
  });

  it('predicts a fitted model with native categorical splits as the raw path does', async () => {
    const rng = new Rng(5);
    const p = 3;
    const n = 2000;
    const data = new Float64Array(n * p);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = rng.nextInt(12);
      data[i * p] = rng.next() < 0.05 ? NaN : c;
      data[i * p + 1] = rng.next() < 0.05 ? NaN : rng.normal();
      data[i * p + 2] = rng.nextInt(4);
      y[i] = [3, -1, 4, 1, -5, 9, 2, -6, 5, 3, -5, 8][c] + (data[i * p + 1] || 0) + rng.normal() * 0.1;
    }
    const features = [{ name: 'c', categorical: true, levels: 12 }, { name: 'x' }, { name: 'k', categorical: true, levels: 4 }];
    const m = await new GradientBoostingRegressor({ maxIterations: 20, categoricalSplit: 'native', earlyStopping: false }).fit({ data, rows: n, cols: p, features }, y);
    const f = forestOf(m, p);
    expect(Array.from(f.state.catIndex).some((c) => c >= 0)).toBe(true);
    expect(f.predictionKernel()).toBe('leaf-masks');
    expectSamePaths(f, probeWithCategories(f, p, 1, 12, 3000, rng), m.baseline);
  });

  it('leaves trees of more than 32 leaves, features split both ways, and wide forests to the coded descent', () => {
    const rng = new Rng(8);
    const big = randomEnsemble(rng, { trees: 6, maxLeaves: 64, p: 5, nCat: 0, categories: 0 });
    const f = TreeEnsemble.read(StateReader.of(big, 'forest'), 5);
    if (!Array.from({ length: 6 }, (_, t) => big.treeOffsets[t + 1] - big.treeOffsets[t]).some((size) => size > 63)) throw new Error('no tree of over 32 leaves drawn');
    expect(f.predictionKernel()).toBe('coded');
    expectSamePaths(f, probeRows(f, 5, 1500, rng, 0.1));
    // Feature 0 categorical in one node, numeric in another.
    const mixed = randomEnsemble(rng, { trees: 3, maxLeaves: 8, p: 1, nCat: 1, categories: 4 });
    const numeric = mixed.catIndex.findIndex((c) => c >= 0);
    mixed.catIndex[numeric] = -1;
    mixed.threshold[numeric] = 1.5;
    expect(mixed.catIndex.some((c) => c >= 0)).toBe(true);
    const g = TreeEnsemble.read(StateReader.of(mixed, 'forest'), 1);
    expect(g.predictionKernel()).toBe('coded');
    expectSamePaths(g, probeWithCategories(g, 1, 1, 4, 500, rng));
    // More features split on than the masks repay; one fewer still takes them.
    for (const width of [MAX_MASK_FEATURES + 1, MAX_MASK_FEATURES]) {
      let wide: EnsembleState;
      do wide = randomEnsemble(rng, { trees: 40, maxLeaves: 32, p: width, nCat: 0, categories: 0 });
      while (new Set(wide.feature.filter((f) => f >= 0)).size !== width);
      const w = TreeEnsemble.read(StateReader.of(wide, 'forest'), width);
      expect(w.predictionKernel()).toBe(width > MAX_MASK_FEATURES ? 'coded' : 'leaf-masks');
      expectSamePaths(w, probeRows(w, width, 300, rng, 0.1));
    }
  });
});

describe('GBDT coded prediction', () => {
  it('takes the raw path’s decisions on thresholds, their ulp neighbours, extremes and NaN (packed tables)', async () => {
    const p = 5;
    const m = await fitRandom(p, 3000, 1, { maxIterations: 25, numLeaves: 31, earlyStopping: false });
    const f = new TreeEnsemble(forestOf(m, p).state, { leafMasks: false });
    expect(f.predictionKernel()).toBe('coded');
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
    const f = new TreeEnsemble(forestOf(m, p).state, { leafMasks: false, packedTables: false });
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
