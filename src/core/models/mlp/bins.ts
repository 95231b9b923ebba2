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
 * flags, which `oneHotLevels` serves); their edges are the values at quantiles 0, 1/B, …, 1 of
 * the training rows, ties merged, so a column may get fewer than B bins.
 */
import type { StateReader, StateRecord } from '../state';
import type { Matrix } from '../types';
import { appendPerColumn, distinctValues } from './added-columns';

/** Per encoded column: its index among the inputs and its bin edges, strictly ascending (bins = edges − 1). */
export interface Bins {
  columns: number[];
  edges: Float64Array[];
}

/**
 * The columns of X with more than `bins` distinct non-missing values and their quantile edges;
 * undefined when `bins` < 2 or no column qualifies.
 */
export function learnBins(X: Matrix, bins: number): Bins | undefined {
  if (bins < 2) return undefined;
  const { data, rows, cols } = X;
  const columns: number[] = [];
  const edges: Float64Array[] = [];
  for (let j = 0; j < cols; j++) {
    if (distinctValues(X, j, bins).size <= bins) continue;
    const values: number[] = [];
    for (let i = 0; i < rows; i++) {
      const v = data[i * cols + j];
      if (v === v) values.push(v);
    }
    const sorted = Float64Array.from(values).sort();
    const n = sorted.length;
    const e: number[] = [];
    for (let t = 0; t <= bins; t++) {
      const v = sorted[Math.round((t * (n - 1)) / bins)];
      if (e.length === 0 || v > e[e.length - 1]) e.push(v);
    }
    columns.push(j);
    edges.push(Float64Array.from(e));
  }
  return columns.length > 0 ? { columns, edges } : undefined;
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
