/**
 * Regression metrics with scikit-learn's definitions (sklearn.metrics, 1.2+):
 * r2 (force_finite: constant y gives 1 for a perfect prediction, else 0), mse, rmse, mae,
 * mape as a fraction (|y − ŷ| / max(|y|, eps)), median absolute error and max error.
 */
import { InvalidInputError } from './errors';

/** numpy's float64 machine epsilon, scikit-learn's guard in MAPE. */
export const MAPE_EPS = 2.220446049250313e-16;

export interface RegressionMetrics {
  r2: number;
  rmse: number;
  mae: number;
  /** Mean absolute percentage error as a fraction (0.1 = 10 %). */
  mape: number;
  medianAe: number;
  maxError: number;
}

type Vec = ArrayLike<number>;

function check(y: Vec, yhat: Vec): void {
  if (y.length !== yhat.length)
    throw new InvalidInputError('shape', `The targets have ${y.length} values but the predictions ${yhat.length}.`);
  if (y.length === 0) throw new InvalidInputError('empty-input', 'Cannot score zero rows.');
}

export function mse(y: Vec, yhat: Vec): number {
  check(y, yhat);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i] - yhat[i]) ** 2;
  return s / y.length;
}

export function rmse(y: Vec, yhat: Vec): number {
  return Math.sqrt(mse(y, yhat));
}

export function mae(y: Vec, yhat: Vec): number {
  check(y, yhat);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += Math.abs(y[i] - yhat[i]);
  return s / y.length;
}

/** Mean absolute percentage error as a fraction, scikit-learn's mean_absolute_percentage_error. */
export function mape(y: Vec, yhat: Vec): number {
  check(y, yhat);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += Math.abs(y[i] - yhat[i]) / Math.max(Math.abs(y[i]), MAPE_EPS);
  return s / y.length;
}

/** Coefficient of determination; with constant y: 1 for a perfect prediction, else 0 (force_finite). */
export function r2(y: Vec, yhat: Vec): number {
  check(y, yhat);
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i];
  mean /= y.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < y.length; i++) {
    num += (y[i] - yhat[i]) ** 2;
    den += (y[i] - mean) ** 2;
  }
  if (den === 0) return num === 0 ? 1 : 0;
  return 1 - num / den;
}

function median(xs: Float64Array): number {
  xs.sort();
  const m = xs.length >> 1;
  return xs.length % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}

export function medianAbsoluteError(y: Vec, yhat: Vec): number {
  check(y, yhat);
  const d = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) d[i] = Math.abs(y[i] - yhat[i]);
  return median(d);
}

export function maxError(y: Vec, yhat: Vec): number {
  check(y, yhat);
  let m = 0;
  for (let i = 0; i < y.length; i++) m = Math.max(m, Math.abs(y[i] - yhat[i]));
  return m;
}

export function regressionMetrics(y: Vec, yhat: Vec): RegressionMetrics {
  return {
    r2: r2(y, yhat),
    rmse: rmse(y, yhat),
    mae: mae(y, yhat),
    mape: mape(y, yhat),
    medianAe: medianAbsoluteError(y, yhat),
    maxError: maxError(y, yhat),
  };
}

/**
 * Each metric's mean over folds (k-fold cross-validation's score), field by field: regression or
 * classification metrics alike (NaN where a fold's metric is undefined).
 */
export function meanMetrics<M extends { [K in keyof M]: number }>(ms: readonly M[]): M {
  const keys = Object.keys(ms[0]) as (keyof M)[];
  const out = {} as M;
  for (const k of keys) out[k] = (ms.reduce((s, m) => s + m[k], 0) / ms.length) as M[typeof k];
  return out;
}
