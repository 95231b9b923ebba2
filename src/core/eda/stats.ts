/**
 * Order statistics and moments shared by the EDA aggregates. Everything works on a sorted
 * Float64Array of the finite values of a column, built once per column (`finiteSorted`), from
 * which min/max, quantiles, outlier counts, histograms and ranks all follow without re-sorting.
 */
import { InvalidParamsError } from '../errors';
import { quantileSorted } from '../data/quantile';
import { sortFinite } from '../stats/sort';

/** Finite (non-missing) values of `values`, ascending, −0 read as 0. NaN and ±Infinity count as missing. */
export function finiteSorted(values: Float64Array): Float64Array {
  return sortFinite(values);
}

/** True for a finite number (`v - v` is NaN for NaN and ±Infinity). */
export function isFiniteNumber(v: number): boolean {
  return v - v === 0;
}

export interface Moments {
  n: number;
  mean: number;
  /** Population standard deviation (divides by n). */
  std: number;
  /**
   * Adjusted Fisher–Pearson skewness G1 = g1·√(n(n−1))/(n−2), as pandas' `skew()` and Excel's
   * SKEW compute it. NaN when n < 3 or all values are equal.
   */
  skewness: number;
}

/** Mean, std and skewness of the finite values in `v` (two passes: mean, then central moments). */
export function moments(v: Float64Array): Moments {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x - x === 0) {
      n++;
      sum += x;
    }
  }
  if (n === 0) return { n, mean: NaN, std: NaN, skewness: NaN };
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x - x === 0) {
      const d = x - mean;
      const d2 = d * d;
      m2 += d2;
      m3 += d2 * d;
    }
  }
  m2 /= n;
  m3 /= n;
  // Relative threshold: a constant column's m2 is exactly 0 or rounding noise around it.
  const flat = m2 <= 1e-24 * Math.max(1, mean * mean);
  const skewness = n < 3 || flat ? NaN : (m3 / Math.pow(m2, 1.5)) * (Math.sqrt(n * (n - 1)) / (n - 2));
  return { n, mean, std: Math.sqrt(m2), skewness };
}

/** Five-number summary and more, all from one sorted array. */
export interface NumericStats {
  /** Non-missing values. */
  count: number;
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation. */
  std: number;
  q1: number;
  median: number;
  q3: number;
  iqr: number;
  /** Adjusted Fisher–Pearson skewness (pandas' definition); NaN when undefined. */
  skewness: number;
}

export function numericStatsSorted(s: Float64Array): NumericStats {
  const m = moments(s);
  const n = s.length;
  const q1 = quantileSorted(s, 0.25);
  const q3 = quantileSorted(s, 0.75);
  return {
    count: n,
    min: n ? s[0] : NaN,
    max: n ? s[n - 1] : NaN,
    mean: m.mean,
    std: m.std,
    q1,
    median: quantileSorted(s, 0.5),
    q3,
    iqr: q3 - q1,
    skewness: m.skewness,
  };
}

/** Throws InvalidParamsError naming `field` unless `v` is an integer in [min, max]. */
export function checkInt(field: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max)
    throw new InvalidParamsError('invalid-param', `${field}: must be an integer from ${min} to ${max}; got ${String(v)}.`, { field });
}

/** A number with fixed decimals for messages, without "-0.00". */
export function formatFixed(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return String(x);
  const s = x.toFixed(digits);
  return Number(s) === 0 ? (0).toFixed(digits) : s;
}

/** `defaults` overridden by the fields of `o` that are not undefined. */
export function withDefaults<T extends object>(defaults: Required<T>, o: T): Required<T> {
  const out = { ...defaults };
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k] as Required<T>[keyof T];
  return out;
}
