/**
 * Kolmogorov–Smirnov distributions. Sources of the expected values:
 * - brute force: every interleaving of two small samples is counted here;
 * - closed forms of Simard & L'Ecuyer (2011), eq. 1, as scipy's own tests use them
 *   (scipy/stats/tests/test_distributions.py, TestKSTwo.test_sf);
 * - scipy/special/tests/test_kolmogorov.py, TestSmirnov (table at x = 0.5, n = 1..10);
 * - values printed by scipy 1.17.1 (`scipy.stats.kstwo.sf(x, n)`), which reproduces the 1.10.1
 *   drift oracle bit for bit, for the branches that have no closed form (Durbin's matrix,
 *   Pomeranz's recursion, Pelz–Good); the comment on each table says which branch it exercises.
 */
import { describe, expect, it } from 'vitest';
import { kolmogorovSf, ksTwoSampleExactSf, smirnovSf } from '../../../src/core/drift';

const rel = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));

/** Pr(D ≥ h/lcm) by listing every placement of the first sample among n1 + n2 distinct pooled values. */
function bruteForceSf(n1: number, n2: number, h: number, lcm: number): number {
  const n = n1 + n2;
  let hits = 0;
  let total = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let ones = 0;
    for (let b = 0; b < n; b++) if (mask & (1 << b)) ones++;
    if (ones !== n1) continue;
    total++;
    let c1 = 0;
    let c2 = 0;
    let best = 0; // D·lcm, in integers
    for (let b = 0; b < n; b++) {
      if (mask & (1 << b)) c1++;
      else c2++;
      best = Math.max(best, Math.abs(c1 * (lcm / n1) - c2 * (lcm / n2)));
    }
    if (best >= h) hits++;
  }
  return hits / total;
}

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);

describe('ksTwoSampleExactSf', () => {
  it('equals the share of interleavings with D ≥ h/lcm, for every h and sizes up to 7 + 7', () => {
    for (const [n1, n2] of [
      [1, 1],
      [2, 3],
      [3, 2],
      [4, 4],
      [3, 7],
      [6, 5],
      [7, 7],
    ]) {
      const lcm = (n1 / gcd(n1, n2)) * n2;
      for (let h = 1; h <= lcm; h++) {
        const want = bruteForceSf(n1, n2, h, lcm);
        expect(Math.abs(ksTwoSampleExactSf(n1, n2, h) - want), `n1=${n1} n2=${n2} h=${h}`).toBeLessThan(1e-14);
      }
    }
  });

  it('keeps relative precision for tiny p-values: Pr(D = 1) = 2 / C(n1+n2, n1)', () => {
    // D = 1 only when one sample lies entirely below the other.
    let logC = 0;
    for (let k = 1; k <= 300; k++) logC += Math.log((500 + k) / k); // C(800, 300)
    expect(rel(ksTwoSampleExactSf(500, 300, 1500), 2 * Math.exp(-logC))).toBeLessThan(1e-9);
    let logC2 = 0;
    for (let k = 1; k <= 400; k++) logC2 += Math.log((400 + k) / k); // C(800, 400)
    expect(rel(ksTwoSampleExactSf(400, 400, 400), 2 * Math.exp(-logC2))).toBeLessThan(1e-9);
  });
});

describe('smirnovSf (scipy.special.smirnov)', () => {
  it('matches scipy test_kolmogorov.py TestSmirnov at x = 0.5', () => {
    const table: [number, number][] = [
      [1, 0.5],
      [2, 0.25],
      [3, 0.166666666667],
      [4, 0.09375],
      [5, 0.056],
      [6, 0.0327932098765],
      [7, 0.0191958707681],
      [8, 0.0112953186035],
      [9, 0.00661933257355],
      [10, 0.003888705],
    ];
    for (const [n, p] of table) expect(rel(smirnovSf(n, 0.5), p), `n=${n}`).toBeLessThan(1e-11);
  });

  it('is (1 − x)^n for x ≥ 1 − 1/n and 1 − x for n = 1 (TestSmirnov.test_n_equals_1/2/3)', () => {
    for (let i = 0; i <= 20; i++) {
      const x = 0.5 + i / 40;
      expect(smirnovSf(2, x)).toBeCloseTo((1 - x) ** 2, 15);
      expect(smirnovSf(1, x)).toBeCloseTo(1 - x, 15);
    }
    for (const x of [0.7, 0.8, 0.875, 0.95]) expect(rel(smirnovSf(3, x), (1 - x) ** 3)).toBeLessThan(1e-13);
    expect(smirnovSf(7, 0)).toBe(1);
    expect(smirnovSf(7, 1)).toBe(0);
  });
});

describe('kolmogorovSf (scipy.stats.kstwo.sf)', () => {
  it('meets the closed forms of Simard & L’Ecuyer at 1/(2n), 1/n, 1/2, 1 − 1/n and 1', () => {
    for (const n of [2, 3, 10, 100, 1000]) {
      let logFactorialOverPower = 0;
      for (let i = 1; i <= n; i++) logFactorialOverPower += Math.log(i / n);
      expect(kolmogorovSf(n, 0.5 / n)).toBe(1);
      expect(rel(kolmogorovSf(n, 1 / n), 1 - Math.exp(logFactorialOverPower)), `n=${n} at 1/n`).toBeLessThan(1e-13);
      expect(rel(kolmogorovSf(n, 0.5), 2 * smirnovSf(n, 0.5)), `n=${n} at 1/2`).toBeLessThan(1e-15);
      expect(rel(kolmogorovSf(n, 1 - 1 / n), Math.min(1, 2 * (1 / n) ** n)), `n=${n} at 1 − 1/n`).toBeLessThan(1e-12);
      expect(kolmogorovSf(n, 1)).toBe(0);
    }
  });

  it('matches scipy 1.17.1 in each of its methods', () => {
    const cases: [n: number, x: number, sf: number, branch: string][] = [
      [3, 0.4, 0.5946666666666665, 'Durbin matrix, n ≤ 140'],
      [10, 0.2, 0.7487190399999999, 'Durbin matrix, n ≤ 140'],
      [50, 0.1, 0.6623112704658186, 'Durbin matrix, n ≤ 140'],
      [140, 0.07, 0.4776228287946577, 'Durbin matrix, n ≤ 140'],
      [37, 0.3, 0.0018926051289456236, 'Pomeranz, n ≤ 140'],
      [100, 0.15, 0.019839242125641813, 'Pomeranz, n ≤ 140'],
      [140, 0.16, 0.0013440163244194184, 'Pomeranz, n ≤ 140'],
      [200, 0.035, 0.959895555633483, 'Durbin matrix, n > 140'],
      [1000, 0.0125, 0.9971528020597908, 'Durbin matrix, n > 140'],
      [200, 0.045, 0.7955464488103142, 'Pelz–Good'],
      [1000, 0.02, 0.8108971656895577, 'Pelz–Good'],
      [5000, 0.012, 0.4639912166690192, 'Pelz–Good'],
      [308, 0.03025, 0.9325083312731822, 'Pelz–Good'],
      [308, 0.15, 1.629004210533766e-6, '2 × Smirnov'],
    ];
    for (const [n, x, sf, branch] of cases) expect(rel(kolmogorovSf(n, x), sf), `n=${n} x=${x} (${branch})`).toBeLessThan(1e-11);
  });

  it('is NaN for a sample size that is not a positive integer', () => {
    expect(kolmogorovSf(0, 0.3)).toBeNaN();
    expect(kolmogorovSf(2.5, 0.3)).toBeNaN();
  });
});
