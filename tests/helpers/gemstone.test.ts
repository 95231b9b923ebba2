/**
 * The reference-split helper against scikit-learn's own figures for the same split
 * (../shared/reference/sklearn-linear-gemstone.json, scikit-learn 1.2.1): its sizes, feature
 * order and ordinal orders, the StandardScaler statistics its standardization uses, and the
 * training targets (LinearRegression's intercept on centred features is their mean).
 */
import { describe, expect, it } from 'vitest';
import { FEATURES, haveGemstone, loadGemstoneSplit, loadSklearnLinear, ORDERS, SKIP_MESSAGE } from './gemstone';

describe.skipIf(!haveGemstone)('gemstone reference split helper', () => {
  const ref = loadSklearnLinear;

  it('has scikit-learn’s split: sizes, feature order, ordinal orders, first test ids', () => {
    const s = loadGemstoneSplit();
    const r = ref();
    expect([s.trainRaw.rows, s.testRaw.rows]).toEqual([r.train_rows, r.test_rows]);
    expect([...FEATURES]).toEqual(r.features);
    expect(ORDERS).toEqual(r.orders);
    expect(Array.from(s.testIds.slice(0, 5))).toEqual(r.models.LinearRegression.first_test_ids);
  });

  it('standardizes with scikit-learn’s StandardScaler statistics (mean and population scale)', () => {
    const s = loadGemstoneSplit();
    const r = ref();
    const p = FEATURES.length;
    // No value is missing, so the reference pipeline's median imputation changes nothing.
    expect(s.trainRaw.data.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    FEATURES.forEach((name, j) => {
      const mean = r.preprocessing.mean[name];
      const scale = r.preprocessing.scale[name];
      for (let i = 0; i < s.trainStd.rows; i += 101) {
        expect(s.trainStd.data[i * p + j]).toBeCloseTo((s.trainRaw.data[i * p + j] - mean) / scale, 9);
      }
      for (let i = 0; i < s.testStd.rows; i += 101) {
        expect(s.testStd.data[i * p + j]).toBeCloseTo((s.testRaw.data[i * p + j] - mean) / scale, 9);
      }
    });
  });

  it('holds scikit-learn’s training targets: their mean is LinearRegression’s intercept', () => {
    const y = loadGemstoneSplit().yTrain;
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += y[i];
    expect(sum / y.length).toBeCloseTo(ref().models.LinearRegression.intercept, 8);
  });
});
if (!haveGemstone) it.skip(SKIP_MESSAGE, () => {});
