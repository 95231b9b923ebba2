/**
 * The CLI's train and predict on a classification target: telco-churn.csv (skipped, saying so,
 * when ../shared is absent), with logistic regression. The report's classification fields, the
 * bundle's classes and threshold, and predict's class label and proba_<class> columns.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { openBundle } from '../../src/core/bundle/bundle';
import { predictRecords } from '../../src/core/pipeline/predict';
import { runCli } from '../helpers/cli';
import { haveTelco, loadTelcoRecords, TELCO_CSV, TELCO_SKIP_MESSAGE } from '../helpers/telco';

const dir = mkdtempSync(join(tmpdir(), 'loupe-cls-cli-'));
const model = join(dir, 'churn.json');
const report = join(dir, 'report.json');
const toPredict = join(dir, 'customers.csv');
const predictions = join(dir, 'predictions.csv');

describe.skipIf(!haveTelco)(`cli train and predict on telco churn${haveTelco ? '' : ` (${TELCO_SKIP_MESSAGE})`}`, () => {
  let records: Array<Record<string, string>>;
  beforeAll(() => {
    records = loadTelcoRecords();
    // 200 customers without the Churn column.
    const rows = records.slice(0, 200).map(({ Churn: _churn, ...rest }) => rest);
    writeFileSync(toPredict, Papa.unparse(rows, { newline: '\n' }) + '\n');
  });

  it('proposes Churn, infers classification, trains the logistic regression and reports its classification metrics', async () => {
    const r = await runCli(['train', TELCO_CSV, '--models', 'linear', '--seed', '42', '--out', model, '--report', report]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('predicting "Churn" (named like a target)');
    expect(r.err).toMatch(/task: classification \("Churn" holds labels: 2 classes \("No", "Yes"\)\)/);
    expect(r.out).toMatch(/ROC AUC/);
    expect(r.out).toMatch(/best by ROC AUC: logistic \(Logistic regression\)/);
    const rep = JSON.parse(readFileSync(report, 'utf8'));
    expect(rep).toMatchObject({ target: 'Churn', task: 'classification', classes: ['No', 'Yes'], threshold: 0.5, rankedBy: 'roc_auc', best: 'logistic' });
    expect(rep.split).toMatchObject({ kind: 'holdout', testRows: 1409 });
    const [m] = rep.models;
    expect(m).toMatchObject({ name: 'logistic', status: 'finished', r2: null, rmse: null });
    for (const f of ['accuracy', 'balancedAccuracy', 'f1', 'rocAuc', 'logLoss']) expect(typeof m[f], f).toBe('number');
    // Logistic regression on telco: scikit-learn's scores about 0.84 ROC AUC, 0.42 log loss on its split.
    expect(m.rocAuc).toBeGreaterThan(0.82);
    expect(m.logLoss).toBeLessThan(0.45);
    expect(m.accuracy).toBeGreaterThan(0.78);
    // Prediction sets where a regressor gets intervals: 90 % by default, judged on the test rows.
    expect(m.predictionSets).toMatchObject({ score: 'lac', method: 'split', coverage: 0.9, evaluation: { kind: 'test', rows: 1409 } });
    const loaded = await openBundle(readFileSync(model, 'utf8'));
    expect(loaded.bundle).toMatchObject({ task: 'classification', classes: ['No', 'Yes'], decision: { threshold: 0.5 } });
    expect(loaded.bundle.metrics.classification!.test.rocAuc).toBeCloseTo(m.rocAuc, 12);
  });

  it('predict writes the class label and one probability column per class, as the pipeline predicts', async () => {
    const r = await runCli(['predict', model, toPredict, '--out', predictions]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/predicted classes: "No" \d+, "Yes" \d+ \("Yes" where its probability ≥ 0\.5\); probabilities in proba_No, proba_Yes/);
    const rows = Papa.parse<Record<string, string>>(readFileSync(predictions, 'utf8'), { header: true, skipEmptyLines: true }).data;
    expect(rows).toHaveLength(200);
    expect(Object.keys(rows[0]).slice(-4)).toEqual(['prediction', 'proba_No', 'proba_Yes', 'error']);
    const loaded = await openBundle(readFileSync(model, 'utf8'));
    const direct = predictRecords(loaded, records.slice(0, 200));
    rows.forEach((row, i) => {
      expect(row.prediction).toBe(loaded.recipe.classes[direct.predictions[i]]);
      expect(Number(row.proba_Yes)).toBe(direct.probabilities![2 * i + 1]);
      expect(Number(row.proba_No) + Number(row.proba_Yes)).toBeCloseTo(1, 12);
      expect(row.prediction).toBe(Number(row.proba_Yes) >= 0.5 ? 'Yes' : 'No');
    });
    // Both classes are predicted on 200 customers (about a quarter churn).
    expect(new Set(rows.map((x) => x.prediction))).toEqual(new Set(['No', 'Yes']));
  });

  it('refuses the options that are regression-only and regression models for a classification target; retrains a classifier', async () => {
    const clip = await runCli(['predict', model, toPredict, '--clip']);
    expect(clip.code).toBe(2);
    expect(clip.err).toMatch(/--clip is for regression models; churn\.json predicts the classes of "Churn"/);
    // A classifier retrains: champion and challenger compared by ROC AUC, with a classifier's figures.
    const retrain = await runCli(['retrain', model, TELCO_CSV, '--json']);
    expect(retrain.code, retrain.err).toBe(0);
    const rr = JSON.parse(retrain.out);
    expect(rr.rankedBy).toBe('roc_auc');
    expect(rr.champion.rocAuc).toBeGreaterThan(0.8);
    expect(Object.keys(rr.challenger)).toEqual(expect.arrayContaining(['rocAuc', 'logLoss', 'accuracy', 'balancedAccuracy', 'f1', 'brier']));
    expect(rr.better).toBe(rr.challenger.rocAuc > rr.champion.rocAuc ? 'challenger' : 'champion');
    // Monitoring a labelled file judges a classifier by its classification metrics beside the test's.
    const mon = await runCli(['monitor', model, TELCO_CSV, '--report', join(dir, 'monitor.json')]);
    expect(mon.code, mon.err).toBe(0);
    expect(mon.out).toMatch(/On 7,043 labelled rows: ROC AUC 0\.\d{3} \(test 0\.\d{3}\), log loss 0\.\d{3} \(test 0\.\d{3}\), accuracy .*: not degraded/);
    const mj = JSON.parse(readFileSync(join(dir, 'monitor.json'), 'utf8'));
    expect(mj.performance).toBeUndefined();
    expect(mj.classificationPerformance).toMatchObject({ rows: 7043, metric: 'roc_auc', degraded: false });
    expect(mj.classificationPerformance.test.rocAuc).toBe(JSON.parse(readFileSync(model, 'utf8')).metrics.classification.test.rocAuc);
    const ridge = await runCli(['train', TELCO_CSV, '--target', 'Churn', '--models', 'ridge']);
    expect(ridge.code).toBe(2);
    expect(ridge.err).toMatch(/"ridge" in --models is not a classification model; choose from logistic/);
    const reg = await runCli(['train', TELCO_CSV, '--target', 'Churn', '--task', 'regression', '--models', 'linear']);
    expect(reg.code).toBe(2);
    expect(reg.err).toMatch(/holds labels, not numbers/);
    const metric = await runCli(['train', TELCO_CSV, '--target', 'Churn', '--metric', 'r2']);
    expect(metric.code).toBe(2);
    expect(metric.err).toMatch(/--metric: Unknown metric "r2"/);
  });

  it('ranks by --metric, applies --threshold, and --task classification turns a 0/1 column into classes', async () => {
    const r = await runCli(['train', TELCO_CSV, '--target', 'Churn', '--models', 'logistic', '--metric', 'log_loss', '--threshold', '0.3', '--json', '--no-intervals', '--reference-rows', '0']);
    expect(r.code, r.err).toBe(0);
    const rep = JSON.parse(r.out);
    expect(rep).toMatchObject({ rankedBy: 'log_loss', threshold: 0.3 });
    const senior = await runCli(['train', TELCO_CSV, '--target', 'SeniorCitizen', '--task', 'classification', '--models', 'logistic', '--json', '--no-intervals', '--reference-rows', '0']);
    expect(senior.code, senior.err).toBe(0);
    expect(JSON.parse(senior.out)).toMatchObject({ task: 'classification', classes: ['0', '1'] });
  });
});
