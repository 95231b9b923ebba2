/**
 * Oracle: scikit-learn 1.2.1's LinearRegression, Ridge(1), Lasso(1) and ElasticNet(1, 0.5) on the
 * reference gemstone split (../shared/reference/sklearn-linear-gemstone.json).
 */
import { describe, expect, it } from 'vitest';
import { ElasticNet, Lasso, LinearRegression, Ridge } from '../../src/core/models/linear';
import type { Regressor } from '../../src/core/models/types';
import { SKIP_MESSAGE, haveGemstone, loadGemstoneSplit, loadSklearnLinear, rmse } from '../helpers/gemstone';

const relClose = (got: number, want: number, rel: number): void => {
  expect(Math.abs(got - want), `got ${got}, want ${want}`).toBeLessThanOrEqual(rel * Math.abs(want));
};

describe.skipIf(!haveGemstone)('scikit-learn linear models on the gemstone split', () => {
  if (!haveGemstone) it.skip(SKIP_MESSAGE, () => {});
  const ref = (haveGemstone ? loadSklearnLinear() : undefined)!;

  it('standardization statistics match scikit-learn (StandardScaler, population std)', () => {
    const s = loadGemstoneSplit();
    const p = ref.features.length;
    expect(s.features).toEqual(ref.features);
    const X = s.trainRaw;
    for (let j = 0; j < p; j++) {
      const name = ref.features[j];
      let m = 0;
      for (let i = 0; i < X.rows; i++) m += X.data[i * p + j];
      m /= X.rows;
      let v = 0;
      for (let i = 0; i < X.rows; i++) v += (X.data[i * p + j] - m) ** 2;
      relClose(m, ref.preprocessing.mean[name], 1e-9);
      relClose(Math.sqrt(v / X.rows), ref.preprocessing.scale[name], 1e-9);
      // and trainStd really is (raw − mean) / scale
      relClose(s.trainStd.data[7 * p + j], (X.data[7 * p + j] - ref.preprocessing.mean[name]) / ref.preprocessing.scale[name], 1e-9);
    }
  });

  const cases: [string, () => Regressor][] = [
    ['LinearRegression', () => new LinearRegression()],
    ['Ridge', () => new Ridge({ alpha: 1 })],
    ['Lasso', () => new Lasso({ alpha: 1 })],
    ['ElasticNet', () => new ElasticNet({ alpha: 1, l1Ratio: 0.5 })],
  ];
  for (const [name, make] of cases) {
    it(`${name}: coefficients, intercept, test RMSE and first predictions`, async () => {
      const s = loadGemstoneSplit();
      const want = ref.models[name];
      const m = (await make().fit(s.trainStd, s.yTrain)) as Regressor & { coef: Float64Array; intercept: number };
      ref.features.forEach((f, j) => relClose(m.coef[j], want.coef[f], 1e-4));
      relClose(m.intercept, want.intercept, 1e-4);
      const pred = m.predict(s.testStd);
      relClose(rmse(pred, s.yTest), want.test.rmse, 1e-3);
      want.first_test_ids.forEach((id, k) => {
        expect(s.testIds[k]).toBe(id);
        expect(Math.abs(pred[k] - want.first_test_predictions[k])).toBeLessThan(1e-3 * Math.max(1, Math.abs(want.first_test_predictions[k])));
      });
    });
  }
});
