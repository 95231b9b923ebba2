import { describe, expect, it } from 'vitest';
import type { RegressionMetrics } from '../../../src/core/metrics';
import { relativeWorsening, retrainAdvice, type BatchSignal } from '../../../src/core/pipeline/retrain-policy';

const test: RegressionMetrics = { r2: 0.95, rmse: 1000, mae: 500, mape: 0.1, medianAe: 300, maxError: 9000 };
const batch = (over: Partial<BatchSignal> = {}): BatchSignal => ({ fileName: 'june.csv', createdAt: 1, driftShare: 0.2, datasetDrift: false, ...over });

describe('retraining policy', () => {
  it('manual never recommends; no batch recommends nothing', () => {
    expect(retrainAdvice({ trigger: 'manual', mode: 'all' }, batch({ datasetDrift: true, driftShare: 0.9 }), test)).toMatchObject({ recommended: false, reason: 'The policy is manual: retrain when you choose.' });
    expect(retrainAdvice({ trigger: 'drift', mode: 'all' }, undefined, test).recommended).toBe(false);
  });

  it('drift: recommended exactly when the batch shows dataset drift', () => {
    expect(retrainAdvice({ trigger: 'drift', mode: 'all' }, batch({ datasetDrift: true, driftShare: 0.625 }), test)).toEqual({ recommended: true, reason: 'Dataset drift in june.csv: 62.5 % of the columns drift.' });
    expect(retrainAdvice({ trigger: 'drift', mode: 'all' }, batch({ driftShare: 0.375 }), test)).toEqual({ recommended: false, reason: 'No dataset drift in june.csv (37.5 % of the columns drift).' });
  });

  it('degradation: relative to the test metric, past the threshold only (R² worsens downwards)', () => {
    expect(relativeWorsening('rmse', 1150, 1000)).toBeCloseTo(0.15, 12);
    expect(relativeWorsening('r2', 0.855, 0.95)).toBeCloseTo(0.1, 12);
    const p = { trigger: 'degradation' as const, threshold: 0.1, mode: 'window' as const, window: 1000 };
    expect(retrainAdvice(p, batch({ metric: { name: 'rmse', value: 1150 } }), test)).toEqual({
      recommended: true,
      reason: 'RMSE on june.csv is 1150 against 1000 in testing: 15 % worse, past the limit of 10 %.',
    });
    expect(retrainAdvice(p, batch({ metric: { name: 'rmse', value: 1100 } }), test).recommended).toBe(false);
    expect(retrainAdvice(p, batch({ metric: { name: 'r2', value: 0.8 } }), test).recommended).toBe(true);
    expect(retrainAdvice(p, batch({ metric: { name: 'r2', value: 0.97 } }), test).recommended).toBe(false);
    // Drift alone does not trip a degradation policy; an unlabelled batch cannot.
    expect(retrainAdvice(p, batch({ datasetDrift: true }), test)).toMatchObject({ recommended: false, reason: expect.stringMatching(/held no target values/) });
    expect(retrainAdvice(p, batch({ metric: { name: 'rmse', value: 5000 } }), undefined).recommended).toBe(false);
  });
});

describe('retrainAdvice for a classifier', () => {
  const test = { accuracy: 0.8, balancedAccuracy: 0.72, precision: 0.65, recall: 0.55, f1: 0.59, f1Macro: 0.73, f1Weighted: 0.79, rocAuc: 0.84, logLoss: 0.43, brier: 0.14 };
  const policy = { trigger: 'degradation' as const, threshold: 0.1, mode: 'all' as const };
  const batch = (name: 'roc_auc' | 'log_loss', value: number) => ({ fileName: 'march.csv', createdAt: 0, driftShare: 0, datasetDrift: false, metric: { name, value } });

  it('recommends retraining when ROC AUC drops more than the threshold of the test figure', () => {
    expect(retrainAdvice(policy, batch('roc_auc', 0.8), test)).toMatchObject({ recommended: false, reason: expect.stringMatching(/^ROC AUC on march\.csv is 0\.8 against 0\.84 in testing: within the limit/) });
    const low = retrainAdvice(policy, batch('roc_auc', 0.7), test);
    expect(low.recommended).toBe(true);
    expect(low.reason).toMatch(/16\.7 % worse, past the limit of 10 %/);
  });

  it('judges by log loss, lower is better, where the batch was judged by it', () => {
    expect(retrainAdvice(policy, batch('log_loss', 0.45), test).recommended).toBe(false);
    expect(retrainAdvice(policy, batch('log_loss', 0.5), test)).toMatchObject({ recommended: true, reason: expect.stringMatching(/^Log loss on march\.csv is 0\.5 against 0\.43/) });
  });
});
