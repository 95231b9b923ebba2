/**
 * Probability calibration on the telco-churn reference split (5,634 training rows, 1,409 test
 * rows): against scikit-learn's CalibratedClassifierCV on a prefit model
 * (sklearn-calibration-telco.json, made by scripts/sklearn_calibration_telco.py), and what it does
 * to Loupe's own classifiers' Brier score and log loss.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogisticRegression } from '../../src/core/models/linear';
import { applyCalibration, fitCalibration } from '../../src/core/models/calibration';
import { CalibratedClassifier } from '../../src/core/models/calibration-model';
import { createModel } from '../../src/core/models/registry';
import type { Classifier, ModelType } from '../../src/core/models/types';
import { brierScore, logLoss, rocAuc } from '../../src/core/metrics/classification';
import { takeMatrixRows, takeValues } from '../../src/core/conformal/rows';
import { haveTelco, loadTelcoSplit, TELCO_SKIP_MESSAGE } from '../helpers/telco';

interface Scores {
  brier: number;
  logLoss: number;
  rocAuc: number;
  firstTenProbabilities: number[];
}
interface Reference {
  calibrationRows: number;
  logistic: { uncalibrated: Scores; sigmoid: Scores & { a: number; b: number }; isotonic: Scores & { thresholds: number } };
  histGradientBoosting: { uncalibrated: Omit<Scores, 'firstTenProbabilities'>; isotonic: Scores };
}
const REF = JSON.parse(readFileSync(resolve(import.meta.dirname, 'sklearn-calibration-telco.json'), 'utf8')) as Reference;

const scores = (y: Float64Array, p: Float64Array) => ({ brier: brierScore(y, p, 2), logLoss: logLoss(y, p, 2), rocAuc: rocAuc(y, p, 2) });

describe.skipIf(!haveTelco)(`probability calibration on telco-churn ${haveTelco ? '' : TELCO_SKIP_MESSAGE}`, () => {
  it("logistic regression calibrated on the script's fixed prefit part matches scikit-learn's CalibratedClassifierCV", async () => {
    const s = loadTelcoSplit();
    const rows = Uint32Array.from({ length: s.train.rows }, (_, i) => i);
    const calRows = rows.filter((i) => i % 5 === 4);
    const fitRows = rows.filter((i) => i % 5 !== 4);
    expect(calRows.length).toBe(REF.calibrationRows);
    const model = await new LogisticRegression({ tol: 1e-10 }).fit(takeMatrixRows(s.train, fitRows), takeValues(s.yTrain, fitRows));
    const raw = model.predictProba(s.test);
    const calProba = model.predictProba(takeMatrixRows(s.train, calRows));
    const ours = scores(s.yTest, raw);
    // The base model: Loupe's logistic regression is scikit-learn's within ~3e-5 in probability here.
    expect(Math.abs(ours.logLoss - REF.logistic.uncalibrated.logLoss)).toBeLessThan(1e-5);
    const sig = fitCalibration('sigmoid', calProba, takeValues(s.yTrain, calRows), 2);
    const c = sig.calibrators[0];
    if (c.method !== 'sigmoid') throw new Error('sigmoid expected');
    expect(Math.abs(c.a - REF.logistic.sigmoid.a)).toBeLessThan(1e-3 * Math.abs(REF.logistic.sigmoid.a));
    expect(Math.abs(c.b - REF.logistic.sigmoid.b)).toBeLessThan(1e-3);
    const pSig = applyCalibration(sig, raw);
    const sigScores = scores(s.yTest, pSig);
    expect(Math.abs(sigScores.brier - REF.logistic.sigmoid.brier)).toBeLessThan(1e-5);
    expect(Math.abs(sigScores.logLoss - REF.logistic.sigmoid.logLoss)).toBeLessThan(1e-5);
    REF.logistic.sigmoid.firstTenProbabilities.forEach((want, i) => expect(Math.abs(pSig[i * 2 + 1] - want), `row ${i}`).toBeLessThan(1e-4));
    const iso = fitCalibration('isotonic', calProba, takeValues(s.yTrain, calRows), 2);
    const pIso = applyCalibration(iso, raw);
    const isoScores = scores(s.yTest, pIso);
    // A step function of scores that differ by ~1e-5 from scikit-learn's: the same steps, the same figures.
    const ic = iso.calibrators[0];
    if (ic.method !== 'isotonic') throw new Error('isotonic expected');
    expect(ic.x.length).toBe(REF.logistic.isotonic.thresholds);
    expect(Math.abs(isoScores.brier - REF.logistic.isotonic.brier)).toBeLessThan(1e-4);
    expect(Math.abs(isoScores.logLoss - REF.logistic.isotonic.logLoss)).toBeLessThan(1e-3);
    REF.logistic.isotonic.firstTenProbabilities.forEach((want, i) => expect(Math.abs(pIso[i * 2 + 1] - want), `row ${i}`).toBeLessThan(1e-3));
    console.log(
      `telco logistic, prefit part of ${calRows.length} rows: Brier ${ours.brier.toFixed(5)} → Platt ${sigScores.brier.toFixed(5)}, isotonic ${isoScores.brier.toFixed(5)}; log loss ${ours.logLoss.toFixed(5)} → ${sigScores.logLoss.toFixed(5)}, ${isoScores.logLoss.toFixed(5)} (scikit-learn ${REF.logistic.sigmoid.logLoss.toFixed(5)}, ${REF.logistic.isotonic.logLoss.toFixed(5)})`,
    );
  });

  /** Mean test scores of `type` uncalibrated (fitted on every training row) and calibrated (80 % + 20 %) over seeds 0–2. */
  async function compare(type: ModelType, method: 'sigmoid' | 'isotonic') {
    const s = loadTelcoSplit();
    const plain = scores(s.yTest, ((await createModel(type, {}).fit(s.train, s.yTrain, { classCount: 2 })) as Classifier).predictProba(s.test));
    const runs: ReturnType<typeof scores>[] = [];
    for (const seed of [0, 1, 2]) runs.push(scores(s.yTest, (await new CalibratedClassifier(createModel(type, {}), method, seed).fit(s.train, s.yTrain, { classCount: 2 })).predictProba(s.test)));
    const mean = (k: 'brier' | 'logLoss' | 'rocAuc') => runs.reduce((a, r) => a + r[k], 0) / runs.length;
    const cal = { brier: mean('brier'), logLoss: mean('logLoss'), rocAuc: mean('rocAuc') };
    console.log(`telco ${type} ${method}: Brier ${plain.brier.toFixed(5)} → ${cal.brier.toFixed(5)}, log loss ${plain.logLoss.toFixed(5)} → ${cal.logLoss.toFixed(5)}, ROC AUC ${plain.rocAuc.toFixed(4)} → ${cal.rocAuc.toFixed(4)} (mean over seeds 0–2)`);
    return { plain, cal };
  }

  it('gradient-boosted trees (already well calibrated) keep their Brier score within 0.005 with isotonic or Platt calibration', async () => {
    // Trading 20 % of the training rows for a calibration cannot improve a model whose probabilities
    // are already close: scikit-learn's HistGradientBoosting loses as much (Brier +0.0020 with isotonic).
    for (const method of ['isotonic', 'sigmoid'] as const) {
      const { plain, cal } = await compare('gbdt-classifier', method);
      expect(cal.brier).toBeLessThanOrEqual(plain.brier + 0.005);
      expect(cal.rocAuc).toBeGreaterThan(plain.rocAuc - 0.01);
    }
    const hgb = REF.histGradientBoosting;
    expect(hgb.isotonic.brier - hgb.uncalibrated.brier).toBeLessThan(0.005);
  });

  it('k-nearest neighbours (probabilities in fifths, log loss 1.57) calibrated: log loss below 0.5 with either method', async () => {
    for (const method of ['isotonic', 'sigmoid'] as const) {
      const { plain, cal } = await compare('knn-classifier', method);
      expect(plain.logLoss).toBeGreaterThan(1.5);
      expect(cal.logLoss).toBeLessThan(0.5);
      expect(cal.brier).toBeLessThanOrEqual(plain.brier);
    }
  });
});
