/**
 * Training data of the CART trees, prepared once per dataset and shared by every tree grown on
 * it (the forest's too): every feature sorted once, its values replaced by their rank among the
 * feature's distinct values, so that splits compare small integers. See cart-grower.ts for how
 * trees grow on it.
 */
import type { Matrix } from '../types';

/** Training data prepared once and shared by every tree grown on it (read-only). */
export interface TreeData {
  rows: number;
  cols: number;
  /** Rank of each value among its feature's distinct values: row i, feature f at f·rows + i. */
  code: Int32Array;
  /** Distinct values of feature f, ascending, at valueOffset[f] .. valueOffset[f+1] − 1. */
  values: Float64Array;
  valueOffset: Int32Array;
  /** Per feature f, at f·rows .. f·rows + rows − 1: row indices sorted by value (ties by row). */
  order: Int32Array;
  y: Float64Array;
}

/**
 * Sorts every feature once: O(p·n log n) via a native sort of the values, a binary search per
 * value for its rank, and a counting pass. Splits compare ranks (integers) instead of values.
 */
export function prepareTreeData(X: Matrix, y: Float64Array): TreeData {
  const n = X.rows;
  const p = X.cols;
  const src = X.data;
  const code = new Int32Array(n * p);
  const order = new Int32Array(n * p);
  const distinct: Float64Array[] = [];
  const valueOffset = new Int32Array(p + 1);
  const col = new Float64Array(n);
  for (let f = 0; f < p; f++) {
    for (let i = 0; i < n; i++) col[i] = src[i * p + f];
    const sorted = col.slice().sort();
    let u = 0;
    for (let k = 0; k < n; k++) if (k === 0 || sorted[k] !== sorted[u - 1]) sorted[u++] = sorted[k];
    distinct.push(sorted.slice(0, u));
    valueOffset[f + 1] = valueOffset[f] + u;
    const counts = new Int32Array(u + 1);
    const cf = code.subarray(f * n, f * n + n);
    for (let i = 0; i < n; i++) {
      const v = col[i];
      let lo = 0;
      let hi = u - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid] < v) lo = mid + 1;
        else hi = mid;
      }
      cf[i] = lo;
      counts[lo + 1]++;
    }
    for (let c = 0; c < u; c++) counts[c + 1] += counts[c];
    const out = order.subarray(f * n, f * n + n);
    for (let i = 0; i < n; i++) out[counts[cf[i]]++] = i;
  }
  const values = new Float64Array(valueOffset[p]);
  for (let f = 0; f < p; f++) values.set(distinct[f], valueOffset[f]);
  return { rows: n, cols: p, code, values, valueOffset, order, y };
}
