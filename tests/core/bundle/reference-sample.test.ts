import { beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle, withoutReferenceSample, type ModelBundle } from '../../../src/core/bundle/bundle';
import { bytesToBase64 } from '../../../src/core/bundle/codec';
import { decodeReferenceSample, encodeReferenceSample, REFERENCE_SAMPLE_ROWS } from '../../../src/core/bundle/reference-sample';
import { parseCsv, takeRows, trainTestSplit } from '../../../src/core/data';
import type { Column, ParsedDataset, Table } from '../../../src/core/data/types';
import { runTraining, type TrainingRequest, type TrainingResult } from '../../../src/core/pipeline/train';
import { defaultRecipe } from '../../../src/core/recipe';
import { generateSampleGemstones } from '../../../src/core/sample';

const HASH = 'b'.repeat(64);
const SEED = 9;

function request(ds: ParsedDataset, extra: Partial<TrainingRequest> = {}): TrainingRequest {
  return {
    table: ds.table,
    dataset: { hash: HASH, rows: ds.table.rowCount },
    recipe: defaultRecipe(ds.schema, 'price', ds.table),
    candidates: [{ type: 'linear', name: 'linear' }, { type: 'tree', name: 'tree', params: { maxDepth: 6 } }],
    split: { kind: 'holdout', testSize: 0.25, seed: SEED },
    ...extra,
  };
}

function valuesOf(col: Column): (number | string | null)[] {
  if (col.type === 'numeric') return Array.from(col.values, (v) => (Number.isNaN(v) ? null : v));
  return Array.from(col.codes, (c) => (c < 0 ? null : col.levels[c]));
}

describe('the reference sample in a bundle', () => {
  let ds: ParsedDataset;
  let result: TrainingResult;
  let training: Table;
  beforeAll(async () => {
    ds = await parseCsv(generateSampleGemstones(800, 5));
    result = await runTraining(request(ds));
    const split = trainTestSplit(800, { testSize: 0.25, seed: SEED });
    training = takeRows(ds.table, split.train);
  }, 60_000);

  it('holds every training row (fewer than the limit) with the inputs exactly as read, and each model its own predictions', () => {
    expect(REFERENCE_SAMPLE_ROWS).toBe(10_000);
    const inputs = result.recipe.inputSchema().map((c) => c.name);
    const expected = result.recipe.inputTable(training);
    for (const r of result.leaderboard) {
      const loaded = parseBundle(serializeBundle(r.bundle!));
      const sample = loaded.referenceSample!;
      expect(sample.sourceRows).toBe(600);
      expect(sample.table.rowCount).toBe(600);
      expect(sample.table.columns.map((c) => c.name)).toEqual(inputs);
      for (const [j, col] of sample.table.columns.entries()) expect(valuesOf(col), col.name).toEqual(valuesOf(expected.columns[j]));
      const direct = result.recipe.decodeTarget(r.model!.predict(result.recipe.transformTable(training).X));
      expect(sample.predictions.length).toBe(600);
      for (let i = 0; i < 600; i++) expect(sample.predictions[i]).toBeCloseTo(direct[i], 2);
    }
    // The two models' samples are the same rows, with different predictions.
    const [a, b] = result.leaderboard.map((r) => parseBundle(serializeBundle(r.bundle!)).referenceSample!);
    expect(Array.from(a.predictions)).not.toEqual(Array.from(b.predictions));
  });

  it('stores gemstone numbers as float32 that read back exactly, and stays compact', () => {
    const b = result.leaderboard[0].bundle!;
    const carat = b.referenceSample!.columns.find((c) => c.name === 'carat')!;
    expect(carat.kind === 'numeric' && carat.values.$typed).toBe('Float32Array');
    const cut = b.referenceSample!.columns.find((c) => c.name === 'cut')!;
    expect(cut.kind === 'categorical' && cut.codes.$typed).toBe('Uint8Array');
    // 600 rows × (6 float32 + 3 uint8 + a float32 prediction) = 17.4 kB of bytes, ×4/3 in base64.
    expect(JSON.stringify(b.referenceSample).length).toBeLessThan(26_000);
  });

  it('is a seeded sample when the training rows exceed the setting, and can be switched off', async () => {
    const one = await runTraining(request(ds, { referenceSampleRows: 100, candidates: [{ type: 'linear' }] }));
    const two = await runTraining(request(ds, { referenceSampleRows: 100, candidates: [{ type: 'linear' }] }));
    const s1 = parseBundle(serializeBundle(one.leaderboard[0].bundle!)).referenceSample!;
    const s2 = parseBundle(serializeBundle(two.leaderboard[0].bundle!)).referenceSample!;
    expect(s1.table.rowCount).toBe(100);
    expect(s1.sourceRows).toBe(600);
    expect(s1.table.columns.map(valuesOf)).toEqual(s2.table.columns.map(valuesOf));
    const none = await runTraining(request(ds, { referenceSampleRows: 0, candidates: [{ type: 'linear' }] }));
    expect(none.leaderboard[0].bundle!.referenceSample).toBeUndefined();
    await expect(runTraining(request(ds, { referenceSampleRows: -1 }))).rejects.toMatchObject({ code: 'bad-reference-rows', where: { field: 'referenceSampleRows' } });
  });

  it('keeps numbers float32 cannot hold exactly as float64, and missing values as missing', () => {
    const table: Table = {
      rowCount: 3,
      columns: [
        { type: 'numeric', name: 'precise', values: Float64Array.from([0.123456789012, NaN, 3]) },
        { type: 'numeric', name: 'short', values: Float64Array.from([12345.67, 0.001, NaN]) },
        { type: 'categorical', name: 'level', codes: Int32Array.from([2, -1, 2]), levels: ['a', 'b', 'c'] },
      ],
    };
    const encoded = encodeReferenceSample({ table, predictions: Float64Array.from([1, 2, 3]), sourceRows: 3, seed: 1 });
    expect(encoded.columns.map((c) => (c.kind === 'numeric' ? c.values.$typed : c.levels))).toEqual(['Float64Array', 'Float32Array', ['c']]);
    const back = decodeReferenceSample(JSON.parse(JSON.stringify(encoded)), ['precise', 'short', 'level']);
    expect(back.table.columns.map(valuesOf)).toEqual([
      [0.123456789012, null, 3],
      [12345.67, 0.001, null],
      ['c', null, 'c'],
    ]);
  });

  it('old bundles (and exports stripped of the sample) still load, without a sample', () => {
    const stripped = withoutReferenceSample(result.leaderboard[0].bundle!);
    expect('referenceSample' in stripped).toBe(false);
    const loaded = parseBundle(serializeBundle(stripped));
    expect(loaded.referenceSample).toBeUndefined();
    expect(loaded.bundle.referenceSample).toBeUndefined();
  });

  describe('a damaged sample is refused with a BundleError naming the field', () => {
    const damaged = (edit: (s: Record<string, any>) => void): string => {
      const b = JSON.parse(serializeBundle(result.leaderboard[0].bundle!)) as ModelBundle & { referenceSample: Record<string, any> };
      edit(b.referenceSample);
      return JSON.stringify(b);
    };
    const refused = (text: string, field: RegExp) =>
      expect(() => parseBundle(text)).toThrow(expect.objectContaining({ name: 'BundleError', where: expect.objectContaining({ field: expect.stringMatching(field) }) }));

    it('columns that are not the model inputs', () => {
      refused(damaged((s) => s.columns.pop()), /^referenceSample\.columns$/);
      refused(damaged((s) => (s.columns[0].name = 'weight')), /^referenceSample\.columns$/);
    });
    it('a code beyond the levels, or a column of the wrong length', () => {
      refused(
        damaged((s) => {
          const j = s.columns.findIndex((c: { kind: string }) => c.kind === 'categorical');
          const codes = new Uint8Array(600).fill(1);
          codes[7] = 200;
          s.columns[j].codes = { $typed: 'Uint8Array', length: 600, base64: bytesToBase64(codes) };
        }),
        /^referenceSample\.columns\[\d\]\.codes$/,
      );
      refused(damaged((s) => (s.rows = 599)), /^referenceSample\.columns\[0\]\.values$/);
      refused(damaged((s) => (s.sourceRows = 10)), /^referenceSample\.sourceRows$/);
    });
  });
});
