/** Small open datasets for the app's unit tests, parsed by the real core from the synthetic sample. */
import type { OpenDataset } from '../../src/app/DatasetLibrary.svelte';
import { parseCsv } from '../../src/core/data';
import { generateSampleGemstones } from '../../src/core/sample';

export async function sampleDataset(id: string, rows = 200, seed = 1): Promise<OpenDataset> {
  const ds = await parseCsv(generateSampleGemstones(rows, seed));
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
