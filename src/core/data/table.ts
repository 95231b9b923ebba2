/** Row selection, concatenation, column lookup and level counts on a columnar Table, for every layer that holds one. */
import { CsvError } from '../errors';
import type { CategoricalColumn, Column, NumericColumn, Table } from './types';

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

/**
 * The rows of `tables` one after another, columns matched by name in the first table's order.
 * Every table must hold those columns with the same storage; a categorical column's levels are
 * the first table's followed by the labels the later ones add (codes remapped).
 */
export function concatTables(tables: readonly Table[]): Table {
  if (tables.length === 0) return { rowCount: 0, columns: [] };
  const first = tables[0];
  const rowCount = tables.reduce((s, t) => s + t.rowCount, 0);
  const columns: Column[] = first.columns.map((head) => {
    const parts = tables.map((t, k) => {
      const c = columnByName(t, head.name);
      if (!c) throw new CsvError('unknown-column', `Part ${k + 1} of the rows has no column "${head.name}".`, { column: head.name });
      if (c.type !== head.type) throw new CsvError('column-type', `Column "${head.name}" holds ${head.type === 'numeric' ? 'numbers' : 'labels'} in part 1 but ${c.type === 'numeric' ? 'numbers' : 'labels'} in part ${k + 1}.`, { column: head.name });
      return c;
    });
    if (head.type === 'numeric') {
      const values = new Float64Array(rowCount);
      let at = 0;
      for (const c of parts as NumericColumn[]) {
        values.set(c.values, at);
        at += c.values.length;
      }
      return head.unit !== undefined ? { type: 'numeric', name: head.name, values, unit: head.unit } : { type: 'numeric', name: head.name, values };
    }
    const levels: string[] = [];
    const index = new Map<string, number>();
    const codes = new Int32Array(rowCount);
    let at = 0;
    for (const c of parts as CategoricalColumn[]) {
      const remap = Int32Array.from(c.levels, (l) => {
        let k = index.get(l);
        if (k === undefined) {
          k = levels.length;
          levels.push(l);
          index.set(l, k);
        }
        return k;
      });
      for (let i = 0; i < c.codes.length; i++) {
        const code = c.codes[i];
        codes[at + i] = code >= 0 && code < remap.length ? remap[code] : -1;
      }
      at += c.codes.length;
    }
    return { type: 'categorical', name: head.name, codes, levels };
  });
  return { rowCount, columns };
}
