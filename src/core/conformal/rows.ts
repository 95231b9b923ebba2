/** Row subsets of a feature matrix (the calibration part of the training rows, a fold's rows). */
import type { Matrix } from '../models/types';

export function takeMatrixRows(X: Matrix, rows: ArrayLike<number>): Matrix {
  const m = rows.length;
  const data = new Float64Array(m * X.cols);
  for (let i = 0; i < m; i++) data.set(X.data.subarray(rows[i] * X.cols, (rows[i] + 1) * X.cols), i * X.cols);
  return { data, rows: m, cols: X.cols, features: X.features };
}

export function takeValues(y: Float64Array, rows: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: rows.length }, (_, i) => y[rows[i]]);
}
