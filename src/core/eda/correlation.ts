/**
 * Pearson and Spearman correlation matrices over numeric columns with pairwise-complete
 * observations: each pair uses the rows where both values are present.
 *
 * Spearman ranks are average ranks (ties share the mean of their positions). Each column is
 * sorted once; a column's ranks over all its present rows come from binary search in that sorted
 * copy. When the other column of a pair is missing on some rows, the ranks are recomputed for
 * the pair's rows only, still without sorting again: the values of the dropped rows (usually few)
 * are sorted and removed from the column's sorted copy by a merge.
 */
import type { NumericColumn, Table } from '../data/types';
import { InvalidParamsError } from '../errors';
import { findNumeric } from './columns';
import { finiteSorted, lowerBound, upperBound } from './stats';

export type CorrelationMethod = 'pearson' | 'spearman';

export interface CorrelationMatrix {
  method: CorrelationMethod;
  /** Column names, in the order asked for. */
  columns: string[];
  /** p×p row-major; matrix[i*p + j] is the correlation of columns i and j. NaN when fewer than 2 complete pairs or a column is constant on them. */
  matrix: Float64Array;
  /** p×p row-major: rows where both columns are present (the diagonal: present values of the column). */
  n: Float64Array;
}

export function correlationMatrix(table: Table, columns: readonly string[], method: CorrelationMethod = 'pearson'): CorrelationMatrix {
  if (method !== 'pearson' && method !== 'spearman')
    throw new InvalidParamsError('invalid-param', `method: must be 'pearson' or 'spearman'; got ${String(method)}.`, { field: 'method' });
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) throw new InvalidParamsError('duplicate-column', `columns: "${c}" is listed twice.`, { field: 'columns', column: c });
    seen.add(c);
  }
  const cols = columns.map((name) => findNumeric(table, name, 'columns'));
  const p = cols.length;
  const matrix = new Float64Array(p * p);
  const n = new Float64Array(p * p);
  const missing = cols.map((c) => countMissing(c.values));
  const sorted = method === 'spearman' ? cols.map((c) => finiteSorted(c.values)) : [];
  const fullRanks = method === 'spearman' ? cols.map((c, i) => ranksIn(c.values, sorted[i], null)) : [];
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      let a: Float64Array = cols[i].values;
      let b: Float64Array = cols[j].values;
      if (method === 'spearman') {
        // Ranks over the pair's complete rows. A column's own full ranks serve when the other
        // column is present wherever this one is.
        a = i === j || missing[j] === 0 ? fullRanks[i] : pairRanks(cols[i], sorted[i], cols[j]);
        b = i === j || missing[i] === 0 ? fullRanks[j] : pairRanks(cols[j], sorted[j], cols[i]);
      }
      const { r, count } = pearson(a, b);
      matrix[i * p + j] = matrix[j * p + i] = i === j && count >= 2 && r === r ? 1 : r;
      n[i * p + j] = n[j * p + i] = count;
    }
  }
  return { method, columns: cols.map((c) => c.name), matrix, n };
}

function countMissing(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) if (v[i] - v[i] !== 0) m++;
  return m;
}

/**
 * Average 1-based ranks of `values` within `sorted`, for rows where `values` is present and
 * `mask` (if given) is present too; NaN elsewhere.
 */
function ranksIn(values: Float64Array, sorted: Float64Array, mask: Float64Array | null): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0 || (mask !== null && mask[i] - mask[i] !== 0)) {
      out[i] = NaN;
      continue;
    }
    // Ties occupy positions lo+1 .. hi; their average rank is (lo + 1 + hi) / 2.
    out[i] = (lowerBound(sorted, v) + upperBound(sorted, v) + 1) / 2;
  }
  return out;
}

/** Ranks of `col` over the rows where `other` is present too. */
function pairRanks(col: NumericColumn, sorted: Float64Array, other: NumericColumn): Float64Array {
  const v = col.values;
  const w = other.values;
  let k = 0;
  for (let i = 0; i < v.length; i++) if (v[i] - v[i] === 0 && w[i] - w[i] !== 0) k++;
  const dropped = new Float64Array(k);
  k = 0;
  for (let i = 0; i < v.length; i++) if (v[i] - v[i] === 0 && w[i] - w[i] !== 0) dropped[k++] = v[i] === 0 ? 0 : v[i];
  dropped.sort();
  // Multiset difference sorted − dropped, by merge (dropped ⊆ sorted).
  const kept = new Float64Array(sorted.length - dropped.length);
  let d = 0;
  let o = 0;
  for (let s = 0; s < sorted.length; s++) {
    if (d < dropped.length && sorted[s] === dropped[d]) d++;
    else kept[o++] = sorted[s];
  }
  return ranksIn(v, kept, w);
}

/** Pearson r over rows where both are present (two passes: means, then centred sums). */
export function pearson(a: Float64Array, b: Float64Array): { r: number; count: number } {
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x - x === 0 && y - y === 0) {
      n++;
      sa += x;
      sb += y;
    }
  }
  if (n < 2) return { r: NaN, count: n };
  const ma = sa / n;
  const mb = sb / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x - x === 0 && y - y === 0) {
      const dx = x - ma;
      const dy = y - mb;
      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
    }
  }
  if (!(sxx > 0) || !(syy > 0)) return { r: NaN, count: n };
  const r = sxy / Math.sqrt(sxx * syy);
  return { r: Math.max(-1, Math.min(1, r)), count: n };
}
