/**
 * The EDA aggregates on the project's real data, ../shared/data/gemstone.csv, read with a tiny
 * local reader (the file has no quotes) so these tests do not depend on the CSV code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Column, Table } from '../../../src/core/data/types';
import {
  columnDistribution,
  correlationMatrix,
  dataQualityFindings,
  targetDistribution,
  targetVsFeature,
  type CategoricalFeatureView,
  type NumericDistribution,
} from '../../../src/core/eda';
import { GEMSTONE_CSV, ORDERS } from '../../helpers/gemstone';

const present = existsSync(GEMSTONE_CSV);
if (!present) console.warn(`EDA gemstone tests skipped: ${GEMSTONE_CSV} is absent`);

function readGemstone(): Table {
  const lines = readFileSync(GEMSTONE_CSV, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const columns: Column[] = header.map((name, j) => {
    if (name === 'cut' || name === 'color' || name === 'clarity') {
      const levels = ORDERS[name];
      return { type: 'categorical', name, levels, codes: Int32Array.from(rows, (r) => levels.indexOf(r[j])) };
    }
    return { type: 'numeric', name, values: Float64Array.from(rows, (r) => (r[j] === '' ? NaN : Number(r[j]))) };
  });
  return { rowCount: rows.length, columns };
}

describe.skipIf(!present)('EDA on gemstone.csv', () => {
  const t = present ? readGemstone() : { rowCount: 0, columns: [] };
  const values = (name: string): Float64Array => {
    const c = t.columns.find((c) => c.name === name);
    if (!c || c.type !== 'numeric') throw new Error(name);
    return c.values;
  };

  it('finds exactly the rows with zeros in x, y and z', () => {
    const fs = dataQualityFindings(t, [], undefined, { target: 'price', maxRows: 1000 });
    let total = 0;
    for (const name of ['x', 'y', 'z']) {
      const v = values(name);
      const expected: number[] = [];
      for (let i = 0; i < v.length; i++) if (v[i] === 0) expected.push(i + 1);
      total += expected.length;
      const f = fs.find((f) => f.kind === 'implausible-zeros' && f.columns.length === 1 && f.columns[0] === name);
      if (expected.length === 0) expect(f, name).toBeUndefined();
      else {
        expect(f!.rows).toEqual(expected);
        expect(f!.count).toBe(expected.length);
        expect(f!.message).toContain(`"${name}" is 0 in ${expected.length} row`);
      }
    }
    expect(total).toBeGreaterThan(0); // the data README: "a few rows hold 0"
    // No zero finding for columns where it does not apply.
    expect(fs.filter((f) => f.kind === 'implausible-zeros').flatMap((f) => f.columns).every((c) => ['x', 'y', 'z'].includes(c))).toBe(true);
  });

  it('flags id as an id column, price as right-skewed, and carat–x as redundant (r > 0.95)', () => {
    const fs = dataQualityFindings(t, [], undefined, { target: 'price' });
    const id = fs.filter((f) => f.kind === 'id-column');
    expect(id.map((f) => f.columns[0])).toEqual(['id']);
    expect(id[0].message).toContain('the values count up by one from 0 to 65534');
    const skew = fs.find((f) => f.kind === 'skewed' && f.columns[0] === 'price')!;
    expect(skew.value).toBeGreaterThan(1);
    const cx = fs.find((f) => f.kind === 'high-correlation' && f.columns.join() === 'carat,x')!;
    expect(cx.value).toBeGreaterThan(0.95);
    expect(cx.message).toContain('"carat" and "x"');
    expect(fs.some((f) => f.kind === 'high-correlation' && f.columns.includes('price'))).toBe(false);
    expect(fs.some((f) => f.kind === 'missing-values' || f.kind === 'constant-column')).toBe(false);
  });

  it('correlations: carat–x above 0.95 by Pearson and Spearman; agree with a direct computation', () => {
    const p = correlationMatrix(t, ['carat', 'x', 'price'], 'pearson');
    const s = correlationMatrix(t, ['carat', 'x', 'price'], 'spearman');
    expect(p.matrix[1]).toBeGreaterThan(0.95);
    expect(s.matrix[1]).toBeGreaterThan(0.95);
    const a = values('carat');
    const b = values('price');
    const n = a.length;
    let ma = 0;
    let mb = 0;
    for (let i = 0; i < n; i++) {
      ma += a[i] / n;
      mb += b[i] / n;
    }
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    for (let i = 0; i < n; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) ** 2;
      sbb += (b[i] - mb) ** 2;
    }
    expect(p.matrix[2]).toBeCloseTo(sab / Math.sqrt(saa * sbb), 10);
    expect(p.n[2]).toBe(65535);
  });

  it('distributions and views stay small and consistent', () => {
    const d = columnDistribution(t.columns.find((c) => c.name === 'carat')!) as NumericDistribution;
    expect(d.histogram.counts.reduce((a, b) => a + b, 0)).toBe(65535);
    expect(d.histogram.counts.length).toBeLessThanOrEqual(60);
    const td = targetDistribution(values('price'), { log: true });
    expect(Math.abs(td.logSkewness)).toBeLessThan(Math.abs(td.stats.skewness));
    const v = targetVsFeature(t, 'price', 'cut', { order: ORDERS.cut }) as CategoricalFeatureView;
    expect(v.groups.map((g) => g.level)).toEqual(ORDERS.cut);
    expect(v.groups.reduce((a, g) => a + g.count, 0)).toBe(65535);
  });
});
