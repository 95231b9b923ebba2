/**
 * A numeric column read as labels, for a number column the schema or the recipe treats as
 * categorical: each distinct number is one level, written as JavaScript prints it ("3", "2.5");
 * levels in order of first appearance, missing values code −1.
 */
import type { CategoricalColumn, NumericColumn } from './types';

export function numbersAsLabels(col: NumericColumn): CategoricalColumn {
  const index = new Map<number, number>();
  const levels: string[] = [];
  const v = col.values;
  const codes = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x) {
      codes[i] = -1;
      continue;
    }
    let k = index.get(x);
    if (k === undefined) {
      k = levels.length;
      index.set(x, k);
      levels.push(String(x));
    }
    codes[i] = k;
  }
  return { type: 'categorical', name: col.name, codes, levels };
}
