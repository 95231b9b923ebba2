/**
 * The CLI's probability calibration (`train --calibration`) and prediction sets (`train`'s
 * report, `predict --interval` on a classifier's bundle) on telco-churn.csv (skipped, saying so,
 * when ../shared is absent).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { openBundle } from '../../src/core/bundle/bundle';
import { predictSets, setLabels } from '../../src/core/conformal/sets';
import { CalibratedClassifier } from '../../src/core/models/calibration-model';
import { predictRecords } from '../../src/core/pipeline/predict';
import { runCli } from '../helpers/cli';
import { haveTelco, loadTelcoRecords, TELCO_CSV, TELCO_SKIP_MESSAGE } from '../helpers/telco';

const dir = mkdtempSync(join(tmpdir(), 'loupe-calib-cli-'));
const model = join(dir, 'churn.json');
const report = join(dir, 'report.json');
const toPredict = join(dir, 'customers.csv');
const predictions = join(dir, 'predictions.csv');

describe.skipIf(!haveTelco)(`cli calibration and prediction sets on telco churn${haveTelco ? '' : ` (${TELCO_SKIP_MESSAGE})`}`, () => {
  let records: Array<Record<string, string>>;
  beforeAll(() => {
    records = loadTelcoRecords();
    writeFileSync(toPredict, Papa.unparse(records.slice(0, 1000), { newline: '\n' }) + '\n');
  });

  it('train --calibration platt: the report says so, each model carries its prediction sets, the bundle its calibration', async () => {
    const r = await runCli(['train', TELCO_CSV, '--target', 'Churn', '--models', 'linear', '--calibration', 'platt', '--reference-rows', '0', '--out', model, '--report', report]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/probabilities calibrated \(Platt\) on a stratified 20 % of each model's training rows; Brier score 0\.1\d+/);
    expect(r.out).toMatch(/prediction sets: 90 % conformal \(LAC\); on the test rows they held the true class for \d+(\.\d+)? %, mean size 1\.\d+/);
    const rep = JSON.parse(readFileSync(report, 'utf8'));
    expect(rep.calibration).toBe('platt');
    const [m] = rep.models;
    expect(typeof m.brier).toBe('number');
    expect(m.predictionSets).toMatchObject({ score: 'lac', method: 'split', coverage: 0.9, calibrationRows: 1127, evaluation: { kind: 'test', rows: 1409 } });
    expect(m.predictionSets.evaluation.empiricalCoverage).toBeGreaterThan(0.86);
    expect(m.predictionSets.evaluation.empiricalCoverage).toBeLessThan(0.94);
    const loaded = await openBundle(readFileSync(model, 'utf8'));
    expect(loaded.model).toBeInstanceOf(CalibratedClassifier);
    expect(loaded.bundle.probabilityCalibration).toMatchObject({ method: 'sigmoid', classCount: 2 });
    expect(loaded.bundle.model.type).toBe('logistic');
  });

  it('predict --interval 0.8 on the classifier writes prediction_set as the pipeline predicts it', async () => {
    const r = await runCli(['predict', model, toPredict, '--interval', '0.8', '--out', predictions]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/prediction_set: 80 % conformal prediction sets, mean size \d\.\d{3} \(at 90 % they covered [\d.]+ % of the test rows in training/);
    const rows = Papa.parse<Record<string, string>>(readFileSync(predictions, 'utf8'), { header: true, skipEmptyLines: true }).data;
    expect(Object.keys(rows[0]).slice(-5)).toEqual(['prediction', 'proba_No', 'proba_Yes', 'prediction_set', 'error']);
    const loaded = await openBundle(readFileSync(model, 'utf8'));
    const direct = predictRecords(loaded, records.slice(0, 1000));
    const members = predictSets(loaded.predictionSets!, direct.probabilities!, 2, 0.8);
    let covered = 0;
    rows.forEach((row, i) => {
      expect(row.prediction_set).toBe(setLabels(members, i, ['No', 'Yes']));
      if (row.prediction_set.split('|').includes(records[i].Churn)) covered++;
    });
    // These rows were partly trained on, so coverage here is only a sanity check.
    expect(covered / rows.length).toBeGreaterThan(0.75);
    expect(new Set(rows.map((x) => x.prediction_set))).toEqual(new Set(['No', 'Yes', 'No|Yes']));
  });

  it('train --set-score aps: never-empty sets covering at least the coverage asked', async () => {
    const r = await runCli(['train', TELCO_CSV, '--target', 'Churn', '--models', 'linear', '--set-score', 'aps', '--interval', '0.8', '--reference-rows', '0', '--json']);
    expect(r.code, r.err).toBe(0);
    const [m] = JSON.parse(r.out).models;
    expect(m.predictionSets).toMatchObject({ score: 'aps', coverage: 0.8 });
    expect(m.predictionSets.evaluation.empiricalCoverage).toBeGreaterThan(0.78);
    expect(m.predictionSets.evaluation.meanSetSize).toBeGreaterThanOrEqual(1);
  });

  it('refuses what does not apply, saying why', async () => {
    const reg = await runCli(['train', TELCO_CSV, '--target', 'MonthlyCharges', '--models', 'linear', '--calibration', 'isotonic']);
    expect(reg.code).toBe(2);
    expect(reg.err).toMatch(/--calibration is for classification; "MonthlyCharges" is a regression target/);
    const bad = await runCli(['train', TELCO_CSV, '--target', 'Churn', '--calibration', 'beta']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--calibration takes none, platt, isotonic, got "beta"/);
    const aps = await runCli(['train', TELCO_CSV, '--target', 'Churn', '--set-score', 'aps', '--no-intervals']);
    expect(aps.code).toBe(2);
    expect(aps.err).toMatch(/--set-score and --no-intervals contradict each other/);
    const clip = await runCli(['predict', model, toPredict, '--clip']);
    expect(clip.code).toBe(2);
    const far = await runCli(['predict', model, toPredict, '--interval', '0.9999']);
    expect(far.code, far.err).not.toBe(0);
    expect(far.err, far.err).toMatch(/99\.99 % prediction sets need at least 10000 calibration scores; this model has 1127/);
  });
});
