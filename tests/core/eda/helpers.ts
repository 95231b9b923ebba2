/** Hand-built tables for the EDA tests (no dependency on the project's CSV reader). */
import type { CategoricalColumn, Column, NumericColumn, Table } from '../../../src/core/data/types';

export function num(name: string, values: ArrayLike<number>): NumericColumn {
  return { type: 'numeric', name, values: Float64Array.from(values) };
}

/** Labels in order of first appearance become levels; null is missing. */
export function cat(name: string, labels: (string | null)[], levels?: string[]): CategoricalColumn {
  const lv = levels ? [...levels] : [];
  const index = new Map(lv.map((l, i) => [l, i]));
  const codes = Int32Array.from(labels, (s) => {
    if (s === null) return -1;
    let c = index.get(s);
    if (c === undefined) {
      c = lv.length;
      index.set(s, c);
      lv.push(s);
    }
    return c;
  });
  return { type: 'categorical', name, codes, levels: lv };
}

export function table(...columns: Column[]): Table {
  const rowCount = columns.length ? (columns[0].type === 'numeric' ? columns[0].values.length : columns[0].codes.length) : 0;
  return { rowCount, columns };
}
