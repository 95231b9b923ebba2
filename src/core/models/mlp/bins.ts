/**
 * Piecewise-linear encodings of many-valued inputs, added beside the inputs themselves (MlpOptions
 * `numericBins`; Gorishniy, Rubachev & Babenko 2022, "On Embeddings for Numerical Features in
 * Tabular Deep Learning"). A network's first layer sees a standardized number through one weight
 * per unit, so a price that bends at every carat step must be built from ReLU kinks; with the
 * column's range cut at its training quantiles, value x also enters as one number per bin t,
 *
 *   clip((x − e_t) / (e_{t+1} − e_t), 0, 1)
 *
 * (0 below the bin, 1 above it, the position inside it) — each bin gets weights of its own, and
 * the encoding stays continuous and monotone in x. A missing value gives 0 in every bin.
 *
 * Encoded are the columns with more distinct training values than bins (fewer: ordinal codes and
 * flags, which `oneHotLevels` serves). Their edges (MlpOptions `binEdges`) are
 *   - 'quantile': the values at quantiles 0, 1/B, …, 1 of the training rows, ties merged, so a
 *     column may get fewer than B bins;
 *   - 'tree': the training minimum and maximum and, between them, the cuts of a regression tree
 *     grown on that column alone, best split first, to at most B leaves of at least n / (4B) rows
 *     each (the paper's target-aware bins): the bins fall where the target changes, not where the
 *     rows are dense. A regressor's tree lowers squared error; a classifier's lowers it on the
 *     classes' indicators (the Gini impurity).
 */
import type { StateReader, StateRecord } from '../state';
import type { Matrix } from '../types';
import { appendPerColumn, distinctValues } from './added-columns';

/** Per encoded column: its index among the inputs and its bin edges, strictly ascending (bins = edges − 1). */
export interface Bins {
  columns: number[];
  edges: Float64Array[];
}

/** Where bin edges are cut: at quantiles, or by a per-column tree on the target. */
export type BinEdges = 'quantile' | 'tree';

/**
 * What a 'tree' cut lowers the impurity of: a regressor's targets (`classes` 0), or a
 * classifier's class codes 0..classes − 1 (their indicators).
 */
export interface BinTarget {
  y: Float64Array;
  classes: number;
  /** The rows the tree learns from (an early-stopping fit's training rows); default: all. */
  rows?: Uint32Array;
}

/**
 * The columns of X with more than `bins` distinct non-missing values and their edges (at
 * quantiles; or, given the target, where a tree on each column cuts it); undefined when
 * `bins` < 2 or no column qualifies.
 */
export function learnBins(X: Matrix, bins: number, how: BinEdges = 'quantile', target?: BinTarget): Bins | undefined {
  if (bins < 2) return undefined;
  if (how === 'tree' && !target) throw new Error('Tree-cut bins need the target.');
  const { data, rows, cols } = X;
  const columns: number[] = [];
  const edges: Float64Array[] = [];
  for (let j = 0; j < cols; j++) {
    if (distinctValues(X, j, bins).size <= bins) continue;
    // Quantiles of every row's value (no target involved); a tree learns from the target's rows.
    const from = how === 'tree' ? target!.rows : undefined;
    const present: number[] = [];
    for (let t = 0, m = from ? from.length : rows; t < m; t++) {
      const i = from ? from[t] : t;
      if (data[i * cols + j] === data[i * cols + j]) present.push(i);
    }
    columns.push(j);
    if (how === 'quantile') {
      // Quantiles need only the values, sorted natively (no row order to carry).
      edges.push(quantileEdges(Float64Array.from(present, (i) => data[i * cols + j]).sort(), bins));
      continue;
    }
    // The rows with a value, in ascending order of it.
    const order = Uint32Array.from(present).sort((a, b) => data[a * cols + j] - data[b * cols + j]);
    edges.push(treeEdges(Float64Array.from(order, (i) => data[i * cols + j]), order, target!, bins));
  }
  return columns.length > 0 ? { columns, edges } : undefined;
}

/** The values at quantiles 0, 1/B, …, 1 of the ascending `sorted`, ties merged. */
function quantileEdges(sorted: Float64Array, bins: number): Float64Array {
  const n = sorted.length;
  const e: number[] = [];
  for (let t = 0; t <= bins; t++) {
    const v = sorted[Math.round((t * (n - 1)) / bins)];
    if (e.length === 0 || v > e[e.length - 1]) e.push(v);
  }
  return Float64Array.from(e);
}

/**
 * The minimum, the cuts of a best-first regression tree on one column (at most `bins` leaves of
 * at least ceil(n / (4·bins)) rows, a cut only between distinct values, at their midpoint) and
 * the maximum. `sorted` holds the column's values ascending; `order` the rows they come from.
 */
function treeEdges(sorted: Float64Array, order: Uint32Array, target: BinTarget, bins: number): Float64Array {
  const n = sorted.length;
  // Prefix sums of the target (k = 1: y and y²) or of the class indicators (k classes; Σ of squares = count).
  const k = target.classes > 0 ? target.classes : 1;
  const sum = new Float64Array((n + 1) * k);
  const sq = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const v = target.y[order[i]];
    sum.copyWithin((i + 1) * k, i * k, i * k + k);
    if (target.classes > 0) {
      sum[(i + 1) * k + v]++;
      sq[i + 1] = sq[i] + 1;
    } else {
      sum[i + 1] += v;
      sq[i + 1] = sq[i] + v * v;
    }
  }
  /** Squared error of rows [a, b) about their mean (per indicator, summed). */
  const sse = (a: number, b: number): number => {
    let s = sq[b] - sq[a];
    for (let c = 0; c < k; c++) s -= (sum[b * k + c] - sum[a * k + c]) ** 2 / (b - a);
    return s;
  };
  const minRows = Math.ceil(n / (4 * bins));
  /** The best cut of rows [a, b): the first row of its right side (−1: none) and its gain. */
  const bestCut = (a: number, b: number): { a: number; b: number; at: number; gain: number } => {
    const whole = sse(a, b);
    let at = -1;
    let gain = 0;
    for (let m = a + minRows; m <= b - minRows; m++) {
      if (sorted[m] === sorted[m - 1]) continue;
      const g = whole - sse(a, m) - sse(m, b);
      if (g > gain) (gain = g), (at = m);
    }
    return { a, b, at, gain };
  };
  const leaves = [bestCut(0, n)];
  const cuts: number[] = [];
  while (leaves.length < bins) {
    let best = -1;
    for (let l = 0; l < leaves.length; l++) if (leaves[l].at >= 0 && (best < 0 || leaves[l].gain > leaves[best].gain)) best = l;
    if (best < 0) break;
    const { a, b, at } = leaves[best];
    cuts.push((sorted[at - 1] + sorted[at]) / 2);
    leaves.splice(best, 1, bestCut(a, at), bestCut(at, b));
  }
  // A midpoint of two neighbouring doubles may round onto one of them: ties merged, as for quantiles.
  const e: number[] = [];
  for (const v of [sorted[0], ...cuts.sort((x, y) => x - y), sorted[n - 1]]) if (e.length === 0 || v > e[e.length - 1]) e.push(v);
  return Float64Array.from(e);
}

/** How many columns `withBins` appends. */
export function binCount(b: Bins | undefined): number {
  return b ? b.edges.reduce((s, e) => s + e.length - 1, 0) : 0;
}

/** One encoded value: x's position in bin [lo, lo + width], clipped to [0, 1]; 0 when x is missing. */
export function binValue(x: number, lo: number, width: number): number {
  if (x !== x) return 0;
  const u = (x - lo) / width;
  return u <= 0 ? 0 : u >= 1 ? 1 : u;
}

/**
 * X's columns followed by the encodings, column by column and bin by bin (the columns index X's
 * first columns, so X may already carry other appended inputs); X itself when there are none.
 */
export function withBins(X: Matrix, b: Bins | undefined): Matrix {
  if (!b) return X;
  const widths = b.edges.map((e) => Float64Array.from({ length: e.length - 1 }, (_, t) => e[t + 1] - e[t]));
  return appendPerColumn(
    X,
    b.columns,
    widths.map((w) => w.length),
    (c, x, out, at) => {
      const e = b.edges[c];
      const w = widths[c];
      for (let t = 0; t < w.length; t++) out[at + t] = binValue(x, e[t], w[t]);
    },
  );
}

/** The encodings as stored in a bundle (absent when there are none). */
export function binsRecord(b: Bins | undefined): StateRecord {
  return b ? { bins: { columns: [...b.columns], edges: b.edges.map((e) => e.slice()) } } : {};
}

/**
 * The stored encodings (absent: none), their edges checked, naming the field; their columns are
 * checked against the network's inputs by its reader (network-state.ts `readNetwork`).
 */
export function readBins(r: StateReader): Bins | undefined {
  if (!r.has('bins')) return undefined;
  const o = r.object('bins');
  const columns = o.numbers('columns', { integer: true, min: 0 });
  const edges = o.typedList('edges', Float64Array, columns.map(() => undefined)).map((e) => e.slice());
  edges.forEach((e, c) => {
    if (e.length < 2) o.fail(`edges[${c}]`, `holds ${e.length} values; a bin needs two edges.`);
    for (let k = 1; k < e.length; k++) if (!(e[k] > e[k - 1])) o.fail(`edges[${c}]`, 'must be finite numbers in strictly ascending order.');
  });
  return { columns, edges };
}
