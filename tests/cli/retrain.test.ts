/**
 * The CLI's retrain command, in-process through main(): on gemstone subsets of the reference
 * split (a champion that never saw stones over one carat, the test rows as new labelled data),
 * the report (a public interface), the challenger's bundle, and the refusals.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBundle } from '../../src/core/bundle/bundle';
import { generateSampleGemstones } from '../../src/core/sample';
import { runCli } from '../helpers/cli';
import { haveGemstone, SKIP_MESSAGE } from '../helpers/gemstone';
import { csvText, gemstoneLines } from '../helpers/gemstone-subsets';

const dir = mkdtempSync(join(tmpdir(), 'loupe-retrain-'));
const path = (name: string): string => join(dir, name);

describe('cli retrain: refusals', () => {
  beforeAll(async () => {
    writeFileSync(path('sample.csv'), generateSampleGemstones(600, 5));
    const rows = Papa.parse<string[]>(generateSampleGemstones(100, 6).trim()).data;
    const p = rows[0].indexOf('price');
    writeFileSync(path('unlabelled.csv'), Papa.unparse(rows.map((r) => r.filter((_, j) => j !== p)), { newline: '\n' }) + '\n');
    const r = await runCli(['train', path('sample.csv'), '--target', 'price', '--models', 'linear', '--out', path('sample-model.json')]);
    expect(r.code).toBe(0);
  });

  it('exits 2 on bad arguments, naming the option', async () => {
    const model = path('sample-model.json');
    const csv = path('sample.csv');
    for (const [argv, message] of [
      [[model, csv, '--mode', 'all'], /--mode all needs --base/],
      [[model, csv, '--window', '1'], /--window must be a whole number of rows, at least 2/],
      [[model, csv, '--mode', 'window'], /--mode window needs --window/],
      [[model, csv, '--mode', 'sometimes'], /--mode must be one of all, new, window/],
      [[model, csv, '--params', '{"gbdt":{}}'], /--params applies to --models/],
      [[model, csv, '--test-size', '1'], /--test-size must be between 0 and 1/],
      [[model], /retrain takes a model bundle and a CSV file/],
    ] as const) {
      const r = await runCli(['retrain', ...argv]);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
  });

  it('exits 1 when the new rows lack the target, naming the column', async () => {
    const r = await runCli(['retrain', path('sample-model.json'), path('unlabelled.csv')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error \[missing-column\] \(column "price"\): The new data \(unlabelled.csv\) has no column "price", which the model predicts\./);
  });
});

describe.skipIf(!haveGemstone)(`cli retrain on gemstone subsets ${haveGemstone ? '' : SKIP_MESSAGE}`, () => {
  beforeAll(async () => {
    const g = gemstoneLines();
    writeFileSync(path('small.csv'), csvText(g.header, g.train.filter((l) => g.value(l, 'carat') <= 1)));
    writeFileSync(path('all.csv'), csvText(g.header, g.train));
    writeFileSync(path('new.csv'), csvText(g.header, g.test));
    for (const name of ['small', 'all']) {
      const r = await runCli(['train', path(`${name}.csv`), '--target', 'price', '--models', 'gbdt', '--params', '{"gbdt":{"maxIterations":60}}', '--out', path(`${name}-model.json`)]);
      expect(r.code).toBe(0);
    }
  }, 60_000);

  it('old ∪ new: the challenger beats the champion on the held-out new rows; report and bundle', async () => {
    const r = await runCli(['retrain', path('small-model.json'), path('new.csv'), '--base', path('small.csv'), '--out', path('challenger.json'), '--report', path('retrain.json')]);
    expect(r.err).not.toMatch(/error|note/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/scored on 2,621 held-out new rows \(20 %, seed 42\)/);
    expect(r.out).toMatch(/better by R²: challenger/);
    const rep = JSON.parse(readFileSync(path('retrain.json'), 'utf8'));
    const metricKeys = ['r2', 'rmse', 'mae', 'mape', 'medianAe', 'maxError'];
    expect(Object.keys(rep.champion)).toEqual(expect.arrayContaining([...metricKeys, 'name', 'type']));
    expect(Object.keys(rep.challenger)).toEqual(expect.arrayContaining([...metricKeys, 'name', 'type', 'params']));
    const small = gemstoneLines().train.filter((l) => gemstoneLines().value(l, 'carat') <= 1).length;
    expect(rep).toMatchObject({ mode: 'all', holdoutShare: 0.2, seed: 42, evaluatedRows: 2621, better: 'challenger', rankedBy: 'r2', bundle: path('challenger.json') });
    expect(rep.training).toMatchObject({ rows: small + 13107 - 2621, baseRows: small, newRows: 13107 - 2621 });
    expect(rep.training.parents.map((p: { role: string; name: string }) => `${p.role}:${p.name}`)).toEqual(['base:small.csv', 'new:new.csv']);
    expect(rep.challenger.r2).toBeGreaterThan(rep.champion.r2 + 0.1);
    const challenger = parseBundle(readFileSync(path('challenger.json'), 'utf8')).bundle;
    expect(challenger.lineage.datasetHash).toBe(rep.training.datasetHash);
    expect(challenger.lineage.retrain).toMatchObject({ mode: 'all', holdoutShare: 0.2, seed: 42 });
    expect(challenger.model.params).toEqual(rep.challenger.params);
  });

  it('a window of 40 rows: the champion trained on every training row stays better; --json prints the report', async () => {
    const r = await runCli(['retrain', path('all-model.json'), path('new.csv'), '--window', '40', '--json']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out);
    expect(rep).toMatchObject({ mode: 'window', window: 40, better: 'champion', training: { rows: 40, baseRows: 0, newRows: 40 } });
    expect(rep.champion.rmse).toBeLessThan(rep.challenger.rmse);
    expect(rep.base).toBeUndefined();
  });

  it('a fresh model choice and a base file that is not the champion’s own (noted)', async () => {
    const r = await runCli(['retrain', path('small-model.json'), path('new.csv'), '--base', path('all.csv'), '--models', 'linear,ridge', '--json']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/note: .*all\.csv is not the file the model was trained on/);
    const rep = JSON.parse(r.out);
    expect(['linear', 'ridge']).toContain(rep.challenger.type);
  });
});
if (!haveGemstone) console.warn(SKIP_MESSAGE);
