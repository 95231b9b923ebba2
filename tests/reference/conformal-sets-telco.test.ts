/**
 * Conformal prediction sets on the telco-churn reference split (5,634 training rows, 1,409 test
 * rows), as the training run makes them on a hold-out split (conformal/training.ts, sets.ts): a
 * seeded 20 % of the training rows held out of a second fit of the same model, whose
 * probabilities there calibrate the sets of the model fitted on every training row; coverage
 * measured on the test rows. Mean over three seeds of the calibration part.
 */
import { describe, expect, it } from 'vitest';
import { calibrationPart } from '../../src/core/conformal/training';
import { splitSets } from '../../src/core/conformal/sets';
import { takeMatrixRows, takeValues } from '../../src/core/conformal/rows';
import { CalibratedClassifier } from '../../src/core/models/calibration-model';
import { createModel } from '../../src/core/models/registry';
import type { Classifier, ModelType, Regressor } from '../../src/core/models/types';
import { haveTelco, loadTelcoSplit, TELCO_SKIP_MESSAGE } from '../helpers/telco';

describe.skipIf(!haveTelco)(`prediction sets on telco-churn ${haveTelco ? '' : TELCO_SKIP_MESSAGE}`, () => {
  const cases: Array<{ type: ModelType; calibrated?: boolean }> = [{ type: 'gbdt-classifier' }, { type: 'logistic' }, { type: 'knn-classifier', calibrated: true }];
  it.each(cases)('$type (calibrated: $calibrated): 90 % LAC sets cover 88–92 % of the test rows, mean over seeds 0–2', async ({ type, calibrated }) => {
    const s = loadTelcoSplit();
    const make = (seed: number): Regressor => (calibrated ? new CalibratedClassifier(createModel(type, {}), 'isotonic', seed) : createModel(type, {}));
    const shipped = (await make(0).fit(s.train, s.yTrain, { classCount: 2 })) as Classifier;
    const testProba = shipped.predictProba(s.test);
    const found: Array<{ coverage: number; size: number }> = [];
    for (const seed of [0, 1, 2]) {
      const part = calibrationPart(s.train.rows, seed, 0.9, 'sets');
      if ('reason' in part) throw new Error(part.reason);
      const refit = (await make(0).fit(takeMatrixRows(s.train, part.proper), takeValues(s.yTrain, part.proper), { classCount: 2 })) as Classifier;
      const proba = refit.predictProba(takeMatrixRows(s.train, part.calibration));
      const sets = splitSets({ score: 'lac', coverage: 0.9, proba, y: takeValues(s.yTrain, part.calibration), k: 2, test: { y: s.yTest, proba: testProba } });
      expect(sets.calibrationRows).toBe(1127);
      found.push({ coverage: sets.evaluation!.empiricalCoverage, size: sets.evaluation!.meanSetSize });
    }
    const coverage = found.reduce((a, f) => a + f.coverage, 0) / found.length;
    const size = found.reduce((a, f) => a + f.size, 0) / found.length;
    console.log(`telco ${type}${calibrated ? ' (isotonic)' : ''}: 90 % LAC sets cover ${found.map((f) => (f.coverage * 100).toFixed(1)).join(', ')} % of 1,409 test rows (mean ${(coverage * 100).toFixed(1)} %), mean size ${size.toFixed(3)}`);
    expect(coverage).toBeGreaterThanOrEqual(0.88);
    expect(coverage).toBeLessThanOrEqual(0.92);
    // Two classes: sets of one class where the model is sure, both where it is not.
    expect(size).toBeGreaterThan(1);
    expect(size).toBeLessThan(2);
  });
});
