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
