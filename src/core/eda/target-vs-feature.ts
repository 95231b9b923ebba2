/**
 * How the target moves with one feature, as small aggregates a chart can draw directly:
 * - numeric feature: a gx×gy grid of counts in data space (a density heatmap / binned scatter),
 *   the target's mean per x bin (a trend line), and up to `maxPoints` rows for a plain scatter
 *   (all of them when there are few, else a seeded sample);
 * - categorical feature: per level, box-plot statistics of the target.
 */
import type { CategoricalColumn, NumericColumn, Table } from '../data/types';
import { InvalidParamsError } from '../errors';
import { Rng } from '../random';
import { findColumn, findNumeric } from './columns';
import { argsortFinite } from '../stats/sort';
import { quantileSorted } from '../data/quantile';
import { checkInt, withDefaults } from './stats';

export interface TargetVsFeatureOptions {
  /** Grid columns along the feature (x) axis, 2–200. Default 40. */
  gridX?: number;
  /** Grid rows along the target (y) axis, 2–200. Default 40. */
  gridY?: number;
  /** Most points returned for a plain scatter, 0–20,000: all rows when there are at most this many, else a seeded sample of this size. Default 5,000. */
  maxPoints?: number;
  /** Seed of the point sample. Default 0. */
  seed?: number;
  /** Numeric feature: bin the feature on log10 (for positive, right-skewed features); rows with a value ≤ 0 are dropped. Default false. */
  logX?: boolean;
  /** Bin the target on log10 (e.g. prices); rows with a target ≤ 0 are dropped. Numeric features only. Default false. */
  logY?: boolean;
  /** Categorical feature: level order of the boxes (e.g. an ordinal order, lowest first). Levels not listed follow in the column's order. Default: the column's level order. */
  order?: string[];
  /** Categorical feature: most boxes drawn (1–500); the least frequent levels beyond it are merged into one "other" box. Default 50. */
  maxLevels?: number;
}

export const TARGET_VS_FEATURE_DEFAULTS: Required<TargetVsFeatureOptions> = {
  gridX: 40,
  gridY: 40,
  maxPoints: 5000,
  seed: 0,
  logX: false,
  logY: false,
  order: [],
  maxLevels: 50,
};

function resolveOptions(o: TargetVsFeatureOptions): Required<TargetVsFeatureOptions> {
  const r = withDefaults(TARGET_VS_FEATURE_DEFAULTS, o);
  checkInt('gridX', r.gridX, 2, 200);
  checkInt('gridY', r.gridY, 2, 200);
  checkInt('maxPoints', r.maxPoints, 0, 20000);
  checkInt('seed', r.seed, 0, 0xffffffff);
  checkInt('maxLevels', r.maxLevels, 1, 500);
  for (const field of ['logX', 'logY'] as const)
    if (typeof r[field] !== 'boolean')
      throw new InvalidParamsError('invalid-param', `${field}: must be true or false; got ${String(r[field])}.`, { field });
  if (!Array.isArray(r.order) || r.order.some((s) => typeof s !== 'string'))
    throw new InvalidParamsError('invalid-param', 'order: must be a list of level names.', { field: 'order' });
  return r;
}

export interface DensityGrid {
  /** How the edges are spaced: 'log' means evenly in log10 (draw that axis on a log scale). */
  xScale: 'linear' | 'log';
  yScale: 'linear' | 'log';
  /** gx+1 edges along the feature, in data units. */
  xEdges: number[];
  /** gy+1 edges along the target, in data units. */
  yEdges: number[];
  /** gy×gx row-major: counts[yi * gx + xi] rows fall in x bin xi and y bin yi (last bins closed). */
  counts: Uint32Array;
  /** Largest cell count (for a colour scale). */
  maxCount: number;
}

export interface BinnedMean {
  /** Centre of each x bin (the grid's x bins; the geometric centre on a log scale). */
  x: number[];
  /** Mean target in the bin, in data units; NaN for an empty bin. */
  mean: number[];
  count: number[];
}

export interface NumericFeatureView {
  kind: 'numeric';
  target: string;
  feature: string;
  /** Rows with both values present (the ones drawn). */
  n: number;
  /** Rows left out because the target or the feature is missing (or ≤ 0 on a log axis). */
  dropped: number;
  grid: DensityGrid;
  meanLine: BinnedMean;
  /** Scatter points (row order kept): x = feature, y = target, row = 1-based data row. */
  points: { x: Float64Array; y: Float64Array; row: Uint32Array; sampled: boolean };
}

export interface BoxStats {
  level: string;
  /** True for the merged box of levels beyond `maxLevels`. */
  other: boolean;
  count: number;
  mean: number;
  min: number;
  /** Smallest value ≥ Q1 − 1.5·IQR. */
  lowerWhisker: number;
  q1: number;
  median: number;
  q3: number;
  /** Largest value ≤ Q3 + 1.5·IQR. */
  upperWhisker: number;
  max: number;
  /** Values beyond the whiskers. */
  outliers: number;
}

export interface CategoricalFeatureView {
  kind: 'categorical';
  target: string;
  feature: string;
  n: number;
  dropped: number;
  /** One box per level that occurs, in level order (see `order`); the merged "other" box last. Empty levels are left out. */
  groups: BoxStats[];
}

export type TargetVsFeature = NumericFeatureView | CategoricalFeatureView;

export function targetVsFeature(table: Table, target: string, feature: string, opts: TargetVsFeatureOptions = {}): TargetVsFeature {
  const o = resolveOptions(opts);
  const t = findNumeric(table, target, 'target');
  const f = findColumn(table, feature, 'feature');
  return f.type === 'numeric' ? numericView(t, f, o) : categoricalView(t, f, o);
}

function numericView(t: NumericColumn, f: NumericColumn, o: Required<TargetVsFeatureOptions>): NumericFeatureView {
  // Binning happens on xs/ys (log10 of the values on a log axis, NaN for values ≤ 0); sums and
  // points use the raw values.
  const rawX = f.values;
  const rawY = t.values;
  const xs = o.logX ? log10OrNaN(rawX) : rawX;
  const ys = o.logY ? log10OrNaN(rawY) : rawY;
  const rows = ys.length;
  let n = 0;
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let i = 0; i < rows; i++) {
    const x = xs[i];
    const y = ys[i];
    if (x - x !== 0 || y - y !== 0) continue;
    n++;
    if (x < xMin) xMin = x;
    if (x > xMax) xMax = x;
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
  }
  const gx = o.gridX;
  const gy = o.gridY;
  const counts = new Uint32Array(gx * gy);
  const sums = new Float64Array(gx);
  const colCounts = new Float64Array(gx);
  let xEdges: number[] = [];
  let yEdges: number[] = [];
  if (n > 0) {
    xEdges = edgesOf(xMin, xMax, gx);
    yEdges = edgesOf(yMin, yMax, gy);
    // Bin = floor(v·s − e0·s) with s = 1 / width; width as e_n/n − e0/n so that ±1e308 cannot overflow.
    const sx = 1 / (xEdges[gx] / gx - xEdges[0] / gx);
    const sy = 1 / (yEdges[gy] / gy - yEdges[0] / gy);
    const ox = xEdges[0] * sx;
    const oy = yEdges[0] * sy;
    for (let i = 0; i < rows; i++) {
      const x = xs[i];
      const y = ys[i];
      if (x - x !== 0 || y - y !== 0) continue;
      let bx = Math.floor(x * sx - ox);
      if (bx >= gx) bx = gx - 1;
      else if (!(bx >= 0)) bx = 0;
      let by = Math.floor(y * sy - oy);
      if (by >= gy) by = gy - 1;
      else if (!(by >= 0)) by = 0;
      counts[by * gx + bx]++;
      sums[bx] += rawY[i];
      colCounts[bx]++;
    }
  }
  const xBins = xEdges.slice();
  if (o.logX) xEdges = xEdges.map((e) => Math.pow(10, e));
  if (o.logY) yEdges = yEdges.map((e) => Math.pow(10, e));
  let maxCount = 0;
  for (let k = 0; k < counts.length; k++) if (counts[k] > maxCount) maxCount = counts[k];
  const meanLine: BinnedMean = { x: [], mean: [], count: [] };
  if (n > 0)
    for (let b = 0; b < gx; b++) {
      const mid = (xBins[b] + xBins[b + 1]) / 2;
      meanLine.x.push(o.logX ? Math.pow(10, mid) : mid);
      meanLine.mean.push(colCounts[b] > 0 ? sums[b] / colCounts[b] : NaN);
      meanLine.count.push(colCounts[b]);
    }
  return {
    kind: 'numeric',
    target: t.name,
    feature: f.name,
    n,
    dropped: rows - n,
    grid: { xScale: o.logX ? 'log' : 'linear', yScale: o.logY ? 'log' : 'linear', xEdges, yEdges, counts, maxCount },
    meanLine,
    points: samplePoints(xs, ys, rawX, rawY, n, o.maxPoints, o.seed),
  };
}

function log10OrNaN(v: Float64Array): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] > 0 ? Math.log10(v[i]) : NaN;
  return out;
}

function edgesOf(min: number, max: number, bins: number): number[] {
  let lo = min;
  let hi = max;
  if (hi === lo) {
    const pad = lo === 0 ? 0.5 : Math.abs(lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  const e = new Array<number>(bins + 1);
  for (let i = 0; i <= bins; i++) e[i] = lo * (1 - i / bins) + hi * (i / bins); // cannot overflow near ±1e308
  e[bins] = hi;
  return e;
}

/**
 * All complete rows (present in xs and ys) when n ≤ k, else k of them chosen by Floyd's
 * algorithm with a seeded Rng, in row order; the points carry the raw values.
 */
function samplePoints(
  xs: Float64Array,
  ys: Float64Array,
  rawX: Float64Array,
  rawY: Float64Array,
  n: number,
  k: number,
  seed: number,
): NumericFeatureView['points'] {
  const sampled = n > k;
  const m = sampled ? k : n;
  // pick[j] = 1 when the j-th complete row is kept.
  let pick: Uint8Array | null = null;
  if (sampled) {
    pick = new Uint8Array(n);
    const rng = new Rng(seed);
    for (let j = n - k; j < n; j++) {
      const r = rng.nextInt(j + 1);
      if (pick[r]) pick[j] = 1;
      else pick[r] = 1;
    }
  }
  const x = new Float64Array(m);
  const y = new Float64Array(m);
  const row = new Uint32Array(m);
  let j = 0;
  let o = 0;
  for (let i = 0; i < xs.length && o < m; i++) {
    const a = xs[i];
    const b = ys[i];
    if (a - a !== 0 || b - b !== 0) continue;
    if (pick === null || pick[j]) {
      x[o] = rawX[i];
      y[o] = rawY[i];
      row[o] = i + 1;
      o++;
    }
    j++;
  }
  return { x, y, row, sampled };
}

function categoricalView(t: NumericColumn, f: CategoricalColumn, o: Required<TargetVsFeatureOptions>): CategoricalFeatureView {
  const codes = f.codes;
  const ys = t.values;
  const k = f.levels.length;
  const rows = ys.length;
  // Per level count of complete rows.
  const counts = new Float64Array(k);
  let n = 0;
  for (let i = 0; i < rows; i++) {
    const c = codes[i];
    const y = ys[i];
    if (c < 0 || c >= k || y - y !== 0) continue;
    counts[c]++;
    n++;
  }
  let shown = levelOrder(f.levels, o.order).filter((c) => counts[c] > 0);
  let hasOther = false;
  if (shown.length > o.maxLevels) {
    const keep = new Set([...shown].sort((a, b) => counts[b] - counts[a] || a - b).slice(0, o.maxLevels));
    shown = shown.filter((c) => keep.has(c));
    hasOther = true;
  }
  // group[c]: box index of level c (the "other" box is last). The target is sorted once; walking
  // it in order and appending each value to its box's segment leaves every segment sorted.
  const g = shown.length + (hasOther ? 1 : 0);
  const group = new Int32Array(k).fill(hasOther ? shown.length : -1);
  shown.forEach((c, i) => (group[c] = i));
  const start = new Float64Array(g + 1);
  for (let c = 0; c < k; c++) if (group[c] >= 0) start[group[c] + 1] += counts[c];
  for (let b = 0; b < g; b++) start[b + 1] += start[b];
  const pos = start.slice(0, g);
  const grouped = new Float64Array(start[g]);
  const { sorted, order } = argsortFinite(ys);
  for (let t = 0; t < sorted.length; t++) {
    const c = codes[order[t]];
    if (c < 0 || c >= k || group[c] < 0) continue;
    grouped[pos[group[c]]++] = sorted[t];
  }
  const groups: BoxStats[] = [];
  for (let b = 0; b < g; b++) {
    const seg = grouped.subarray(start[b], start[b + 1]);
    const other = b === shown.length;
    groups.push(boxStats(other ? 'other' : f.levels[shown[b]], other, seg));
  }
  return { kind: 'categorical', target: t.name, feature: f.name, n, dropped: rows - n, groups };
}

/** Codes of `levels` in display order: those named in `order` first (as listed), then the rest in column order. */
export function levelOrder(levels: readonly string[], order: readonly string[]): number[] {
  const index = new Map(levels.map((l, i) => [l, i]));
  const ordered: number[] = [];
  const placed = new Uint8Array(levels.length);
  for (const l of order) {
    const c = index.get(l);
    if (c !== undefined && !placed[c]) {
      ordered.push(c);
      placed[c] = 1;
    }
  }
  for (let c = 0; c < levels.length; c++) if (!placed[c]) ordered.push(c);
  return ordered;
}

/** Box-plot statistics (Tukey whiskers at 1.5·IQR) of sorted, non-empty values. */
export function boxStats(level: string, other: boolean, s: Float64Array): BoxStats {
  const count = s.length;
  let sum = 0;
  for (let i = 0; i < count; i++) sum += s[i];
  const q1 = quantileSorted(s, 0.25);
  const q3 = quantileSorted(s, 0.75);
  const lo = q1 - 1.5 * (q3 - q1);
  const hi = q3 + 1.5 * (q3 - q1);
  let a = 0;
  while (a < count && s[a] < lo) a++;
  let b = count - 1;
  while (b >= 0 && s[b] > hi) b--;
  return {
    level,
    other,
    count,
    mean: count ? sum / count : NaN,
    min: count ? s[0] : NaN,
    lowerWhisker: count ? s[a] : NaN,
    q1,
    median: quantileSorted(s, 0.5),
    q3,
    upperWhisker: count ? s[b] : NaN,
    max: count ? s[count - 1] : NaN,
    outliers: a + (count - 1 - b),
  };
}
