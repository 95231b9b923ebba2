import { describe, expect, it } from 'vitest';
import type { ColumnSchema } from '../../../src/core/data/types';
import { dataQualityFindings, findDuplicateRows, type Finding, type FindingKind } from '../../../src/core/eda';
import { InvalidParamsError } from '../../../src/core/errors';
import { cat, num, table } from './helpers';

const only = (fs: Finding[], kind: FindingKind): Finding[] => fs.filter((f) => f.kind === kind);
const one = (fs: Finding[], kind: FindingKind, column?: string): Finding => {
  const m = only(fs, kind).filter((f) => column === undefined || f.columns.includes(column));
  expect(m, `${kind} ${column ?? ''}`).toHaveLength(1);
  return m[0];
};
/** A symmetric, non-constant column of n values in (9, 11), uncorrelated across seeds. */
const wave = (n: number, seed = 0): number[] =>
  Array.from({ length: n }, (_, i) => {
    const r = Math.sin((i + 1) * 12.9898 + seed * 78.233) * 43758.5453;
    return 9 + 2 * (r - Math.floor(r));
  });

describe('duplicate rows', () => {
  it('counts rows that repeat an earlier row and names the first ones; missing equals missing', () => {
    const t = table(
      num('a', [1, 2, 1, 3, 1, NaN, NaN, 0]),
      cat('b', ['x', 'y', 'x', 'y', 'x', null, null, 'x']),
      num('c', [5, 5, 5, 5, 6, 7, 7, -0]),
    );
    // Row 3 repeats row 1; row 7 repeats row 6 (missing values match); row 5 differs in c.
    expect(findDuplicateRows(t.columns, t.rowCount)).toEqual({ count: 2, examples: [[3, 1], [7, 6]] });
    const f = one(dataQualityFindings(t), 'duplicate-rows');
    expect(f.count).toBe(2);
    expect(f.rows).toEqual([3, 7]);
    expect(f.severity).toBe('warning');
    expect(f.message).toContain('2 rows are exact copies of an earlier row');
    expect(f.message).toContain('row 3 repeats row 1');
  });

  it('never counts a hash collision: many distinct rows give no duplicates', () => {
    const n = 50_000;
    const t = table(num('a', Array.from({ length: n }, (_, i) => i % 1000)), num('b', Array.from({ length: n }, (_, i) => Math.floor(i / 1000))));
    expect(findDuplicateRows(t.columns, n).count).toBe(0);
    const t2 = table(num('a', Array.from({ length: n }, (_, i) => i % 1000)));
    expect(findDuplicateRows(t2.columns, n).count).toBe(n - 1000);
  });

  it('also reports rows identical except for their id', () => {
    const n = 30;
    const a = wave(n);
    a[25] = a[3];
    const b = wave(n, 1);
    b[25] = b[3];
    const t = table(num('id', Array.from({ length: n }, (_, i) => i + 1)), num('a', a), num('b', b));
    const fs = dataQualityFindings(t);
    expect(only(fs, 'duplicate-rows')).toHaveLength(0);
    const f = one(fs, 'duplicate-rows-except-id');
    expect(f.count).toBe(1);
    expect(f.rows).toEqual([26]);
    expect(f.message).toContain('except "id"');
    expect(f.message).toContain('row 26 repeats row 4');
  });
});

describe('column findings', () => {
  const n = 200;

  it('flags zeros in dimension columns with their rows', () => {
    const x = wave(n);
    x[4] = 0;
    x[16] = 0;
    const y = wave(n, 2);
    y[16] = 0;
    const fs = dataQualityFindings(table(num('x', x), num('y', y)));
    const fx = only(fs, 'implausible-zeros').find((f) => f.columns.length === 1 && f.columns[0] === 'x')!;
    expect(fx.columns).toEqual(['x']);
    expect(fx.count).toBe(2);
    expect(fx.rows).toEqual([5, 17]);
    expect(fx.message).toContain('"x" is 0 in 2 rows (rows 5, 17)');
    const both = only(fs, 'implausible-zeros').find((f) => f.columns.length === 2)!;
    expect(both.count).toBe(2);
    expect(both.rows).toEqual([5, 17]);
    expect(both.message).toContain('2 rows have a 0 in "x" or "y"');
  });

  it('flags a few zeros in any positive-only measurement, but not in counts or signed data', () => {
    const w = wave(n).map((v) => v * 100);
    w[9] = 0;
    const kids = Array.from({ length: n }, (_, i) => i % 4); // 0–3: zero is plausible
    const signed = wave(n).map((v) => v - 10);
    signed[3] = 0;
    const fs = dataQualityFindings(table(num('reading', w), num('kids', kids), num('delta', signed)));
    expect(one(fs, 'implausible-zeros', 'reading').rows).toEqual([10]);
    expect(only(fs, 'implausible-zeros')).toHaveLength(1);
  });

  it('flags id columns: a row counter, or id-named distinct values (as schema inference judges them), or the schema says so', () => {
    const ids = Array.from({ length: n }, (_, i) => 1000 + i);
    const shuffled = ids.map((_, i) => (i * 7919) % n); // a permutation of 0..n-1
    const codes = Array.from({ length: n }, (_, i) => `S${i}`);
    const t = table(num('row', ids), num('customer_id', shuffled), cat('sku_id', codes), num('w', wave(n)), num('ref', shuffled));
    const schema: ColumnSchema[] = [{ name: 'ref', kind: 'id', reason: 'the person said so', storage: 'numeric' }];
    const fs = dataQualityFindings(t, schema);
    expect(only(fs, 'id-column').map((f) => f.columns[0])).toEqual(['row', 'customer_id', 'sku_id', 'ref']);
    expect(one(fs, 'id-column', 'row').message).toBe('"row" looks like a row identifier: the values count up by one from 1000 to 1199: a row number, not a feature.');
    expect(one(fs, 'id-column', 'ref').message).toContain('the person said so');
    // An id column is not also reported as high-cardinality or skewed.
    expect(only(fs, 'high-cardinality')).toHaveLength(0);
  });

  it('flags constant and near-constant columns', () => {
    const near = new Array(n).fill(1);
    near[50] = 2; // 199 of 200 = 99.5%
    const lab = new Array<string>(n).fill('yes');
    lab[7] = 'no';
    const fs = dataQualityFindings(table(num('k', new Array(n).fill(7)), num('near', near), cat('flag', lab), cat('one', new Array(n).fill('a'))));
    expect(one(fs, 'constant-column', 'k').message).toBe('"k" holds a single value, 7, in all 200 non-missing rows.');
    expect(one(fs, 'constant-column', 'one').message).toContain('"a"');
    const f = one(fs, 'near-constant-column', 'near');
    expect(f.count).toBe(1);
    expect(f.value).toBeCloseTo(0.995, 12);
    expect(f.message).toContain('"near" is almost constant: 1 in 199 of 200 rows (99.5%)');
    expect(one(fs, 'near-constant-column', 'flag').message).toContain('"yes" in 199 of 200 rows');
    // 98% is not near-constant at the default threshold.
    const near98 = new Array(n).fill(1);
    for (let i = 0; i < 4; i++) near98[i * 10] = 2 + i;
    expect(only(dataQualityFindings(table(num('v', near98))), 'near-constant-column')).toHaveLength(0);
  });

  it('flags high-cardinality labels', () => {
    const labels = Array.from({ length: n }, (_, i) => `town ${i % 80}`);
    const f = one(dataQualityFindings(table(cat('town', labels))), 'high-cardinality', 'town');
    expect(f.count).toBe(80);
    expect(f.message).toContain('"town" has 80 different labels among 200 values');
  });

  it('flags strongly skewed columns and suggests a log transform when all values are positive', () => {
    const price = Array.from({ length: n }, (_, i) => Math.pow(10, 2 + (3 * i) / n)); // log-uniform
    const fs = dataQualityFindings(table(num('price', price), num('w', wave(n))));
    const f = one(fs, 'skewed', 'price');
    expect(f.value).toBeGreaterThan(1);
    expect(f.message).toContain('"price" is strongly right-skewed (skewness');
    expect(f.suggestion).toContain('log transform');
    expect(f.suggestion).toMatch(/skewness of log10\(price\): 0\.00/); // log-uniform: symmetric after log
    expect(only(fs, 'skewed')).toHaveLength(1);
    const withZero = [0, ...price.slice(1)];
    expect(one(dataQualityFindings(table(num('p', withZero))), 'skewed').suggestion).toContain('log(1 + p)');
  });

  it('reports missing values per column with counts and first rows', () => {
    const w = wave(n);
    w[9] = NaN;
    w[19] = NaN;
    w[29] = NaN;
    const labels = Array.from({ length: n }, (_, i) => (i < 40 ? null : i % 2 ? 'a' : 'b'));
    const fs = dataQualityFindings(table(num('w', w), cat('c', labels)));
    const fw = one(fs, 'missing-values', 'w');
    expect(fw).toMatchObject({ count: 3, rows: [10, 20, 30], severity: 'info' });
    expect(fw.message).toBe('"w" has 3 missing values, 1.5% of 200 rows (rows 10, 20, 30).');
    const fc = one(fs, 'missing-values', 'c');
    expect(fc).toMatchObject({ count: 40, severity: 'warning' });
    expect(fc.rows).toHaveLength(20);
    expect(fc.message).toContain('40 missing values, 20% of 200 rows (rows 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 30 more)');
  });

  it('reports highly correlated feature pairs, leaving the target out', () => {
    const carat = wave(n);
    const noise = wave(n, 5);
    const x = carat.map((c, i) => 3 * c + 0.75 * (noise[i] - 10)); // r ≈ 0.97
    const price = carat.map((c) => 1000 * c);
    const fs = dataQualityFindings(table(num('carat', carat), num('x', x), num('price', price), num('w', wave(n, 3))), [], undefined, { target: 'price' });
    const f = one(fs, 'high-correlation');
    expect(f.columns).toEqual(['carat', 'x']);
    expect(f.value).toBeGreaterThan(0.95);
    expect(f.value).toBeLessThan(0.99);
    expect(f.count).toBe(n);
    expect(f.message).toMatch(/^"carat" and "x" are almost perfectly correlated \(r = 0\.9[5-8]\d over 200 rows\)/);
  });

  it('does not treat numeric codes of labels (schema: ordinal) as measurements', () => {
    const rating = Array.from({ length: n }, (_, i) => (i < 150 ? 1 : i < 190 ? 2 : i < 199 ? 3 : 0));
    const copy = rating.map((r) => r * 2);
    const t = table(num('rating', rating), num('size', copy));
    const schema: ColumnSchema[] = [{ name: 'rating', kind: 'ordinal', reason: 'four levels', storage: 'numeric' }];
    const fs = dataQualityFindings(t, schema);
    expect(fs.filter((f) => f.columns.includes('rating')).map((f) => f.kind)).toEqual([]);
    // Without the schema the same column is skewed and correlated with its copy.
    const plain = dataQualityFindings(t);
    expect(plain.filter((f) => f.columns.includes('rating')).map((f) => f.kind).sort()).toEqual(['high-correlation', 'skewed']);
  });

  it('orders findings by severity and rejects bad options by name', () => {
    const w = wave(n);
    w[0] = NaN;
    const fs = dataQualityFindings(table(num('k', new Array(n).fill(1)), num('w', w)));
    expect(fs.map((f) => f.severity)).toEqual(['warning', 'info']);
    expect(() => dataQualityFindings(table(num('w', w)), [], undefined, { correlationThreshold: 2 })).toThrow(InvalidParamsError);
    expect(() => dataQualityFindings(table(num('w', w)), [], undefined, { maxRows: -1 })).toThrow(/maxRows/);
  });

  it('finds nothing in a clean table', () => {
    expect(dataQualityFindings(table(num('a', wave(n)), num('b', wave(n, 2)), cat('c', Array.from({ length: n }, (_, i) => (i % 3 ? 'p' : 'q')))))).toEqual([]);
  });
});
