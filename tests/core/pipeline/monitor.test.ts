/**
 * Monitoring a predicted batch against a model's reference: generated gemstones for the shape of
 * the report, the settings and the errors; the real gemstone data for the verdicts the issue asks
 * for (the reference split's test rows do not drift; its stones above one carat do).
 */
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle, withoutReferenceSample, type LoadedBundle } from '../../../src/core/bundle/bundle';
import { parseCsv } from '../../../src/core/data';
import { bundleReference, describePerformance, monitorBatch, referenceFromCsv, rejudgeReport, type MonitorReference } from '../../../src/core/pipeline/monitor';
import { predictBatch } from '../../../src/core/pipeline/predicted-batch';
import { runTraining } from '../../../src/core/pipeline/train';
import { defaultRecipe } from '../../../src/core/recipe';
import { generateSampleGemstones } from '../../../src/core/sample';
import { csvText, haveGemstone, loadGemstoneSplitText, SKIP_MESSAGE } from '../../helpers/gemstone';

const HASH = 'c'.repeat(64);

async function trainLinear(trainCsv: string, testCsv?: string): Promise<LoadedBundle> {
  const ds = await parseCsv(trainCsv);
  const result = await runTraining({
    table: ds.table,
    dataset: { hash: HASH },
    recipe: defaultRecipe(ds.schema, 'price', ds.table),
    candidates: [{ type: 'linear' }],
    split: testCsv ? { kind: 'test-table', table: (await parseCsv(testCsv)).table, seed: 1 } : { kind: 'holdout', testSize: 0.25, seed: 3 },
  });
  return parseBundle(serializeBundle(result.leaderboard[0].bundle!));
}

function withoutColumn(csv: string, column: string): string {
  const rows = Papa.parse<string[]>(csv.trim()).data;
  const j = rows[0].indexOf(column);
  return Papa.unparse(rows.map((r) => r.filter((_, k) => k !== j)), { newline: '\n' }) + '\n';
}

describe('monitorBatch on generated gemstones', () => {
  const trainCsv = generateSampleGemstones(800, 5);
  const batchCsv = generateSampleGemstones(400, 11);
  let loaded: LoadedBundle;
  let reference: MonitorReference;
  beforeAll(async () => {
    loaded = await trainLinear(trainCsv);
    reference = bundleReference(loaded);
  }, 60_000);

  it('reports every input column and the predictions against the bundle sample, and performance when the batch is labelled', async () => {
    const { batch, summary } = await predictBatch(loaded, batchCsv, { chunkRows: 150 });
    expect(summary.rows).toBe(400);
    expect(batch.table.rowCount).toBe(400);
    const report = monitorBatch(loaded, reference, batch);
    expect(report.rows).toBe(400);
    expect(report.referenceRows).toBe(600);
    expect(report.columns.map((c) => c.name)).toEqual(loaded.recipe.inputSchema().map((c) => c.name));
    // 600 reference rows: p-value tests (KS for numbers, chi-square for the grades).
    expect(report.columns.find((c) => c.name === 'carat')!.test).toBe('ks');
    expect(report.columns.find((c) => c.name === 'clarity')!.test).toBe('chisquare');
    expect(report.prediction).toMatchObject({ name: 'prediction', test: 'ks', referenceCount: 600, currentCount: 400 });
    // The same generator: no dataset drift, and the model does as well as on its test part.
    expect(report.datasetDrift).toBe(false);
    expect(report.performance!.rows).toBe(400);
    expect(report.performance!.metric).toBe('rmse');
    expect(report.performance!.test).toEqual(loaded.bundle.metrics.test);
    expect(report.performance!.change).toBeCloseTo(report.performance!.metrics.rmse / loaded.bundle.metrics.test!.rmse - 1, 12);
    expect(report.performance!.degraded).toBe(report.performance!.change! > 0.1);
  });

  it('reads the batch the way predicting it does: chunking changes nothing, unreadable cells are missing, failed rows have no prediction', async () => {
    const rows = Papa.parse<string[]>(batchCsv.trim()).data;
    const carat = rows[0].indexOf('carat');
    const cut = rows[0].indexOf('cut');
    rows[1][carat] = 'heavy';
    rows[2][cut] = '';
    const text = Papa.unparse(rows, { newline: '\n' });
    const whole = (await predictBatch(loaded, text, { chunkRows: 1000 })).batch;
    const chunked = (await predictBatch(loaded, text, { chunkRows: 7 })).batch;
    const values = (b: typeof whole) => b.table.columns.map((c) => (c.type === 'numeric' ? Array.from(c.values) : Array.from(c.codes, (k) => c.levels[k] ?? null)));
    expect(values(chunked)).toEqual(values(whole));
    expect(Array.from(chunked.predictions)).toEqual(Array.from(whole.predictions));
    const caratCol = whole.table.columns.find((c) => c.name === 'carat')!;
    expect(caratCol.type === 'numeric' && Number.isNaN(caratCol.values[0])).toBe(true);
    const cutCol = whole.table.columns.find((c) => c.name === 'cut')!;
    expect(cutCol.type === 'categorical' && cutCol.codes[1]).toBe(-1);
    const report = monitorBatch(loaded, reference, whole);
    expect(report.columns.find((c) => c.name === 'carat')!.currentMissing).toBe(1);
    expect(report.columns.find((c) => c.name === 'cut')!.currentMissing).toBe(1);
  });

  it('has no performance without the target column', async () => {
    const { batch } = await predictBatch(loaded, withoutColumn(batchCsv, 'price'));
    expect(batch.actual).toBeUndefined();
    expect(monitorBatch(loaded, reference, batch).performance).toBeUndefined();
  });

  it('flags degradation past the threshold set, for the metric chosen', async () => {
    // Prices doubled: the same inputs, a model now far off.
    const rows = Papa.parse<string[]>(batchCsv.trim()).data;
    const p = rows[0].indexOf('price');
    const doubled = Papa.unparse(rows.map((r, i) => (i === 0 ? r : r.map((v, j) => (j === p ? String(2 * Number(v)) : v)))), { newline: '\n' });
    const { batch } = await predictBatch(loaded, doubled);
    const rmse = monitorBatch(loaded, reference, batch).performance!;
    expect(rmse.change).toBeGreaterThan(1);
    expect(rmse.degraded).toBe(true);
    expect(describePerformance(rmse)).toBe(
      `RMSE on 400 labelled rows: ${Number(rmse.metrics.rmse.toPrecision(6))} (test ${Number(rmse.test!.rmse.toPrecision(6))}; ${Math.round(rmse.change! * 100)}% worse): degraded (the limit is 10% worse).`,
    );
    expect(monitorBatch(loaded, reference, batch, { degradation: { threshold: rmse.change! + 0.01 } }).performance!.degraded).toBe(false);
    const r2 = monitorBatch(loaded, reference, batch, { degradation: { metric: 'r2', threshold: 0.05 } }).performance!;
    expect(r2.change).toBeCloseTo(loaded.bundle.metrics.test!.r2 - r2.metrics.r2, 12);
    expect(r2.degraded).toBe(true);
    expect(() => monitorBatch(loaded, reference, batch, { degradation: { threshold: -1 } })).toThrow(expect.objectContaining({ where: { field: 'degradation.threshold' } }));
  });

  it('takes settings for the input columns and the predictions', async () => {
    const { batch } = await predictBatch(loaded, batchCsv);
    const r = monitorBatch(loaded, reference, batch, {
      drift: { perColumn: { carat: { test: 'wasserstein', threshold: 0.5 } }, threshold: 0.01 },
      prediction: { test: 'wasserstein', threshold: 0.2 },
    });
    expect(r.columns.find((c) => c.name === 'carat')).toMatchObject({ test: 'wasserstein', threshold: 0.5 });
    expect(r.columns.find((c) => c.name === 'depth')).toMatchObject({ test: 'ks', threshold: 0.01 });
    expect(r.prediction).toMatchObject({ test: 'wasserstein', threshold: 0.2 });
  });

  it('a stored report judged again under new thresholds equals a report computed with them', async () => {
    const { batch } = await predictBatch(loaded, batchCsv);
    const base = monitorBatch(loaded, reference, batch);
    expect(rejudgeReport(base, {})).toEqual(base);
    const settings = { drift: { perColumn: { carat: { threshold: 0.99 } }, threshold: 0.5, driftShare: 0.3 }, prediction: { threshold: 0.999 }, degradation: { threshold: 0 } };
    const again = rejudgeReport(base, settings);
    expect(again).toEqual(monitorBatch(loaded, reference, batch, settings));
    expect(again.columns.find((c) => c.name === 'carat')!.threshold).toBe(0.99);
    expect(() => rejudgeReport(base, { drift: { threshold: 2 } })).toThrow(expect.objectContaining({ code: 'invalid-drift-config' }));
  });

  it('without a sample in the bundle, says what to give; reference data from a file works the same', async () => {
    const bare = parseBundle(serializeBundle(withoutReferenceSample(loaded.bundle)));
    expect(() => bundleReference(bare)).toThrow(expect.objectContaining({ code: 'no-reference' }));
    const fromFile = await referenceFromCsv(bare, trainCsv, 'file');
    expect(fromFile.table.rowCount).toBe(800);
    const { batch } = await predictBatch(bare, batchCsv);
    const r = monitorBatch(bare, fromFile, batch);
    expect(r.referenceRows).toBe(800);
    expect(r.columns).toHaveLength(9);
  });
});

describe.skipIf(!haveGemstone)('monitorBatch on the gemstone reference split', () => {
  let loaded: LoadedBundle;
  let split: ReturnType<typeof loadGemstoneSplitText>;
  beforeAll(async () => {
    split = loadGemstoneSplitText();
    loaded = await trainLinear(csvText(split.header, split.train), csvText(split.header, split.test));
  }, 120_000);

  it('the test rows: no dataset drift, no prediction drift, and the test metrics again', async () => {
    expect(loaded.referenceSample!.table.rowCount).toBe(10_000);
    expect(loaded.referenceSample!.sourceRows).toBe(52_428);
    const { batch } = await predictBatch(loaded, csvText(split.header, split.test));
    const r = monitorBatch(loaded, bundleReference(loaded), batch);
    expect(r.rows).toBe(13_107);
    expect(r.columns.every((c) => c.test === 'wasserstein' || c.test === 'jensenshannon')).toBe(true);
    expect(r.columns.filter((c) => c.drift)).toEqual([]);
    expect(r.datasetDrift).toBe(false);
    expect(r.prediction.drift).toBe(false);
    expect(r.performance!.rows).toBe(13_107);
    expect(Math.abs(r.performance!.change!)).toBeLessThan(1e-9);
    expect(r.performance!.degraded).toBe(false);
  });

  it('the test stones above one carat: dataset drift, the size columns first among the drifting, the predictions drift, the model degrades', async () => {
    const heavy = split.test.filter((l) => Number(split.cell(l, 'carat')) > 1);
    const { batch } = await predictBatch(loaded, csvText(split.header, heavy));
    const r = monitorBatch(loaded, bundleReference(loaded), batch);
    expect(r.rows).toBe(heavy.length);
    expect(r.datasetDrift).toBe(true);
    const drifting = r.columns.filter((c) => c.drift).map((c) => c.name);
    expect(drifting).toEqual(expect.arrayContaining(['carat', 'x', 'y', 'z']));
    expect(r.driftShare).toBeGreaterThanOrEqual(0.5);
    expect(r.prediction.drift).toBe(true);
    expect(r.performance!.degraded).toBe(true);
  });
});
if (!haveGemstone) it.skip(`monitor on gemstone: ${SKIP_MESSAGE}`, () => {});
