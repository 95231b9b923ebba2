/**
 * One quantile definition (Hyndman–Fan type 7) for the profile and EDA: the numbers are NumPy's,
 * and the profile's quartiles are the ones the Explore screen shows for the same column.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv, quantileSorted } from '../../../src/core/data/index';
import { quantileCounted } from '../../../src/core/data/quantile';
import { columnDistribution, type NumericDistribution } from '../../../src/core/eda';
import { num } from './helpers';

const QS = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1];

describe('quantileSorted', () => {
  it('gives NumPy’s default quantiles', () => {
    // numpy 2.4.6: np.quantile([15, 20, 35, 40, 50, 3.5, 3.5, -2], [0, .05, .25, .5, .75, .95, 1])
    const numpy = [-2.0, -0.07499999999999973, 3.5, 17.5, 36.25, 46.49999999999999, 50.0];
    const s = Float64Array.from([15, 20, 35, 40, 50, 3.5, 3.5, -2]).sort();
    QS.forEach((q, k) => expect(quantileSorted(s, q)).toBeCloseTo(numpy[k], 12));
    // np.quantile([1, 2, 3, 4], [.05, .5]) and np.quantile([7.0], [0, .5, 1])
    expect(quantileSorted(Float64Array.from([1, 2, 3, 4]), 0.05)).toBeCloseTo(1.15, 12);
    expect(quantileSorted(Float64Array.from([1, 2, 3, 4]), 0.5)).toBe(2.5);
    for (const q of QS) expect(quantileSorted(Float64Array.of(7), q)).toBe(7);
    expect(quantileSorted(new Float64Array(0), 0.5)).toBeNaN();
  });

  it('the profile’s counted path (distinct values and counts) gives the same quantiles as the sorted values', () => {
    const values = Float64Array.from({ length: 997 }, (_, i) => ((i * 7919) % 41) / 8).sort();
    const keys = Float64Array.from(new Set(values));
    const cum = keys.map((k) => values.filter((v) => v <= k).length);
    for (const q of [...QS, 0.33, 0.999]) expect(quantileCounted(keys, cum, values.length, q)).toBe(quantileSorted(values, q));
  });

  it('the Data page’s profile and the Explore screen show the same quartiles of a column', async () => {
    for (const n of [5, 1000, 70_000]) {
      const values = Array.from({ length: n }, (_, i) => (i % 17 === 3 ? NaN : Math.round(((i * 7919) % 10007) * Math.sin(i)) / 4));
      const d = await parseCsv('v\n' + values.map((v) => (Number.isNaN(v) ? '' : String(v))).join('\n') + '\n');
      const q = d.profile[0].numeric!.quantiles;
      const eda = columnDistribution(num(d.table, 'v')) as NumericDistribution;
      expect([q.p25, q.p50, q.p75]).toEqual([eda.stats.q1, eda.stats.median, eda.stats.q3]);
    }
  });
});
