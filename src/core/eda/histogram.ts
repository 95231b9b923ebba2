/**
 * Histograms with a bounded number of bins, built from sorted finite values.
 *
 * Default binning is Freedman–Diaconis (bin width 2·IQR·n^(−1/3)), rounded to a "nice" width
 * (1, 2 or 5 × 10^k) with edges on multiples of it so that axis labels read well, and capped at
 * `maxBins`. A fixed bin count gives exactly that many equal-width bins over [min, max].
 * Log binning does the same on log10 of the positive values; edges are reported in data units.
 */
import { InvalidParamsError } from '../errors';
import { quantileSorted } from '../data/quantile';
import { upperBound } from '../stats/search';
import { checkInt, withDefaults } from './stats';

export interface HistogramOptions {
  /** 'fd' (Freedman–Diaconis, nice edges) or a fixed number of equal-width bins over [min, max]. Default 'fd'. */
  bins?: 'fd' | number;
  /** Upper bound on the number of bins (1–1000). Default 60. */
  maxBins?: number;
  /** Bin log10 of the positive values (for positive, right-skewed data); non-positive values are counted in `excluded`. Default false. */
  log?: boolean;
}

export const HISTOGRAM_DEFAULTS: Required<HistogramOptions> = { bins: 'fd', maxBins: 60, log: false };

export function resolveHistogramOptions(o: HistogramOptions = {}): Required<HistogramOptions> {
  const r = withDefaults(HISTOGRAM_DEFAULTS, o);
  if (r.bins !== 'fd') checkInt('bins', r.bins, 1, 1000);
  checkInt('maxBins', r.maxBins, 1, 1000);
  if (typeof r.log !== 'boolean')
    throw new InvalidParamsError('invalid-param', `log: must be true or false; got ${String(r.log)}.`, { field: 'log' });
  return r;
}

export interface Histogram {
  /** 'log': edges are spaced evenly in log10 but given in data units; draw on a log x axis. */
  scale: 'linear' | 'log';
  /** Bin edges in data units, ascending, length = counts.length + 1. Bins are [e_i, e_i+1), the last one closed. Empty when no value could be binned. */
  edges: number[];
  counts: number[];
  /** Values left out: non-positive values under log binning. Missing values are never counted here. */
  excluded: number;
}

/** Histogram of sorted finite values. */
export function histogramSorted(sorted: Float64Array, opts: Required<HistogramOptions>): Histogram {
  let s = sorted;
  let excluded = 0;
  if (opts.log) {
    const start = upperBound(sorted, 0);
    excluded = start;
    s = new Float64Array(sorted.length - start);
    for (let i = start; i < sorted.length; i++) s[i - start] = Math.log10(sorted[i]);
  }
  const scale = opts.log ? 'log' : 'linear';
  const n = s.length;
  if (n === 0) return { scale, edges: [], counts: [], excluded };
  const min = s[0];
  const max = s[n - 1];
  let edges: number[];
  if (opts.bins !== 'fd') edges = fixedEdges(min, max, opts.bins);
  else {
    const iqr = quantileSorted(s, 0.75) - quantileSorted(s, 0.25);
    const h = (2 * iqr) / Math.cbrt(n);
    let bins = h > 0 ? Math.ceil((max - min) / h) : Math.ceil(Math.log2(n)) + 1; // Sturges when IQR is 0
    bins = Math.max(1, Math.min(opts.maxBins, bins));
    edges = niceEdges(min, max, bins, opts.maxBins);
  }
  const counts = countSorted(s, edges);
  if (opts.log) for (let i = 0; i < edges.length; i++) edges[i] = Math.pow(10, edges[i]);
  return { scale, edges, counts, excluded };
}

function fixedEdges(min: number, max: number, bins: number): number[] {
  let lo = min;
  let hi = max;
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = new Array<number>(bins + 1);
  // A weighted mean of lo and hi: unlike lo + i·(hi − lo)/bins it cannot overflow near ±1e308.
  for (let i = 0; i <= bins; i++) edges[i] = lo * (1 - i / bins) + hi * (i / bins);
  edges[bins] = hi;
  return edges;
}

/** Smallest 1·10^k, 2·10^k or 5·10^k that is ≥ w. */
function niceStep(w: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(w)));
  for (const m of [1, 2, 5, 10]) if (m * p >= w * (1 - 1e-12)) return m * p;
  return 10 * p;
}

/**
 * About `bins` equal bins of a nice width covering [min, max], edges on multiples of the width,
 * never more than maxBins. Edges are rounded to 12 significant digits (no 0.30000000000000004).
 */
function niceEdges(min: number, max: number, bins: number, maxBins: number): number[] {
  if (max === min) {
    const step = min === 0 ? 1 : niceStep(Math.abs(min) / 10);
    return [clean(min - step / 2), clean(min + step / 2)];
  }
  let step = niceStep(max / bins - min / bins);
  // Ranges near the limits of doubles (overflowing or subnormal) get plain equal-width bins.
  for (let attempt = 0; attempt < 40 && step > 0 && Number.isFinite(step) && Number.isFinite(max - min); attempt++) {
    const lo = Math.floor(min / step) * step;
    let k = Math.ceil((max - lo) / step);
    if (k < 1) k = 1;
    if (lo + k * step < max) k++; // rounding: the last edge must reach max
    if (k <= maxBins) {
      const edges = new Array<number>(k + 1);
      for (let i = 0; i <= k; i++) edges[i] = clean(lo + i * step);
      return edges;
    }
    step = niceStep(step * 1.5);
  }
  return fixedEdges(min, max, bins);
}

function clean(v: number): number {
  return Number(v.toPrecision(12));
}

/** Counts of sorted values per bin; one pass, bins located by arithmetic with a boundary fix-up. */
function countSorted(s: Float64Array, edges: number[]): number[] {
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  const lo = edges[0];
  const inv = 1 / (edges[bins] / bins - lo / bins);
  const off = lo * inv;
  for (let i = 0; i < s.length; i++) {
    const v = s[i];
    let b = Math.floor(v * inv - off);
    if (!(b >= 0)) b = 0; // also NaN, from a subnormal range
    else if (b >= bins) b = bins - 1;
    // Floating-point division can land one bin off next to an edge.
    if (v < edges[b] && b > 0) b--;
    else if (b < bins - 1 && v >= edges[b + 1]) b++;
    counts[b]++;
  }
  return counts;
}
