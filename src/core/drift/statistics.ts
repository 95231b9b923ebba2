/**
 * The five column tests of Evidently's DataDriftPreset, each defined as the scipy function it
 * mirrors. Inputs are aggregates or sorted arrays, never rows; missing values are already gone.
 */
import { gcd, kolmogorovSf, ksTwoSampleExactSf, roundHalfEven } from './kolmogorov';
import { chiSquareSf, normalCdf } from './special';

/** scipy's ks_2samp tries the exact p-value when both samples have at most this many values. */
export const KS_EXACT_MAX_N = 10_000;

/** Neumaier-compensated sum: keeps the drift distances within rounding of numpy's pairwise sums. */
export class CompensatedSum {
  private sum = 0;
  private c = 0;
  add(x: number): void {
    const t = this.sum + x;
    if (Math.abs(this.sum) >= Math.abs(x)) this.c += this.sum - t + x;
    else this.c += x - t + this.sum;
    this.sum = t;
  }
  get value(): number {
    return this.sum + this.c;
  }
}

export interface KsResult {
  /** D = sup |F_reference − F_current|, as h / lcm(n1, n2) when the p-value is exact. */
  statistic: number;
  pValue: number;
  /** 'exact' (lattice-path count) or 'asymptotic' (kstwo with n = round(n1·n2/(n1+n2))). */
  method: 'exact' | 'asymptotic';
}

/**
 * Two-sample two-sided Kolmogorov–Smirnov test: scipy.stats.ks_2samp(a, b) with its defaults
 * (alternative='two-sided', method='auto'). `a` and `b` sorted ascending, finite, non-empty.
 *
 * D is the largest |F_a(t) − F_b(t)| over the pooled values t (right-continuous empirical CDFs,
 * each difference formed as count_a/n_a − count_b/n_b like scipy). When max(n_a, n_b) ≤ 10,000
 * the exact p-value Pr(D ≥ h/lcm) is computed, h = round(D·lcm); if that fails numerically (not in
 * [0, 1]) or is not attempted, the asymptotic kstwo.sf(D, round(n_a·n_b/(n_a+n_b))) is used.
 */
export function ksTwoSample(a: Float64Array, b: Float64Array): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('ksTwoSample: both samples need at least one value');
  let maxDiff = -Infinity;
  let minDiff = Infinity;
  let i = 0;
  let j = 0;
  while (i < n1 || j < n2) {
    const t = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
    while (i < n1 && a[i] <= t) i++;
    while (j < n2 && b[j] <= t) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxDiff) maxDiff = diff;
    if (diff < minDiff) minDiff = diff;
  }
  const minS = Math.min(Math.max(-minDiff, 0), 1);
  let d = minS > maxDiff ? minS : maxDiff;
  if (Math.max(n1, n2) <= KS_EXACT_MAX_N) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    d = h / lcm;
    if (h === 0) return { statistic: d, pValue: 1, method: 'exact' };
    const p = ksTwoSampleExactSf(n1, n2, h);
    if (p >= 0 && p <= 1) return { statistic: d, pValue: p, method: 'exact' };
  }
  const big = Math.max(n1, n2);
  const small = Math.min(n1, n2);
  const en = (big * small) / (big + small);
  const p = kolmogorovSf(roundHalfEven(en), d);
  return { statistic: d, pValue: Math.min(Math.max(p, 0), 1), method: 'asymptotic' };
}

/**
 * First Wasserstein distance between the empirical distributions of `a` and `b` (sorted, finite,
 * non-empty): ∫ |F_a(t) − F_b(t)| dt, exactly as scipy.stats.wasserstein_distance(a, b) forms it —
 * the pooled values in order, each gap between consecutive values times |count_a/n_a − count_b/n_b|.
 */
export function wassersteinDistance(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('wassersteinDistance: both samples need at least one value');
  const sum = new CompensatedSum();
  let i = 0;
  let j = 0;
  let t = Math.min(a[0], b[0]);
  while (i < n1 || j < n2) {
    while (i < n1 && a[i] <= t) i++;
    while (j < n2 && b[j] <= t) j++;
    if (i === n1 && j === n2) break;
    const next = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
    sum.add(Math.abs(i / n1 - j / n2) * (next - t));
    t = next;
  }
  return sum.value;
}

/** Mean and population standard deviation (ddof 0, numpy.std's default), two passes with compensated sums. */
export function meanAndStd(values: Float64Array): { mean: number; std: number } {
  const n = values.length;
  const s = new CompensatedSum();
  for (let i = 0; i < n; i++) s.add(values[i]);
  const mean = s.value / n;
  const q = new CompensatedSum();
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    q.add(d * d);
  }
  return { mean, std: Math.sqrt(q.value / n) };
}

/**
 * Evidently's normed Wasserstein distance: wasserstein_distance(reference, current) divided by
 * max(std(reference), 0.001), the reference's population standard deviation.
 */
export function normedWasserstein(reference: Float64Array, current: Float64Array): number {
  return wassersteinDistance(reference, current) / Math.max(meanAndStd(reference).std, 0.001);
}

export interface TestResult {
  statistic: number;
  pValue: number;
}

/**
 * Pearson's chi-square goodness-of-fit test, scipy.stats.chisquare(observed, expected) with
 * ddof 0: statistic Σ (o − e)²/e, p = chi2.sf(statistic, k − 1). A category with e = 0 and o > 0
 * makes the statistic ∞ and p = 0, as in scipy.
 */
export function chiSquareTest(observed: ArrayLike<number>, expected: ArrayLike<number>): TestResult {
  const k = observed.length;
  if (k !== expected.length || k < 2) throw new RangeError('chiSquareTest: needs two or more categories, as many expected as observed');
  let stat = 0;
  for (let i = 0; i < k; i++) {
    const d = observed[i] - expected[i];
    stat += (d * d) / expected[i];
  }
  return { statistic: stat, pValue: chiSquareSf(stat, k - 1) };
}

/**
 * Evidently's chi-square drift test: observed = the current counts per level, expected = the
 * reference counts scaled to the current total (reference count · n_current / n_reference), over
 * the levels seen in either sample.
 */
export function chiSquareDrift(referenceCounts: ArrayLike<number>, currentCounts: ArrayLike<number>): TestResult {
  const nRef = total(referenceCounts);
  const nCur = total(currentCounts);
  const k = nCur / nRef;
  const expected = Array.from(referenceCounts, (c) => c * k);
  return chiSquareTest(currentCounts, expected);
}

/**
 * Evidently's two-proportion Z-test (pooled variance), for a column with at most two levels:
 * x = 1 for the first level, z = (p1 − p2) / √(P(1 − P)(1/n1 + 1/n2)), p = 2·(1 − Φ(|z|)), with
 * p1, p2 that level's shares in the reference and current sample and P the pooled share. When both
 * samples hold one and the same single level, p = 1 (Evidently's special case; z would be 0/0).
 */
export function zTestDrift(referenceFirst: number, referenceTotal: number, currentFirst: number, currentTotal: number): TestResult {
  const allSame =
    (referenceFirst === referenceTotal && currentFirst === currentTotal) || (referenceFirst === 0 && currentFirst === 0);
  if (allSame) return { statistic: 0, pValue: 1 };
  const p1 = referenceFirst / referenceTotal;
  const p2 = currentFirst / currentTotal;
  const pooled = (p1 * referenceTotal + p2 * currentTotal) / (referenceTotal + currentTotal);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / referenceTotal + 1 / currentTotal));
  return { statistic: z, pValue: 2 * (1 - normalCdf(Math.abs(z))) };
}

/**
 * Jensen–Shannon distance, scipy.spatial.distance.jensenshannon(p, q) with the natural log:
 * p and q are normalized to sum 1, m = (p + q)/2, and the result is
 * √((Σ p ln(p/m) + Σ q ln(q/m)) / 2). Zero entries contribute 0.
 */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const k = p.length;
  if (k !== q.length || k === 0) throw new RangeError('jensenShannonDistance: p and q need the same, non-zero length');
  const sp = total(p);
  const sq = total(q);
  let left = 0;
  let right = 0;
  for (let i = 0; i < k; i++) {
    const pi = p[i] / sp;
    const qi = q[i] / sq;
    const m = (pi + qi) / 2;
    if (pi > 0) left += pi * Math.log(pi / m);
    if (qi > 0) right += qi * Math.log(qi / m);
  }
  return Math.sqrt((left + right) / 2);
}

/**
 * Shares of each level in a sample, zero shares replaced as Evidently's get_binned_data does:
 * by 0.0001, or by (smallest non-zero share)/10^6 when that smallest share is ≤ 0.0001.
 */
export function sharesWithoutZeros(counts: ArrayLike<number>): number[] {
  const n = total(counts);
  const shares = Array.from(counts, (c) => c / n);
  let minNonZero = Infinity;
  for (const s of shares) if (s !== 0 && s < minNonZero) minNonZero = s;
  const fill = minNonZero <= 0.0001 ? minNonZero / 1e6 : 0.0001;
  return shares.map((s) => (s === 0 ? fill : s));
}

/** Evidently's Jensen–Shannon drift distance between two count vectors over the same levels. */
export function jensenShannonDrift(referenceCounts: ArrayLike<number>, currentCounts: ArrayLike<number>): number {
  return jensenShannonDistance(sharesWithoutZeros(referenceCounts), sharesWithoutZeros(currentCounts));
}

function total(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
}
