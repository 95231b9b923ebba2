import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesSource, parseCsv } from '../../../src/core/data/index';
import { cat, csvError, num, plain } from './helpers';

const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(resolve(import.meta.dirname, '../../fixtures', name)));

describe('fixtures', () => {
  it('cars-units.csv: unit columns become numbers with their unit', async () => {
    const d = await parseCsv(bytesSource(fixture('cars-units.csv')), { chunkBytes: 100 });
    const by = Object.fromEntries(d.schema.map((s) => [s.name, s]));
    expect(d.table.rowCount).toBe(20);
    expect([by.mileage.kind, by.mileage.unit]).toEqual(['unit', 'kmpl']);
    expect([by.engine.kind, by.engine.unit]).toEqual(['unit', 'CC']);
    expect([by.max_power.kind, by.max_power.unit]).toEqual(['unit', 'bhp']);
    expect(by.mileage.reason).toContain('unit "km/kg"');
    expect(by.name.kind).toBe('text');
    expect(by.fuel.kind).toBe('categorical');
    expect(by.year.kind).toBe('numeric');
    expect(plain(num(d.table, 'mileage')).slice(0, 2)).toEqual([23.4, 21.14]);
    expect(plain(num(d.table, 'mileage'))[6]).toBeNull(); // 17.3 km/kg: another unit
    expect(plain(num(d.table, 'engine'))[13]).toBeNull(); // the blank row
    expect(d.profile.find((p) => p.name === 'engine')?.missing).toBe(1);
    expect(d.warnings.find((w) => w.kind === 'missing-values' && w.column === 'seats')?.rows).toEqual([14]);
  });

  it('semicolon-bom-crlf.csv: BOM, CRLF, ; and quoted delimiters', async () => {
    const d = await parseCsv(fixture('semicolon-bom-crlf.csv'));
    expect(d.delimiter).toBe(';');
    expect(d.table.columns.map((c) => c.name)).toEqual(['city', 'population', 'area_km2']);
    expect(plain(cat(d.table, 'city'))).toEqual(['Saint-Étienne', 'Zürich', 'Brasília; DF']);
    expect(Array.from(num(d.table, 'population').values)).toEqual([171924, 421878, 4803877]);
    // "79,97" is not a number here: the column stays labels, said so by its kind.
    expect(d.schema[2].kind).toBe('categorical');
  });

  it('latin1.csv: not UTF-8, naming data row 1', async () => {
    const e = await csvError(parseCsv(fixture('latin1.csv')), 'not-utf8');
    expect(e.where.row).toBe(1);
  });
});
