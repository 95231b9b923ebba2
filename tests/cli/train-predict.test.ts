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
    expect(rep.rankedBy).toBe('r2');
    // The sample's row-number column and its one implausible zero, as ingestion reported them.
    expect(rep.warnings.map((w: { source: string; code: string; column: string }) => `${w.source}:${w.code}:${w.column}`)).toEqual(['data:id-column:id', 'data:zeros:z']);
    for (const w of rep.warnings) expect(r.err).toContain(`warning: ${w.message}`);
    expect(rep.bundle).toBe(model);
    // Seeded models take the run's seed (--seed 7); the bundle is the best model's.
    expect(rep.models.find((m: { name: string }) => m.name === 'gbdt').params.seed).toBe(7);
    const bundle = JSON.parse(readFileSync(model, 'utf8'));
    expect(bundle.model.type).toBe(rep.best);
    expect(bundle.metrics.test.r2).toBe(rep.models[0].r2);
  });

  it('prints what ingestion warned about on stderr and puts it in the report', async () => {
    // Two ragged rows (padded) and a duplicated row in an otherwise clean file.
    const lines = generateSampleGemstones(300, 8).trim().split('\n');
    lines.push(lines[5], lines[6].split(',').slice(0, 4).join(','), lines[7] + ',extra');
    const messy = join(dir, 'messy.csv');
    writeFileSync(messy, lines.join('\n') + '\n');
    const r = await run(['train', messy, '--target', 'price', '--models', 'linear', '--json']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out);
    const kinds = rep.warnings.map((w: { source: string; code: string }) => `${w.source}:${w.code}`);
    expect(kinds).toEqual(expect.arrayContaining(['data:ragged-rows', 'data:duplicate-rows']));
    for (const w of rep.warnings) expect(r.err).toContain(`warning: ${w.message}`);
  });

  it('rejects --params outside a parameter table before training, naming model and field', async () => {
    const r = await run(['train', trainCsv, '--target', 'price', '--models', 'gbdt', '--params', '{"gbdt":{"learningRate":2}}']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--params: gbdt: learningRate must be a number in \(0, 1\]; got 2/);
    const u = await run(['train', trainCsv, '--target', 'price', '--models', 'gbdt', '--params', '{"gbdt":{"leaves":8}}']);
    expect(u.code).toBe(2);
    expect(u.err).toMatch(/no parameter "leaves"/);
  });

  it('refuses a constant target and a one-row test part with a clear message', async () => {
    const constant = join(dir, 'constant.csv');
    writeFileSync(constant, 'a,b,y\n' + Array.from({ length: 30 }, (_, i) => `${(i * 7) % 30}.5,${i % 4}.25,5`).join('\n') + '\n');
    const c = await run(['train', constant, '--target', 'y']);
    expect(c.code).toBe(1);
    expect(c.err).toMatch(/constant-target.*"y" is 5 in every row/);
    const tiny = join(dir, 'tiny.csv');
    writeFileSync(tiny, 'a,y\n1.5,2\n2.5,4\n3.5,5\n4.5,9\n5.5,11\n');
    const t = await run(['train', tiny, '--target', 'y', '--models', 'linear']);
    expect(t.code).toBe(1);
    expect(t.err).toMatch(/test part has 1 row/);
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
    expect(parsed.data[50].error).toMatch(/^warning: carat: "abc" is not a number; read as missing/);
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
