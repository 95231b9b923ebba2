/**
 * Explore's views of a class target (a classification's labels, or a 0/1 flag): the class balance,
 * and one feature against the classes — per class, box-plot statistics and a histogram on shared
 * edges for a number; per level, the share of each class (stacked proportions) for a label. Classes
 * are named and ordered as training orders them (data/task.ts classLabels: LabelEncoder's order),
 * so Explore, the leaderboard and Predict agree on which class is which. Output size depends on
 * the options and the number of classes, never on the row count.
 */
import { classCodes, classLabels, MAX_CLASSES } from '../data/task';
import type { CategoricalColumn, Column, NumericColumn, Table } from '../data/types';
import { InvalidParamsError } from '../errors';
import { formatCount } from '../format';
import { findColumn } from './columns';
import { histogramSorted, resolveHistogramOptions, type Histogram } from './histogram';
import { checkInt, withDefaults } from './stats';
import { boxStats, levelOrder, type BoxStats } from './target-vs-feature';

/** A class target's codes (index into `classes`; NaN where missing). */
export interface ClassTarget {
  name: string;
  classes: string[];
  codes: Float64Array;
}

/** Reads `name` as a class target; a column with more than MAX_CLASSES values is an InvalidParamsError naming it. */
export function readClassTarget(table: Table, name: string): ClassTarget {
  const col = findColumn(table, name, 'target');
  const classes = classLabels(col);
  if (classes.length > MAX_CLASSES)
    throw new InvalidParamsError(
      'too-many-classes',
      `target: "${name}" has ${formatCount(classes.length)} distinct values, too many to explore as classes (at most ${MAX_CLASSES}); explore it as a number, or pick another target.`,
      { field: 'target', column: name },
    );
  return { name, classes, codes: classCodes(col, classes) };
}

export interface ClassShare {
  label: string;
  count: number;
  /** count / rows with a class. */
  share: number;
}

export interface ClassBalanceOptions {
  /** A class holding less than this share of the rows makes the target imbalanced (0–0.5). Default 0.2. */
  minorityShare?: number;
}

export const CLASS_BALANCE_DEFAULTS: Required<ClassBalanceOptions> = { minorityShare: 0.2 };

export interface ClassBalance {
  kind: 'classes';
  name: string;
  /** All rows, missing included. */
  rows: number;
  missing: number;
  /** Every class, in training's class order. */
  classes: ClassShare[];
  /** The rarest class (the first of them on a tie). */
  minority: ClassShare;
  /** The minority class holds less than `minorityShare` of the rows. */
  imbalanced: boolean;
  minorityShare: number;
}

/** Rows per class of a class target, and whether the rarest class is rare enough to matter. */
export function classBalance(table: Table, target: string, opts: ClassBalanceOptions = {}): ClassBalance {
  const o = withDefaults(CLASS_BALANCE_DEFAULTS, opts);
  if (!(typeof o.minorityShare === 'number' && o.minorityShare >= 0 && o.minorityShare <= 0.5))
    throw new InvalidParamsError('invalid-param', `minorityShare: must be a number from 0 to 0.5; got ${String(o.minorityShare)}.`, { field: 'minorityShare' });
  const t = readClassTarget(table, target);
  const counts = new Float64Array(t.classes.length);
  let missing = 0;
  for (const c of t.codes) {
    if (c !== c) missing++;
    else counts[c]++;
  }
  const present = t.codes.length - missing;
  const classes = t.classes.map((label, k) => ({ label, count: counts[k], share: present ? counts[k] / present : 0 }));
  const minority = classes.reduce((a, b) => (b.count < a.count ? b : a), classes[0] ?? { label: '', count: 0, share: 0 });
  return {
    kind: 'classes',
    name: target,
    rows: t.codes.length,
    missing,
    classes,
    minority,
    imbalanced: classes.length >= 2 && minority.share < o.minorityShare,
    minorityShare: o.minorityShare,
  };
}

export interface FeatureVsClassOptions {
  /** Numeric feature: bins of the per-class histograms, on edges shared by every class (2–200). Default 30. */
  bins?: number;
  /** Categorical feature: most levels shown (1–500); the rarest beyond it merge into "other". Default 30. */
  maxLevels?: number;
  /** Categorical feature: level order (e.g. an ordinal order); levels not listed follow in the column's order. */
  order?: string[];
}

export const FEATURE_VS_CLASS_DEFAULTS: Required<FeatureVsClassOptions> = { bins: 30, maxLevels: 30, order: [] };

/** A numeric feature per class: a box each, and rows per bin of the feature for each class. */
export interface NumericByClass {
  kind: 'numeric-by-class';
  target: string;
  feature: string;
  classes: string[];
  /** Rows with both a class and a feature value. */
  n: number;
  dropped: number;
  /** One per class (count 0, NaN statistics, for a class with no such row). */
  boxes: BoxStats[];
  /** Bin edges shared by every class (equal width over the feature's range). */
  edges: number[];
  /** counts[k][b]: rows of class k in bin b. */
  counts: number[][];
}

/** A categorical feature per level: how its rows split between the classes. */
export interface CategoricalByClass {
  kind: 'categorical-by-class';
  target: string;
  feature: string;
  classes: string[];
  n: number;
  dropped: number;
  /** Levels that occur, in order (see `order`), the merged "other" last: rows, and rows per class. */
  levels: { level: string; other: boolean; count: number; byClass: number[] }[];
  /** Rows per class over all the levels (the baseline each level's split compares with). */
  overall: number[];
}

export type FeatureVsClass = NumericByClass | CategoricalByClass;

export function featureVsClass(table: Table, target: string, feature: string, opts: FeatureVsClassOptions = {}): FeatureVsClass {
  const o = withDefaults(FEATURE_VS_CLASS_DEFAULTS, opts);
  checkInt('bins', o.bins, 2, 200);
  checkInt('maxLevels', o.maxLevels, 1, 500);
  if (!Array.isArray(o.order) || o.order.some((s) => typeof s !== 'string'))
    throw new InvalidParamsError('invalid-param', 'order: must be a list of level names.', { field: 'order' });
  const t = readClassTarget(table, target);
  const f: Column = findColumn(table, feature, 'feature');
  return f.type === 'numeric' ? numericByClass(t, f, o) : categoricalByClass(t, f, o);
}

function numericByClass(t: ClassTarget, f: NumericColumn, o: Required<FeatureVsClassOptions>): NumericByClass {
  const k = t.classes.length;
  // Each class's finite values in one typed array apiece (a count pass, then a fill), sorted in place.
  const size = new Int32Array(k);
  const keep = (i: number): boolean => t.codes[i] === t.codes[i] && f.values[i] - f.values[i] === 0;
  for (let i = 0; i < f.values.length; i++) if (keep(i)) size[t.codes[i]]++;
  const sorted = Array.from(size, (m) => new Float64Array(m));
  const at = new Int32Array(k);
  const all = new Float64Array(size.reduce((a, b) => a + b, 0));
  let n = 0;
  for (let i = 0; i < f.values.length; i++)
    if (keep(i)) {
      const c = t.codes[i];
      sorted[c][at[c]++] = f.values[i];
      all[n++] = f.values[i];
    }
  for (const s of sorted) s.sort();
  all.sort();
  // Equal-width bins over the whole range: one set of edges, so the classes' shapes compare bin for bin.
  const shared: Histogram = histogramSorted(all, resolveHistogramOptions({ bins: o.bins }));
  const edges = shared.edges;
  const counts = sorted.map((s) => binCounts(s, edges));
  return {
    kind: 'numeric-by-class',
    target: t.name,
    feature: f.name,
    classes: t.classes,
    n,
    dropped: f.values.length - n,
    boxes: sorted.map((s, c) => boxStats(t.classes[c], false, s)),
    edges,
    counts,
  };
}

/** Counts of sorted values per [e_i, e_i+1) bin, the last bin closed. */
function binCounts(sorted: Float64Array, edges: number[]): number[] {
  const bins = Math.max(0, edges.length - 1);
  const out = new Array<number>(bins).fill(0);
  let b = 0;
  for (const x of sorted) {
    while (b < bins - 1 && x >= edges[b + 1]) b++;
    if (bins) out[b]++;
  }
  return out;
}

function categoricalByClass(t: ClassTarget, f: CategoricalColumn, o: Required<FeatureVsClassOptions>): CategoricalByClass {
  const k = t.classes.length;
  const m = f.levels.length;
  const table = new Float64Array(m * k);
  const levelCount = new Float64Array(m);
  let n = 0;
  for (let i = 0; i < f.codes.length; i++) {
    const c = t.codes[i];
    const l = f.codes[i];
    if (c !== c || l < 0 || l >= m) continue;
    table[l * k + c]++;
    levelCount[l]++;
    n++;
  }
  let shown = levelOrder(f.levels, o.order).filter((l) => levelCount[l] > 0);
  let rest: number[] = [];
  if (shown.length > o.maxLevels) {
    const keep = new Set([...shown].sort((a, b) => levelCount[b] - levelCount[a] || a - b).slice(0, o.maxLevels));
    rest = shown.filter((l) => !keep.has(l));
    shown = shown.filter((l) => keep.has(l));
  }
  const row = (l: number): number[] => Array.from(table.subarray(l * k, l * k + k));
  const levels = shown.map((l) => ({ level: f.levels[l], other: false, count: levelCount[l], byClass: row(l) }));
  if (rest.length) {
    const byClass = new Array<number>(k).fill(0);
    let count = 0;
    for (const l of rest) {
      count += levelCount[l];
      row(l).forEach((v, c) => (byClass[c] += v));
    }
    levels.push({ level: 'other', other: true, count, byClass });
  }
  const overall = new Array<number>(k).fill(0);
  for (const lv of levels) lv.byClass.forEach((v, c) => (overall[c] += v));
  return { kind: 'categorical-by-class', target: t.name, feature: f.name, classes: t.classes, n, dropped: f.codes.length - n, levels, overall };
}
