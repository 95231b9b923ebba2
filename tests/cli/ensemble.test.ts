/**
 * `train --folds k --ensemble`: an "Ensemble" entry in the leaderboard and the report (with its
 * members and weights), its bundle written when it is best, and `predict` and `predict --explain`
 * working on that bundle.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { openBundle } from '../../src/core/bundle/bundle';
import { predictRecords } from '../../src/core/pipeline/predict';
import { generateSampleGemstones } from '../../src/core/sample';
import { runCli } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'loupe-ensemble-'));
const trainCsv = join(dir, 'train.csv');
const newCsv = join(dir, 'new.csv');

beforeAll(() => {
  writeFileSync(trainCsv, generateSampleGemstones(1000, 8));
  const rows = Papa.parse<string[]>(generateSampleGemstones(30, 77).trim()).data;
  const p = rows[0].indexOf('price');
  writeFileSync(newCsv, Papa.unparse(rows.map((r) => r.filter((_, j) => j !== p)), { newline: '\n' }) + '\n');
});

describe('cli train --ensemble', () => {
  const report = join(dir, 'report.json');
  const model = join(dir, 'ensemble.json');

  it('adds an "Ensemble" entry with its members and weights to the leaderboard and the report', async () => {
    const r = await runCli(['train', trainCsv, '--target', 'price', '--models', 'ridge,tree,gbdt', '--folds', '3', '--seed', '5', '--ensemble', '--report', report, '--params', '{"tree":{"maxDepth":6}}']);
    expect(r.err).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Ensemble/);
    expect(r.out).toMatch(/^ensemble: .*\d\.\d{3}/m);
    const rep = JSON.parse(readFileSync(report, 'utf8'));
    const e = rep.models.find((m: { name: string }) => m.name === 'Ensemble');
    expect(e).toMatchObject({ label: 'Ensemble', status: 'finished', params: { method: 'greedy', size: 50 } });
    expect(e.rmse).toBeGreaterThan(0);
    const sum = e.members.reduce((s: number, m: { weight: number }) => s + m.weight, 0);
    expect(sum).toBeCloseTo(1, 12);
    for (const m of e.members) expect(['ridge', 'tree', 'gbdt']).toContain(m.name);
    // The other entries are unchanged in shape: no members field.
    for (const m of rep.models.filter((x: { name: string }) => x.name !== 'Ensemble')) expect(m.members).toBeUndefined();
  });

  it('stacks with --params, writes the ensemble bundle when it is best, which predicts and explains', async () => {
    const r = await runCli([
      'train', trainCsv, '--target', 'price', '--models', 'ridge,gbdt', '--folds', '3', '--seed', '5', '--ensemble',
      '--params', '{"ensemble":{"method":"stacking"},"gbdt":{"maxIterations":40}}', '--out', model, '--json', '--no-intervals',
    ]);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.out);
    const e = rep.models.find((m: { name: string }) => m.name === 'Ensemble');
    expect(e.params.method).toBe('stacking');
    // On these rows the blend of a linear model and boosted trees beats both (seed 5).
    expect(rep.best).toBe('Ensemble');
    const loaded = await openBundle(readFileSync(model, 'utf8'));
    expect(loaded.bundle.model.type).toBe('ensemble');
    const out = join(dir, 'pred.csv');
    const p = await runCli(['predict', model, newCsv, '--out', out, '--explain']);
    expect(p.code).toBe(0);
    expect(p.err).toMatch(/explanations: exact: the weighted sum of its members/);
    const rows = Papa.parse<Record<string, string>>(readFileSync(out, 'utf8').trim(), { header: true }).data;
    expect(rows).toHaveLength(30);
    const records = Papa.parse<Record<string, string>>(readFileSync(newCsv, 'utf8').trim(), { header: true }).data;
    const want = predictRecords(loaded, records.slice(0, 3));
    for (let i = 0; i < 3; i++) {
      expect(Number(rows[i].prediction)).toBeCloseTo(want.predictions[i], 6);
      const shap = Object.keys(rows[i]).filter((k) => k.startsWith('shap_') && k !== 'shap_base').reduce((s, k) => s + Number(rows[i][k]), Number(rows[i].shap_base));
      expect(shap).toBeCloseTo(Number(rows[i].prediction), 3);
    }
  });

  it('refuses --ensemble without --folds, and "ensemble" in --models, with usage errors', async () => {
    const a = await runCli(['train', trainCsv, '--target', 'price', '--models', 'ridge,tree', '--ensemble']);
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/--ensemble needs --folds k/);
    const b = await runCli(['train', trainCsv, '--target', 'price', '--models', 'ridge,ensemble', '--folds', '3']);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/add --ensemble/);
  });
});
