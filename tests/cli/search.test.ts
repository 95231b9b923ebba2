/**
 * The CLI's search command, in-process through main(), on a small generated dataset: the report
 * (train's report plus the trials and the search's course, a public interface), the bundle of
 * the refitted best, the same trials for the same seed when bounded in trials, and the refusals.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBundle } from '../../src/core/bundle/bundle';
import { generateSampleGemstones } from '../../src/core/sample';
import type { SearchReport } from '../../src/cli/search';
import { runCli } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'loupe-search-'));
const path = (name: string): string => join(dir, name);

describe('cli search', () => {
  beforeAll(() => writeFileSync(path('sample.csv'), generateSampleGemstones(900, 8)));

  it('searches, refits the best, writes train’s report plus the trials, and the best model’s bundle', async () => {
    const argv = ['search', path('sample.csv'), '--target', 'price', '--models', 'ridge,tree', '--max-trials', '10', '--budget', '600', '--seed', '4', '--cv-folds', '3', '--no-intervals'];
    const r = await runCli([...argv, '--out', path('best.json'), '--report', path('search.json')]);
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/10 trials in [\d.]+ s; stopped because it reached --max-trials/);
    expect(r.out).toMatch(/test part \(180 rows\): R² [\d.]+, RMSE [\d.]+/);
    const report = JSON.parse(readFileSync(path('search.json'), 'utf8')) as SearchReport;
    // train's report of the refitted best…
    expect(report.target).toBe('price');
    expect(report.split).toMatchObject({ kind: 'holdout', trainRows: 720, testRows: 180, seed: 4 });
    expect(report.models).toHaveLength(1);
    expect(report.best).toBe(report.models[0].name);
    expect(report.models[0].rmse).toBeGreaterThan(0);
    // …plus every trial and the search's course.
    expect(report.trials).toHaveLength(10);
    for (const t of report.trials) {
      expect(['ridge', 'tree']).toContain(t.model);
      expect(Object.keys(t)).toEqual(expect.arrayContaining(['model', 'params', 'cvScore', 'seconds']));
    }
    const best = report.trials[report.search.bestTrial];
    expect(best.resource).toBe(1);
    expect(best.cvScore).toBe(report.search.cvScore);
    expect(best.cvScore).toBe(Math.min(...report.trials.filter((t) => t.resource === 1 && t.cvScore !== null).map((t) => t.cvScore!)));
    expect(report.models[0].params).toEqual(best.params);
    expect(report.search).toMatchObject({ stoppedBy: 'max-trials', folds: 3, seed: 4, models: ['ridge', 'tree'], budgetSeconds: 600 });
    expect(report.search.curve.at(-1)!.cvScore).toBe(best.cvScore);
    const bundle = parseBundle(readFileSync(path('best.json'), 'utf8')).bundle;
    expect(bundle.model.type).toBe(best.model);
    expect(bundle.metrics.test!.rmse).toBeCloseTo(report.models[0].rmse!, 9);

    // The same seed, bounded in trials, runs the same trials and picks the same best.
    const again = JSON.parse((await runCli([...argv, '--json'])).out) as SearchReport;
    expect(again.trials.map(({ seconds: _s, ...t }) => t)).toEqual(report.trials.map(({ seconds: _s, ...t }) => t));
    expect(again.models[0].rmse).toBe(report.models[0].rmse);
  });

  it('exits 2 on bad arguments, naming the option', async () => {
    const csv = path('sample.csv');
    for (const [argv, message] of [
      [[csv, '--budget', '0'], /--budget must be a positive number of seconds/],
      [[csv, '--max-trials', '1.5'], /--max-trials must be a whole number of at least 1/],
      [[csv, '--cv-folds', '1'], /--cv-folds must be an integer ≥ 2/],
      [[csv, '--folds', '3', '--cv-folds', '4'], /--folds already sets the search’s folds/],
      [[csv, '--models', 'gbdt,boosted'], /unknown model "boosted"/],
      [[csv, '--test-size', '0.2', '--folds', '3'], /choose one of --test, --test-size and --folds/],
      [[], /search takes exactly one CSV file/],
    ] as const) {
      const r = await runCli(['search', ...argv]);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
  });

  it('names a --target that is not a column, exit 2', async () => {
    const r = await runCli(['search', path('sample.csv'), '--target', 'value', '--max-trials', '2']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--target "value" is not a column/);
  });
});
