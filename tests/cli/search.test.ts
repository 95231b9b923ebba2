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
import { generateSampleChurn, generateSampleGemstones } from '../../src/core/sample';
import type { SearchReport } from '../../src/cli/search';
import { TrialWorkers } from '../../src/cli/search-workers';
import { parseCsv } from '../../src/core/data';
import type { ModelType } from '../../src/core/models/types';
import { refittedBest, runSearch, type Trial } from '../../src/core/pipeline/search';
import { ensembleOfTrials } from '../../src/core/pipeline/search-ensemble';
import { defaultRecipe } from '../../src/core/recipe';
import { runCli } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'loupe-search-'));
const path = (name: string): string => join(dir, name);

/** The sample's dataset and default recipe, as the CLI reads them. */
async function sampleInputs() {
  const ds = await parseCsv(readFileSync(path('sample.csv'), 'utf8'));
  return { ds, recipe: defaultRecipe(ds.schema, 'price', ds.table) };
}

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

    // The same seed, bounded in trials, runs the same trials and picks the same best — whether
    // the trials ran in worker threads (the default, two at once here) or one by one in this thread.
    for (const workers of ['3', '0']) {
      const again = JSON.parse((await runCli([...argv, '--workers', workers, '--json'])).out) as SearchReport;
      expect(again.trials.map(({ seconds: _s, ...t }) => t)).toEqual(report.trials.map(({ seconds: _s, ...t }) => t));
      expect(again.models[0].rmse).toBe(report.models[0].rmse);
    }
  });

  it('scores trials in worker threads, two at once, with the outcomes this thread gets', async () => {
    const { ds, recipe } = await sampleInputs();
    const req = { table: ds.table, recipe, split: { kind: 'holdout' as const, testSize: 0.2, seed: 5 }, folds: 3, seed: 5 };
    const base = { ...req, dataset: { hash: 'x' }, models: ['gbdt', 'ridge'] as ModelType[], budgetSeconds: 600, maxTrials: 8, intervals: false as const, referenceSampleRows: 0 };
    const pool = new TrialWorkers(2, req, { tfjs: false });
    let running = 0;
    let most = 0;
    try {
      const viaWorkers = await runSearch({ ...base, runner: pool.runner, onTrialStart: () => (most = Math.max(most, ++running)), onTrial: () => running-- });
      const here = await runSearch(base);
      const strip = (ts: Trial[]): unknown[] => ts.map(({ seconds: _s, ...t }) => t);
      expect(strip(viaWorkers.trials)).toEqual(strip(here.trials));
      expect(pool.scored).toEqual({ workers: 8, thread: 0 });
      expect(most).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('refits an ensemble’s members side by side in the trial workers (the search’s best not again), to the same ensemble this thread builds', async () => {
    const { ds, recipe } = await sampleInputs();
    const req = { table: ds.table, recipe, split: { kind: 'holdout' as const, testSize: 0.2, seed: 6 }, folds: 3, seed: 6 };
    const base = { ...req, dataset: { hash: 'x' }, models: ['gbdt', 'ridge', 'tree'] as ModelType[], budgetSeconds: 600, maxTrials: 9, intervals: false as const, referenceSampleRows: 0 };
    const pool = new TrialWorkers(2, req, { tfjs: false });
    try {
      const res = await runSearch({ ...base, runner: pool.runner });
      const blend = { ...req, dataset: base.dataset, intervals: false as const, referenceSampleRows: 0, trials: res.trials, actual: res.actual, foldOf: res.foldOf };
      // The search's own refit of its best is taken as that member: the workers fit the others.
      const viaWorkers = await ensembleOfTrials({ ...blend, refit: pool.fit, refitted: refittedBest(res) });
      const here = await ensembleOfTrials(blend);
      expect(viaWorkers.bestTrialId).toBe(res.best.id);
      expect(pool.fitted).toBe(viaWorkers.run.leaderboard.filter((c) => c.type !== 'ensemble').length - 1);
      expect(viaWorkers.bestTrial.model).toBe(res.candidate.model);
      expect(viaWorkers.ensemble.members!.map((m) => [m.name, m.weight])).toEqual(here.ensemble.members!.map((m) => [m.name, m.weight]));
      for (const c of here.run.leaderboard) expect(viaWorkers.run.leaderboard.find((x) => x.name === c.name)!.metrics).toEqual(c.metrics);
      expect(viaWorkers.chosen.name).toBe(here.chosen.name);
    } finally {
      await pool.close();
    }
    // A pool that could not start leaves every refit to the caller: the same ensemble again.
    const broken = new TrialWorkers(2, req, { tfjs: false, entry: new URL('./no-such-worker.ts', import.meta.url).href });
    try {
      await expect.poll(() => broken.fit('ridge', {}, 'all')).toBeUndefined();
    } finally {
      await broken.close();
    }
  });

  it('makes the refit and its hold-out calibration fit in the trial workers, side by side, to the same model and intervals as this thread', async () => {
    const { ds, recipe } = await sampleInputs();
    const req = { table: ds.table, recipe, split: { kind: 'holdout' as const, testSize: 0.2, seed: 7 }, folds: 3, seed: 7 };
    const base = { ...req, dataset: { hash: 'x' }, models: ['gbdt', 'ridge', 'tree'] as ModelType[], budgetSeconds: 600, maxTrials: 9, intervals: { coverage: 0.8 }, referenceSampleRows: 0 };
    const pool = new TrialWorkers(2, req, { tfjs: false });
    try {
      const res = await runSearch({ ...base, runner: pool.runner, refit: pool.fit });
      const here = await runSearch(base);
      // Two fits in the workers (every training row; the proper part at 80 % coverage), none in this thread.
      expect(pool.fitted).toBe(2);
      expect(res.bestFits?.proper).toBeDefined();
      expect(here.bestFits).toBeUndefined();
      const a = res.candidate;
      const b = here.candidate;
      expect(a.metrics).toEqual(b.metrics);
      expect(a.intervals!.calibrationRows).toBe(b.intervals!.calibrationRows);
      expect(a.intervals!.evaluation).toEqual(b.intervals!.evaluation);
      expect(a.model!.predict(res.run.evaluationRows.X)).toEqual(b.model!.predict(here.run.evaluationRows.X));

      // The ensemble takes both of the best's fits as they are; each other member's two fits are the workers'.
      const blend = { ...req, dataset: base.dataset, intervals: base.intervals, referenceSampleRows: 0, trials: res.trials, actual: res.actual, foldOf: res.foldOf };
      const viaWorkers = await ensembleOfTrials({ ...blend, refit: pool.fit, refitted: refittedBest(res) });
      const inThread = await ensembleOfTrials(blend);
      const members = viaWorkers.run.leaderboard.filter((c) => c.type !== 'ensemble');
      expect(pool.fitted).toBe(2 + 2 * (members.length - 1));
      for (const c of inThread.run.leaderboard) {
        const w = viaWorkers.run.leaderboard.find((x) => x.name === c.name)!;
        expect(w.metrics).toEqual(c.metrics);
        expect(w.intervals?.evaluation).toEqual(c.intervals?.evaluation);
      }
    } finally {
      await pool.close();
    }
  });

  it('scores in this thread the trials of a worker that cannot start, with the same outcomes', async () => {
    const { ds, recipe } = await sampleInputs();
    const req = { table: ds.table, recipe, split: { kind: 'holdout' as const, testSize: 0.2, seed: 3 }, folds: 3, seed: 3 };
    const base = { ...req, dataset: { hash: 'x' }, models: ['ridge', 'tree'] as ModelType[], budgetSeconds: 600, maxTrials: 6, intervals: false as const, referenceSampleRows: 0 };
    const broken = new TrialWorkers(2, req, { tfjs: false, entry: new URL('./no-such-worker.ts', import.meta.url).href });
    try {
      const viaBroken = await runSearch({ ...base, runner: broken.runner });
      const here = await runSearch(base);
      const strip = (ts: Trial[]): unknown[] => ts.map(({ seconds: _s, ...t }) => t);
      expect(viaBroken.trials.every((t) => t.status === 'finished')).toBe(true);
      expect(strip(viaBroken.trials)).toEqual(strip(here.trials));
      expect(broken.scored).toEqual({ workers: 0, thread: 6 });
    } finally {
      await broken.close();
    }
  });

  it('exits 2 on bad arguments, naming the option', async () => {
    const csv = path('sample.csv');
    for (const [argv, message] of [
      [[csv, '--workers', '-1'], /--workers must be a whole number of at least 0/],
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

describe('cli search of a classification target', () => {
  beforeAll(() => writeFileSync(path('churn.csv'), generateSampleChurn(700, 6)));

  it('scores classifiers by cross-validated log loss and reports the refitted best as train does', async () => {
    const argv = ['search', path('churn.csv'), '--target', 'Churn', '--models', 'logistic,tree', '--max-trials', '7', '--budget', '600', '--seed', '2', '--cv-folds', '3', '--no-intervals'];
    const r = await runCli([...argv, '--out', path('churn-best.json'), '--report', path('churn-search.json')]);
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/task: classification/);
    expect(r.err).toMatch(/trial +0 logistic +all rows CV log loss 0\.\d{4}/);
    expect(r.out).toMatch(/best: trial \d+, .*, CV log loss 0\.\d{4}/);
    expect(r.out).toMatch(/test part \(140 rows\): ROC AUC 0\.\d{4}, log loss 0\.\d{4}, accuracy 0\.\d{4}/);
    const report = JSON.parse(readFileSync(path('churn-search.json'), 'utf8')) as SearchReport;
    expect(report).toMatchObject({ target: 'Churn', task: 'classification', classes: ['No', 'Yes'] });
    expect(report.search).toMatchObject({ metric: 'log_loss', models: ['logistic', 'tree-classifier'], folds: 3 });
    expect(report.trials).toHaveLength(7);
    for (const t of report.trials) {
      expect(['logistic', 'tree-classifier']).toContain(t.model);
      if (t.cvScore !== null) expect(t.cvScore).toBeGreaterThan(0);
    }
    const best = report.trials[report.search.bestTrial];
    expect(best.cvScore).toBe(Math.min(...report.trials.filter((t) => t.resource === 1 && t.cvScore !== null).map((t) => t.cvScore!)));
    expect(report.models[0]).toMatchObject({ status: 'finished', params: best.params });
    expect(report.models[0].rocAuc).toBeGreaterThan(0.6);
    const bundle = parseBundle(readFileSync(path('churn-best.json'), 'utf8')).bundle;
    expect(bundle.model.type).toBe(best.model);
    expect(bundle.task).toBe('classification');
    // Worker threads (the default) and this thread score the same trials.
    const here = JSON.parse((await runCli([...argv, '--workers', '0', '--json'])).out) as SearchReport;
    expect(here.trials.map(({ seconds: _s, ...t }) => t)).toEqual(report.trials.map(({ seconds: _s, ...t }) => t));
  });

  it('refuses --ensemble and a regression family, exit 2', async () => {
    const ens = await runCli(['search', path('churn.csv'), '--target', 'Churn', '--ensemble', '--max-trials', '2']);
    expect(ens.code).toBe(2);
    expect(ens.err).toMatch(/--ensemble blends regression models; "Churn" is a classification target/);
    const ridge = await runCli(['search', path('churn.csv'), '--target', 'Churn', '--models', 'ridge', '--max-trials', '2']);
    expect(ridge.code).toBe(2);
    expect(ridge.err).toMatch(/"ridge" in --models is not a classification model/);
  });
});
