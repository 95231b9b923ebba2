import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/core/data/index';
import type { ParsedDataset } from '../../../src/core/data/index';
import { LoupeError } from '../../../src/core/errors';
import { enc, plain } from './helpers';

/** Parses and returns the dataset or the LoupeError; anything else fails the property. */
async function outcome(input: string | Uint8Array, chunkBytes?: number): Promise<ParsedDataset | LoupeError> {
  try {
    return await parseCsv(input, chunkBytes ? { chunkBytes } : {});
  } catch (e) {
    if (e instanceof LoupeError) return e;
    throw e;
  }
}

const csvChars = fc.constantFrom(',', ';', '\t', '|', '"', '\n', '\r', ' ', 'a', 'B', '1', '0', '.', '-', 'e', 'NA', '?', '\uFEFF', 'é', '\u0000');

describe('parser fuzzing', () => {
  it('arbitrary strings yield a dataset or a LoupeError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: csvChars, maxLength: 300 })), async (s) => {
        const r = await outcome(s);
        if (!(r instanceof LoupeError)) {
          expect(r.table.columns.every((c) => (c.type === 'numeric' ? c.values.length : c.codes.length) === r.table.rowCount)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary bytes yield a dataset or a LoupeError, whatever the chunk size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 40 }), async (bytes, chunk) => {
        const whole = await outcome(bytes);
        const chunked = await outcome(bytes, chunk);
        expect(whole instanceof LoupeError).toBe(chunked instanceof LoupeError);
      }),
      { numRuns: 300 },
    );
  });

  it('generated valid CSV tables round-trip their values (any chunk size)', async () => {
    const label = fc
      .string({ unit: fc.constantFrom('a', 'b', 'Z', ' ', ',', ';', '"', '\n', 'é', '7', '.'), maxLength: 8 })
      .map((s) => `L${s}R`);
    const number = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 });
    const columnKind = fc.constantFrom('numeric' as const, 'label' as const);
    const table = fc
      .record({
        kinds: fc.array(columnKind, { minLength: 1, maxLength: 5 }),
        rows: fc.integer({ min: 1, max: 25 }),
        delimiter: fc.constantFrom(',', ';', '\t', '|'),
        crlf: fc.boolean(),
        trailingNewline: fc.boolean(),
        chunk: fc.integer({ min: 8, max: 256 }),
      })
      .chain((t) =>
        fc.record({
          t: fc.constant(t),
          cells: fc.array(
            fc.tuple(...t.kinds.map((k) => fc.option<string | number>(k === 'numeric' ? number : label, { freq: 6 }))),
            { minLength: t.rows, maxLength: t.rows },
          ),
        }),
      );
    await fc.assert(
      fc.asyncProperty(table, async ({ t, cells }) => {
        const quote = (s: string): string => (/[",;\t|\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
        const nl = t.crlf ? '\r\n' : '\n';
        const header = t.kinds.map((_, j) => `c${j}`).join(t.delimiter);
        const lines = cells.map((row) => row.map((v) => (v === null ? 'NA' : typeof v === 'number' ? String(v) : quote(v))).join(t.delimiter));
        const text = [header, ...lines].join(nl) + (t.trailingNewline ? nl : '');
        const d = await parseCsv(enc(text), { delimiter: t.delimiter, chunkBytes: t.chunk });
        expect(d.table.rowCount).toBe(cells.length);
        expect(d.ragged.count).toBe(0);
        t.kinds.forEach((kind, j) => {
          const col = d.table.columns[j];
          const expected = cells.map((row) => {
            const v = row[j];
            if (v === null) return null;
            if (typeof v === 'number') return v === 0 ? 0 : v; // -0 reads back as 0 or -0; compare as numbers
            return v.trim();
          });
          const got = plain(col).map((v) => (v === 0 ? 0 : v));
          if (kind === 'numeric' || expected.every((v) => v === null)) {
            expect(col.type).toBe('numeric');
          } else {
            expect(col.type).toBe('categorical');
          }
          expect(got).toEqual(expected);
        });
      }),
      { numRuns: 150 },
    );
  });
});
