/**
 * The gemstone reference split as tables, through Loupe's own CSV reader: the rows whose `id` is
 * in ../shared/reference/gemstone-test-ids.txt are the test part, every other row trains. For
 * benchmarks and the reference tests that run the whole training pipeline.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCsv, takeRows, type ParsedDataset } from '../../src/core/data';
import type { Table } from '../../src/core/data/types';

const ROOT = resolve(import.meta.dirname, '../..');
export const GEMSTONE_CSV = resolve(ROOT, '../shared/data/gemstone.csv');
export const GEMSTONE_TEST_IDS = resolve(ROOT, '../shared/reference/gemstone-test-ids.txt');
export const haveReferenceSplit = existsSync(GEMSTONE_CSV) && existsSync(GEMSTONE_TEST_IDS);

export async function referenceSplitTables(): Promise<{ ds: ParsedDataset; train: Table; test: Table }> {
  const ds = await parseCsv(new Uint8Array(readFileSync(GEMSTONE_CSV)));
  const testIds = new Set(readFileSync(GEMSTONE_TEST_IDS, 'utf8').trim().split(/\s+/).map(Number));
  const id = ds.table.columns.find((c) => c.name === 'id');
  if (!id || id.type !== 'numeric') throw new Error('gemstone.csv has no numeric id column');
  const train: number[] = [];
  const test: number[] = [];
  id.values.forEach((v, i) => (testIds.has(v) ? test : train).push(i));
  return { ds, train: takeRows(ds.table, Uint32Array.from(train)), test: takeRows(ds.table, Uint32Array.from(test)) };
}
