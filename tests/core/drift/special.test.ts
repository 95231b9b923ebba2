/**
 * The special functions behind the drift p-values, against closed forms and well-known constants.
 * Where a value comes from scipy's documentation or test suite, the comment says where.
 */
import { describe, expect, it } from 'vitest';
import { chiSquareSf, erf, erfc, gammaP, gammaQ, logGamma, normalCdf } from '../../../src/core/drift';

const rel = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));

describe('logGamma', () => {
  it('is ln((n−1)!) at integers and ln(√π) at 1/2', () => {
    let logFactorial = 0;
    for (let n = 1; n <= 170; n++) {
      expect(Math.abs(logGamma(n) - logFactorial), `n=${n}`).toBeLessThan(1e-13 * Math.max(1, logFactorial));
      logFactorial += Math.log(n);
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 15);
    // Γ(n + 1/2) = (2n)! √π / (4^n n!): n = 10
    let f20 = 0;
    for (let k = 2; k <= 20; k++) f20 += Math.log(k);
    let f10 = 0;
    for (let k = 2; k <= 10; k++) f10 += Math.log(k);
    expect(rel(logGamma(10.5), f20 + 0.5 * Math.log(Math.PI) - 10 * Math.log(4) - f10)).toBeLessThan(1e-14);
  });

  it('is NaN outside its domain', () => {
    expect(logGamma(0)).toBeNaN();
    expect(logGamma(-1.5)).toBeNaN();
  });
});

describe('incomplete gamma and chi-square', () => {
  it('matches the closed forms for integer a: Q(k, x) = e^−x Σ_{i<k} x^i / i!', () => {
    for (const k of [1, 2, 3, 5, 12]) {
      for (const x of [0.01, 0.7, 3, 11, 40, 250]) {
        let term = 1;
        let sum = 1;
        for (let i = 1; i < k; i++) {
          term *= x / i;
          sum += term;
        }
        const q = Math.exp(-x) * sum;
        expect(rel(gammaQ(k, x), q), `Q(${k}, ${x})`).toBeLessThan(1e-13);
        if (q < 0.5) expect(Math.abs(gammaP(k, x) - (1 - q))).toBeLessThan(1e-14);
      }
    }
  });

  it('chi-square survival: df = 2 is e^(−x/2), and the textbook critical values', () => {
    for (const x of [0.1, 1, 5.991464547107979, 20, 700]) expect(rel(chiSquareSf(x, 2), Math.exp(-x / 2))).toBeLessThan(1e-13);
    // The 95th percentiles of chi-square(1) and chi-square(10) (scipy.stats.chi2.ppf(0.95, df)).
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 14);
    expect(chiSquareSf(18.307038053275146, 10)).toBeCloseTo(0.05, 14);
  });

  it('reproduces scipy.stats.chisquare docstring: chi2.sf(2.0, 5) = 0.84914504', () => {
    // Q(5/2, 1) = erfc(1) + e^−1 (1/Γ(3/2) + 1/Γ(5/2)), erfc(1) = 0.15729920705028513.
    const exact = 0.15729920705028513 + Math.exp(-1) * (2 / Math.sqrt(Math.PI) + 4 / (3 * Math.sqrt(Math.PI)));
    expect(rel(chiSquareSf(2, 5), exact)).toBeLessThan(1e-14);
    expect(chiSquareSf(2, 5)).toBeCloseTo(0.84914504, 8);
  });

  it('keeps relative precision far in the tail and gives 0 at infinity, 1 at 0', () => {
    // df = 2: e^(−x/2) down to 1e-300.
    expect(rel(chiSquareSf(1380, 2), Math.exp(-690))).toBeLessThan(1e-12);
    expect(chiSquareSf(Infinity, 4)).toBe(0);
    expect(chiSquareSf(0, 4)).toBe(1);
  });
});

describe('erf, erfc and the normal CDF', () => {
  it('matches known constants', () => {
    expect(rel(erfc(1), 0.15729920705028513)).toBeLessThan(1e-14);
    expect(rel(erfc(2), 0.004677734981047266)).toBeLessThan(1e-14);
    expect(rel(erf(0.5), 0.5204998778130465)).toBeLessThan(1e-14);
    expect(erfc(-1)).toBeCloseTo(2 - 0.15729920705028513, 15);
    // Φ(−1), Φ(1.959963984540054) = 0.975 and the far tail Φ(−10) = 7.619853024160527e-24.
    expect(rel(normalCdf(-1), 0.15865525393145707)).toBeLessThan(1e-14);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 15);
    expect(rel(normalCdf(-10), 7.619853024160527e-24)).toBeLessThan(1e-12);
    expect(normalCdf(0)).toBe(0.5);
  });
});
