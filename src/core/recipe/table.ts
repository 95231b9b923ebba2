/** Small Table helpers for the recipe. */
import type { Column, Table } from '../data/types';

export function columnByName(table: Table, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name);
}

/** The rows `keep` (indices into `table`) of every column, levels unchanged. */
export function takeRows(table: Table, keep: Uint32Array): Table {
  const columns: Column[] = table.columns.map((c) => {
    if (c.type === 'numeric') {
      const values = new Float64Array(keep.length);
      for (let i = 0; i < keep.length; i++) values[i] = c.values[keep[i]];
      return c.unit !== undefined ? { type: 'numeric', name: c.name, values, unit: c.unit } : { type: 'numeric', name: c.name, values };
    }
    const codes = new Int32Array(keep.length);
    for (let i = 0; i < keep.length; i++) codes[i] = c.codes[keep[i]];
    return { type: 'categorical', name: c.name, codes, levels: c.levels };
  });
  return { rowCount: keep.length, columns };
}

/** Whether row i of `c` is missing. */
export function isMissing(c: Column, i: number): boolean {
  return c.type === 'numeric' ? c.values[i] !== c.values[i] : c.codes[i] < 0;
}
