/**
 * The base every classifier extends: the Estimator discipline (params table, one fitted state,
 * NotFittedError, `{type, params, state}`) plus what the Classifier contract adds.
 *
 * - `fit` reads its class count with `classCountOf(y, options)`: codes must be whole numbers in
 *   0..K−1 (InvalidInputError naming the row otherwise), K from `options.classCount` or max + 1,
 *   and at least 2 classes.
 * - Subclasses implement `predictProba`; `predict` is the argmax of it (ties: the lowest code).
 * - The fitted state carries `classCount`, written and read back like any other field.
 */
import { InvalidInputError } from '../errors';
import { Estimator } from './estimator';
import type { Classifier, FitOptions, Matrix } from './types';

export interface ClassifierState {
  classCount: number;
}

export abstract class ClassifierEstimator<P extends object, S extends ClassifierState> extends Estimator<P, S> implements Classifier<P> {
  readonly task = 'classification' as const;

  get classCount(): number {
    return this.fitted.classCount;
  }

  abstract predictProba(X: Matrix): Float64Array;

  predict(X: Matrix): Float64Array {
    return argmaxRows(this.predictProba(X), this.fitted.classCount);
  }
}

/**
 * The number of classes K for a fit on `y` (class codes): `options.classCount` when given, else
 * max(y) + 1. Throws InvalidInputError naming the first row whose code is not a whole number in
 * 0..K−1, and when K < 2 (one class leaves nothing to learn).
 */
export function classCountOf(y: Float64Array, options?: FitOptions): number {
  const given = options?.classCount;
  if (given !== undefined && !(Number.isInteger(given) && given >= 2))
    throw new InvalidInputError('bad-class-count', `The number of classes must be a whole number of at least 2; got ${given}.`, { field: 'classCount' });
  let max = -1;
  for (let i = 0; i < y.length; i++) {
    const c = y[i];
    if (!(Number.isInteger(c) && c >= 0 && (given === undefined || c < given)))
      throw new InvalidInputError(
        'bad-class-code',
        `Row ${i + 1} has class code ${c}; classes must be coded 0..${given === undefined ? 'K−1' : given - 1}.`,
        { row: i + 1, field: 'y' },
      );
    if (c > max) max = c;
  }
  const k = given ?? max + 1;
  if (k < 2) throw new InvalidInputError('one-class', 'Every row has the same class: a classifier needs at least two classes to learn from.', { field: 'y' });
  return k;
}

/** Per row of a rows × k matrix, the index of its largest value (the first one on ties). */
export function argmaxRows(values: Float64Array, k: number): Float64Array {
  const rows = values.length / k;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const o = i * k;
    let best = 0;
    let bestValue = values[o];
    for (let c = 1; c < k; c++) {
      if (values[o + c] > bestValue) {
        bestValue = values[o + c];
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Class counts of codes 0..k−1 in `y` (already checked by classCountOf). */
export function classCounts(y: ArrayLike<number>, k: number): Float64Array {
  const counts = new Float64Array(k);
  for (let i = 0; i < y.length; i++) counts[y[i]]++;
  return counts;
}
