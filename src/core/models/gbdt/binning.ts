/**
 * Binning: every feature is mapped to at most 255 bins of non-missing values plus one bin for
 * missing values, so the booster works on one byte per value (column-major Uint8Array).
 *
 * Numeric features: bin edges are quantiles of the (sub-sampled) training values, or the
 * midpoints between distinct values when there are few. Bin b holds edges[b-1] < v ≤ edges[b].
 * Categorical features: the integer code is the bin. NaN, and categorical codes never seen in
 * training (negative, non-integer or too large), fall in the missing bin, whose index is the
 * feature's count of non-missing bins.
 */
import type { Matrix } from '../types';
import { Rng } from '../../random';
import { lowerBound } from '../../stats/search';

export interface Binning {
  readonly nFeatures: number;
  /** Non-missing bins per feature; the missing bin's index equals this count. */
  readonly nBins: Int32Array;
  /** 1 when the feature is split natively as categories. */
  readonly categorical: Uint8Array;
  /** Numeric features: the nBins−1 upper bin edges, ascending (empty for categorical ones). */
  readonly edges: Float64Array[];
  /** Offset of each feature's bins in a histogram; the last entry is the total bin count. */
  readonly offsets: Int32Array;
}

export interface BinningOptions {
  maxBins: number;
  /** Per feature: bin by category code. */
  categorical: boolean[];
  /** At most this many rows are used to find the edges. */
  subsample: number;
  seed: number;
}

/**
 * Learns the bins from the rows `rows` of X (all rows when null).
 */
export function fitBinning(X: Matrix, rows: Uint32Array | null, opts: BinningOptions): Binning {
  return learnBins(X, rows, opts, null);
}

/**
 * fitBinning and binMatrix of the same rows in one: when every row places the edges (no more
 * than `subsample`), a column of few distinct values is binned from the count that placed its
 * edges — each distinct value searched once, not each row — the same bins as binMatrix.
 */
export function fitAndBin(X: Matrix, rows: Uint32Array | null, opts: BinningOptions): { binning: Binning; bins: Uint8Array } {
  const n = rows ? rows.length : X.rows;
  if (n > opts.subsample) {
    const binning = fitBinning(X, rows, opts);
    return { binning, bins: binMatrix(X, rows, binning) };
  }
  const bins = new Uint8Array(n * X.cols);
  return { binning: learnBins(X, rows, opts, bins), bins };
}

function learnBins(X: Matrix, rows: Uint32Array | null, opts: BinningOptions, bins: Uint8Array | null): Binning {
  const p = X.cols;
  const n = rows ? rows.length : X.rows;
  let sample: Uint32Array;
  if (n > opts.subsample) {
    // Partial Fisher–Yates: a seeded uniform sample of `subsample` rows.
    const rng = new Rng(opts.seed ^ 0x5bd1e995);
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = rows ? rows[i] : i;
    for (let i = 0; i < opts.subsample; i++) {
      const j = i + rng.nextInt(n - i);
      const t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    sample = all.slice(0, opts.subsample).sort();
  } else {
    sample = rows ?? Uint32Array.from({ length: n }, (_, i) => i);
  }
  const nBins = new Int32Array(p);
  const categorical = new Uint8Array(p);
  const edges: Float64Array[] = [];
  const values = new Float64Array(sample.length);
  const which = bins ? new Int32Array(sample.length) : undefined;
  const padded = new Float64Array(256);
  for (let j = 0; j < p; j++) {
    let m = 0;
    for (let k = 0; k < sample.length; k++) {
      const v = X.data[sample[k] * p + j];
      if (v === v) values[m++] = v;
    }
    const col = values.subarray(0, m);
    if (opts.categorical[j]) {
      const nb = categoricalBinCount(X, j, rows, opts.maxBins);
      if (nb > 0) {
        categorical[j] = 1;
        nBins[j] = nb;
        edges.push(new Float64Array(0));
        if (bins) binColumn(bins, X, rows, j, nb, null, padded);
        continue;
      }
    }
    // Few distinct values (most columns): counted in a hash table, only they are sorted (~10×
    // faster than sorting the column). Otherwise Float64Array#sort, not stats/sort's radix sort
    // (twice as fast here): that module stays out of the page, which loads this file with the
    // model registry (tests/e2e/browser.ts). Both give the same edges.
    const few = distinctCounts(col, DISTINCT_LIMIT, which);
    const e = few ? edgesOfCounts(few.values, few.counts, m, opts.maxBins) : numericEdges(col.slice().sort(), opts.maxBins);
    edges.push(e);
    const nb = (nBins[j] = e.length + 1);
    if (!bins) continue;
    if (!few || !which) {
      binColumn(bins, X, rows, j, nb, e, padded);
      continue;
    }
    // Every row placed the edges (sample = rows, in order): each distinct value's bin once, then
    // each row's by its value's discovery index; NaN rows were left out of col.
    padded.fill(Infinity).set(e);
    const binOf = Uint8Array.from(few.found, (v) => searchBin(padded, v));
    for (let k = 0, c = 0; k < sample.length; k++) {
      const v = X.data[sample[k] * p + j];
      bins[k * p + j] = v === v ? binOf[which[c++]] : nb;
    }
  }
  const offsets = new Int32Array(p + 1);
  for (let j = 0; j < p; j++) offsets[j + 1] = offsets[j] + nBins[j] + 1;
  return { nFeatures: p, nBins, categorical, edges, offsets };
}

/**
 * Number of category bins for feature j (largest code + 1), or 0 when the codes do not fit in
 * maxBins bins or are not integers (the feature is then binned as a number).
 */
function categoricalBinCount(X: Matrix, j: number, rows: Uint32Array | null, maxBins: number): number {
  const p = X.cols;
  const n = rows ? rows.length : X.rows;
  let maxCode = -1;
  for (let k = 0; k < n; k++) {
    const v = X.data[(rows ? rows[k] : k) * p + j];
    if (v !== v || v < 0) continue;
    if (v !== Math.floor(v) || v >= maxBins) return 0;
    if (v > maxCode) maxCode = v;
  }
  const levels = X.features?.[j]?.levels ?? 0;
  return Math.max(1, Math.min(maxBins, Math.max(levels, maxCode + 1)));
}

/**
 * Upper bin edges of sorted finite values. Few distinct values: one bin each (edges at the
 * midpoints). Otherwise equal-frequency (quantile) bins over the distinct values, as
 * LightGBM's greedy binning: the target size is recomputed after every cut (remaining rows /
 * remaining bins) and a value frequent enough to fill a bin gets one of its own, so heavy ties
 * do not waste bins (plain percentiles collapse onto repeated values and leave bins unused).
 */
export function numericEdges(sorted: Float64Array, maxBins: number): Float64Array {
  const n = sorted.length;
  if (n === 0) return new Float64Array(0);
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) counts[counts.length - 1]++;
    else {
      values.push(sorted[i]);
      counts.push(1);
    }
  }
  return edgesOfCounts(values, counts, n, maxBins);
}

/** Distinct values counted before the column is sorted instead (a hash table of 4× as many slots). */
const DISTINCT_LIMIT = 4096;
const scratch = new Float64Array(1);
const scratchBits = new Int32Array(scratch.buffer);

/**
 * The distinct values of finite `col`, ascending, with their counts — or null as soon as there
 * are more than `limit`. A run of zeros is represented as the sorted column's would be: by −0
 * when the column holds one (it sorts first), else +0.
 */
export function distinctCounts(
  col: Float64Array,
  limit: number,
  /** When given: which distinct value (in order of discovery, `found`) each element of col is. */
  which?: Int32Array,
): { values: Float64Array; counts: Int32Array; found: Float64Array } | null {
  let size = 16;
  while (size < limit * 4) size <<= 1;
  const mask = size - 1;
  const keys = new Float64Array(size);
  const counts = new Int32Array(size); // 0 = empty slot
  const order = new Int32Array(limit);
  const slotIndex = new Int32Array(size);
  let nd = 0;
  let negativeZero = false;
  for (let i = 0; i < col.length; i++) {
    let v = col[i];
    if (v === 0) {
      if (1 / v < 0) negativeZero = true;
      v = 0;
    }
    scratch[0] = v;
    let h = Math.imul(scratchBits[0] ^ Math.imul(scratchBits[1], 0x9e3779b1), 0x85ebca6b);
    h = (h ^ (h >>> 15)) & mask;
    while (counts[h] !== 0 && keys[h] !== v) h = (h + 1) & mask;
    if (counts[h] === 0) {
      if (nd === limit) return null;
      keys[h] = v;
      slotIndex[h] = nd;
      order[nd++] = h;
    }
    counts[h]++;
    if (which) which[i] = slotIndex[h];
  }
  const found = new Float64Array(nd);
  for (let k = 0; k < nd; k++) found[k] = keys[order[k]];
  const values = found.slice().sort();
  const out = new Int32Array(nd);
  for (let k = 0; k < nd; k++) {
    const v = values[k];
    scratch[0] = v;
    let h = Math.imul(scratchBits[0] ^ Math.imul(scratchBits[1], 0x9e3779b1), 0x85ebca6b);
    h = (h ^ (h >>> 15)) & mask;
    while (keys[h] !== v) h = (h + 1) & mask;
    out[k] = counts[h];
    if (v === 0 && negativeZero) values[k] = -0;
  }
  return { values, counts: out, found };
}

/** numericEdges from the distinct sorted values and their counts (n values in all). */
function edgesOfCounts(values: ArrayLike<number>, counts: ArrayLike<number>, n: number, maxBins: number): Float64Array {
  const nd = values.length;
  if (nd === 0) return new Float64Array(0);
  const out: number[] = [];
  if (nd <= maxBins) {
    for (let k = 1; k < nd; k++) out.push(midpoint(values[k - 1], values[k]));
    return Float64Array.from(out);
  }
  let remainingRows = n;
  let remainingBins = maxBins;
  let acc = 0;
  for (let k = 0; k < nd - 1 && remainingBins > 1; k++) {
    acc += counts[k];
    const target = remainingRows / remainingBins;
    const distinctLeft = nd - 1 - k;
    // Cut when this bin is full (rounding to the nearer size), when the next value deserves a
    // bin of its own, or when each remaining value can have its own bin.
    if (acc + counts[k + 1] / 2 > target || counts[k + 1] >= target || distinctLeft <= remainingBins - 1) {
      out.push(midpoint(values[k], values[k + 1]));
      remainingRows -= acc;
      remainingBins--;
      acc = 0;
    }
  }
  return Float64Array.from(out);
}

function midpoint(a: number, b: number): number {
  const m = a + (b - a) / 2;
  return m < b ? m : a;
}

/** Bin of one value of feature j. */
export function binValue(b: Binning, j: number, v: number): number {
  const nb = b.nBins[j];
  if (v !== v) return nb;
  if (b.categorical[j]) return v >= 0 && v < nb && v === Math.floor(v) ? v : nb;
  // The number of edges below v.
  return lowerBound(b.edges[j], v);
}

/**
 * Bins the rows `rows` of X (all when null) into a row-major Uint8Array: the bin of binned row
 * k, feature j is at k·p + j (a row's bins share a cache line, which suits row-wise histogram
 * building and tree traversal).
 */
export function binMatrix(X: Matrix, rows: Uint32Array | null, b: Binning): Uint8Array {
  const out = new Uint8Array(X.cols * (rows ? rows.length : X.rows));
  const padded = new Float64Array(256);
  for (let j = 0; j < X.cols; j++) binColumn(out, X, rows, j, b.nBins[j], b.categorical[j] ? null : b.edges[j], padded);
  return out;
}

/** Bins feature j of the rows into out (row-major): by category code when `edges` is null, else by the edges. */
function binColumn(out: Uint8Array, X: Matrix, rows: Uint32Array | null, j: number, nb: number, edges: Float64Array | null, padded: Float64Array): void {
  const p = X.cols;
  const m = rows ? rows.length : X.rows;
  const d = X.data;
  if (edges === null) {
    for (let k = 0; k < m; k++) {
      const v = d[(rows ? rows[k] : k) * p + j];
      out[k * p + j] = v >= 0 && v < nb && v === Math.floor(v) ? v : nb;
    }
    return;
  }
  const e = padded.fill(Infinity);
  e.set(edges);
  for (let k = 0; k < m; k++) {
    const v = d[(rows ? rows[k] : k) * p + j];
    out[k * p + j] = v !== v ? nb : searchBin(e, v);
  }
}

/**
 * The number of edges below v: lowerBound over edges padded with +∞ to 255, in eight fixed steps
 * without a branch on the data (a binary search mispredicts about half of its steps; 1.8× faster).
 */
function searchBin(e: Float64Array, v: number): number {
  let pos = 0;
  pos += e[pos + 127] < v ? 128 : 0;
  pos += e[pos + 63] < v ? 64 : 0;
  pos += e[pos + 31] < v ? 32 : 0;
  pos += e[pos + 15] < v ? 16 : 0;
  pos += e[pos + 7] < v ? 8 : 0;
  pos += e[pos + 3] < v ? 4 : 0;
  pos += e[pos + 1] < v ? 2 : 0;
  pos += e[pos] < v ? 1 : 0;
  return pos;
}

/** Column-major copy of row-major bins (nRows × p): feature j of row i at j·nRows + i. */
export function transposeBins(bins: Uint8Array, nRows: number, p: number): Uint8Array {
  const out = new Uint8Array(bins.length);
  for (let j = 0; j < p; j++) {
    const base = j * nRows;
    for (let i = 0; i < nRows; i++) out[base + i] = bins[i * p + j];
  }
  return out;
}
