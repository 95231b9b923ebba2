/** Intervals at prediction time: what a bundle's calibration gives one row, a file, another coverage. */
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle, type LoadedBundle } from '../../../src/core/bundle/bundle';
import { intervalCoverage } from '../../../src/core/conformal';
import { parseCsv } from '../../../src/core/data';
import { InvalidParamsError } from '../../../src/core/errors';
import { predictCsv, predictionChunkToCsv, predictRecords, type PredictionChunk } from '../../../src/core/pipeline/predict';
import { runTraining, type CandidateResult } from '../../../src/core/pipeline/train';
import { defaultRecipe } from '../../../src/core/recipe';
import { generateSampleGemstones } from '../../../src/core/sample';

const trainCsv = generateSampleGemstones(1500, 11);
const testCsv = generateSampleGemstones(400, 12);
let loaded: LoadedBundle;
let candidate: CandidateResult;

beforeAll(async () => {
  const ds = await parseCsv(trainCsv);
  const test = await parseCsv(testCsv);
  const res = await runTraining({
    table: ds.table,
    recipe: defaultRecipe(ds.schema, 'price', ds.table),
    dataset: { hash: 'd'.repeat(64) },
    candidates: [{ type: 'gbdt', params: { maxIterations: 80 } }],
    split: { kind: 'test-table', table: test.table, seed: 4 },
  });
  candidate = res.leaderboard[0];
  loaded = parseBundle(serializeBundle(candidate.bundle!));
});

async function predictFile(csv: string, interval?: number, clip = false) {
  const chunks: PredictionChunk[] = [];
  const summary = await predictCsv(loaded, csv, { chunkRows: 128, interval, clip, onChunk: (c) => void chunks.push(c) });
  return { summary, chunks };
}

describe('prediction intervals from a bundle', () => {
  it('on the test file, the bundle gives each row the interval training scored: the same coverage and width', async () => {
    const { summary, chunks } = await predictFile(testCsv, 0.9);
    expect(summary.interval).toEqual({ coverage: 0.9 });
    const price = chunks[0].header.indexOf('price');
    let inside = 0;
    let width = 0;
    let n = 0;
    for (const c of chunks)
      c.rows.forEach((r, i) => {
        const y = Number(r[price]);
        expect(c.lower![i]).toBeLessThan(c.predictions[i]);
        expect(c.upper![i]).toBeGreaterThan(c.predictions[i]);
        if (y >= c.lower![i] && y <= c.upper![i]) inside++;
        width += c.upper![i] - c.lower![i];
        n++;
      });
    const e = candidate.intervals!.evaluation!;
    expect(n).toBe(e.rows);
    expect(inside / n).toBe(e.empiricalCoverage);
    expect(width / n).toBeCloseTo(e.meanWidth, 6);
  });

  it('one row (a form) gets its interval; a lower coverage from the same scores gives a narrower one', () => {
    const row = { carat: 0.9, cut: 'Ideal', color: 'G', clarity: 'VS1', depth: 61.5, table: 57, x: 6.2, y: 6.2, z: 3.8 };
    const at90 = predictRecords(loaded, [row], 1, { interval: 0.9 });
    const at50 = predictRecords(loaded, [row], 1, { interval: 0.5 });
    expect(at90.predictions[0]).toBe(at50.predictions[0]);
    expect(at90.lower![0]).toBeLessThan(at50.lower![0]);
    expect(at90.upper![0]).toBeGreaterThan(at50.upper![0]);
    expect(predictRecords(loaded, [row]).lower).toBeUndefined();
  });

  it('writes prediction_lower and prediction_upper after the prediction, only when asked', async () => {
    const { chunks } = await predictFile(testCsv.split('\n').slice(0, 4).join('\n') + '\n', 0.8);
    const rows = Papa.parse<string[]>(predictionChunkToCsv(chunks[0], true).trim()).data;
    expect(rows[0].slice(-4)).toEqual(['prediction', 'prediction_lower', 'prediction_upper', 'error']);
    const [p, lo, hi] = rows[1].slice(-4, -1).map(Number);
    expect(lo).toBeLessThan(p);
    expect(hi).toBeGreaterThan(p);
    const plain = await predictFile(testCsv.split('\n').slice(0, 4).join('\n') + '\n');
    expect(Papa.parse<string[]>(predictionChunkToCsv(plain.chunks[0], true).trim()).data[0].slice(-2)).toEqual(['prediction', 'error']);
  });

  it('with clip, bounds stay within the training range of the target too', async () => {
    const ref = loaded.bundle.referenceProfile.columns.find((c) => c.name === 'price')!;
    if (ref.kind !== 'numeric') throw new Error('price is numeric');
    const { chunks } = await predictFile(testCsv, 0.99, true);
    for (const c of chunks) for (let i = 0; i < c.rows.length; i++) {
      expect(c.lower![i]).toBeGreaterThanOrEqual(ref.min);
      expect(c.upper![i]).toBeLessThanOrEqual(ref.max);
    }
    const unclipped = await predictFile(testCsv, 0.99);
    expect(unclipped.chunks.some((c) => c.lower!.some((v) => v < ref.min))).toBe(true);
  });

  it('says in words when a coverage cannot be given, or the model has no intervals', () => {
    expect(intervalCoverage(loaded.intervals)).toBe(0.9);
    expect(intervalCoverage(loaded.intervals, 0.8)).toBe(0.8);
    const n = loaded.intervals!.scores.length; // 150 scores (300 calibration rows, normalised)
    expect(n).toBe(150);
    expect(() => intervalCoverage(loaded.intervals, 0.995)).toThrow('99.5 % intervals need at least 199 calibration scores; this model has 150, enough for at most 99.3 %.');
    expect(() => intervalCoverage(loaded.intervals, 1.2)).toThrow(InvalidParamsError);
    expect(() => intervalCoverage(undefined)).toThrow(/This model has no prediction intervals/);
  });
});
