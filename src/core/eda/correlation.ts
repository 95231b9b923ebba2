/**
 * Pearson and Spearman correlation matrices over numeric columns with pairwise-complete
 * observations: each pair uses the rows where both values are present.
 *
 * Spearman ranks are average ranks (ties share the mean of their positions). Each column is
 * argsorted once (radix sort); its ranks follow from one walk over that order. When the other
 * column of a pair is missing on some rows, the pair's ranks come from another walk over the same
 * order that skips those rows: no second sort.
 */
import type { Table } from '../data/types';
import { InvalidParamsError } from '../errors';
import { findNumeric } from './columns';
import { type Argsort, argsortFinite } from '../stats/sort';

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
  const sorts = method === 'spearman' ? cols.map((c) => argsortFinite(c.values)) : [];
  const rows = table.rowCount;
  const fullRanks = sorts.map((s) => ranksFromOrder(s, rows, null));
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      let a: Float64Array = cols[i].values;
      let b: Float64Array = cols[j].values;
      if (method === 'spearman') {
        // Ranks over the pair's complete rows. A column's own full ranks serve when the other
        // column is present wherever this one is.
        a = i === j || missing[j] === 0 ? fullRanks[i] : ranksFromOrder(sorts[i], rows, cols[j].values);
        b = i === j || missing[i] === 0 ? fullRanks[j] : ranksFromOrder(sorts[j], rows, cols[i].values);
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
 * Average 1-based ranks by walking the argsort: equal values form a run and share the mean of
 * its positions. With `mask`, rows where the mask is missing are skipped (left NaN), so the
 * ranks are those within the rows where both columns are present.
 */
function ranksFromOrder(s: Argsort, rows: number, mask: Float64Array | null): Float64Array {
  const out = new Float64Array(rows).fill(NaN);
  const { sorted, order } = s;
  const n = sorted.length;
  let rank = 0; // ranks given so far
  let k = 0;
  while (k < n) {
    // A run of equal values: sorted[k .. end).
    let end = k + 1;
    while (end < n && sorted[end] === sorted[k]) end++;
    let kept = 0;
    for (let t = k; t < end; t++) if (mask === null || mask[order[t]] - mask[order[t]] === 0) kept++;
    const avg = rank + (kept + 1) / 2;
    for (let t = k; t < end; t++) {
      const row = order[t];
      if (mask === null || mask[row] - mask[row] === 0) out[row] = avg;
    }
    rank += kept;
    k = end;
  }
  return out;
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
