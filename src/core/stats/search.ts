/**
 * Searches in an ascending Float64Array: the one binary search behind EDA counts, drift bins,
 * gradient-boosting bins and the coded trees' threshold ranks.
 */

/** Number of elements of sorted `s` strictly below `v` (the first index whose value is ≥ v). */
export function lowerBound(s: Float64Array, v: number): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of elements of sorted `s` at or below `v` (the first index whose value is > v). */
export function upperBound(s: Float64Array, v: number): number {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
