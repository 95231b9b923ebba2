/** Small open datasets for the app's unit tests, parsed by the real core from the synthetic sample. */
import type { OpenDataset } from '../../src/app/DatasetLibrary.svelte';
import { parseCsv } from '../../src/core/data';
import { generateSampleChurn, generateSampleGemstones } from '../../src/core/sample';

/** The synthetic gemstone sample (a number target, price), or with `kind: 'churn'` the churn sample (a class target, Churn). */
export async function sampleDataset(id: string, rows = 200, seed = 1, kind: 'gemstones' | 'churn' = 'gemstones'): Promise<OpenDataset> {
  const ds = await parseCsv(kind === 'churn' ? generateSampleChurn(rows, seed) : generateSampleGemstones(rows, seed));
  return {
    table: ds.table,
    meta: {
      id,
      name: `${id}.csv`,
      createdAt: 0,
      updatedAt: 0,
      rowCount: ds.table.rowCount,
      columnCount: ds.table.columns.length,
      bytes: ds.bytes,
      delimiter: ds.delimiter,
      schema: ds.schema,
      profile: ds.profile,
      warnings: ds.warnings,
      ragged: ds.ragged,
      synthetic: true,
    },
  };
}
