/**
 * `search --ensemble`: the trials blended on their out-of-fold predictions, the final model
 * chosen by cross-validation (the report says which and why), its bundle written; and the
 * refusals of the ensemble's options.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SearchReport } from '../../src/cli/search';
import { parseBundle } from '../../src/core/bundle/bundle';
import { modelLabel } from '../../src/core/models/catalog';
import type { ModelType } from '../../src/core/models/types';
import { generateSampleGemstones } from '../../src/core/sample';
import { runCli } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'loupe-search-ensemble-'));
const path = (name: string): string => join(dir, name);

describe('cli search --ensemble', () => {
  beforeAll(() => writeFileSync(path('sample.csv'), generateSampleGemstones(900, 8)));

  it('blends the trials, chooses the final model by cross-validation and writes its bundle', async () => {
    const argv = ['search', path('sample.csv'), '--target', 'price', '--models', 'ridge,tree,knn', '--max-trials', '12', '--budget', '600', '--seed', '4', '--cv-folds', '3', '--no-intervals', '--ensemble'];
    const r = await runCli([...argv, '--out', path('final.json'), '--report', path('search.json')]);
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ensemble \(greedy\): .*CV RMSE [\d.]+ — /m);
    const report = JSON.parse(readFileSync(path('search.json'), 'utf8')) as SearchReport;
    const e = report.ensemble!;
    expect(e).toMatchObject({ method: 'greedy', status: 'finished' });
    expect(e.members.reduce((s, m) => s + m.weight, 0)).toBeCloseTo(1, 12);
    // Members are full-resource trials, named after them; the best trial is always refitted.
    for (const m of e.members) expect(report.trials[m.trial]).toMatchObject({ resource: 1, status: 'finished' });
    expect(report.models.map((m) => m.name)).toContain('Ensemble');
    // The final model: the ensemble exactly when its cross-validated RMSE beats the best trial's.
    expect(e.chosen).toBe(e.cvScore! < report.search.cvScore);
    const bestTrial = report.trials[report.search.bestTrial];
    expect(report.best).toBe(e.chosen ? 'Ensemble' : `${modelLabel(bestTrial.model as ModelType)} (trial ${bestTrial.id})`);
    const final = report.models.find((m) => m.name === report.best)!;
    const bundle = parseBundle(readFileSync(path('final.json'), 'utf8')).bundle;
    expect(bundle.model.type).toBe(e.chosen ? 'ensemble' : report.trials[report.search.bestTrial].model);
    expect(bundle.metrics.test!.rmse).toBeCloseTo(final.rmse!, 9);
  });

  it('refuses --ensemble-method without --ensemble, and an unknown method', async () => {
    const csv = path('sample.csv');
    const a = await runCli(['search', csv, '--target', 'price', '--ensemble-method', 'stacking']);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/--ensemble-method needs --ensemble/);
    const b = await runCli(['search', csv, '--target', 'price', '--ensemble', '--ensemble-method', 'vote']);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/--ensemble-method must be greedy or stacking/);
  });
});
