/** Builds small Tables by hand for tests: numbers (null = missing) or labels (null = missing). */
import type { Column, Table } from '../../../src/core/data/types';

export type Cells = ReadonlyArray<number | null> | ReadonlyArray<string | null>;

/**
 * One column per key: all-number arrays become numeric columns, string arrays categorical ones
 * whose levels are `levels[name]` when given (to test matching by string), else first-seen order.
 */
export function makeTable(cols: Record<string, Cells>, levels: Record<string, string[]> = {}, units: Record<string, string> = {}): Table {
  const columns: Column[] = [];
  let rowCount = -1;
  for (const [name, cells] of Object.entries(cols)) {
    if (rowCount >= 0 && cells.length !== rowCount) throw new Error(`column ${name}: ${cells.length} cells, expected ${rowCount}`);
    rowCount = cells.length;
    const isText = cells.some((c) => typeof c === 'string');
    if (!isText) {
      const values = Float64Array.from(cells as Array<number | null>, (c) => (c === null ? NaN : c));
      columns.push(units[name] ? { type: 'numeric', name, values, unit: units[name] } : { type: 'numeric', name, values });
    } else {
      const lv = levels[name] ? [...levels[name]] : [];
      const codes = Int32Array.from(cells as Array<string | null>, (c) => {
        if (c === null) return -1;
        let k = lv.indexOf(c);
        if (k < 0) {
          lv.push(c);
          k = lv.length - 1;
        }
        return k;
      });
      columns.push({ type: 'categorical', name, codes, levels: lv });
    }
  }
  return { rowCount: Math.max(rowCount, 0), columns };
}

/** Row i of a row-major matrix. */
export function row(m: { data: Float64Array; cols: number }, i: number): number[] {
  return Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols));
}
