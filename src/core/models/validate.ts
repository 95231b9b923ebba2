import { InvalidInputError } from '../errors';
import type { Matrix } from './types';

/**
 * Shared input checks for every regressor's fit: non-empty, consistent shapes, finite values.
 * Categorical features may hold NaN (missing) only for models that say they handle it.
 */
export function checkFitInput(
  X: Matrix,
  y: Float64Array,
  opts: { allowMissingX?: boolean } = {},
): void {
  if (X.rows === 0 || X.cols === 0) throw new InvalidInputError('empty-input', 'Cannot fit on empty input: no rows or no features.');
  if (X.data.length !== X.rows * X.cols)
    throw new InvalidInputError('shape', `Matrix data has ${X.data.length} values; ${X.rows}×${X.cols} needs ${X.rows * X.cols}.`);
  if (y.length !== X.rows)
    throw new InvalidInputError('shape', `Target has ${y.length} values but there are ${X.rows} rows.`);
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i]))
      throw new InvalidInputError('non-finite-target', `Target value at row ${i + 1} is ${y[i]}; it must be a finite number.`, { row: i + 1 });
  }
  checkFeatures(X, opts.allowMissingX ?? false);
}

/** Same checks for predict: the column count must match the fitted one. */
export function checkPredictInput(X: Matrix, cols: number, opts: { allowMissingX?: boolean } = {}): void {
  if (X.cols !== cols)
    throw new InvalidInputError('shape', `Model was fitted on ${cols} features; got ${X.cols}.`);
  if (X.data.length !== X.rows * X.cols)
    throw new InvalidInputError('shape', `Matrix data has ${X.data.length} values; ${X.rows}×${X.cols} needs ${X.rows * X.cols}.`);
  checkFeatures(X, opts.allowMissingX ?? false);
}

function checkFeatures(X: Matrix, allowMissing: boolean): void {
  const d = X.data;
  for (let k = 0; k < d.length; k++) {
    const v = d[k];
    if (v === Infinity || v === -Infinity || (!allowMissing && v !== v)) {
      const row = Math.floor(k / X.cols) + 1;
      const j = k % X.cols;
      const name = X.features?.[j]?.name ?? `feature ${j}`;
      throw new InvalidInputError('non-finite-feature', `Row ${row}, ${name}: value is ${v}; features must be finite numbers.`, { row, column: name });
    }
  }
}
