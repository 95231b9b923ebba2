/** Row selection, column lookup and level counts on a columnar Table, for every layer that holds one. */
import { CsvError } from '../errors';
import type { Column, Table } from './types';

/** A new table holding the given rows, in the given order (indices are 0-based row positions). */
export function takeRows(table: Table, indices: Uint32Array | Int32Array): Table {
  const n = table.rowCount;
  const m = indices.length;
  for (let i = 0; i < m; i++) {
    const r = indices[i];
    if (r < 0 || r >= n) throw new RangeError(`takeRows: index ${r} at position ${i} is outside 0..${n - 1}`);
  }
  const columns: Column[] = table.columns.map((col) => {
    if (col.type === 'numeric') {
      const src = col.values;
      const values = new Float64Array(m);
      for (let i = 0; i < m; i++) values[i] = src[indices[i]];
      return col.unit !== undefined ? { type: 'numeric', name: col.name, values, unit: col.unit } : { type: 'numeric', name: col.name, values };
    }
    const src = col.codes;
    const codes = new Int32Array(m);
    for (let i = 0; i < m; i++) codes[i] = src[indices[i]];
    return { type: 'categorical', name: col.name, codes, levels: col.levels };
  });
  return { rowCount: m, columns };
}

/** The column called `name`, or undefined. */
export function columnByName(table: Table, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name);
}

/** The column called `name`; throws CsvError 'unknown-column' naming it when there is none. */
export function requireColumn(table: Table, name: string): Column {
  const col = columnByName(table, name);
  if (!col) {
    const names = table.columns.map((c) => c.name).join(', ');
    throw new CsvError('unknown-column', `There is no column "${name}" (the columns are: ${names}).`, { column: name });
  }
  return col;
}

/** Rows per level (indexed by code) and rows without a level (code −1, or a code out of range), in one pass. */
export function levelCounts(col: { readonly codes: Int32Array; readonly levels: readonly string[] }): { counts: Float64Array; missing: number } {
  const k = col.levels.length;
  const counts = new Float64Array(k);
  let missing = 0;
  const codes = col.codes;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c >= 0 && c < k) counts[c]++;
    else missing++;
  }
  return { counts, missing };
}
