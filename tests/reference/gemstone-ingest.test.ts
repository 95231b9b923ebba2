/** Ingestion of the project's running example, ../shared/data/gemstone.csv (skipped when absent). */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bytesSource, hashInput, parseCsv } from '../../src/core/data/index';
import type { ParsedDataset } from '../../src/core/data/index';
import { sha256Hex } from '../../src/core/hash';

const CSV = resolve(import.meta.dirname, '../..', '../shared/data/gemstone.csv');
const have = existsSync(CSV);
if (!have) console.warn(`gemstone-ingest: skipped, ${CSV} is absent`);

describe.skipIf(!have)('gemstone.csv ingestion', () => {
  let text = '';
  let bytes = new Uint8Array(0);
  let fromString: ParsedDataset;
  let fromSource: ParsedDataset;

  it('reads 65,535 rows and 11 columns from a string and from a chunked ByteSource alike', async () => {
    bytes = new Uint8Array(readFileSync(CSV));
    text = new TextDecoder().decode(bytes);
    fromString = await parseCsv(text);
    fromSource = await parseCsv(bytesSource(bytes), { chunkBytes: 256 * 1024 });
    for (const d of [fromString, fromSource]) {
      expect(d.table.rowCount).toBe(65535);
      expect(d.table.columns.map((c) => c.name)).toEqual(['id', 'carat', 'cut', 'color', 'clarity', 'depth', 'table', 'x', 'y', 'z', 'price']);
      expect(d.ragged.count).toBe(0);
      expect(d.delimiter).toBe(',');
    }
    expect(fromSource.profile).toEqual(fromString.profile);
  });

  it('proposes the documented kinds', () => {
    const kinds = Object.fromEntries(fromString.schema.map((s) => [s.name, s.kind]));
    expect(kinds).toEqual({
      id: 'id',
      carat: 'numeric',
      cut: 'categorical',
      color: 'categorical',
      clarity: 'categorical',
      depth: 'numeric',
      table: 'numeric',
      x: 'numeric',
      y: 'numeric',
      z: 'numeric',
      price: 'numeric',
    });
    const cut = fromString.profile.find((p) => p.name === 'cut')!;
    expect(cut.distinct).toBe(5);
    expect(new Set(cut.top!.map((t) => t.level))).toEqual(new Set(['Fair', 'Good', 'Very Good', 'Premium', 'Ideal']));
    const price = fromString.profile.find((p) => p.name === 'price')!;
    expect(price.missing).toBe(0);
    // Independent check of the mean against a plain split of the text.
    const lines = text.trim().split('\n').slice(1);
    const mean = lines.reduce((s, l) => s + Number(l.split(',')[10]), 0) / lines.length;
    expect(price.numeric!.mean).toBeCloseTo(mean, 6);
  });

  it('hashes to the same version from a string and from bytes', async () => {
    const h1 = await hashInput(text);
    const h2 = await hashInput(bytesSource(bytes));
    expect(h1).toMatch(/^[0-9a-f]{64}$/);
    expect(h2).toBe(h1);
    expect(await sha256Hex(bytes)).toBe(h1);
  });

  it('reports the zero dimensions (x, y, z hold 0 in a few rows) and the id column', () => {
    const zeros = fromString.warnings.filter((w) => w.kind === 'zeros');
    // In these 65,535 rows only z has zeros: rows 8,751 and 39,414 (checked with awk).
    expect(zeros.map((w) => [w.column, w.count, w.rows])).toEqual([['z', 2, [8751, 39414]]]);
    for (const name of ['x', 'y', 'z']) {
      const p = fromString.profile.find((c) => c.name === name)!;
      const col = fromString.table.columns.find((c) => c.name === name)!;
      const expected = col.type === 'numeric' ? col.values.filter((v) => v === 0).length : -1;
      expect(p.numeric!.zeros).toBe(expected);
    }
    expect(fromString.warnings.some((w) => w.kind === 'id-column' && w.column === 'id')).toBe(true);
  });
});
