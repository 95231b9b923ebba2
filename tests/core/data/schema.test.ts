import { describe, expect, it } from 'vitest';
import { applySchema, inferSchema, parseCsv, splitUnit } from '../../../src/core/data/index';
import type { ColumnKind } from '../../../src/core/data/index';
import { cat, num, plain } from './helpers';

const rows = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join('\n');

async function kinds(text: string): Promise<Record<string, ColumnKind>> {
  const d = await parseCsv(text);
  return Object.fromEntries(d.schema.map((s) => [s.name, s.kind]));
}

describe('inferSchema', () => {
  it('numeric, categorical, constant and text', async () => {
    const labels = ['red', 'green', 'blue'];
    const text = `n,c,k,t\n${rows(40, (i) => `${i * 1.5},${labels[i % 3]},same,comment number ${i} about things`)}`;
    const d = await parseCsv(text);
    const by = Object.fromEntries(d.schema.map((s) => [s.name, s]));
    expect(by.n.kind).toBe('numeric');
    expect(by.n.reason).toBe('all 40 values are numbers');
    expect(by.c.kind).toBe('categorical');
    expect(by.c.reason).toBe('3 distinct labels');
    expect(by.k.kind).toBe('constant');
    expect(by.k.reason).toBe('every value is "same"');
    expect(by.t.kind).toBe('text');
    expect(d.warnings.map((w) => [w.kind, w.column])).toEqual(
      expect.arrayContaining([
        ['constant-column', 'k'],
        ['high-cardinality', 't'],
      ]),
    );
  });

  it('id: named like an id with distinct integers, or a row counter; not a shuffled integer column', async () => {
    const shuffled = [5, 3, 9, 1, 7, 2, 8, 4, 6, 10];
    const text = `customer_id,rowno,qty,code\n${rows(10, (i) => `${shuffled[i] * 11},${i + 1},${shuffled[i]},C${i}`)}`;
    expect(await kinds(text)).toMatchObject({ customer_id: 'id', rowno: 'id', qty: 'numeric' });
    // A label id column: named like an id and all distinct.
    const d = await parseCsv(`ID,v\n${rows(30, (i) => `u-${i},${i % 4}`)}`);
    expect(d.schema[0].kind).toBe('id');
    // Repeated values are not an id even if named so.
    expect((await kinds(`id,v\n1,1\n2,2\n2,3\n4,4\n`)).id).toBe('numeric');
  });

  it('unit: numbers with a unit become a NumericColumn with the unit recorded', async () => {
    const text = `mileage,engine,power\n23.4 kmpl,1248 CC,74 bhp\n21.14 kmpl,1498 CC,103.52 bhp\n17.7 kmpl,1497 CC,78 bhp\n23.0 kmpl,1396 CC,90 bhp\n16.1 kmpl,1298 CC,88.2 bhp\n`;
    const d = await parseCsv(text);
    expect(d.schema.map((s) => [s.kind, s.unit, s.storage])).toEqual([
      ['unit', 'kmpl', 'numeric'],
      ['unit', 'CC', 'numeric'],
      ['unit', 'bhp', 'numeric'],
    ]);
    const m = num(d.table, 'mileage');
    expect(m.unit).toBe('kmpl');
    expect(Array.from(m.values)).toEqual([23.4, 21.14, 17.7, 23.0, 16.1]);
    expect(Array.from(num(d.table, 'power').values)).toEqual([74, 103.52, 78, 90, 88.2]);
    expect(d.profile[0].numeric?.max).toBe(23.4);
  });

  it('unit: values in another unit are read as missing and the reason says so', async () => {
    const vals = [...Array.from({ length: 19 }, (_, i) => `${10 + i} kmpl`), '26.6 km/kg'];
    const d = await parseCsv(`mileage\n${vals.join('\n')}\n`);
    expect(d.schema[0].kind).toBe('unit');
    expect(d.schema[0].unit).toBe('kmpl');
    expect(d.schema[0].reason).toContain('unit "km/kg"');
    expect(plain(num(d.table, 'mileage'))[19]).toBeNull();
    expect(d.profile[0].missing).toBe(1);
  });

  it('splitUnit reads number and unit, and refuses dates and plain labels', () => {
    expect(splitUnit('23.4 kmpl')).toEqual({ value: 23.4, unit: 'kmpl' });
    expect(splitUnit('12%')).toEqual({ value: 12, unit: '%' });
    expect(splitUnit('2019-01-01')).toBeNull();
    expect(splitUnit('Ideal')).toBeNull();
  });

  it('boolean: yes/no and true/false labels; 0/1 only when named like a flag', async () => {
    const text = `a,b,is_member,count01\n${rows(12, (i) => `${i % 2 ? 'Yes' : 'No'},${i % 3 ? 'true' : 'FALSE'},${i % 2},${i % 2}`)}`;
    expect(await kinds(text)).toEqual({ a: 'boolean', b: 'boolean', is_member: 'boolean', count01: 'numeric' });
  });

  it('a column of numbers with a few stray labels is numeric, the labels read as missing', async () => {
    const text = `v\n${rows(100, (i) => (i === 7 ? 'n.a.' : String(i)))}\n`;
    const d = await parseCsv(text);
    expect(d.schema[0].kind).toBe('numeric');
    expect(d.schema[0].reason).toContain('"n.a."');
    expect(plain(num(d.table, 'v'))[7]).toBeNull();
    expect(d.warnings.find((w) => w.kind === 'missing-values')?.rows).toEqual([8]);
  });

  it('a column that is all missing is constant', async () => {
    const d = await parseCsv('a,b\n1,\n2,NA\n3,\n');
    expect(d.schema[1].kind).toBe('constant');
    expect(d.schema[1].reason).toBe('all 3 values are missing');
  });

  it('applySchema follows an override: a numeric column read as categorical', async () => {
    const d = await parseCsv('zip,v\n1000,1\n2000,2\n1000,3\n');
    const schema = d.schema.map((s) => (s.name === 'zip' ? { ...s, kind: 'categorical' as const, storage: 'categorical' as const } : s));
    const t = applySchema(d.table, schema);
    expect(cat(t, 'zip').levels).toEqual(['1000', '2000']);
    expect(Array.from(cat(t, 'zip').codes)).toEqual([0, 1, 0]);
    expect(inferSchema(t)[0].kind).toBe('numeric'); // inference on the labels proposes numbers again
  });

  it('many distinct numeric strings after labels still give every label', async () => {
    // > 4096 distinct numbers first (the dictionary is dropped), then labels appear: a text column.
    const text = `v\n${rows(5000, (i) => String(i * 7))}\n${rows(6000, (i) => `w${i}`)}\n`;
    const d = await parseCsv(text);
    expect(d.schema[0].kind).toBe('text');
    const c = cat(d.table, 'v');
    expect(plain(c)[0]).toBe('0');
    expect(plain(c)[4999]).toBe(String(4999 * 7));
    expect(plain(c)[5000]).toBe('w0');
  });
});
