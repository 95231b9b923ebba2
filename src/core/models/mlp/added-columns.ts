/**
 * What the MLP's added inputs (indicators.ts, bins.ts) share: each picks some input columns by
 * their distinct training values, appends a block of values per picked column after X's columns,
 * and stores the picked columns' indices, which a bundle's reader checks against the inputs.
 */
import type { StateReader } from '../state';
import type { Matrix } from '../types';

/** The distinct non-missing values of column j of X (−0 counted as 0), collected until there are more than `max`. */
export function distinctValues(X: Matrix, j: number, max: number): Set<number> {
  const { data, rows, cols } = X;
  const seen = new Set<number>();
  for (let i = 0; i < rows && seen.size <= max; i++) {
    const v = data[i * cols + j];
    if (v === v) seen.add(v === 0 ? 0 : v);
  }
  return seen;
}

/**
 * X's columns followed, row by row, by `widths[c]` values for each picked column c, which
 * `write(c, x, out, at)` puts at out[at …] from that column's value x.
 */
export function appendPerColumn(X: Matrix, columns: readonly number[], widths: readonly number[], write: (c: number, x: number, out: Float64Array, at: number) => void): Matrix {
  const { data, rows, cols } = X;
  const width = cols + widths.reduce((s, w) => s + w, 0);
  const out = new Float64Array(rows * width);
  for (let i = 0; i < rows; i++) {
    const src = i * cols;
    const dst = i * width;
    out.set(data.subarray(src, src + cols), dst);
    let at = dst + cols;
    for (let c = 0; c < columns.length; c++) {
      write(c, data[src + columns[c]], out, at);
      at += widths[c];
    }
  }
  return { data: out, rows, cols: width };
}

/** Stored column indices under `key` (e.g. 'oneHot'), checked against the `inputs` a network takes, naming the field. */
export function checkAddedColumns(r: StateReader, key: string, columns: readonly number[], inputs: number): void {
  columns.forEach((j, c) => {
    if (j >= inputs) r.fail(`${key}.columns[${c}]`, `is ${j}; the model takes ${inputs} input columns.`);
    if (c > 0 && !(j > columns[c - 1])) r.fail(`${key}.columns`, 'must be distinct column indices in ascending order.');
  });
}
