import { describe, expect, it } from 'vitest';
import { modelFromJSON } from '../../../src/core/models/registry';
import { BundleError, InvalidInputError, InvalidParamsError } from '../../../src/core/errors';
import { GradientBoostingRegressor } from '../../../src/core/models/gbdt/index';
import { binMatrix, binValue, distinctCounts, fitAndBin, fitBinning, numericEdges, transposeBins, type Binning } from '../../../src/core/models/gbdt/binning';
import { buildHistogram, FeatureSet, subtractInto, type HistogramInput } from '../../../src/core/models/gbdt/histogram';
import { findBestSplit, SplitCandidate, SplitScratch, type SplitParams } from '../../../src/core/models/gbdt/split';
import type { Matrix, SerializedModel, StateValue } from '../../../src/core/models/types';
import { Rng } from '../../../src/core/random';
import { expectThrowsAtField, thrown } from '../../helpers/errors';

function matrix(rows: number[][], features?: Matrix['features']): Matrix {
  const p = rows[0].length;
  const data = new Float64Array(rows.length * p);
  rows.forEach((r, i) => data.set(r, i * p));
  return { data, rows: rows.length, cols: p, features };
}

const SPLIT: SplitParams = {
  lambda: 1,
  constantHessian: NaN,
  minSamplesLeaf: 2,
  minHessianLeaf: 1e-3,
  minGainToSplit: 0,
  maxCatThreshold: 32,
  catSmooth: 0,
  catL2: 0,
  maxCatToOnehot: 4,
};

function allFeatures(b: Binning): FeatureSet {
  const fs = new FeatureSet(b.nFeatures);
  fs.set(Array.from({ length: b.nFeatures }, (_, j) => j), b);
  return fs;
}

function histOf(b: Binning, input: HistogramInput, rows: number[]): Float64Array {
  const hist = new Float64Array(b.offsets[b.nFeatures] * 3);
  buildHistogram(hist, input, b, allFeatures(b), Int32Array.from(rows), 0, rows.length);
  return hist;
}

describe('binning', () => {
  it('puts quantile edges so that bins hold equal shares, and a value equal to an edge in the lower bin', () => {
    const X = matrix(Array.from({ length: 1000 }, (_, i) => [i]));
    const b = fitBinning(X, null, { maxBins: 10, categorical: [false], subsample: 200_000, seed: 0 });
    expect(b.nBins[0]).toBe(10);
    expect(Array.from(b.edges[0])).toEqual([99.5, 199.5, 299.5, 399.5, 499.5, 599.5, 699.5, 799.5, 899.5]);
    const bins = binMatrix(X, null, b);
    const counts = new Array(11).fill(0);
    for (const v of bins) counts[v]++;
    expect(counts).toEqual([100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 0]);
    expect(binValue(b, 0, 99.5)).toBe(0);
    expect(binValue(b, 0, 99.6)).toBe(1);
    expect(binValue(b, 0, 1e9)).toBe(9);
  });

  it('uses midpoints between distinct values when there are few, and a dedicated missing bin for NaN', () => {
    const X = matrix([[1], [1], [2], [5], [NaN], [5]]);
    const b = fitBinning(X, null, { maxBins: 255, categorical: [false], subsample: 200_000, seed: 0 });
    expect(Array.from(b.edges[0])).toEqual([1.5, 3.5]);
    expect(b.nBins[0]).toBe(3);
    expect(Array.from(binMatrix(X, null, b))).toEqual([0, 0, 1, 2, 3, 2]);
    expect(b.offsets[1]).toBe(4); // three value bins + the missing bin
    // Two features: bins are row-major; transposeBins gives the column-major copy.
    const X2 = matrix([[1, 5], [2, NaN], [5, 1]]);
    const two = binMatrix(X2, null, fitBinning(X2, null, { maxBins: 255, categorical: [false, false], subsample: 200_000, seed: 0 }));
    expect(Array.from(two)).toEqual([0, 1, 1, 2, 2, 0]);
    expect(Array.from(transposeBins(two, 3, 2))).toEqual([0, 1, 2, 1, 2, 0]);
  });

  it('bins categorical codes by the code itself; NaN and unseen codes go to the missing bin', () => {
    const X = matrix([[0], [2], [1], [NaN], [2]], [{ name: 'c', categorical: true, levels: 4 }]);
    const b = fitBinning(X, null, { maxBins: 255, categorical: [true], subsample: 200_000, seed: 0 });
    expect(b.categorical[0]).toBe(1);
    expect(b.nBins[0]).toBe(4);
    expect(Array.from(binMatrix(X, null, b))).toEqual([0, 2, 1, 4, 2]);
    expect(binValue(b, 0, 7)).toBe(4);
    expect(binValue(b, 0, -1)).toBe(4);
  });

  it('does not waste bins on heavily repeated values (equal-frequency over distinct values)', () => {
    // Half the rows hold 0; the rest are 0.001..1. Plain percentiles collapse onto 0.
    const rows = Array.from({ length: 2000 }, (_, i) => [i < 1000 ? 0 : (i - 999) / 1000]);
    const b = fitBinning(matrix(rows), null, { maxBins: 20, categorical: [false], subsample: 200_000, seed: 0 });
    expect(b.nBins[0]).toBe(20);
    const bins = binMatrix(matrix(rows), null, b);
    expect(bins[0]).toBe(0);
    expect(bins[1000]).toBe(1); // the tied value has a bin of its own
    const counts = new Array(20).fill(0);
    for (let i = 1000; i < 2000; i++) counts[bins[i]]++;
    for (let k = 1; k < 20; k++) expect(Math.abs(counts[k] - 1000 / 19)).toBeLessThanOrEqual(2);
  });

  it('computes the edges from a seeded subsample of the rows when there are more than `subsample`', () => {
    const n = 20_000;
    const X = matrix(Array.from({ length: n }, (_, i) => [(i * 7919) % n]));
    const a = fitBinning(X, null, { maxBins: 4, categorical: [false], subsample: 2000, seed: 1 });
    const again = fitBinning(X, null, { maxBins: 4, categorical: [false], subsample: 2000, seed: 1 });
    const full = fitBinning(X, null, { maxBins: 4, categorical: [false], subsample: n, seed: 1 });
    expect(Array.from(a.edges[0])).toEqual(Array.from(again.edges[0]));
    expect(Array.from(a.edges[0])).not.toEqual(Array.from(full.edges[0]));
    // Still close to the quartiles of the full data.
    a.edges[0].forEach((e, k) => expect(Math.abs(e - full.edges[0][k])).toBeLessThan(n * 0.03));
  });
});

describe('binning by counting distinct values', () => {
  it('gives the edges sorting the column gives, bit for bit (ties, ±0, few and many distinct, the fallback past the limit)', () => {
    const rng = new Rng(11);
    const n = 30_000;
    const columns: ((i: number) => number)[] = [
      (i) => (i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : rng.nextInt(50) - 25), // zeros of both signs among ties
      (i) => (i % 2 ? 0 : rng.nextInt(40)), // +0 only
      () => rng.nextInt(300) / 7, // more distinct values than bins: the equal-frequency path
      () => rng.normal(), // all distinct: past the limit, sorted instead
      () => (rng.next() < 0.1 ? NaN : rng.nextInt(4000) * 0.25), // close to the limit, with NaN
      () => Number.MIN_VALUE * rng.nextInt(3), // subnormals next to zero
    ];
    const X = matrix(Array.from({ length: n }, (_, i) => columns.map((f) => f(i))));
    for (const maxBins of [255, 16]) {
      const b = fitBinning(X, null, { maxBins, categorical: columns.map(() => false), subsample: 200_000, seed: 0 });
      columns.forEach((_, j) => {
        const finite = Float64Array.from({ length: n }, (_, i) => X.data[i * columns.length + j]).filter((v) => v === v);
        const sorted = numericEdges(finite.sort(), maxBins);
        expect(b.edges[j].length).toBe(sorted.length);
        b.edges[j].forEach((e, k) => expect(Object.is(e, sorted[k])).toBe(true));
      });
    }
  });

  it('fitAndBin gives fitBinning and binMatrix of the same rows (NaN, category codes, few and many distinct, a row subset, a subsample)', () => {
    const rng = new Rng(12);
    const n = 6000;
    const X = matrix(
      Array.from({ length: n }, (_, i) => [
        rng.next() < 0.1 ? NaN : rng.nextInt(30) / 4,
        rng.normal(),
        rng.next() < 0.05 ? NaN : rng.nextInt(6),
        i % 7 === 0 ? -0 : rng.nextInt(3),
      ]),
    );
    const rows = Uint32Array.from({ length: 2500 }, (_, k) => (k * 7) % n).sort();
    for (const subset of [null, rows])
      for (const subsample of [200_000, 1000])
        for (const categorical of [[false, false, false, false], [false, false, true, false]]) {
          const opts = { maxBins: 32, categorical, subsample, seed: 3 };
          const both = fitAndBin(X, subset, opts);
          const binning = fitBinning(X, subset, opts);
          expect(both.binning).toEqual(binning);
          expect(both.bins).toEqual(binMatrix(X, subset, binning));
        }
  });

  it('counts each distinct value once, ascending, −0 standing for a run of zeros that holds one; null past the limit', () => {
    const c = distinctCounts(Float64Array.from([3, 0, -1, 3, -0, 0, 3]), 10)!;
    expect(Array.from(c.values)).toEqual([-1, -0, 3]); // toEqual tells −0 from +0
    expect(Array.from(c.counts)).toEqual([1, 3, 3]);
    expect(Object.is(distinctCounts(Float64Array.from([0, 2]), 10)!.values[0], 0)).toBe(true);
    expect(distinctCounts(Float64Array.from([1, 2, 3]), 2)).toBeNull();
  });
});

/** Random tiny problem with NaN in feature 1, binned. */
function tinyProblem(seed: number, n = 40) {
  const rng = new Rng(seed);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push([rng.nextInt(6), rng.next() < 0.2 ? NaN : rng.nextInt(5), rng.normal()]);
  const X = matrix(rows);
  const b = fitBinning(X, null, { maxBins: 255, categorical: [false, false, false], subsample: 200_000, seed: 0 });
  const bins = binMatrix(X, null, b);
  const g = Float64Array.from({ length: n }, () => rng.normal());
  const h = Float64Array.from({ length: n }, () => 0.5 + rng.next());
  const input: HistogramInput = { bins, binsByColumn: transposeBins(bins, n, 3), nRows: n, gradients: g, hessians: h, constantHessian: NaN };
  return { X, b, bins, g, h, input, n };
}

describe('histograms', () => {
  it('larger child = parent − smaller child equals the directly built histogram', () => {
    const { b, input, n, bins } = tinyProblem(3, 200);
    const all = Array.from({ length: n }, (_, i) => i);
    const left = all.filter((i) => bins[i * 3] <= 2);
    const right = all.filter((i) => bins[i * 3] > 2);
    const parent = histOf(b, input, all);
    subtractInto(parent, histOf(b, input, left), b, allFeatures(b));
    const direct = histOf(b, input, right);
    for (let t = 0; t < direct.length; t++) expect(parent[t]).toBeCloseTo(direct[t], 10);
    // and the histogram really sums the rows: counts per feature add up to the node size
    for (let j = 0; j < 3; j++) {
      let c = 0;
      for (let k = b.offsets[j]; k < b.offsets[j + 1]; k++) c += direct[k * 3 + 2];
      expect(c).toBe(right.length);
    }
  });

  it('the constant-hessian path gives the same gradients, counts and best split as the general one', () => {
    const { b, input, n } = tinyProblem(4, 100);
    const ones = new Float64Array(n).fill(1);
    const rows = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 0);
    const general = histOf(b, { ...input, hessians: ones, constantHessian: NaN }, rows);
    const constant = histOf(b, { ...input, hessians: ones, constantHessian: 1 }, rows);
    for (let t = 0; t < general.length; t += 3) {
      expect(constant[t]).toBe(general[t]);
      expect(constant[t + 2]).toBe(general[t + 2]);
    }
    const G = rows.reduce((a, i) => a + input.gradients[i], 0);
    const a = new SplitCandidate();
    const c = new SplitCandidate();
    findBestSplit(general, b, allFeatures(b), G, rows.length, rows.length, SPLIT, a, new SplitScratch());
    findBestSplit(constant, b, allFeatures(b), G, rows.length, rows.length, { ...SPLIT, constantHessian: 1 }, c, new SplitScratch());
    expect(c.gain).toBe(a.gain);
    expect([c.feature, c.bin, c.missingLeft, c.hessLeft]).toEqual([a.feature, a.bin, a.missingLeft, a.hessLeft]);
  });
});

describe('split finding', () => {
  /** Exhaustive search over every feature, every observed bin threshold, both missing directions. */
  function bruteForce(X: Matrix, b: Binning, bins: Uint8Array, g: Float64Array, h: Float64Array, p: SplitParams) {
    const n = X.rows;
    let G = 0;
    let H = 0;
    for (let i = 0; i < n; i++) {
      G += g[i];
      H += h[i];
    }
    const score = (gg: number, hh: number): number => (gg * gg) / (hh + p.lambda);
    let best = { gain: -Infinity, feature: -1, bin: -1 };
    for (let j = 0; j < X.cols; j++) {
      const nb = b.nBins[j];
      for (let t = 0; t < nb; t++) {
        for (const missingLeft of [false, true]) {
          let gl = 0;
          let hl = 0;
          let cl = 0;
          for (let i = 0; i < n; i++) {
            const bin = bins[i * X.cols + j];
            const left = bin === nb ? missingLeft : bin <= t;
            if (left) {
              gl += g[i];
              hl += h[i];
              cl++;
            }
          }
          if (cl < p.minSamplesLeaf || n - cl < p.minSamplesLeaf) continue;
          const gain = score(gl, hl) + score(G - gl, H - hl) - score(G, H);
          if (gain > best.gain + 1e-12) best = { gain, feature: j, bin: t };
        }
      }
    }
    return { best, G, H };
  }

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`finds the same best gain as brute force (tiny data, seed ${seed})`, () => {
      const { X, b, bins, g, h, input, n } = tinyProblem(seed);
      const all = Array.from({ length: n }, (_, i) => i);
      const { best, G, H } = bruteForce(X, b, bins, g, h, SPLIT);
      const out = new SplitCandidate();
      findBestSplit(histOf(b, input, all), b, allFeatures(b), G, H, n, SPLIT, out, new SplitScratch());
      expect(out.gain).toBeCloseTo(best.gain, 9);
      expect(out.feature).toBe(best.feature);
      // The rows the split sends left have the reported sums.
      let gl = 0;
      let cl = 0;
      for (let i = 0; i < n; i++)
        if (out.goesLeft[bins[i * 3 + out.feature]]) {
          gl += g[i];
          cl++;
        }
      expect(gl).toBeCloseTo(out.gradLeft, 9);
      expect(cl).toBe(out.countLeft);
    });
  }

  it('respects minSamplesLeaf', () => {
    const { b, input, n, g, h } = tinyProblem(9);
    const all = Array.from({ length: n }, (_, i) => i);
    const G = g.reduce((a, x) => a + x, 0);
    const H = h.reduce((a, x) => a + x, 0);
    const out = new SplitCandidate();
    findBestSplit(histOf(b, input, all), b, allFeatures(b), G, H, n, { ...SPLIT, minSamplesLeaf: 15 }, out, new SplitScratch());
    expect(out.countLeft).toBeGreaterThanOrEqual(15);
    expect(n - out.countLeft).toBeGreaterThanOrEqual(15);
    findBestSplit(histOf(b, input, all), b, allFeatures(b), G, H, n, { ...SPLIT, minSamplesLeaf: 21 }, out, new SplitScratch());
    expect(out.gain).toBe(-Infinity);
  });

  it('groups categories many-vs-many by their mean gradient', () => {
    // 8 categories; 1, 3 and 6 have a large negative gradient (their target is high).
    const rows: number[][] = [];
    const grads: number[] = [];
    for (let i = 0; i < 160; i++) {
      const c = i % 8;
      rows.push([c]);
      grads.push(c === 1 || c === 3 || c === 6 ? -5 + (i % 3) * 0.1 : 2 + (i % 5) * 0.1);
    }
    const X = matrix(rows, [{ name: 'c', categorical: true, levels: 8 }]);
    const b = fitBinning(X, null, { maxBins: 255, categorical: [true], subsample: 200_000, seed: 0 });
    const g = Float64Array.from(grads);
    const catBins = binMatrix(X, null, b);
    const input: HistogramInput = { bins: catBins, binsByColumn: transposeBins(catBins, 160, 1), nRows: 160, gradients: g, hessians: new Float64Array(160).fill(1), constantHessian: 1 };
    const out = new SplitCandidate();
    const G = g.reduce((a, x) => a + x, 0);
    findBestSplit(histOf(b, input, Array.from({ length: 160 }, (_, i) => i)), b, allFeatures(b), G, 160, 160, { ...SPLIT, constantHessian: 1, catSmooth: 10, catL2: 1 }, out, new SplitScratch());
    expect(out.categorical).toBe(true);
    const left = Array.from({ length: 8 }, (_, c) => c).filter((c) => out.goesLeft[c] === 1);
    expect([[1, 3, 6], [0, 2, 4, 5, 7]]).toContainEqual(left);
  });
});

describe('GradientBoostingRegressor', () => {
  it('learns where missing values should go, in either direction', async () => {
    for (const nanHigh of [true, false]) {
      const rows: number[][] = [];
      const y: number[] = [];
      for (let i = 0; i < 300; i++) {
        const kind = i % 3; // 0: low value, 1: high value, 2: missing
        rows.push([kind === 2 ? NaN : kind === 0 ? -1 - (i % 7) : 1 + (i % 7)]);
        y.push(kind === 1 || (kind === 2 && nanHigh) ? 10 : 0);
      }
      const m = await new GradientBoostingRegressor({ maxIterations: 1, learningRate: 1, numLeaves: 2, minSamplesLeaf: 5, earlyStopping: false }).fit(matrix(rows), Float64Array.from(y));
      const p = m.predict(matrix([[NaN], [-3], [3]]));
      expect(p[0]).toBeCloseTo(nanHigh ? 10 : 0, 6);
      expect(p[1]).toBeCloseTo(nanHigh ? 0 : 0, 6);
      expect(p[2]).toBeCloseTo(nanHigh ? 10 : 10, 6);
    }
  });

  it('splits a native categorical feature into the right groups and predicts on raw codes', async () => {
    const rows: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 400; i++) {
      const c = i % 8;
      rows.push([c, (i * 37) % 11]);
      y.push(c === 2 || c === 5 || c === 7 ? 100 : 0);
    }
    const features = [{ name: 'c', categorical: true, levels: 8 }, { name: 'noise' }];
    const m = await new GradientBoostingRegressor({ maxIterations: 1, learningRate: 1, numLeaves: 2, earlyStopping: false, categoricalSplit: 'native', colSubsampleByNode: 1 }).fit(
      matrix(rows, features),
      Float64Array.from(y),
    );
    const p = m.predict(matrix([[0], [1], [2], [3], [4], [5], [6], [7]].map((r) => [r[0], 3])));
    expect(Array.from(p).map((v) => Math.round(v))).toEqual([0, 0, 100, 0, 0, 100, 0, 100]);
    // An unseen code and a missing value follow the missing direction (both land on one side).
    const q = m.predict(matrix([[42, 3], [NaN, 3]]));
    expect(q[0]).toBe(q[1]);
    const imp = m.featureImportance() as Float64Array;
    expect(imp[0]).toBeGreaterThan(0);
    expect(imp[1]).toBe(0);
  });

  it('records train and validation curves and keeps the best iteration with early stopping', async () => {
    const rng = new Rng(5);
    const make = (n: number) => {
      const data = new Float64Array(n * 3);
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < 3; j++) data[i * 3 + j] = rng.normal();
        y[i] = Math.sin(2 * data[i * 3]) + 0.5 * data[i * 3 + 1] + rng.normal() * 0.8;
      }
      return { X: { data, rows: n, cols: 3 }, y };
    };
    const tr = make(1500);
    const va = make(500);
    const m = await new GradientBoostingRegressor({ learningRate: 0.3, maxIterations: 300, nIterNoChange: 15 }).fit(tr.X, tr.y, { validation: va });
    const h = m.history();
    expect(h.unit).toBe('iteration');
    expect(h.metric).toBe('rmse');
    expect(h.validation.length).toBe(h.train.length);
    expect(h.train.length).toBeLessThan(300); // stopped early on noisy data
    expect(h.bestStep).toBeDefined();
    const best = h.bestStep as number;
    expect(h.validation[best]).toBe(Math.min(...h.validation));
    expect(m.iterations).toBe(best + 1);
    expect(h.train[h.train.length - 1]).toBeLessThan(h.train[0]);
  });

  it('scores the validation rows (four at a time, an odd count) as the fitted model predicts them', async () => {
    const rng = new Rng(8);
    const make = (n: number) => {
      const data = new Float64Array(n * 4);
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < 4; j++) data[i * 4 + j] = j === 3 ? rng.nextInt(5) : rng.normal();
        if (i % 11 === 0) data[i * 4 + 1] = NaN;
        y[i] = 2 * data[i * 4] + Math.abs(data[i * 4 + 2]) + data[i * 4 + 3];
      }
      return { X: { data, rows: n, cols: 4 }, y };
    };
    const tr = make(2000);
    const va = make(503);
    const m = await new GradientBoostingRegressor({ learningRate: 0.05, maxIterations: 25, nIterNoChange: 100 }).fit(tr.X, tr.y, { validation: va });
    const h = m.history();
    expect(m.iterations).toBe(25); // still improving: every tree kept, so the last score is the model's
    const pred = m.predict(va.X);
    let se = 0;
    for (let i = 0; i < va.y.length; i++) se += (va.y[i] - pred[i]) ** 2;
    expect(h.validation[24]).toBeCloseTo(Math.sqrt(se / va.y.length), 9);
  });

  it.each(['squared_error_log_link', 'squared_error_log_target'] as const)('with the %s loss, fits multiplicative positive targets and rejects y ≤ 0', async (loss) => {
    const rng = new Rng(2);
    const n = 2000;
    const data = new Float64Array(n * 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      data[i * 2] = rng.next() * 3;
      data[i * 2 + 1] = rng.nextInt(4);
      y[i] = Math.exp(data[i * 2]) * (1 + data[i * 2 + 1]);
    }
    const X = { data, rows: n, cols: 2 };
    const m = await new GradientBoostingRegressor({ loss, maxIterations: 200, earlyStopping: false }).fit(X, y);
    const p = m.predict(X);
    let sse = 0;
    let sst = 0;
    const mean = y.reduce((a, v) => a + v, 0) / n;
    for (let i = 0; i < n; i++) {
      sse += (p[i] - y[i]) ** 2;
      sst += (y[i] - mean) ** 2;
      expect(p[i]).toBeGreaterThan(0);
    }
    expect(1 - sse / sst).toBeGreaterThan(0.99);
    const bad = y.slice();
    bad[7] = 0;
    await expect(new GradientBoostingRegressor({ loss }).fit(X, bad)).rejects.toThrow(/row 8/);
  });

  it('the log-target loss is squared error on log(y), predicted through exp, with its history as the RMSE of the logs', async () => {
    const rng = new Rng(5);
    const n = 1500;
    const data = new Float64Array(n * 3);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 3; j++) data[i * 3 + j] = rng.next();
      y[i] = Math.exp(2 * data[i * 3] + data[i * 3 + 1] * data[i * 3 + 2] + 0.3 * rng.next());
    }
    const X = { data, rows: n, cols: 3 };
    const params = { maxIterations: 60, seed: 3, earlyStopping: false };
    const logTarget = await new GradientBoostingRegressor({ ...params, loss: 'squared_error_log_target' }).fit(X, y);
    const onLogs = await new GradientBoostingRegressor(params).fit(X, Float64Array.from(y, Math.log));
    const a = logTarget.predict(X);
    const b = onLogs.predict(X);
    let sse = 0;
    for (let i = 0; i < n; i++) {
      expect(a[i]).toBeCloseTo(Math.exp(b[i]), 9);
      sse += (Math.log(a[i]) - Math.log(y[i])) ** 2;
    }
    const h = logTarget.history();
    expect(h.metric).toBe('rmse_log');
    expect(h.train.at(-1)).toBeCloseTo(Math.sqrt(sse / n), 9);
    // The bundle round trip keeps the loss and its history.
    const back = modelFromJSON(logTarget.toJSON());
    expect(Array.from(back.predict(X))).toEqual(Array.from(a));
    expect(back.history().metric).toBe('rmse_log');
  });

  it('is deterministic with per-node feature sampling, and the sampling changes the model', async () => {
    const rng = new Rng(8);
    const n = 600;
    const data = Float64Array.from({ length: n * 4 }, () => rng.normal());
    const y = Float64Array.from({ length: n }, (_, i) => data[i * 4] + data[i * 4 + 1] * data[i * 4 + 2]);
    const X = { data, rows: n, cols: 4 };
    const fit = (colSubsampleByNode: number) => new GradientBoostingRegressor({ colSubsampleByNode, maxIterations: 20, seed: 4 }).fit(X, y);
    const a = (await fit(0.5)).predict(X);
    const b = (await fit(0.5)).predict(X);
    const c = (await fit(1)).predict(X);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('predicts large batches (several row blocks) exactly as row by row, on every descent path', async () => {
    const rng = new Rng(12);
    const n = 2600;
    const data = new Float64Array(n * 3);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      data[i * 3] = rng.normal();
      data[i * 3 + 1] = rng.nextInt(6);
      data[i * 3 + 2] = rng.next() < 0.1 ? NaN : rng.normal();
      y[i] = data[i * 3] + (data[i * 3 + 1] % 2) * 2 + (data[i * 3 + 2] || 0);
    }
    const features = [{ name: 'a' }, { name: 'c', categorical: true, levels: 6 }, { name: 'b' }];
    for (const categoricalSplit of ['ordinal', 'native'] as const) {
      const X = { data, rows: n, cols: 3, features };
      const m = await new GradientBoostingRegressor({ maxIterations: 15, categoricalSplit }).fit(X, y);
      const noNaN = { ...X, data: data.map((v) => (v === v ? v : 0)) };
      for (const M of [X, noNaN]) {
        const batch = m.predict(M);
        for (let i = 0; i < n; i += 97) expect(m.predict({ data: M.data.slice(i * 3, i * 3 + 3), rows: 1, cols: 3 })[0]).toBe(batch[i]);
      }
    }
  });

  it('rejects bad params naming the field', () => {
    expect(() => new GradientBoostingRegressor({ learningRate: 0 })).toThrow(InvalidParamsError);
    expectThrowsAtField(() => new GradientBoostingRegressor({ numLeaves: 1.5 }), InvalidParamsError, 'numLeaves');
    expect(() => new GradientBoostingRegressor({ maxBins: 256 })).toThrow(/maxBins/);
    expect(() => new GradientBoostingRegressor({ earlyStopping: 'yes' as unknown as boolean })).toThrow(/earlyStopping/);
  });

  it('rejects a validation set with the wrong column count', async () => {
    const X = matrix(Array.from({ length: 50 }, (_, i) => [i, i % 3]));
    const y = Float64Array.from({ length: 50 }, (_, i) => i);
    await expect(new GradientBoostingRegressor().fit(X, y, { validation: { X: matrix([[1]]), y: new Float64Array(1) } })).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('fromJSON validation', () => {
  async function fitted(): Promise<SerializedModel> {
    const rows = Array.from({ length: 200 }, (_, i) => [i % 17, (i * 7) % 13, i % 2 ? NaN : i]);
    const y = Float64Array.from(rows, (r) => r[0] * 2 + r[1]);
    const m = await new GradientBoostingRegressor({ maxIterations: 5, earlyStopping: false }).fit(matrix(rows), y);
    return m.toJSON();
  }
  function withForest(s: SerializedModel, change: (f: Record<string, StateValue>) => void): SerializedModel {
    const forest = { ...(s.state.forest as Record<string, StateValue>) };
    for (const k of Object.keys(forest)) {
      const v = forest[k];
      if (ArrayBuffer.isView(v)) forest[k] = (v as Float64Array).slice() as StateValue;
    }
    change(forest);
    return { ...s, state: { ...s.state, forest } };
  }
  const fieldOf = (f: () => unknown): string | undefined => thrown(f, BundleError).where.field;

  it('accepts its own output', async () => {
    const s = await fitted();
    const m = modelFromJSON(s) as GradientBoostingRegressor;
    expect(m.iterations).toBe(5);
  });

  it('rejects an out-of-range child index', async () => {
    const s = await fitted();
    const bad = withForest(s, (f) => {
      (f.left as Int32Array)[0] = 10_000;
    });
    expect(fieldOf(() => modelFromJSON(bad))).toBe('state.forest.left[0]');
    const cyclic = withForest(s, (f) => {
      const l = f.left as Int32Array;
      l[l.length - 1] = l.length - 1 - (f.treeOffsets as Int32Array)[4]; // a leaf pointing at itself
    });
    expect(() => modelFromJSON(cyclic)).toThrow(BundleError);
  });

  it('rejects a truncated array', async () => {
    const s = await fitted();
    const bad = withForest(s, (f) => {
      f.value = (f.value as Float64Array).slice(0, 3);
    });
    expect(fieldOf(() => modelFromJSON(bad))).toBe('state.forest.value');
  });

  it('rejects feature indices out of range, non-finite thresholds, bad offsets and wrong types', async () => {
    const s = await fitted();
    expect(
      fieldOf(() =>
        modelFromJSON(
          withForest(s, (f) => {
            (f.feature as Int32Array)[0] = 3;
          }),
        ),
      ),
    ).toBe('state.forest.feature[0]');
    expect(
      fieldOf(() =>
        modelFromJSON(
          withForest(s, (f) => {
            (f.threshold as Float64Array)[0] = Infinity;
          }),
        ),
      ),
    ).toBe('state.forest.threshold[0]');
    expect(
      fieldOf(() =>
        modelFromJSON(
          withForest(s, (f) => {
            (f.treeOffsets as Int32Array)[2] = (f.treeOffsets as Int32Array)[1];
          }),
        ),
      ),
    ).toBe('state.forest.treeOffsets[2]');
    expect(
      fieldOf(() =>
        modelFromJSON(
          withForest(s, (f) => {
            f.left = Array.from(f.left as Int32Array);
          }),
        ),
      ),
    ).toBe('state.forest.left');
    expect(fieldOf(() => modelFromJSON({ ...s, state: { ...s.state, baseline: NaN } }))).toBe('state.baseline');
    expect(fieldOf(() => modelFromJSON({ ...s, params: { ...s.params, numLeaves: -3 } }))).toBe('params.numLeaves');
  });
});
