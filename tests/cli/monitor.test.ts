/**
 * `loupe monitor`, in-process through main(): the report's exact shape (a public interface), exit
 * status 3 with --fail-on-drift, the HTML report, reference data for bundles without a sample,
 * settings and their errors. Generated gemstones throughout; the reference split's subsets too
 * when ../shared/data is present.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle, withoutReferenceSample } from '../../src/core/bundle/bundle';
import { generateSampleGemstones } from '../../src/core/sample';
import { runCli } from '../helpers/cli';
import { csvText, haveGemstone, loadGemstoneSplitText, SKIP_MESSAGE } from '../helpers/gemstone';

const dir = mkdtempSync(join(tmpdir(), 'loupe-monitor-'));
const file = (name: string): string => join(dir, name);

/** Generated gemstones, with carat (and the sizes) scaled up on every row when `heavier`. */
function gems(rows: number, seed: number, heavier = false): string {
  const data = Papa.parse<string[]>(generateSampleGemstones(rows, seed).trim()).data;
  if (!heavier) return Papa.unparse(data, { newline: '\n' }) + '\n';
  const scale = ['carat', 'x', 'y', 'z'].map((c) => data[0].indexOf(c));
  return Papa.unparse(data.map((r, i) => (i === 0 ? r : r.map((v, j) => (scale.includes(j) ? String(Number(v) * 1.6) : v)))), { newline: '\n' }) + '\n';
}

beforeAll(async () => {
  writeFileSync(file('train.csv'), gems(1200, 4));
  writeFileSync(file('batch.csv'), gems(500, 21));
  writeFileSync(file('heavy.csv'), gems(500, 22, true));
  const trained = await runCli(['train', file('train.csv'), '--target', 'price', '--models', 'linear', '--out', file('model.json')]);
  expect(trained.code).toBe(0);
  writeFileSync(file('bare.json'), serializeBundle(withoutReferenceSample(parseBundle(readFileSync(file('model.json'), 'utf8')).bundle)));
}, 60_000);

describe('cli monitor', () => {
  it('writes exactly the report the issue names and prints a summary; no drift on data like the training data', async () => {
    const r = await runCli(['monitor', file('model.json'), file('batch.csv'), '--report', file('report.json')]);
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/batch\.csv: 500 rows against 960 reference rows \(the bundle's sample of 960 training rows\)/);
    expect(r.out).toMatch(/^No dataset drift: \d of 9 columns drift/m);
    expect(r.out).toMatch(/^Predictions: ks [\d.e-]+: no drift$/m);
    expect(r.out).toMatch(/^RMSE on 500 labelled rows: /m);
    const report = JSON.parse(readFileSync(file('report.json'), 'utf8'));
    expect(Object.keys(report)).toEqual(['rows', 'referenceRows', 'columns', 'driftShare', 'datasetDrift', 'prediction', 'performance']);
    expect(report.rows).toBe(500);
    expect(report.referenceRows).toBe(960);
    expect(report.columns.map((c: { name: string }) => c.name)).toEqual(['carat', 'cut', 'color', 'clarity', 'depth', 'table', 'x', 'y', 'z']);
    for (const c of report.columns) {
      expect(Object.keys(c)).toEqual(['name', 'test', 'value', 'threshold', 'drift']);
      // 960 reference rows: Evidently's p-value tests.
      expect(['ks', 'chisquare']).toContain(c.test);
    }
    expect(Object.keys(report.prediction)).toEqual(['test', 'value', 'drift']);
    expect(report.datasetDrift).toBe(false);
    expect(report.performance).toMatchObject({ rows: 500, metric: 'rmse', threshold: 0.1 });
    expect(Object.keys(report.performance.metrics)).toEqual(['r2', 'rmse', 'mae', 'mape', 'medianAe', 'maxError']);
  });

  it('exits with 3 on dataset drift with --fail-on-drift (0 without), drifting columns listed first; writes the HTML report', async () => {
    const plain = await runCli(['monitor', file('model.json'), file('heavy.csv')]);
    expect(plain.code).toBe(0);
    const r = await runCli(['monitor', file('model.json'), file('heavy.csv'), '--fail-on-drift', '--html', file('report.html'), '--report', file('heavy.json')]);
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/^Dataset drift: [5-9] of 9 columns drift/m);
    const rows = r.out.split('\n').filter((l) => /  (DRIFT|ok)$/.test(l));
    expect(rows).toHaveLength(9);
    const firstOk = rows.findIndex((l) => l.endsWith('ok'));
    expect(rows.slice(firstOk).every((l) => l.endsWith('ok'))).toBe(true);
    expect(rows.slice(0, firstOk).map((l) => l.trim().split(/\s+/)[0])).toEqual(expect.arrayContaining(['carat', 'x', 'y', 'z']));
    const report = JSON.parse(readFileSync(file('heavy.json'), 'utf8'));
    expect(report.datasetDrift).toBe(true);
    expect(report.prediction.drift).toBe(true);
    expect(report.performance.degraded).toBe(true);
    const html = readFileSync(file('report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('Dataset drift detected');
    expect(html).toContain('Model predictions');
    expect(html).toMatch(/RMSE on 500 labelled rows: .*degraded/);
    expect(html).not.toMatch(/<script|src=|href="http/);
    // Aggregates only: no row of the batch is in the page (its ids would be).
    expect(html).not.toMatch(/\b9\d{3}\b.*Ideal/);
  });

  it('needs --reference for a bundle without a sample, and says so', async () => {
    const r = await runCli(['monitor', file('bare.json'), file('batch.csv')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error \[no-reference\].*carries no reference sample.*give a CSV of the data the model was trained on/);
    const ok = await runCli(['monitor', file('bare.json'), file('batch.csv'), '--reference', file('train.csv'), '--report', file('ref.json')]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/against 1,200 reference rows \(.*train\.csv\)/);
    expect(JSON.parse(readFileSync(file('ref.json'), 'utf8')).referenceRows).toBe(1200);
  });

  it('takes settings from options and a config file; bad ones are named', async () => {
    writeFileSync(file('config.json'), JSON.stringify({ drift: { perColumn: { carat: { test: 'wasserstein', threshold: 5 } } }, prediction: { test: 'wasserstein' }, degradation: { metric: 'mae', threshold: 0.5 } }));
    const r = await runCli(['monitor', file('model.json'), file('heavy.csv'), '--config', file('config.json'), '--drift-share', '0.9', '--threshold', '0.3', '--report', file('set.json')]);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(file('set.json'), 'utf8'));
    expect(report.columns.find((c: { name: string }) => c.name === 'carat')).toMatchObject({ test: 'wasserstein', threshold: 5, drift: false });
    expect(report.columns.find((c: { name: string }) => c.name === 'x')).toMatchObject({ threshold: 0.3 });
    expect(report.prediction.test).toBe('wasserstein');
    expect(report.performance).toMatchObject({ metric: 'mae', threshold: 0.5 });
    expect(r.out).toMatch(/the dataset drifts from 90%/);

    writeFileSync(file('bad.json'), JSON.stringify({ drift: { perColumn: { carat: { threshold: -1 } } } }));
    const bad = await runCli(['monitor', file('model.json'), file('batch.csv'), '--config', file('bad.json')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/field drift\.perColumn\.carat\.threshold.*drift\.perColumn\.carat\.threshold: must be a number above 0/);
    writeFileSync(file('unknown.json'), JSON.stringify({ drfit: {} }));
    expect((await runCli(['monitor', file('model.json'), file('batch.csv'), '--config', file('unknown.json')])).err).toMatch(/drfit: unknown setting/);
    expect((await runCli(['monitor', file('model.json'), file('batch.csv'), '--degradation', 'x'])).code).toBe(2);
    expect((await runCli(['monitor', file('model.json')])).code).toBe(2);
  });

  it('predict --drift writes the same report as monitor beside the predictions', async () => {
    const r = await runCli(['predict', file('model.json'), file('heavy.csv'), '--out', file('heavy-pred.csv'), '--drift', file('predict-drift.json')]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^dataset drift: \d of 9 columns drift; wrote .*predict-drift\.json$/m);
    expect(readFileSync(file('heavy-pred.csv'), 'utf8').split('\n')[0]).toMatch(/,prediction,error$/);
    await runCli(['monitor', file('model.json'), file('heavy.csv'), '--report', file('monitor-drift.json')]);
    expect(JSON.parse(readFileSync(file('predict-drift.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(file('monitor-drift.json'), 'utf8')));
    const bare = await runCli(['predict', file('bare.json'), file('heavy.csv'), '--out', file('bare-pred.csv'), '--drift', file('bare-drift.json')]);
    expect(bare.code).toBe(1);
    expect(bare.err).toMatch(/no-reference/);
  });

  it('a batch without a column the model needs is refused, naming it', async () => {
    const rows = Papa.parse<string[]>(gems(50, 5).trim()).data;
    const j = rows[0].indexOf('depth');
    writeFileSync(file('no-depth.csv'), Papa.unparse(rows.map((r) => r.filter((_, k) => k !== j)), { newline: '\n' }));
    const r = await runCli(['monitor', file('model.json'), file('no-depth.csv')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/missing-column.*"depth"/);
  });
});

describe.skipIf(!haveGemstone)('cli monitor on gemstone subsets', () => {
  it('the reference split: test rows do not drift; test stones above one carat drift (exit 3)', async () => {
    const split = loadGemstoneSplitText();
    writeFileSync(file('gem-train.csv'), csvText(split.header, split.train));
    writeFileSync(file('gem-test.csv'), csvText(split.header, split.test));
    writeFileSync(file('gem-heavy.csv'), csvText(split.header, split.test.filter((l) => Number(split.cell(l, 'carat')) > 1)));
    const t = await runCli(['train', file('gem-train.csv'), '--target', 'price', '--models', 'linear', '--test', file('gem-test.csv'), '--out', file('gem.json')]);
    expect(t.code).toBe(0);
    const calm = await runCli(['monitor', file('gem.json'), file('gem-test.csv'), '--fail-on-drift', '--report', file('gem-calm.json')]);
    expect(calm.code).toBe(0);
    const report = JSON.parse(readFileSync(file('gem-calm.json'), 'utf8'));
    expect(report).toMatchObject({ rows: 13_107, referenceRows: 10_000, driftShare: 0, datasetDrift: false, prediction: { drift: false } });
    const heavy = await runCli(['monitor', file('gem.json'), file('gem-heavy.csv'), '--fail-on-drift']);
    expect(heavy.code).toBe(3);
    expect(heavy.out).toMatch(/^Dataset drift: /m);
  }, 120_000);
});
if (!haveGemstone) it.skip(`cli monitor on gemstone: ${SKIP_MESSAGE}`, () => {});
