import { beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle, type LoadedBundle } from '../../../src/core/bundle/bundle';
import { parseCsv, type ParsedDataset } from '../../../src/core/data';
import { predictCsv, predictRecords, predictionChunkToCsv, type PredictionChunk } from '../../../src/core/pipeline/predict';
import { runTraining, type TrainingResult } from '../../../src/core/pipeline/train';
import { defaultRecipe } from '../../../src/core/recipe';
import type { ModelType } from '../../../src/core/models/types';
import { Rng } from '../../../src/core/random';
import { generateSampleGemstones } from '../../../src/core/sample';

async function train(ds: ParsedDataset, target: string, type: ModelType): Promise<{ result: TrainingResult; loaded: LoadedBundle }> {
  const result = await runTraining({
    table: ds.table,
    recipe: defaultRecipe(ds.schema, target, ds.table),
    dataset: { hash: 'b'.repeat(64) },
    candidates: [{ type }],
    split: { kind: 'holdout', testSize: 0.2, seed: 4 },
  });
  return { result, loaded: parseBundle(serializeBundle(result.leaderboard[0].bundle!)) };
}

async function predictAll(loaded: LoadedBundle, csv: string, clip = false) {
  const chunks: PredictionChunk[] = [];
  const summary = await predictCsv(loaded, csv, { chunkRows: 64, clip, onChunk: (c) => void chunks.push(c) });
  const predictions = chunks.flatMap((c) => Array.from(c.predictions));
  const errors = chunks.flatMap((c) => c.errors);
  return { summary, chunks, predictions, errors };
}

/**
 * A used-car table whose `mileage` is written "17.3 kmpl", except every 25th row, written in
 * another unit ("17.3 km/kg", as CNG cars are listed): loading reads those as missing.
 */
function usedCars(rows: number): { csv: string; otherUnitRows: number[] } {
  const rng = new Rng(17);
  const lines = ['year,mileage,engine,selling_price'];
  const otherUnitRows: number[] = [];
  for (let i = 1; i <= rows; i++) {
    const year = 2005 + Math.floor(rng.next() * 15);
    const mileage = (12 + rng.next() * 14).toFixed(1);
    const engine = 800 + Math.floor(rng.next() * 1600);
    const price = Math.round(20000 * (year - 2000) + 3000 * Number(mileage) - 40 * engine + 5000 * rng.normal());
    const other = i % 25 === 0;
    if (other) otherUnitRows.push(i);
    lines.push(`${year},${mileage} ${other ? 'km/kg' : 'kmpl'},${engine} CC,${price}`);
  }
  return { csv: lines.join('\n') + '\n', otherUnitRows };
}

describe('a value gets the same treatment in training and prediction (train/serve skew)', () => {
  const { csv, otherUnitRows } = usedCars(400);
  let ds: ParsedDataset;
  let trained: { result: TrainingResult; loaded: LoadedBundle };
  beforeAll(async () => {
    ds = await parseCsv(csv);
    trained = await train(ds, 'selling_price', 'linear');
  });

  it('loading reads the other unit as missing, and says so', () => {
    const s = ds.schema.find((c) => c.name === 'mileage')!;
    expect(s).toMatchObject({ kind: 'unit', unit: 'kmpl', storage: 'numeric' });
    expect(s.reason).toContain(`${otherUnitRows.length} other values (unit "km/kg") will be read as missing`);
    const mileage = ds.table.columns.find((c) => c.name === 'mileage')!;
    if (mileage.type !== 'numeric') throw new Error('mileage should be numeric');
    for (const r of otherUnitRows) expect(mileage.values[r - 1]).toBeNaN();
  });

  it('Predict reads those cells as missing too: every row predicted, one warning per cell, the value training imputed', async () => {
    const { loaded, result } = trained;
    const { summary, chunks, predictions, errors } = await predictAll(loaded, csv);
    expect(summary).toMatchObject({ rows: 400, predicted: 400, failed: 0 });
    expect(summary.problemCounts['not-a-number:warning']).toBe(otherUnitRows.length);
    expect(summary.problemCounts['not-a-number:error']).toBeUndefined();
    const warned = chunks.flatMap((c) => c.problems).filter((p) => p.reason === 'not-a-number');
    expect(warned.map((p) => [p.row, p.column, p.severity])).toEqual(otherUnitRows.map((r) => [r, 'mileage', 'warning']));
    const fill = loaded.recipe.inputSchema().find((c) => c.name === 'mileage')!.fill as number;
    expect(warned[0].message).toBe(`mileage: "${csv.split('\n')[otherUnitRows[0]].split(',')[1]}" is not a number in kmpl; read as missing, as in training, and filled with ${fill}.`);
    // The file says so on the row: a warning, not an error (the row is predicted).
    for (const r of otherUnitRows) expect(errors[r - 1]).toMatch(/^warning: mileage: ".*" is not a number in kmpl; read as missing/);
    // Exactly what the model gives for the rows as training read them (mileage missing → the median).
    const asTrained = result.recipe.decodeTarget(result.leaderboard[0].model!.predict(result.recipe.transformTable(ds.table).X));
    for (let i = 0; i < 400; i++) expect(predictions[i]).toBeCloseTo(asTrained[i], 8);
    const one = predictRecords(loaded, [{ year: '2012', mileage: '19.0 km/kg', engine: '1200 CC' }]);
    const missing = predictRecords(loaded, [{ year: '2012', mileage: '', engine: '1200 CC' }]);
    expect(one.valid[0]).toBe(1);
    expect(one.predictions[0]).toBe(missing.predictions[0]);
  });

  it('text that is no number at all is read as missing the same way, in a file and in a form', async () => {
    const { loaded } = trained;
    const rows = predictRecords(loaded, [
      { year: '2012', mileage: 'unknown', engine: '1200 CC' },
      { year: '2012', mileage: 'NA', engine: '1200 CC' },
      { year: '2012', mileage: '19.0 KMPL', engine: '1200 CC' },
    ]);
    expect(Array.from(rows.valid)).toEqual([1, 1, 1]);
    expect(rows.predictions[0]).toBe(rows.predictions[1]);
    expect(rows.predictions[2]).toBe(rows.predictions[1]);
    expect(rows.problems.map((p) => `${p.row} ${p.reason} ${p.severity}`)).toEqual(['1 not-a-number warning', '2 missing-value warning', '3 not-a-number warning']);
    // Loading a file with the same cells reads them as missing too (units compare with their case).
    const again = await parseCsv(`year,mileage,engine,selling_price\n2012,unknown,1200 CC,1\n2012,19.0 KMPL,1200 CC,1\n${csv.split('\n').slice(1, 60).join('\n')}\n`);
    const m = again.table.columns.find((c) => c.name === 'mileage')!;
    if (m.type !== 'numeric') throw new Error('mileage should be numeric');
    expect(m.values[0]).toBeNaN();
    expect(m.values[1]).toBeNaN();
  });
});

describe('predictions outside the training target range', () => {
  let trained: { result: TrainingResult; loaded: LoadedBundle };
  const range = { min: 0, max: 0 };
  beforeAll(async () => {
    const ds = await parseCsv(generateSampleGemstones(600, 8));
    trained = await train(ds, 'price', 'linear');
    const price = ds.table.columns.find((c) => c.name === 'price')!;
    if (price.type !== 'numeric') throw new Error('price should be numeric');
    range.min = Math.min(...price.values);
    range.max = Math.max(...price.values);
  });
  const inRange = { carat: 0.9, cut: 'Ideal', color: 'G', clarity: 'VS1', depth: 61.5, table: 57, x: 6.2, y: 6.2, z: 3.8 };
  // A linear model extrapolates: a small, poor stone gets a negative price, a huge one more than any in training.
  const tiny = { ...inRange, carat: 0.2, cut: 'Fair', color: 'J', clarity: 'I1', x: 3.8, y: 3.8, z: 2.3 };
  const huge = { ...inRange, carat: 9, x: 15, y: 15, z: 9 };

  it('are flagged per row and counted; clipping moves them to the range', () => {
    const { loaded } = trained;
    const plain = predictRecords(loaded, [inRange, tiny, huge], 10);
    expect(plain.outOfRange).toBe(2);
    expect(plain.predictions[1]).toBeLessThan(range.min);
    expect(plain.predictions[2]).toBeGreaterThan(range.max);
    const flags = plain.problems.filter((p) => p.reason === 'out-of-range-prediction');
    expect(flags.map((p) => [p.row, p.column, p.severity])).toEqual([
      [11, 'price', 'warning'],
      [12, 'price', 'warning'],
    ]);
    expect(flags[0].message).toMatch(new RegExp(`^price: the prediction -[\\d.]+ is below the lowest price in training \\(${range.min}\\)\\.$`));
    const clipped = predictRecords(loaded, [inRange, tiny, huge], 10, { clip: true });
    expect(Array.from(clipped.predictions)).toEqual([plain.predictions[0], range.min, range.max]);
    expect(clipped.problems.find((p) => p.row === 12 && p.reason === 'out-of-range-prediction')!.message).toContain(`clipped to ${range.max}`);
  });

  it('a whole file: counted in the summary, flagged in the error column, clipped on request', async () => {
    const { loaded } = trained;
    const header = Object.keys(inRange);
    const line = (r: Record<string, unknown>) => header.map((h) => r[h]).join(',');
    const csv = [header.join(','), line(inRange), line(tiny), line(inRange), line(huge)].join('\n') + '\n';
    const plain = await predictAll(loaded, csv);
    expect(plain.summary).toMatchObject({ rows: 4, predicted: 4, failed: 0, outOfRange: 2, clipped: 0, targetRange: range });
    expect(plain.summary.problemCounts['out-of-range-prediction:warning']).toBe(2);
    expect(plain.errors[0]).toBe('');
    expect(plain.errors[1]).toMatch(/(^|; )warning: price: the prediction -[\d.]+ is below the lowest price in training/);
    expect(plain.errors[3]).toMatch(/(^|; )warning: price: the prediction [\d.]+ is above the highest price in training/);
    const text = predictionChunkToCsv(plain.chunks[0], true).split('\n');
    expect(text[0]).toBe(`${header.join(',')},prediction,error`);
    expect(text[2]).toMatch(/,"?warning: .*price: the prediction -/);
    const clipped = await predictAll(loaded, csv, true);
    expect(clipped.summary).toMatchObject({ outOfRange: 2, clipped: 2 });
    expect(clipped.predictions).toEqual([plain.predictions[0], range.min, plain.predictions[2], range.max]);
    expect(clipped.summary.distribution.min).toBe(range.min);
    expect(clipped.summary.distribution.max).toBe(range.max);
  });

  it('a bundle without the target in its reference profile flags nothing (older bundles)', () => {
    const { loaded } = trained;
    const bundle = { ...loaded.bundle, referenceProfile: { ...loaded.bundle.referenceProfile, columns: loaded.bundle.referenceProfile.columns.filter((c) => c.name !== 'price') } };
    const old = parseBundle(serializeBundle(bundle));
    const r = predictRecords(old, [tiny], 1, { clip: true });
    expect(r.outOfRange).toBe(0);
    expect(r.predictions[0]).toBeLessThan(range.min);
    expect(r.problems.some((p) => p.reason === 'out-of-range-prediction')).toBe(false);
  });
});
