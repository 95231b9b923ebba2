/**
 * The CLI's train and predict commands, run in-process through main() on a generated sample:
 * the leaderboard, the JSON report (a public interface), the bundle, and predictions through
 * `predict` equal to the pipeline's own.
 */
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { openBundle } from '../../src/core/bundle/bundle';
import { predictRecords } from '../../src/core/pipeline/predict';
import { generateSampleGemstones } from '../../src/core/sample';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'loupe-cli-'));
const trainCsv = join(dir, 'train.csv');
const predictCsvPath = join(dir, 'to-predict.csv');

beforeAll(() => {
  writeFileSync(trainCsv, generateSampleGemstones(1200, 4));
  // Rows to predict: the same columns without price, plus a carat that is not a number and an unseen cut.
  const rows = Papa.parse<string[]>(generateSampleGemstones(50, 99).trim()).data;
  const header = rows[0];
  const p = header.indexOf('price');
  const body = rows.slice(1).map((r) => r.filter((_, j) => j !== p));
  body.push(['9001', 'abc', 'Ideal', 'G', 'VS1', '61', '57', '5', '5', '3']);
  body.push(['9002', '0.5', 'Superb', 'G', 'VS1', '61', '57', '5', '5', '3']);
  writeFileSync(predictCsvPath, Papa.unparse([header.filter((_, j) => j !== p), ...body], { newline: '\n' }) + '\n');
});

describe('cli train', () => {
  const model = join(dir, 'model.json');
  const report = join(dir, 'report.json');

  it('trains, prints the leaderboard, writes the report and the bundle', async () => {
    const r = await run(['train', trainCsv, '--target', 'price', '--models', 'linear,tree,gbdt', '--seed', '7', '--out', model, '--report', report]);
    expect(r.err).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/R²/);
    expect(r.out).toMatch(/best: \w+/);
    const rep = JSON.parse(readFileSync(report, 'utf8'));
    expect(rep.dataset).toMatchObject({ rows: 1200 });
    expect(rep.dataset.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rep.split).toMatchObject({ kind: 'holdout', seed: 7, testSize: 0.2, trainRows: 960, testRows: 240 });
    expect(rep.models.map((m: { name: string }) => m.name).sort()).toEqual(['gbdt', 'linear', 'tree']);
    for (const m of rep.models) {
      for (const k of ['r2', 'rmse', 'mae', 'mape', 'fitSeconds', 'predictSeconds']) expect(typeof m[k]).toBe('number');
      expect(typeof m.params).toBe('object');
    }
    const r2s = rep.models.map((m: { r2: number }) => m.r2);
    expect([...r2s].sort((a: number, b: number) => b - a)).toEqual(r2s);
    expect(rep.best).toBe(rep.models[0].name);
    expect(rep.bundle).toBe(model);
  });

  it('predict writes the input columns plus a prediction column, the same numbers as the bundle', async () => {
    const out = join(dir, 'pred.csv');
    const r = await run(['predict', model, predictCsvPath, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/52 rows: 52 predicted, 0 could not be predicted/);
    // "abc" is read as missing and imputed, as loading the training file reads text in a number column.
    expect(r.err).toMatch(/warnings: .*1 not-a-number/);
    const parsed = Papa.parse<Record<string, string>>(readFileSync(out, 'utf8').trim(), { header: true });
    expect(parsed.meta.fields).toEqual(['id', 'carat', 'cut', 'color', 'clarity', 'depth', 'table', 'x', 'y', 'z', 'prediction', 'error']);
    expect(parsed.data).toHaveLength(52);
    const loaded = await openBundle(readFileSync(model, 'utf8'));
    const missingCarat = predictRecords(loaded, [{ ...parsed.data[50], carat: '' }]).predictions[0];
    expect(Number(parsed.data[50].prediction)).toBe(missingCarat);
    expect(parsed.data[50].error).toBe('');
    expect(Number(parsed.data[51].prediction)).toBeGreaterThan(0); // unseen category: imputed, predicted
    const direct = predictRecords(loaded, parsed.data.slice(0, 50)).predictions;
    for (let i = 0; i < 50; i++) expect(Number(parsed.data[i].prediction)).toBe(direct[i]);
  });

  it('predict flags predictions outside the training range of the target, and --clip clips them', async () => {
    const linear = join(dir, 'linear.json');
    expect((await run(['train', trainCsv, '--target', 'price', '--models', 'linear', '--out', linear])).code).toBe(0);
    const lowest = (await openBundle(readFileSync(linear, 'utf8'))).bundle.referenceProfile.columns.find((c) => c.name === 'price');
    if (lowest?.kind !== 'numeric') throw new Error('the bundle should profile price');
    // A small, poor stone: a linear model extrapolates to a negative price.
    const file = join(dir, 'small-stones.csv');
    writeFileSync(file, 'id,carat,cut,color,clarity,depth,table,x,y,z\n1,0.9,Ideal,G,VS1,61.5,57,6.2,6.2,3.8\n2,0.2,Fair,J,I1,61.5,57,3.8,3.8,2.3\n');
    const plainOut = join(dir, 'small-plain.csv');
    const plain = await run(['predict', linear, file, '--out', plainOut]);
    expect(plain.code).toBe(0);
    expect(plain.err).toMatch(new RegExp(`1 prediction outside the training range of price \\(${lowest.min} to ${lowest.max}\\): flagged in the error column`));
    const a = Papa.parse<Record<string, string>>(readFileSync(plainOut, 'utf8').trim(), { header: true }).data;
    expect(a[0].error).toBe('');
    expect(Number(a[1].prediction)).toBeLessThan(lowest.min);
    expect(a[1].error).toMatch(/^warning: price: the prediction -[\d.]+ is below the lowest price in training/);
    const clippedOut = join(dir, 'small-clipped.csv');
    const clipped = await run(['predict', linear, file, '--out', clippedOut, '--clip']);
    expect(clipped.code).toBe(0);
    expect(clipped.err).toMatch(/1 prediction outside the training range of price .*: clipped to it/);
    const b = Papa.parse<Record<string, string>>(readFileSync(clippedOut, 'utf8').trim(), { header: true }).data;
    expect(b[0].prediction).toBe(a[0].prediction);
    expect(Number(b[1].prediction)).toBe(lowest.min);
    expect(b[1].error).toMatch(/clipped to /);
  });

  it('predict refuses a bundle file over the size limit before reading it', async () => {
    const big = join(dir, 'big-model.json');
    writeFileSync(big, '');
    truncateSync(big, 612_000_000); // sparse: no disk used, and nothing worth reading
    const r = await run(['predict', big, predictCsvPath]);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe('error [too-large]: big-model.json is 612 MB; Loupe opens bundles up to 512 MB.');
  });

  it('k-fold and an explicit test file', async () => {
    const k = await run(['train', trainCsv, '--target', 'price', '--models', 'ridge', '--folds', '3', '--json']);
    expect(k.code).toBe(0);
    expect(JSON.parse(k.out).split).toMatchObject({ kind: 'kfold', k: 3 });
    const t = await run(['train', trainCsv, '--target', 'price', '--models', 'linear', '--test', trainCsv, '--json']);
    expect(JSON.parse(t.out).split).toMatchObject({ kind: 'test-table', trainRows: 1200, testRows: 1200 });
  });

  it('bad arguments and files give a clear message and a non-zero exit', async () => {
    expect((await run(['train', trainCsv, '--models', 'linear,boost'])).code).toBe(2);
    expect((await run(['train', trainCsv, '--models', 'linear,boost'])).err).toMatch(/unknown model "boost"/);
    expect((await run(['train', trainCsv, '--target', 'nope'])).err).toMatch(/--target "nope" is not a column/);
    expect((await run(['train', trainCsv, '--test-size', '1.5'])).code).toBe(2);
    expect((await run(['train', trainCsv, '--test', trainCsv, '--folds', '3'])).code).toBe(2);
    expect((await run(['train', join(dir, 'missing.csv')])).code).toBe(1);
    const notBundle = join(dir, 'not-a-bundle.json');
    writeFileSync(notBundle, '{"hello": 1}');
    const p = await run(['predict', notBundle, predictCsvPath]);
    expect(p.code).toBe(1);
    expect(p.err).toMatch(/error \[wrong-format\].*not a Loupe model bundle/);
    const m = await run(['predict', join(dir, 'model.json'), trainCsv.replace('train', 'nothing')]);
    expect(m.code).toBe(1);
    expect((await run(['predict', join(dir, 'model.json')])).code).toBe(2);
  });
});
