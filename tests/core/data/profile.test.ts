import { describe, expect, it } from 'vitest';
import { applySchema, columnByName, inferSchema, parseCsv, profileTable, quantileSorted, readCsv, requireColumn, takeRows } from '../../../src/core/data/index';
import type { Table } from '../../../src/core/data/index';
import { CsvError } from '../../../src/core/errors';
import { cat, num } from './helpers';

describe('profileTable', () => {
  it('numeric summary matches hand-computed values', async () => {
    // values 2, 4, 4, 4, 5, 5, 7, 9 and one missing: mean 5, population std 2.
    const d = await parseCsv('v,k\n2,a\n4,b\n4,a\nNA,c\n4,a\n5,b\n5,a\n7,c\n9,a\n');
    const p = d.profile[0];
    expect(p).toMatchObject({ name: 'v', count: 8, missing: 1, distinct: 5 });
    const s = p.numeric!;
    expect(s.min).toBe(2);
    expect(s.max).toBe(9);
    expect(s.mean).toBe(5);
    expect(s.std).toBe(2);
    expect(s.zeros).toBe(0);
    // Linear interpolation: p25 at position 1.75 → 4; p50 at 3.5 → 4.5; p05 at 0.35 → 2.7; p95 at 6.65 → 8.3.
    expect(s.quantiles.p25).toBe(4);
    expect(s.quantiles.p50).toBe(4.5);
    expect(s.quantiles.p05).toBeCloseTo(2.7, 12);
    expect(s.quantiles.p75).toBe(5.5);
    expect(s.quantiles.p95).toBeCloseTo(8.3, 12);
    expect(s.histogram.edges).toHaveLength(21);
    expect(s.histogram.edges[0]).toBe(2);
    expect(s.histogram.edges[20]).toBe(9);
    expect(s.histogram.counts.reduce((a, b) => a + b, 0)).toBe(8);
    expect(s.histogram.counts[0]).toBe(1); // 2
    expect(s.histogram.counts[5]).toBe(3); // 4 → (4-2)/0.35 = 5.7
    expect(s.histogram.counts[19]).toBe(1); // 9, the max, in the last bin
    const k = d.profile[1];
    expect(k).toMatchObject({ count: 9, missing: 0, distinct: 3 });
    expect(k.top).toEqual([
      { level: 'a', count: 5 },
      { level: 'b', count: 2 },
      { level: 'c', count: 2 },
    ]);
  });

  it('warns about implausible zeros, naming the count and rows', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${i},${i === 10 || i === 150 ? 0 : 3 + (i % 5)},${i % 4}`);
    const d = await parseCsv(`id,x,children\n${rows.join('\n')}\n`);
    const z = d.warnings.filter((w) => w.kind === 'zeros');
    expect(z).toHaveLength(1); // not children (a quarter are 0), not id
    expect(z[0]).toMatchObject({ column: 'x', count: 2, rows: [11, 151] });
    expect(z[0].message).toContain('rows 11, 151');
  });

  it('warns about missing values and duplicate rows (ignoring id columns)', async () => {
    const d = await parseCsv('id,a,b\n1,x,1\n2,y,2\n3,x,1\n4,,3\n5,y,2\n6,x,1\n');
    const m = d.warnings.find((w) => w.kind === 'missing-values');
    expect(m).toMatchObject({ column: 'a', count: 1, rows: [4] });
    const dup = d.warnings.find((w) => w.kind === 'duplicate-rows');
    expect(dup).toMatchObject({ count: 3, rows: [3, 5, 6] });
    expect(dup?.message).toContain('3 rows are identical to an earlier row in every column except "id"');
    expect(dup?.message).toContain('row 3 repeats row 1; row 5 repeats row 2; row 6 repeats row 1');
    expect(d.warnings.find((w) => w.kind === 'id-column')?.column).toBe('id');
  });

  it('no duplicate warning when rows differ only in a numeric value', async () => {
    const d = await parseCsv('a,b\n1,x\n1.0000001,x\n2,x\n');
    expect(d.warnings.some((w) => w.kind === 'duplicate-rows')).toBe(false);
  });

  it('high cardinality for categorical columns with many levels', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `L${i % 150},${i}`);
    const d = await parseCsv(`label,v\n${rows.join('\n')}\n`);
    expect(d.schema[0].kind).toBe('categorical');
    expect(d.warnings.find((w) => w.kind === 'high-cardinality')).toMatchObject({ column: 'label', count: 150 });
    expect(d.profile[0].top).toHaveLength(20);
  });

  it('profileTable can be called on a subset table', async () => {
    const d = await parseCsv('v,k\n1,a\n2,b\n3,a\n4,b\n');
    const sub = takeRows(d.table, Uint32Array.from([3, 1]));
    const p = profileTable(sub, d.schema);
    expect(p.columns[0].numeric?.mean).toBe(3);
    expect(p.columns[1].top).toEqual([{ level: 'b', count: 2 }]);
  });
});

describe('takeRows, columnByName and requireColumn', () => {
  it('selects rows in the given order', async () => {
    const d = await parseCsv('v,k\n10,a\n20,b\n30,c\n');
    const t = takeRows(d.table, Int32Array.from([2, 0, 2]));
    expect(t.rowCount).toBe(3);
    expect(Array.from(num(t, 'v').values)).toEqual([30, 10, 30]);
    expect(Array.from(cat(t, 'k').codes)).toEqual([2, 0, 2]);
    expect(() => takeRows(d.table, Uint32Array.from([3]))).toThrow(RangeError);
  });

  it('columnByName finds a column or says there is none; requireColumn names the missing one', async () => {
    const d = await parseCsv('v,k\n1,a\n');
    expect(columnByName(d.table, 'k')?.type).toBe('categorical');
    expect(columnByName(d.table, 'price')).toBeUndefined();
    expect(requireColumn(d.table, 'k')).toBe(columnByName(d.table, 'k'));
    expect(() => requireColumn(d.table, 'price')).toThrow(CsvError);
    expect(() => requireColumn(d.table, 'price')).toThrow(/There is no column "price" \(the columns are: v, k\)/);
  });
});

describe('profile paths agree with a direct computation', () => {
  const direct = (values: number[]) => {
    const s = Float64Array.from(values.filter((v) => !Number.isNaN(v))).sort();
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    return {
      min: s[0],
      max: s[s.length - 1],
      mean,
      std: Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / s.length),
      distinct: new Set(s).size,
      q: [0.05, 0.25, 0.5, 0.75, 0.95].map((q) => quantileSorted(s, q)),
    };
  };
  it.each([
    ['few distinct values (value-count table)', 5000, (i: number) => ((i * 7919) % 37) / 4],
    ['many distinct values (sorted copy)', 70000, (i: number) => ((i * 7919) % 70001) * 0.5 - 100],
    ['already ascending', 70000, (i: number) => i * 3],
  ])('%s', async (_, n, gen) => {
    const values = Array.from({ length: n }, (_, i) => (i % 101 === 5 ? NaN : gen(i)));
    const text = 'v\n' + values.map((v) => (Number.isNaN(v) ? 'NA' : String(v))).join('\n');
    const d = await parseCsv(text);
    const p = d.profile[0];
    const e = direct(values);
    expect(p.distinct).toBe(e.distinct);
    expect(p.missing).toBe(values.filter((v) => Number.isNaN(v)).length);
    const s = p.numeric!;
    expect([s.min, s.max]).toEqual([e.min, e.max]);
    expect(s.mean).toBeCloseTo(e.mean, 9);
    expect(s.std).toBeCloseTo(e.std, 9);
    const q = [s.quantiles.p05, s.quantiles.p25, s.quantiles.p50, s.quantiles.p75, s.quantiles.p95];
    q.forEach((x, k) => expect(x).toBeCloseTo(e.q[k], 9));
    expect(s.histogram.counts.reduce((a, b) => a + b, 0)).toBe(p.count);
  });
});

describe('shared numeric scan and large-table paths', () => {
  it('parseCsv (one scan per column) gives the same schema and profile as inferSchema + profileTable', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${i},${i % 2},${(i * 37) % 101},${i % 13 === 0 ? 'NA' : ((i * 7) % 19) / 4},${i % 5 === 0 ? 'x' : i % 3}`);
    const d = await parseCsv('id,is_big,key_id,v,mixed\n' + rows.join('\n') + '\n');
    const raw = await readCsv('id,is_big,key_id,v,mixed\n' + rows.join('\n') + '\n');
    const schema = inferSchema(raw.table);
    expect(d.schema).toEqual(schema);
    const table = applySchema(raw.table, schema);
    const { columns, warnings } = profileTable(table, schema, raw.ragged);
    expect(d.profile).toEqual(columns);
    expect(d.warnings).toEqual(warnings);
    expect(d.schema.map((s) => s.kind)).toEqual(['id', 'boolean', 'numeric', 'numeric', 'categorical']);
  });
});
