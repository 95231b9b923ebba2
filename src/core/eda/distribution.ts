/**
 * Per-column distributions for the Explore screen: a histogram with outlier counts and skewness
 * for numbers, level counts (top N + "other") for labels, and the target's histogram on a linear
 * or log scale. Output size depends on the options only, never on the row count.
 */
import { levelCounts } from '../data/table';
import type { CategoricalColumn, Column, NumericColumn } from '../data/types';
import { type Histogram, type HistogramOptions, HISTOGRAM_DEFAULTS, histogramSorted, resolveHistogramOptions } from './histogram';
import { lowerBound, upperBound } from '../stats/search';
import { checkInt, finiteSorted, type NumericStats, numericStatsSorted, withDefaults } from './stats';

export interface DistributionOptions extends HistogramOptions {
  /** Categorical columns: how many most frequent levels to list before "other" (1–500). Default 20. */
  top?: number;
}

export const DISTRIBUTION_DEFAULTS: Required<DistributionOptions> = { ...HISTOGRAM_DEFAULTS, top: 20 };

function resolveDistributionOptions(o: DistributionOptions): Required<DistributionOptions> {
  const r = withDefaults(DISTRIBUTION_DEFAULTS, o);
  resolveHistogramOptions(r);
  checkInt('top', r.top, 1, 500);
  return r;
}

export interface OutlierCounts {
  /** IQR rule: values below Q1 − 1.5·IQR (`low`) and above Q3 + 1.5·IQR (`high`). */
  iqr: { low: number; high: number; lowerFence: number; upperFence: number };
  /** z rule: |x − mean| / std > 3 (population std). Zero when std is 0. */
  z: { low: number; high: number };
}

export interface NumericDistribution {
  kind: 'numeric';
  name: string;
  /** All rows, missing included. */
  rows: number;
  missing: number;
  /** missing / rows (0 for an empty column). */
  missingShare: number;
  stats: NumericStats;
  /** Values equal to 0. */
  zeros: number;
  histogram: Histogram;
  outliers: OutlierCounts;
}

export interface LevelShare {
  level: string;
  /** Index of the level in the column's `levels`. */
  code: number;
  count: number;
  /** count / non-missing rows. */
  share: number;
}

export interface CategoricalDistribution {
  kind: 'categorical';
  name: string;
  rows: number;
  missing: number;
  missingShare: number;
  /** Levels that occur at least once. */
  distinct: number;
  /** Most frequent levels, descending by count (ties in level order), at most `top`. */
  levels: LevelShare[];
  /** Everything after the top levels, merged: how many levels and rows. */
  other: { levels: number; count: number; share: number };
}

export type ColumnDistribution = NumericDistribution | CategoricalDistribution;

/** Distribution of one column: histogram and outliers for numbers, level counts for labels. */
export function columnDistribution(col: Column, opts: DistributionOptions = {}): ColumnDistribution {
  const o = resolveDistributionOptions(opts);
  return col.type === 'numeric' ? numericDistribution(col, o) : categoricalDistribution(col, o);
}

function numericDistribution(col: NumericColumn, o: Required<DistributionOptions>): NumericDistribution {
  const sorted = finiteSorted(col.values);
  return numericDistributionSorted(col.name, col.values.length, sorted, o);
}

/** Shared by columnDistribution and targetDistribution: everything from one sorted copy. */
export function numericDistributionSorted(
  name: string,
  rows: number,
  sorted: Float64Array,
  o: Required<HistogramOptions>,
): NumericDistribution {
  const stats = numericStatsSorted(sorted);
  const n = sorted.length;
  const lowerFence = stats.q1 - 1.5 * stats.iqr;
  const upperFence = stats.q3 + 1.5 * stats.iqr;
  const zLow = stats.std > 0 ? lowerBound(sorted, stats.mean - 3 * stats.std) : 0;
  const zHigh = stats.std > 0 ? n - upperBound(sorted, stats.mean + 3 * stats.std) : 0;
  return {
    kind: 'numeric',
    name,
    rows,
    missing: rows - n,
    missingShare: rows ? (rows - n) / rows : 0,
    stats,
    zeros: upperBound(sorted, 0) - lowerBound(sorted, 0),
    histogram: histogramSorted(sorted, o),
    outliers: {
      iqr: {
        low: n ? lowerBound(sorted, lowerFence) : 0,
        high: n ? n - upperBound(sorted, upperFence) : 0,
        lowerFence,
        upperFence,
      },
      z: { low: zLow, high: zHigh },
    },
  };
}


function categoricalDistribution(col: CategoricalColumn, o: Required<DistributionOptions>): CategoricalDistribution {
  const { counts, missing } = levelCounts(col);
  const rows = col.codes.length;
  const present = rows - missing;
  const used: number[] = [];
  for (let c = 0; c < counts.length; c++) if (counts[c] > 0) used.push(c);
  used.sort((a, b) => counts[b] - counts[a] || a - b);
  const share = (x: number): number => (present ? x / present : 0);
  const levels = used.slice(0, o.top).map((c) => ({ level: col.levels[c], code: c, count: counts[c], share: share(counts[c]) }));
  let otherCount = 0;
  for (let i = o.top; i < used.length; i++) otherCount += counts[used[i]];
  return {
    kind: 'categorical',
    name: col.name,
    rows,
    missing,
    missingShare: rows ? missing / rows : 0,
    distinct: used.length,
    levels,
    other: { levels: Math.max(0, used.length - o.top), count: otherCount, share: share(otherCount) },
  };
}

export interface TargetDistributionOptions extends HistogramOptions {
  /** Name shown with the result. Default 'target'. */
  name?: string;
}

export interface TargetDistribution extends NumericDistribution {
  /** Skewness of log10 of the positive values (NaN if fewer than 3): how symmetric a log transform would make it. */
  logSkewness: number;
  /** Values ≤ 0, which a log transform cannot take. */
  nonPositive: number;
}

/** Histogram and summary of the target on a linear or log10 scale (`{log: true}`). */
export function targetDistribution(values: Float64Array, opts: TargetDistributionOptions = {}): TargetDistribution {
  const { name = 'target', ...h } = opts;
  const o = resolveHistogramOptions(h);
  const sorted = finiteSorted(values);
  const d = numericDistributionSorted(name, values.length, sorted, o);
  const start = upperBound(sorted, 0);
  const logs = new Float64Array(sorted.length - start);
  for (let i = start; i < sorted.length; i++) logs[i - start] = Math.log10(sorted[i]);
  return { ...d, logSkewness: numericStatsSorted(logs).skewness, nonPositive: start };
}
