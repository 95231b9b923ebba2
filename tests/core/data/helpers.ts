import { expect } from 'vitest';
import { CsvError } from '../../../src/core/errors';
import type { ByteSource, Column, NumericColumn, CategoricalColumn, Table } from '../../../src/core/data/index';

/** Awaits a promise that must reject with a CsvError of the given code, and returns the error. */
export async function csvError(p: Promise<unknown>, code: string): Promise<CsvError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected CsvError '${code}'`).toBeInstanceOf(CsvError);
  const err = caught as CsvError;
  expect(err.code).toBe(code);
  return err;
}

/** A ByteSource over bytes that counts its reads. */
export function countingSource(bytes: Uint8Array): ByteSource & { reads: number } {
  const s = {
    size: bytes.length,
    reads: 0,
    read(offset: number, length: number): Promise<Uint8Array> {
      s.reads++;
      return Promise.resolve(bytes.slice(offset, Math.min(bytes.length, offset + length)));
    },
  };
  return s;
}

export function num(table: Table, name: string): NumericColumn {
  const c = table.columns.find((x) => x.name === name);
  if (!c || c.type !== 'numeric') throw new Error(`no numeric column ${name}`);
  return c;
}

export function cat(table: Table, name: string): CategoricalColumn {
  const c = table.columns.find((x) => x.name === name);
  if (!c || c.type !== 'categorical') throw new Error(`no categorical column ${name}`);
  return c;
}

/** Column values as plain JS values (null for missing), for comparisons. */
export function plain(col: Column): (number | string | null)[] {
  if (col.type === 'numeric') return Array.from(col.values, (v) => (Number.isNaN(v) ? null : v));
  return Array.from(col.codes, (c) => (c < 0 ? null : col.levels[c]));
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** `s` as UTF-16 bytes with a byte-order mark (FF FE little-endian, FE FF big-endian), or without one when `bom` is false. */
export function utf16(s: string, order: 'le' | 'be', bom = true): Uint8Array {
  const start = bom ? 2 : 0;
  const b = new Uint8Array(start + 2 * s.length);
  if (bom) b.set(order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]);
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    const [first, second] = order === 'le' ? [u & 0xff, u >> 8] : [u >> 8, u & 0xff];
    b[start + 2 * i] = first;
    b[start + 2 * i + 1] = second;
  }
  return b;
}
