import { describe, expect, it } from 'vitest';
import { targetVsFeature, type CategoricalFeatureView, type NumericFeatureView } from '../../../src/core/eda';
import { cat, num, table } from './helpers';

describe('targetVsFeature, numeric feature', () => {
  it('bins counts on a data-space grid and averages the target per x bin', () => {
    const t = table(num('x', [0, 1, 2, 3, 4, NaN]), num('y', [0, 10, 20, 30, 40, 50]));
    const v = targetVsFeature(t, 'y', 'x', { gridX: 2, gridY: 2 }) as NumericFeatureView;
    expect(v.kind).toBe('numeric');
    expect(v.n).toBe(5);
    expect(v.dropped).toBe(1);
    expect([v.grid.xScale, v.grid.yScale]).toEqual(['linear', 'linear']);
    expect(v.grid.xEdges).toEqual([0, 2, 4]);
    expect(v.grid.yEdges).toEqual([0, 20, 40]);
    // counts[yi * gx + xi]: (0,0) and (1,10) low-left; 2..4 / 20..40 high-right (last bins closed).
    expect(Array.from(v.grid.counts)).toEqual([2, 0, 0, 3]);
    expect(v.grid.maxCount).toBe(3);
    expect(v.meanLine).toEqual({ x: [1, 3], mean: [5, 30], count: [2, 3] });
    expect(v.points.sampled).toBe(false);
    expect(Array.from(v.points.row)).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(v.points.y)).toEqual([0, 10, 20, 30, 40]);
  });

  it('bins on log10 when asked, edges and means in data units, non-positive rows dropped', () => {
    const t = table(num('carat', [1, 10, 100, 1000, 0, 5]), num('price', [1, 10, 100, 1000, 5, -1]));
    const v = targetVsFeature(t, 'price', 'carat', { gridX: 3, gridY: 3, logX: true, logY: true }) as NumericFeatureView;
    expect(v.n).toBe(4);
    expect(v.dropped).toBe(2);
    expect([v.grid.xScale, v.grid.yScale]).toEqual(['log', 'log']);
    expect(v.grid.xEdges.map((e) => Number(e.toPrecision(10)))).toEqual([1, 10, 100, 1000]);
    // Diagonal: (1,1) (10,10) and both of (100,100), (1000,1000) in the last, closed bin.
    expect(Array.from(v.grid.counts)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 2]);
    expect(v.meanLine.x.map((x) => Number(x.toPrecision(10)))).toEqual([10 ** 0.5, 10 ** 1.5, 10 ** 2.5].map((x) => Number(x.toPrecision(10))));
    expect(v.meanLine.mean).toEqual([1, 10, 550]);
    expect(Array.from(v.points.x)).toEqual([1, 10, 100, 1000]);
  });

  it('counts every row when values span nearly all doubles', () => {
    const t = table(num('x', [-1e308, 1e308, 0, 1]), num('y', [5e-324, 1e-323, 0, 1e300]));
    const v = targetVsFeature(t, 'y', 'x') as NumericFeatureView;
    expect(v.grid.counts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(v.meanLine.count.reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('samples points deterministically when there are more than maxPoints', () => {
    const n = 1000;
    const t = table(num('x', Array.from({ length: n }, (_, i) => i)), num('y', Array.from({ length: n }, (_, i) => 2 * i)));
    const a = targetVsFeature(t, 'y', 'x', { maxPoints: 100, seed: 7 }) as NumericFeatureView;
    const b = targetVsFeature(t, 'y', 'x', { maxPoints: 100, seed: 7 }) as NumericFeatureView;
    const c = targetVsFeature(t, 'y', 'x', { maxPoints: 100, seed: 8 }) as NumericFeatureView;
    expect(a.points.sampled).toBe(true);
    expect(a.points.row.length).toBe(100);
    expect(new Set(a.points.row).size).toBe(100);
    expect(Array.from(a.points.row)).toEqual(Array.from(b.points.row));
    expect(Array.from(a.points.row)).not.toEqual(Array.from(c.points.row));
    for (let k = 0; k < 100; k++) {
      expect(a.points.x[k]).toBe(a.points.row[k] - 1);
      expect(a.points.y[k]).toBe(2 * (a.points.row[k] - 1));
      if (k) expect(a.points.row[k]).toBeGreaterThan(a.points.row[k - 1]);
    }
    expect(a.grid.counts.reduce((s, x) => s + x, 0)).toBe(n);
  });
});

describe('targetVsFeature, categorical feature', () => {
  const t = table(
    cat('cut', ['a', 'a', 'b', 'a', 'a', 'a', null, 'b'], ['a', 'b', 'empty']),
    num('price', [1, 2, 5, 3, 4, 100, 7, NaN]),
  );

  it('box statistics per level by hand: Tukey whiskers, outliers, mean', () => {
    const v = targetVsFeature(t, 'price', 'cut') as CategoricalFeatureView;
    expect(v.kind).toBe('categorical');
    expect(v.n).toBe(6);
    expect(v.dropped).toBe(2);
    // a: 1,2,3,4,100 → Q1 2, median 3, Q3 4, fences -1 and 7 → whiskers 1 and 4, one outlier (100).
    expect(v.groups).toEqual([
      { level: 'a', other: false, count: 5, mean: 22, min: 1, lowerWhisker: 1, q1: 2, median: 3, q3: 4, upperWhisker: 4, max: 100, outliers: 1 },
      { level: 'b', other: false, count: 1, mean: 5, min: 5, lowerWhisker: 5, q1: 5, median: 5, q3: 5, upperWhisker: 5, max: 5, outliers: 0 },
    ]);
  });

  it('follows a given level order and merges levels beyond maxLevels into "other"', () => {
    const v = targetVsFeature(t, 'price', 'cut', { order: ['b', 'a'] }) as CategoricalFeatureView;
    expect(v.groups.map((g) => g.level)).toEqual(['b', 'a']);
    const w = targetVsFeature(t, 'price', 'cut', { maxLevels: 1 }) as CategoricalFeatureView;
    expect(w.groups.map((g) => [g.level, g.other, g.count])).toEqual([
      ['a', false, 5],
      ['other', true, 1],
    ]);
  });

  it('needs a numeric target', () => {
    expect(() => targetVsFeature(t, 'cut', 'price')).toThrow(/target: column "cut" holds labels/);
  });
});
