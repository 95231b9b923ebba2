/** Output size depends on the options, never on the row count. */
import { describe, expect, it } from 'vitest';
import type { Table } from '../../../src/core/data/types';
import {
  columnDistribution,
  correlationMatrix,
  dataQualityFindings,
  targetDistribution,
  targetVsFeature,
  type CategoricalDistribution,
  type CategoricalFeatureView,
  type NumericDistribution,
  type NumericFeatureView,
} from '../../../src/core/eda';
import { Rng } from '../../../src/core/random';
import { cat, num } from './helpers';

const N = 200_000;

function bigTable(): Table {
  const rng = new Rng(1);
  const carat = Float64Array.from({ length: N }, () => Math.exp(rng.normal() * 0.5 - 0.3));
  const x = carat.map((c) => 6.5 * Math.cbrt(c) + 0.05 * rng.normal());
  for (let i = 0; i < N; i += 9973) x[i] = 0;
  const price = carat.map((c) => 4000 * Math.pow(c, 1.7) * Math.exp(0.2 * rng.normal()));
  const labels = Array.from({ length: N }, () => `shop ${rng.nextInt(20_000)}`);
  return { rowCount: N, columns: [num('id', Array.from({ length: N }, (_, i) => i)), num('carat', carat), num('x', x), cat('shop', labels), num('price', price)] };
}

describe('bounded output on a large input', () => {
  const t = bigTable();

  it('every aggregate is small', () => {
    const d = columnDistribution(t.columns[1]) as NumericDistribution;
    expect(d.histogram.counts.length).toBeLessThanOrEqual(60);
    const c = columnDistribution(t.columns[3]) as CategoricalDistribution;
    expect(c.levels.length).toBe(20);
    expect(c.distinct).toBeGreaterThan(15_000);
    expect(c.levels.reduce((a, l) => a + l.count, 0) + c.other.count).toBe(N);
    const tv = targetVsFeature(t, 'price', 'carat') as NumericFeatureView;
    expect(tv.grid.counts.length).toBe(1600);
    expect(tv.points.x.length).toBe(5000);
    expect(tv.points.sampled).toBe(true);
    expect(tv.meanLine.mean.length).toBe(40);
    const tc = targetVsFeature(t, 'price', 'shop') as CategoricalFeatureView;
    expect(tc.groups.length).toBe(51);
    expect(tc.groups[50]).toMatchObject({ level: 'other', other: true });
    expect(tc.groups.reduce((a, g) => a + g.count, 0)).toBe(N);
    const fs = dataQualityFindings(t, [], undefined, { target: 'price' });
    for (const f of fs) expect(f.rows?.length ?? 0).toBeLessThanOrEqual(20);
    expect(fs.find((f) => f.kind === 'implausible-zeros')!.count).toBe(Math.ceil(N / 9973));
    expect(fs.find((f) => f.kind === 'high-cardinality')!.columns).toEqual(['shop']);
    const m = correlationMatrix(t, ['carat', 'x', 'price'], 'spearman');
    expect(m.matrix.length).toBe(9);
    const all = { d, c, tv: { ...tv, points: null }, tc, fs, m: Array.from(m.matrix), td: targetDistribution((t.columns[4] as { values: Float64Array }).values, { log: true }) };
    expect(JSON.stringify(all).length).toBeLessThan(100_000);
  });
});
