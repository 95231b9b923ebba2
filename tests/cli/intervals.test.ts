/** The CLI and prediction intervals: train's report and bundle, predict --interval. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSampleGemstones } from '../../src/core/sample';
import { runCli } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'loupe-cli-intervals-'));
const trainCsv = join(dir, 'train.csv');
const newCsv = join(dir, 'new.csv');
const model = join(dir, 'model.json');
const report = join(dir, 'report.json');

beforeAll(async () => {
  writeFileSync(trainCsv, generateSampleGemstones(1200, 21));
  writeFileSync(newCsv, generateSampleGemstones(60, 22));
  const r = await runCli(['train', trainCsv, '--target', 'price', '--models', 'linear,gbdt', '--seed', '3', '--out', model, '--report', report]);
  if (r.code !== 0) throw new Error(r.err);
});

function csvRows(text: string): string[][] {
  return Papa.parse<string[]>(text.trim()).data;
}

describe('cli: prediction intervals', () => {
  it('train reports each model’s intervals (new fields) and says how the best one’s did; the bundle holds the same numbers', async () => {
    const rep = JSON.parse(readFileSync(report, 'utf8'));
    for (const m of rep.models) {
      expect(m.intervals).toMatchObject({ method: 'split', coverage: 0.9, calibrationRows: 192, normalized: false, evaluation: { kind: 'test', coverage: 0.9, rows: 240 } });
      expect(m.intervals.evaluation.empiricalCoverage).toBeGreaterThan(0.8);
      expect(m.intervals.evaluation.meanWidth).toBeGreaterThan(0);
    }
    const bundle = JSON.parse(readFileSync(model, 'utf8'));
    expect(bundle.intervals.evaluation).toEqual(rep.models[0].intervals.evaluation);
    const r = await runCli(['train', trainCsv, '--target', 'price', '--models', 'linear', '--seed', '3']);
    expect(r.out).toMatch(/intervals: 90 % conformal; on the test rows they covered \d+(\.\d+)? %, mean width [\d,.]+/);
  });

  it('train --interval sets the stored coverage; --no-intervals stores none; bad values exit 2', async () => {
    const at80 = join(dir, 'at80.json');
    expect((await runCli(['train', trainCsv, '--models', 'linear', '--interval', '0.8', '--out', at80])).code).toBe(0);
    expect(JSON.parse(readFileSync(at80, 'utf8')).intervals.coverage).toBe(0.8);
    const none = join(dir, 'none.json');
    expect((await runCli(['train', trainCsv, '--models', 'linear', '--no-intervals', '--out', none])).code).toBe(0);
    expect(JSON.parse(readFileSync(none, 'utf8')).intervals).toBeUndefined();
    const bad = await runCli(['train', trainCsv, '--models', 'linear', '--interval', '90']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--interval takes a coverage between 0 and 1 (0.9 for 90 %), got 90');
  });

  it('predict --interval adds prediction_lower and prediction_upper at the model’s coverage, or the one given', async () => {
    const at = async (...extra: string[]) => {
      const out = join(dir, `p${extra.join('')}.csv`);
      const r = await runCli(['predict', model, newCsv, '--out', out, ...extra]);
      expect(r.code).toBe(0);
      return { rows: csvRows(readFileSync(out, 'utf8')), err: r.err };
    };
    const plain = await at();
    expect(plain.rows[0].slice(-2)).toEqual(['prediction', 'error']);
    const dflt = await at('--interval');
    expect(dflt.rows[0].slice(-4)).toEqual(['prediction', 'prediction_lower', 'prediction_upper', 'error']);
    expect(dflt.err).toMatch(/prediction_lower\/prediction_upper: 90 % conformal intervals \(at 90 % they covered \d+(\.\d+)? % of the test rows in training\)/);
    const at50 = await at('--interval', '0.5');
    for (let i = 1; i < dflt.rows.length; i++) {
      const [p, lo, hi] = dflt.rows[i].slice(-4, -1).map(Number);
      const [p5, lo5, hi5] = at50.rows[i].slice(-4, -1).map(Number);
      expect(p5).toBe(p);
      expect(Number(plain.rows[i].at(-2))).toBe(p);
      expect(lo).toBeLessThan(lo5);
      expect(hi).toBeGreaterThan(hi5);
      expect(lo5).toBeLessThan(p);
    }
    // The option also works before the positionals.
    expect((await runCli(['predict', '--interval', '0.8', model, newCsv, '--out', join(dir, 'first.csv')])).code).toBe(0);
  });

  it('predict --interval: a coverage the model cannot give, and bad values, are refused in words', async () => {
    const tooHigh = await runCli(['predict', model, newCsv, '--interval', '0.999']);
    expect(tooHigh.code).toBe(1);
    expect(tooHigh.err).toMatch(/99\.9 % intervals need at least 999 calibration scores; this model has 192, enough for at most 99\.4 %/);
    const bad = await runCli(['predict', model, newCsv, '--interval=ninety']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--interval takes a coverage between 0 and 1');
  });

  it('a bundle without intervals predicts as before and says why there are no bounds', async () => {
    const old = JSON.parse(readFileSync(model, 'utf8'));
    delete old.intervals;
    const oldModel = join(dir, 'old.json');
    writeFileSync(oldModel, JSON.stringify(old));
    const out = join(dir, 'old-predictions.csv');
    const r = await runCli(['predict', oldModel, newCsv, '--interval', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('old.json has no prediction intervals (made before Loupe computed them, or trained on too few rows)');
    expect(csvRows(readFileSync(out, 'utf8'))[0].slice(-2)).toEqual(['prediction', 'error']);
  });
});
