import { describe, expect, it } from 'vitest';
import { columnDistribution, targetDistribution, type CategoricalDistribution, type NumericDistribution } from '../../../src/core/eda';
import { InvalidParamsError } from '../../../src/core/errors';
import { cat, num } from './helpers';

const numeric = (values: number[], opts = {}): NumericDistribution => {
  const d = columnDistribution(num('v', values), opts);
  if (d.kind !== 'numeric') throw new Error('expected numeric');
  return d;
};

describe('columnDistribution, numbers', () => {
  it('summarises by hand-computed values: type-7 quartiles, population std, adjusted skewness', () => {
    // mean 4; deviations -3,-2,-1,0,6: m2 = 50/5 = 10, m3 = 180/5 = 36;
    // g1 = 36 / 10^1.5 = 1.13842, G1 = g1 * sqrt(5*4) / 3 = 1.69706 (scipy skew(bias=False) agrees).
    const d = numeric([10, 1, NaN, 3, 2, 4]);
    expect(d.rows).toBe(6);
    expect(d.missing).toBe(1);
    expect(d.missingShare).toBeCloseTo(1 / 6, 12);
    expect(d.stats).toMatchObject({ count: 5, min: 1, max: 10, mean: 4, q1: 2, median: 3, q3: 4, iqr: 2 });
    expect(d.stats.std).toBeCloseTo(Math.sqrt(10), 12);
    expect(d.stats.skewness).toBeCloseTo(1.6970562748477143, 10);
  });

  it('counts IQR outliers on each side (fences at Q1 − 1.5·IQR and Q3 + 1.5·IQR)', () => {
    // Sorted: -20, 1, 2, 3, 4, 10 → q1 = 1.25, q3 = 3.75, IQR 2.5, fences -2.5 and 7.5.
    const d = numeric([3, 10, 1, -20, 2, 4]);
    expect(d.stats.q1).toBeCloseTo(1.25, 12);
    expect(d.stats.q3).toBeCloseTo(3.75, 12);
    expect(d.outliers.iqr).toEqual({ low: 1, high: 1, lowerFence: -2.5, upperFence: 7.5 });
    // A value exactly on a fence is not an outlier: 1,2,3,4 + 7 → q1 2, q3 4, upper fence 7.
    expect(numeric([1, 2, 3, 4, 7]).outliers.iqr.high).toBe(0);
  });

  it('counts |z| > 3 outliers', () => {
    // Twenty 0s and one 100: mean 4.76, std 21.3, so 100 has z ≈ 4.5; the zeros have z ≈ -0.22.
    const d = numeric([...new Array(20).fill(0), 100]);
    expect(d.outliers.z).toEqual({ low: 0, high: 1 });
    expect(d.zeros).toBe(20);
    // A constant column has no z outliers (std 0) and an undefined skewness.
    const c = numeric([5, 5, 5, 5]);
    expect(c.outliers.z).toEqual({ low: 0, high: 0 });
    expect(c.stats.skewness).toBeNaN();
  });

  it('fixed bins: equal width over [min, max], last bin closed', () => {
    const d = numeric([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { bins: 5 });
    expect(d.histogram).toEqual({ scale: 'linear', edges: [0, 2, 4, 6, 8, 10], counts: [2, 2, 2, 2, 3], excluded: 0 });
  });

  it('Freedman–Diaconis bins with nice edges', () => {
    // n = 11, IQR = 5 → h = 2·5/11^(1/3) = 4.50 → 3 bins of 3.33 → nice width 5 → [0, 5, 10].
    const d = numeric([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(d.histogram.edges).toEqual([0, 5, 10]);
    expect(d.histogram.counts).toEqual([5, 6]);
    // Edges are clean decimals, not 0.30000000000000004.
    const e = numeric(Array.from({ length: 200 }, (_, i) => 0.1 + i * 0.013)).histogram.edges;
    for (const x of e) expect(String(x).length).toBeLessThan(8);
    expect(e[0]).toBeLessThanOrEqual(0.1);
    expect(e[e.length - 1]).toBeGreaterThanOrEqual(0.1 + 199 * 0.013);
  });

  it('caps the number of bins', () => {
    const values = Array.from({ length: 5000 }, (_, i) => (i % 2 ? i : i * 1000));
    const d = numeric(values, { maxBins: 25 });
    expect(d.histogram.counts.length).toBeLessThanOrEqual(25);
    expect(d.histogram.counts.reduce((a, b) => a + b, 0)).toBe(5000);
  });

  it('log binning: bins on log10, edges in data units, non-positive values excluded', () => {
    const d = numeric([1, 10, 100, 1000, 0, -5, NaN], { bins: 3, log: true });
    expect(d.histogram.scale).toBe('log');
    expect(d.histogram.edges.map((e) => Number(e.toPrecision(10)))).toEqual([1, 10, 100, 1000]);
    expect(d.histogram.counts).toEqual([1, 1, 2]);
    expect(d.histogram.excluded).toBe(2);
    expect(d.missing).toBe(1);
  });

  it('terminates and counts every value at the limits of doubles', () => {
    for (const values of [
      [-1e308, 1e308, 0, 5],
      [5e-324, 1e-323, 1.5e-323, 5e-324],
      [1e-300, 2e-300, 3e-300],
    ]) {
      for (const opts of [{}, { bins: 7 }]) {
        const h = numeric(values, opts).histogram;
        expect(h.counts.reduce((a, b) => a + b, 0)).toBe(values.length);
        expect(h.edges.every(Number.isFinite)).toBe(true);
      }
    }
  });

  it('an all-missing column gives an empty histogram and NaN statistics', () => {
    const d = numeric([NaN, NaN]);
    expect(d.missingShare).toBe(1);
    expect(d.histogram.counts).toEqual([]);
    expect(d.stats.mean).toBeNaN();
  });

  it('rejects bad options, naming the field', () => {
    expect(() => columnDistribution(num('v', [1]), { bins: 0 })).toThrow(InvalidParamsError);
    expect(() => columnDistribution(num('v', [1]), { maxBins: 2.5 })).toThrow(
      expect.objectContaining({ where: expect.objectContaining({ field: 'maxBins' }) }),
    );
  });
});

describe('columnDistribution, labels', () => {
  it('lists the top levels by count, ties in level order, the rest as "other"', () => {
    const col = cat('c', ['a', 'b', 'a', 'c', null, 'b', 'a', 'd', null, 'e', 'e'], ['a', 'b', 'c', 'd', 'e', 'unused']);
    const d = columnDistribution(col, { top: 3 }) as CategoricalDistribution;
    expect(d.kind).toBe('categorical');
    expect(d.rows).toBe(11);
    expect(d.missing).toBe(2);
    expect(d.missingShare).toBeCloseTo(2 / 11, 12);
    expect(d.distinct).toBe(5);
    expect(d.levels).toEqual([
      { level: 'a', code: 0, count: 3, share: 3 / 9 },
      { level: 'b', code: 1, count: 2, share: 2 / 9 },
      { level: 'e', code: 4, count: 2, share: 2 / 9 },
    ]);
    expect(d.other).toEqual({ levels: 2, count: 2, share: 2 / 9 });
  });
});

describe('targetDistribution', () => {
  it('histogram on a log scale plus how symmetric log10 makes it', () => {
    // Powers of ten: perfectly symmetric in log10, strongly skewed in raw units.
    const y = Float64Array.from([1, 10, 10, 100, 100, 100, 1000, 1000, 10000]);
    const lin = targetDistribution(y, { name: 'price' });
    expect(lin.name).toBe('price');
    expect(lin.histogram.scale).toBe('linear');
    expect(lin.stats.skewness).toBeGreaterThan(2);
    expect(lin.logSkewness).toBeCloseTo(0, 12);
    const log = targetDistribution(y, { log: true, bins: 4 });
    expect(log.histogram.counts).toEqual([1, 2, 3, 3]);
    expect(log.nonPositive).toBe(0);
  });
});
