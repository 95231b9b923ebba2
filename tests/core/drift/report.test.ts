/**
 * computeDrift on hand-built tables: which test each column gets (Evidently's rules), missing
 * values, level text matching, the aggregates, the settings' precedence and the errors a person
 * can meet.
 */
import { describe, expect, it } from 'vitest';
import type { Table } from '../../../src/core/data/types';
import { computeDrift, jensenShannonDrift, chiSquareDrift, ksTwoSample, normedWasserstein, type DriftConfig } from '../../../src/core/drift';
import { InvalidInputError, InvalidParamsError } from '../../../src/core/errors';
import { Rng } from '../../../src/core/random';
import { thrown } from '../../helpers/errors';
import { cat, num, table } from '../eda/helpers';

const rng = new Rng(7);
const normals = (n: number, mean = 0, sd = 1): number[] => Array.from({ length: n }, () => mean + sd * rng.normal());
const cycle = <T>(values: T[], n: number): T[] => Array.from({ length: n }, (_, i) => values[i % values.length]);
const one = (reference: Table, current: Table, config: DriftConfig = {}) => computeDrift(reference, current, config).columns[0];

describe('the test each column gets (Evidently defaults)', () => {
  it('numbers with > 5 distinct values: KS up to 1000 reference values, Wasserstein above', () => {
    const cur = table(num('v', normals(300)));
    expect(one(table(num('v', normals(1000))), cur).test).toBe('ks');
    expect(one(table(num('v', normals(1001))), cur).test).toBe('wasserstein');
  });

  it('counts the reference after dropping missing values', () => {
    const values = [...normals(1000), NaN, NaN, Infinity, -Infinity, NaN];
    const r = one(table(num('v', values)), table(num('v', normals(50))));
    expect(r.test).toBe('ks');
    expect(r.referenceCount).toBe(1000);
    expect(r.referenceMissing).toBe(5);
  });

  it('numbers with ≤ 5 distinct values (both samples together) are levels: chi-square, Z-test or Jensen–Shannon', () => {
    const five = table(num('v', cycle([1, 2, 3, 4, 5], 500)));
    expect(one(five, table(num('v', cycle([1, 2, 3], 90)))).test).toBe('chisquare');
    expect(one(five, table(num('v', cycle([1, 2, 3], 90)))).kind).toBe('categorical');
    // A sixth value in the current data makes it numeric.
    expect(one(five, table(num('v', cycle([1, 2, 6], 90)))).test).toBe('ks');
    expect(one(table(num('v', cycle([0, 1], 500))), table(num('v', cycle([0, 1], 90)))).test).toBe('z');
    expect(one(table(num('v', cycle([0, 1], 5000))), table(num('v', cycle([0, 1], 90)))).test).toBe('jensenshannon');
  });

  it('labels: chi-square over two levels, Z-test with two or one, Jensen–Shannon above 1000 values', () => {
    const cur = table(cat('c', cycle(['a', 'b', 'c'], 60)));
    expect(one(table(cat('c', cycle(['a', 'b', 'c'], 600))), cur).test).toBe('chisquare');
    expect(one(table(cat('c', cycle(['a', 'b'], 600))), table(cat('c', cycle(['a', 'b'], 60)))).test).toBe('z');
    const single = one(table(cat('c', cycle(['a'], 600))), table(cat('c', cycle(['a'], 60))));
    expect([single.test, single.value, single.drift]).toEqual(['z', 1, false]);
    expect(one(table(cat('c', cycle(['a', 'b'], 1001))), cur).test).toBe('jensenshannon');
  });

  it('flags drift below a p-value threshold and at or above a distance threshold', () => {
    const ref = table(num('v', normals(500)));
    const shifted = one(ref, table(num('v', normals(400, 0.5))));
    expect(shifted.test).toBe('ks');
    expect(shifted.value).toBeLessThan(0.05);
    expect(shifted.drift).toBe(true);
    const same = one(ref, table(num('v', normals(400))));
    expect(same.drift).toBe(same.value < 0.05);
    const w = one(table(num('v', normals(2000))), table(num('v', normals(2000, 0.3))));
    expect(w.value).toBeGreaterThanOrEqual(0.1);
    expect(w.drift).toBe(true);
    expect(one(table(num('v', normals(2000))), table(num('v', normals(2000, 0.3))), { threshold: 5 }).drift).toBe(false);
  });
});

describe('values compared', () => {
  it('drops missing numbers and missing labels first and reports how many', () => {
    const a = normals(400);
    const b = normals(300, 0.2);
    const withGaps = (xs: number[]): number[] => xs.flatMap((x, i) => (i % 7 === 0 ? [x, NaN] : [x]));
    const clean = computeDrift(table(num('v', a)), table(num('v', b)));
    const gappy = computeDrift(table(num('v', withGaps(a))), table(num('v', withGaps(b))));
    expect(gappy.columns[0].value).toBe(clean.columns[0].value);
    expect(gappy.columns[0].statistic).toBe(clean.columns[0].statistic);
    expect(gappy.columns[0].referenceMissing).toBe(Math.ceil(400 / 7));
    expect(gappy.columns[0].currentMissing).toBe(Math.ceil(300 / 7));
    expect(gappy.rows).toBe(300 + Math.ceil(300 / 7));

    const labels = cycle(['x', 'y', 'z', 'y'], 200);
    const r1 = one(table(cat('c', labels)), table(cat('c', cycle(['y', 'z'], 50))));
    const r2 = one(table(cat('c', labels.flatMap((l, i) => (i % 3 ? [l] : [l, null])))), table(cat('c', [...cycle(['y', 'z'], 50), null])));
    expect(r2.value).toBe(r1.value);
    expect([r2.referenceMissing, r2.currentMissing]).toEqual([67, 1]);
  });

  it('matches levels by their text, whatever the order of each level list', () => {
    const refLabels = cycle(['low', 'mid', 'high', 'mid'], 400);
    const curLabels = cycle(['high', 'mid', 'low', 'low', 'new'], 100);
    const aligned = one(table(cat('c', refLabels, ['low', 'mid', 'high'])), table(cat('c', curLabels, ['low', 'mid', 'high', 'new'])));
    const shuffled = one(table(cat('c', refLabels, ['high', 'unused', 'low', 'mid'])), table(cat('c', curLabels, ['new', 'mid', 'high', 'low'])));
    expect(shuffled.value).toBe(aligned.value);
    expect(shuffled.levels).toEqual([
      { level: 'high', reference: 100, current: 20 },
      { level: 'low', reference: 100, current: 40 },
      { level: 'mid', reference: 200, current: 20 },
      { level: 'new', reference: 0, current: 20 },
    ]);
    // A level the reference never had: expected count 0, so chi-square says p = 0.
    expect([aligned.test, aligned.value, aligned.drift]).toEqual(['chisquare', 0, true]);
    // Declared but unused levels are not compared (they would change Jensen–Shannon's zero-share fill).
    const big = (labels: string[], levels: string[]): Table => table(cat('c', cycle(labels, 2000), levels));
    expect(one(big(['a', 'b'], ['a', 'b', 'ghost']), big(['a', 'a', 'b'], ['b', 'a'])).value).toBe(jensenShannonDrift([1000, 1000], [1334, 666]));
  });

  it('gives histograms on shared edges for numbers and counts per level for labels', () => {
    const r = one(table(num('v', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])), table(num('v', [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 20])));
    const h = r.histogram!;
    expect(h.edges[0]).toBe(0);
    expect(h.edges[h.edges.length - 1]).toBe(20);
    expect(h.reference.length).toBe(h.edges.length - 1);
    expect(h.reference.reduce((s, v) => s + v)).toBe(10);
    expect(h.current.reduce((s, v) => s + v)).toBe(11);
    expect(h.current[h.current.length - 1]).toBeGreaterThanOrEqual(1); // the maximum falls in the closed last bin
    expect(r.levels).toBeUndefined();
    const few = one(table(num('v', cycle([1, 2, 3], 30))), table(num('v', cycle([2, 3], 20))));
    expect(few.levels).toEqual([
      { level: '1', reference: 10, current: 0 },
      { level: '2', reference: 10, current: 10 },
      { level: '3', reference: 10, current: 10 },
    ]);
    expect(few.value).toBe(chiSquareDrift([10, 10, 10], [0, 10, 10]).pValue);
  });

  it('holds aggregates only: the report of a batch does not grow with its rows', () => {
    const ref = table(num('v', normals(2000)), cat('c', cycle(['a', 'b', 'c'], 2000)));
    const small = JSON.stringify(computeDrift(ref, table(num('v', normals(3000)), cat('c', cycle(['a', 'b'], 3000)))));
    const large = JSON.stringify(computeDrift(ref, table(num('v', normals(60000)), cat('c', cycle(['a', 'b'], 60000)))));
    expect(large.length).toBeLessThan(small.length * 1.2);
  });
});

describe('dataset drift', () => {
  const ref = table(num('a', normals(300)), num('b', normals(300)), num('c', normals(300)), num('d', normals(300)));
  const cur = (shifted: number): Table =>
    table(...['a', 'b', 'c', 'd'].map((name, i) => num(name, normals(300, i < shifted ? 2 : 0))));

  it('drifts when at least half of the columns drift (or the configured share)', () => {
    const one = computeDrift(ref, cur(1));
    const two = computeDrift(ref, cur(2));
    expect(two.columns.filter((c) => c.drift).map((c) => c.name)).toEqual(expect.arrayContaining(['a', 'b']));
    expect(two.driftShare).toBeGreaterThanOrEqual(0.5);
    expect(two.datasetDrift).toBe(true);
    expect(one.datasetDrift).toBe(one.driftShare >= 0.5);
    expect(computeDrift(ref, cur(2), { driftShare: 0.75 }).datasetDrift).toBe(two.driftShare >= 0.75);
    expect(two.driftShareThreshold).toBe(0.5);
  });

  it('compares only the listed columns, in that order', () => {
    const r = computeDrift(ref, cur(0), { columns: ['c', 'a'] });
    expect(r.columns.map((c) => c.name)).toEqual(['c', 'a']);
  });
});

describe('settings: test and threshold per column, per kind and globally', () => {
  const ref = table(num('x', normals(500)), num('y', normals(500)), cat('c', cycle(['a', 'b', 'c'], 500)));
  const cur = table(num('x', normals(400, 0.1)), num('y', normals(400, 0.1)), cat('c', cycle(['a', 'b', 'b', 'c'], 400)));
  const byName = (config: DriftConfig) => Object.fromEntries(computeDrift(ref, cur, config).columns.map((c) => [c.name, c]));

  it('a column’s own setting wins, then its kind’s, then the global one, then the test’s default', () => {
    const r = byName({
      threshold: 0.2,
      numeric: { test: 'wasserstein' },
      perColumn: { x: { threshold: 0.01 }, c: { test: 'jensenshannon' } },
    });
    expect([r.x.test, r.x.threshold]).toEqual(['wasserstein', 0.01]);
    expect([r.y.test, r.y.threshold]).toEqual(['wasserstein', 0.2]);
    expect([r.c.test, r.c.threshold]).toEqual(['jensenshannon', 0.2]);
    expect(r.x.value).toBe(normedWasserstein(Float64Array.from((ref.columns[0] as { values: Float64Array }).values).sort(), Float64Array.from((cur.columns[0] as { values: Float64Array }).values).sort()));
  });

  it('setting one column never resets the global setting or another column', () => {
    const global = byName({ threshold: 0.2 });
    const withColumn = byName({ threshold: 0.2, perColumn: { x: { test: 'wasserstein', threshold: 0.5 } } });
    expect([withColumn.y.test, withColumn.y.threshold]).toEqual([global.y.test, 0.2]);
    expect(withColumn.c.threshold).toBe(0.2);
    expect([withColumn.x.test, withColumn.x.threshold]).toEqual(['wasserstein', 0.5]);
    // A column's test alone keeps the global threshold; its threshold alone keeps the default test.
    const testOnly = byName({ threshold: 0.2, perColumn: { x: { test: 'wasserstein' } } });
    expect(testOnly.x.threshold).toBe(0.2);
    const thresholdOnly = byName({ perColumn: { x: { threshold: 0.01 } } });
    expect([thresholdOnly.x.test, thresholdOnly.y.threshold]).toEqual(['ks', 0.05]);
  });

  it('without settings every test keeps Evidently’s default threshold', () => {
    const r = byName({});
    expect([r.x.test, r.x.threshold, r.c.test, r.c.threshold]).toEqual(['ks', 0.05, 'chisquare', 0.05]);
    const x = ksTwoSample(Float64Array.from((ref.columns[0] as { values: Float64Array }).values).sort(), Float64Array.from((cur.columns[0] as { values: Float64Array }).values).sort());
    expect(r.x.value).toBe(x.pValue);
  });
});

describe('errors a person can meet', () => {
  const ref = table(num('x', normals(50)), cat('c', cycle(['a', 'b', 'c'], 50)));

  it('a compared column missing from the batch, stored differently, or entirely missing', () => {
    const e1 = thrown(() => computeDrift(ref, table(num('x', normals(20)))));
    expect(e1).toBeInstanceOf(InvalidInputError);
    expect([e1.code, e1.where.column]).toEqual(['drift-missing-column', 'c']);
    expect(e1.message).toContain('"c"');
    const e2 = thrown(() => computeDrift(ref, table(cat('x', cycle(['1', '2'], 20)), cat('c', ['a']))));
    expect([e2.code, e2.where.column]).toEqual(['drift-column-type', 'x']);
    const e3 = thrown(() => computeDrift(ref, table(num('x', [NaN, NaN]), cat('c', [null, 'a']))));
    expect([e3.code, e3.where.column]).toEqual(['drift-empty-column', 'x']);
    expect(e3.message).toContain('current data');
    expect(thrown(() => computeDrift({ rowCount: 0, columns: [] }, ref)).code).toBe('drift-no-columns');
  });

  it('settings that make no sense name their field', () => {
    const field = (config: DriftConfig): string | undefined => {
      const e = thrown(() => computeDrift(ref, ref, config));
      expect(e).toBeInstanceOf(InvalidParamsError);
      return e.where.field;
    };
    expect(field({ threshold: -1 })).toBe('threshold');
    expect(field({ perColumn: { x: { test: 'ks', threshold: 2 } } })).toBe('perColumn.x.threshold');
    expect(field({ threshold: 2 })).toBe('threshold'); // x's default test is a p-value test
    expect(field({ numeric: { test: 'nope' as never } })).toBe('numeric.test');
    expect(field({ perColumn: { c: { test: 'ks' } } })).toBe('perColumn.c.test');
    expect(field({ perColumn: { c: { test: 'z' } } })).toBe('perColumn.c.test');
    expect(field({ perColumn: { x: { test: 'chisquare' } } })).toBe('perColumn.x.test');
    expect(field({ perColumn: { nope: { threshold: 0.1 } } })).toBe('perColumn.nope');
    expect(field({ driftShare: 0 })).toBe('driftShare');
    expect(field({ columns: ['x', 'x'] })).toBe('columns');
    expect(field({ columns: ['nope'] })).toBe('columns');
  });
});
