import { describe, expect, it } from 'vitest';
import { mae, mape, maxError, medianAbsoluteError, mse, r2, regressionMetrics, rmse, MAPE_EPS } from '../../src/core/metrics';
import { InvalidInputError } from '../../src/core/errors';

// The example of scikit-learn's documentation for each metric.
const y = [3, -0.5, 2, 7];
const yhat = [2.5, 0.0, 2, 8];

describe('regression metrics (scikit-learn definitions)', () => {
  it('match sklearn on its documentation example', () => {
    expect(r2(y, yhat)).toBeCloseTo(0.9486081370449679, 15);
    expect(mse(y, yhat)).toBe(0.375);
    expect(rmse(y, yhat)).toBeCloseTo(Math.sqrt(0.375), 15);
    expect(mae(y, yhat)).toBe(0.5);
    expect(mape(y, yhat)).toBeCloseTo(0.3273809523809524, 15);
    expect(medianAbsoluteError(y, yhat)).toBe(0.5);
    expect(maxError(y, yhat)).toBe(1);
  });
  it('median absolute error with an odd count and r2 below zero', () => {
    expect(medianAbsoluteError([1, 2, 3], [1, 4, 6])).toBe(2);
    expect(r2([1, 2, 3], [3, 2, 1])).toBe(-3);
  });
  it('constant y: r2 is 1 for a perfect prediction, else 0 (force_finite)', () => {
    expect(r2([4, 4, 4], [4, 4, 4])).toBe(1);
    expect(r2([4, 4, 4], [4, 4, 5])).toBe(0);
  });
  it('mape divides by max(|y|, eps): a zero target gives a huge, finite value (a fraction, not percent)', () => {
    expect(mape([0, 2], [1, 1])).toBeCloseTo((1 / MAPE_EPS + 0.5) / 2, 0);
    expect(mape([100], [110])).toBeCloseTo(0.1, 15);
  });
  it('regressionMetrics bundles them; bad shapes are typed errors', () => {
    expect(regressionMetrics(y, yhat)).toEqual({
      r2: r2(y, yhat),
      rmse: rmse(y, yhat),
      mae: 0.5,
      mape: mape(y, yhat),
      medianAe: 0.5,
      maxError: 1,
    });
    expect(() => r2([1, 2], [1])).toThrow(InvalidInputError);
    expect(() => mae([], [])).toThrow(InvalidInputError);
  });
});
