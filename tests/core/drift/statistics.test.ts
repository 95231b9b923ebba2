/**
 * The five column tests on small inputs. Expected values are worked out in the comments, or
 * come from scipy's documentation and test suite (named at each case).
 */
import { describe, expect, it } from 'vitest';
import {
  chiSquareDrift,
  chiSquareTest,
  jensenShannonDistance,
  jensenShannonDrift,
  kolmogorovSf,
  ksTwoSample,
  normedWasserstein,
  sharesWithoutZeros,
  wassersteinDistance,
  zTestDrift,
  erfc,
} from '../../../src/core/drift';

const rel = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));
const sorted = (xs: number[]): Float64Array => Float64Array.from(xs).sort();
const linspace = (a: number, b: number, n: number): number[] => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
const shift = (xs: number[], d: number): number[] => xs.map((x) => x + d);

describe('ksTwoSample (scipy.stats.ks_2samp, two-sided, method auto)', () => {
  // scipy/stats/tests/test_stats.py, class TestKSTwoSamples (two-sided cases).
  it('testSmall, testTwoVsThree, testTwoVsFour, testEqualSizes', () => {
    const cases: [number[], number[], number, number][] = [
      [[0], [1], 1, 1],
      [[1.01, 2.01], [1, 2, 3], 1 / 3, 1],
      [[0.99, 1.99], [1, 2, 3], 2 / 3, 0.6],
      [[1.01, 2.01], [1, 2, 3, 4], 2 / 4, 14 / 15],
      [[0.99, 1.99], [1, 2, 3, 4], 3 / 4, 6 / 15],
      [[1, 2, 3], [2, 3, 4], 1 / 3, 1],
      [[1, 2, 3], [1.5, 2.5, 3.5], 1 / 3, 1],
    ];
    for (const [a, b, d, p] of cases) {
      const r = ksTwoSample(sorted(a), sorted(b));
      expect(r.statistic, `${a} vs ${b}`).toBeCloseTo(d, 15);
      expect(rel(r.pValue, p), `${a} vs ${b}`).toBeLessThan(1e-13);
      expect(r.method).toBe('exact');
    }
  });

  it('test100_110 and testRepeatedValues', () => {
    const x100 = linspace(1, 100, 100);
    const x110 = linspace(1, 100, 110);
    const r1 = ksTwoSample(sorted(x100), sorted(shift(x110, 20.1)));
    expect(r1.statistic).toBe(232 / 1100);
    expect(rel(r1.pValue, 0.015739183865607353)).toBeLessThan(1e-12);
    const r2 = ksTwoSample(sorted(x100), sorted(shift(x110, 19.9)));
    expect(r2.statistic).toBe(229 / 1100);
    expect(rel(r2.pValue, 0.017803803861026313)).toBeLessThan(1e-12);
    // Ties: the statistic compares counts after all equal values, as searchsorted(side='right').
    const rep = (pairs: [number, number][]): number[] => pairs.flatMap(([v, k]) => Array<number>(k).fill(v));
    const x2233 = rep([[2, 3], [3, 4], [5, 5], [6, 4]]);
    const r3 = ksTwoSample(sorted(x2233), sorted(shift(x2233, 1)));
    expect(r3.statistic).toBe(5 / 16);
    expect(rel(r3.pValue, 0.4262934613454952)).toBeLessThan(1e-12);
    const r4 = ksTwoSample(sorted(rep([[2, 3], [3, 4], [5, 10], [6, 4]])), sorted(rep([[3, 10], [4, 2], [6, 10], [7, 4]])));
    expect(r4.statistic).toBeCloseTo(190 / 21 / 26, 15);
    expect(rel(r4.pValue, 0.0919245790168125)).toBeLessThan(1e-12);
  });

  it('is exact up to 10,000 values per sample, asymptotic (kstwo) beyond, as scipy decides', () => {
    // testLarge's samples: 10,000 vs 110 is still exact. (The suite's listed p-value predates the
    // 1 − p recursion and is only checked to 6 decimals there; scipy ≥ 1.10 prints 6.263465662260858e-26.)
    const delta = 1 / 10000 / 110 / 4;
    const x = sorted(shift(linspace(1, 200, 10000), -delta));
    const y = sorted(linspace(2, 100, 110));
    const exact = ksTwoSample(x, y);
    expect(exact.method).toBe('exact');
    expect(exact.statistic).toBe(55275 / 110000);
    expect(rel(exact.pValue, 6.263465662260858e-26)).toBeLessThan(1e-9);
    // One more value and scipy no longer tries: kstwo.sf(D, round(10001·110/10111)).
    const x2 = sorted(shift(linspace(1, 200, 10001), -delta));
    const asym = ksTwoSample(x2, y);
    expect(asym.method).toBe('asymptotic');
    expect(asym.pValue).toBe(kolmogorovSf(Math.round((10001 * 110) / 10111), asym.statistic));
  });

  it('does not depend on which sample comes first', () => {
    const a = sorted([0.1, 0.5, 0.5, 2, 3.5, 4, 9]);
    const b = sorted([0.2, 0.5, 1, 1, 2.5, 7, 8, 8, 10, 11]);
    expect(ksTwoSample(a, b)).toEqual(ksTwoSample(b, a));
  });
});

describe('wassersteinDistance (scipy.stats.wasserstein_distance)', () => {
  it('is the shift between translated samples and the area between step CDFs', () => {
    // scipy's docstring: wasserstein_distance([0, 1, 3], [5, 6, 8]) == 5.0
    expect(wassersteinDistance(sorted([0, 1, 3]), sorted([5, 6, 8]))).toBe(5);
    // F = 1/2 on [0, 1) against F = 1: area 1/2 (scipy's test_simple, unweighted).
    expect(wassersteinDistance(sorted([0, 1]), sorted([0]))).toBe(0.5);
    // Ties and unequal sizes: [1,1,2] vs [1,3]: |2/3 − 1/2|·1 + |1 − 1/2|·1 = 2/3.
    expect(wassersteinDistance(sorted([1, 1, 2]), sorted([1, 3]))).toBeCloseTo(2 / 3, 15);
    expect(wassersteinDistance(sorted([1, 3]), sorted([1, 1, 2]))).toBeCloseTo(2 / 3, 15);
    expect(wassersteinDistance(sorted([4, 4, 4]), sorted([4]))).toBe(0);
  });

  it('is normed by the reference’s population standard deviation, at least 0.001', () => {
    // Reference [0, 2]: std (ddof 0) = 1; shift by 0.5 → 0.5.
    expect(normedWasserstein(sorted([0, 2]), sorted([0.5, 2.5]))).toBe(0.5);
    // A constant reference divides by 0.001.
    expect(normedWasserstein(sorted([3, 3, 3]), sorted([3.002]))).toBeCloseTo(2, 9);
  });
});

describe('chiSquareTest (scipy.stats.chisquare)', () => {
  it('reproduces the docstring examples', () => {
    const obs = [16, 18, 16, 14, 12, 12];
    const mean = obs.reduce((s, v) => s + v) / obs.length;
    const r = chiSquareTest(obs, obs.map(() => mean));
    expect(r.statistic).toBeCloseTo(2, 13);
    expect(r.pValue).toBeCloseTo(0.84914504, 8);
    const r2 = chiSquareTest(obs, [16, 16, 16, 16, 16, 8]);
    expect(r2.statistic).toBeCloseTo(3.5, 14);
    expect(r2.pValue).toBeCloseTo(0.62338763, 8);
  });

  it('gives p = 0 for a level the reference never had (expected count 0)', () => {
    const r = chiSquareDrift([10, 20, 0], [5, 10, 1]);
    expect(r.statistic).toBe(Infinity);
    expect(r.pValue).toBe(0);
  });

  it('expects the reference shares scaled to the current total (Evidently)', () => {
    // Same shares → statistic 0, p = 1.
    expect(chiSquareDrift([10, 20, 30], [50, 100, 150])).toEqual({ statistic: 0, pValue: 1 });
    // [10, 30] vs [20, 20]: expected [10, 30], statistic 100/10 + 100/30 = 13.33…, df 1.
    const r = chiSquareDrift([10, 30], [20, 20]);
    expect(r.statistic).toBeCloseTo(40 / 3, 13);
    expect(rel(r.pValue, erfc(Math.sqrt(40 / 3 / 2)))).toBeLessThan(1e-13);
  });
});

describe('zTestDrift (Evidently two-proportion Z-test)', () => {
  it('pools the shares: 40/100 vs 60/100 gives z = −2√2 and p = erfc(2)', () => {
    // P = 0.5, z = −0.2 / √(0.25 · 0.02) = −2√2; p = 2(1 − Φ(2√2)) = erfc(2).
    const r = zTestDrift(40, 100, 60, 100);
    expect(r.statistic).toBeCloseTo(-2 * Math.SQRT2, 14);
    expect(rel(r.pValue, 0.004677734981047266)).toBeLessThan(1e-12);
    expect(zTestDrift(60, 100, 40, 100).pValue).toBe(r.pValue);
  });

  it('gives p = 1 when both samples hold the same single level', () => {
    expect(zTestDrift(7, 7, 3, 3)).toEqual({ statistic: 0, pValue: 1 });
    expect(zTestDrift(0, 7, 0, 3)).toEqual({ statistic: 0, pValue: 1 });
    expect(zTestDrift(7, 7, 0, 3).pValue).toBeLessThan(0.05);
  });
});

describe('Jensen–Shannon distance', () => {
  it('reproduces scipy.spatial.distance.jensenshannon (natural log) docstring values', () => {
    expect(rel(jensenShannonDistance([1, 0], [0.5, 0.5]), 0.46450140402245893)).toBeLessThan(1e-15);
    // Disjoint supports: √(ln 2); inputs are normalized first.
    expect(rel(jensenShannonDistance([1, 0, 0], [0, 1, 0]), Math.sqrt(Math.LN2))).toBeLessThan(1e-15);
    expect(rel(jensenShannonDistance([2, 0, 0], [0, 5, 0]), Math.sqrt(Math.LN2))).toBeLessThan(1e-15);
    expect(jensenShannonDistance([1, 2, 3], [2, 4, 6])).toBe(0);
  });

  it('replaces zero shares as Evidently does before comparing', () => {
    expect(sharesWithoutZeros([0, 5, 5])).toEqual([0.0001, 0.5, 0.5]);
    // Smallest non-zero share 1e-5 ≤ 1e-4: zeros become 1e-5 / 1e6.
    const s = sharesWithoutZeros([0, 1, 99999]);
    expect(s[0]).toBeCloseTo(1e-11, 25);
    expect(jensenShannonDrift([0, 5, 5], [5, 5, 0])).toBe(jensenShannonDistance([0.0001, 0.5, 0.5], [0.5, 0.5, 0.0001]));
  });
});
