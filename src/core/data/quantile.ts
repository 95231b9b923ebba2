/**
 * Quantiles by linear interpolation between order statistics (Hyndman–Fan type 7, the default of
 * NumPy, pandas and R): one definition for the profile, EDA and everything else that summarises a
 * column.
 */
import { upperBound } from '../stats/search';

/** Quantile `p` (0–1) of ascending `s`; NaN for empty input. */
export function quantileSorted(s: Float64Array, p: number): number {
  const n = s.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  if (lo >= n - 1) return s[n - 1];
  return s[lo] + (h - lo) * (s[lo + 1] - s[lo]);
}

/** Quantile (linear interpolation, as quantileSorted) from sorted distinct values and their counts. */
export function quantileCounted(keys: Float64Array, cum: Float64Array, n: number, q: number): number {
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  // The first j with cum[j] > rank (cum[j] = number of values ≤ keys[j]; rank < n = the last cum).
  const at = (rank: number): number => keys[upperBound(cum, rank)];
  const vlo = at(lo);
  const vhi = at(Math.min(n - 1, lo + 1));
  return vlo + (h - lo) * (vhi - vlo);
}
