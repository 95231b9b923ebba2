/**
 * The training data's reference profile, stored in every bundle for later drift checks:
 * per input column, decile bin edges with counts (numbers) or level counts (categories).
 * Edges are quantiles of the training values, so each bin holds about a tenth of them and a
 * population-stability index against new data is well defined.
 */
import { levelCounts } from '../data/table';
import type { Column, Table } from '../data/types';

export interface NumericReference {
  name: string;
  kind: 'numeric';
  count: number;
  missing: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  /** Inner bin edges (ascending, deduplicated); bins are (-inf, e0], (e0, e1], ..., (e_last, inf). */
  edges: number[];
  counts: number[];
}

export interface CategoricalReference {
  name: string;
  kind: 'categorical';
  count: number;
  missing: number;
  levels: { level: string; count: number }[];
}

export type ColumnReference = NumericReference | CategoricalReference;

export interface ReferenceProfile {
  rows: number;
  columns: ColumnReference[];
}

export function referenceColumn(col: Column, bins = 10): ColumnReference {
  if (col.type === 'categorical') {
    const { counts, missing } = levelCounts(col);
    return {
      name: col.name,
      kind: 'categorical',
      count: col.codes.length - missing,
      missing,
      levels: col.levels.map((level, i) => ({ level, count: counts[i] })),
    };
  }
  const finite: number[] = [];
  for (const v of col.values) if (Number.isFinite(v)) finite.push(v);
  const sorted = Float64Array.from(finite).sort();
  const n = sorted.length;
  let mean = 0;
  for (const v of sorted) mean += v;
  mean = n ? mean / n : NaN;
  let ss = 0;
  for (const v of sorted) ss += (v - mean) ** 2;
  const edges: number[] = [];
  for (let b = 1; b < bins && n > 0; b++) {
    const e = sorted[Math.min(n - 1, Math.floor((b * n) / bins))];
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  if (n > 0 && edges.length > 0 && edges[edges.length - 1] === sorted[n - 1]) edges.pop();
  return {
    name: col.name,
    kind: 'numeric',
    count: n,
    missing: col.values.length - n,
    mean,
    std: n ? Math.sqrt(ss / n) : NaN,
    min: n ? sorted[0] : NaN,
    max: n ? sorted[n - 1] : NaN,
    edges,
    counts: binCounts(sorted, edges),
  };
}

/** Counts of values per bin (-inf, e0], (e0, e1], ..., (e_last, inf); NaN skipped. */
export function binCounts(values: ArrayLike<number>, edges: number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v <= edges[mid]) hi = mid;
      else lo = mid + 1;
    }
    counts[lo]++;
  }
  return counts;
}

export function referenceProfile(table: Table, columns: string[]): ReferenceProfile {
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const out: ColumnReference[] = [];
  for (const name of columns) {
    const col = byName.get(name);
    if (col) out.push(referenceColumn(col));
  }
  return { rows: table.rowCount, columns: out };
}

/** The range of a numeric column (the target) in the profiled rows, when the profile records it. */
export function profiledRange(profile: ReferenceProfile, column: string): { min: number; max: number } | undefined {
  const ref = profile.columns.find((c) => c.name === column);
  if (!ref || ref.kind !== 'numeric' || !Number.isFinite(ref.min) || !Number.isFinite(ref.max) || ref.min > ref.max) return undefined;
  return { min: ref.min, max: ref.max };
}
