/**
 * `predict --explain`: shap_base and one shap_<column> per input column, adding up to the
 * prediction for every predicted row, numbers written as numbers (CSV cells neutralised as
 * everywhere); older bundles refused in plain words before anything is written.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSampleGemstones } from '../../src/core/sample';
import { runCli } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'loupe-explain-'));
const trainCsv = join(dir, 'train.csv');
const rowsCsv = join(dir, 'rows.csv');
const INPUTS = ['carat', 'cut', 'color', 'clarity', 'depth', 'table', 'x', 'y', 'z'];

beforeAll(() => {
  writeFileSync(trainCsv, generateSampleGemstones(1000, 5));
  const rows = Papa.parse<string[]>(generateSampleGemstones(30, 77).trim()).data;
  const p = rows[0].indexOf('price');
  const body = rows.slice(1).map((r) => r.filter((_, j) => j !== p));
  // A row missing the carat: imputed, predicted and explained.
  body.push(['8001', '', 'Ideal', 'G', 'VS1', '61', '57', '5', '5', '3']);
  writeFileSync(rowsCsv, Papa.unparse([rows[0].filter((_, j) => j !== p), ...body], { newline: '\n' }) + '\n');
});

async function trainAndExplain(models: string, extra: string[] = []): Promise<{ header: string[]; rows: string[][]; err: string }> {
  const model = join(dir, `${models}.json`);
  const t = await runCli(['train', trainCsv, '--target', 'price', '--models', models, '--seed', '3', '--out', model]);
  expect(t.code, t.err).toBe(0);
  const out = join(dir, `${models}-explained.csv`);
  const r = await runCli(['predict', model, rowsCsv, '--out', out, '--explain', ...extra]);
  expect(r.code, r.err).toBe(0);
  const parsed = Papa.parse<string[]>(readFileSync(out, 'utf8').trim()).data;
  return { header: parsed[0], rows: parsed.slice(1), err: r.err };
}

function expectAddsUp(header: string[], rows: string[][], relTol: number): void {
  const pred = header.indexOf('prediction');
  const base = header.indexOf('shap_base');
  const shap = INPUTS.map((c) => header.indexOf(`shap_${c}`));
  expect(base).toBe(header.indexOf('error') + 1);
  expect(shap.every((j) => j > base)).toBe(true);
  let predicted = 0;
  for (const r of rows) {
    if (r[pred] === '') {
      expect(r.slice(base).every((c) => c === '')).toBe(true);
      continue;
    }
    predicted++;
    const sum = Number(r[base]) + shap.reduce((s, j) => s + Number(r[j]), 0);
    expect(Math.abs(sum - Number(r[pred])) / Math.abs(Number(r[pred])), `row ${r[0]}`).toBeLessThan(relTol);
    // Numbers stay numbers: a negative contribution is written "-12.3", never "'-12.3".
    for (const j of shap) expect(r[j]).toMatch(/^-?\d/);
  }
  expect(predicted).toBeGreaterThan(25);
}

describe('cli predict --explain', () => {
  it('gradient-boosted trees: exact TreeSHAP per input column, adding up to each prediction', async () => {
    const { header, rows, err } = await trainAndExplain('gbdt');
    expect(header.slice(header.indexOf('shap_base'))).toEqual(['shap_base', ...INPUTS.map((c) => `shap_${c}`)]);
    expectAddsUp(header, rows, 1e-9);
    expect(err).toMatch(/explanations: exact TreeSHAP/);
    // Carat drives gemstone prices: its contributions spread widest.
    const spread = (c: string) => {
      const j = header.indexOf(`shap_${c}`);
      const v = rows.map((r) => Number(r[j]));
      return Math.max(...v) - Math.min(...v);
    };
    expect(spread('carat')).toBeGreaterThan(spread('depth'));
  });

  it('ridge: exact linear contributions', async () => {
    const { header, rows, err } = await trainAndExplain('ridge');
    expectAddsUp(header, rows, 1e-9);
    expect(err).toMatch(/coefficient × \(value − training mean\)/);
  });

  it('k-NN: sampled, with the permutation count said', async () => {
    const { header, rows, err } = await trainAndExplain('knn', ['--permutations', '64']);
    expectAddsUp(header, rows, 1e-9);
    expect(err).toMatch(/sampled Shapley values, \d+ permutations per row/);
  });

  it('refuses --permutations without --explain, and a bad count', async () => {
    const model = join(dir, 'ridge.json');
    expect((await runCli(['predict', model, rowsCsv, '--permutations', '8'])).code).toBe(2);
    expect((await runCli(['predict', model, rowsCsv, '--explain', '--permutations', '1'])).err).toMatch(/--permutations/);
  });

  it('a gradient-boosted bundle from before cover was kept: refused with the reason, nothing written', async () => {
    const src = join(dir, 'gbdt.json');
    const bundle = JSON.parse(readFileSync(src, 'utf8'));
    delete bundle.model.state.forest.cover;
    const old = join(dir, 'old-gbdt.json');
    writeFileSync(old, JSON.stringify(bundle));
    const plain = await runCli(['predict', old, rowsCsv, '--out', join(dir, 'old-plain.csv')]);
    expect(plain.code).toBe(0);
    const r = await runCli(['predict', old, rowsCsv, '--explain']);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/Retrain the model to explain it/);
    expect(r.out).toBe('');
  });
});
