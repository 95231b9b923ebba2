import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  accuracy,
  averagedScores,
  balancedAccuracy,
  brierScore,
  classificationMetrics,
  confusionMatrix,
  decide,
  logLoss,
  rocAuc,
} from '../../../src/core/metrics/classification';
import { averagePrecision, columnOf, oneVsRest, precisionRecallCurve, reliabilityBins, rocCurve } from '../../../src/core/metrics/curves';
import {
  CLASSIFICATION_METRICS,
  DEFAULT_CLASSIFICATION_METRIC,
  classificationMetric,
  classificationRankingScore,
} from '../../../src/core/metrics/classification-ranking';
import { InvalidInputError, InvalidParamsError } from '../../../src/core/errors';

// Numbers by scikit-learn 1.9.1: tests/reference/scripts/sklearn_classification_metrics.py.
interface Case {
  name: string;
  k: number;
  y: number[];
  proba: Float64Array;
  pred: number[];
  confusion: number[][];
  [metric: string]: unknown;
}
interface Curves {
  roc: { fpr: number[]; tpr: number[]; thresholds: (number | null)[] };
  pr: { precision: number[]; recall: number[]; thresholds: number[] };
  reliability5: { fractionPositive: number[]; meanPredicted: number[] };
}
const REF = JSON.parse(readFileSync(resolve(__dirname, '../../reference/sklearn-classification-metrics.json'), 'utf8'), (key, value) =>
  key === 'proba' ? Float64Array.from(value as number[]) : value,
) as { cases: Case[] };
const [binary, three, four] = REF.cases;

/** null in the JSON stands for NaN. */
function num(v: unknown): number {
  return v === null ? NaN : (v as number);
}

function close(actual: number, expected: number, what: string): void {
  if (Number.isNaN(expected)) return expect(actual, what).toBeNaN();
  if (!Number.isFinite(expected)) return expect(actual, what).toBe(expected);
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
}

function closeAll(actual: ArrayLike<number>, expected: (number | null)[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) close(actual[i], expected[i] === null ? Infinity : (expected[i] as number), `${what}[${i}]`);
}

describe('classification metrics match scikit-learn', () => {
  for (const c of REF.cases) {
    it(`${c.name}: label metrics, confusion matrix, probabilities`, () => {
      const predicted = decide(c.proba, c.k);
      expect(Array.from(predicted)).toEqual(c.pred);
      const confusion = confusionMatrix(c.y, predicted, c.k);
      expect(confusion).toEqual(c.confusion);
      close(accuracy(c.y, predicted), num(c.accuracy), 'accuracy');
      close(balancedAccuracy(confusion), num(c.balancedAccuracy), 'balancedAccuracy');
      const avg = averagedScores(confusion);
      for (const key of ['precisionMacro', 'recallMacro', 'f1Macro', 'f1Weighted'] as const) close(avg[key], num(c[key]), key);
      close(logLoss(c.y, c.proba, c.k), num(c.logLoss), 'logLoss');
      close(brierScore(c.y, c.proba, c.k), num(c.brier), 'brier');
      close(rocAuc(c.y, c.proba, c.k), num(c.rocAuc), 'rocAuc');

      const m = classificationMetrics(c.y, c.proba, c.k);
      const binaryTask = c.k === 2;
      close(m.precision, num(binaryTask ? c.precision : c.precisionMacro), 'record precision');
      close(m.recall, num(binaryTask ? c.recall : c.recallMacro), 'record recall');
      close(m.f1, num(binaryTask ? c.f1 : c.f1Macro), 'record f1');
      close(m.f1Weighted, num(c.f1Weighted), 'record f1Weighted');
      close(m.logLoss, num(c.logLoss), 'record logLoss');
    });
  }

  it('binary curves: ROC (ties as one step, collinear points dropped), precision–recall, average precision, reliability bins', () => {
    const curves = binary.curves as Curves;
    const positive = oneVsRest(binary.y, 1);
    const score = columnOf(binary.proba, 2, 1);
    const roc = rocCurve(positive, score);
    closeAll(roc.fpr, curves.roc.fpr, 'fpr');
    closeAll(roc.tpr, curves.roc.tpr, 'tpr');
    closeAll(roc.thresholds, curves.roc.thresholds, 'roc thresholds');
    const pr = precisionRecallCurve(positive, score);
    closeAll(pr.precision, curves.pr.precision, 'precision');
    closeAll(pr.recall, curves.pr.recall, 'recall');
    closeAll(pr.thresholds, curves.pr.thresholds, 'pr thresholds');
    close(averagePrecision(positive, score), num(binary.averagePrecision), 'averagePrecision');
    const bins = reliabilityBins(positive, score, 5);
    closeAll(
      bins.map((b) => b.fractionPositive),
      curves.reliability5.fractionPositive,
      'fractionPositive',
    );
    closeAll(
      bins.map((b) => b.meanPredicted),
      curves.reliability5.meanPredicted,
      'meanPredicted',
    );
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(binary.y.length);
  });

  it('a score on an inner bin edge falls in the lower bin, as numpy searchsorted', () => {
    const bins = reliabilityBins([1, 0, 1], [0.2, 0.4, 0.6000000000000001], 5);
    expect(bins.map((b) => [b.lower, b.count])).toEqual([
      [0, 1],
      [0.2, 1],
      [0.4, 1],
    ]);
  });

  it('a class with no predictions scores 0 precision, and the class in neither y nor predictions leaves the macro average', () => {
    const s = averagedScores(three.confusion);
    // class 2: never predicted → precision 0 and f1 0 in the macro mean over three classes
    expect(s.f1Macro).toBeCloseTo(num(three.f1Macro), 12);
    const m = classificationMetrics(four.y, four.proba, 4);
    expect(m.rocAuc).toBeNaN();
    expect(m.f1Macro).toBeCloseTo(num(four.f1Macro), 12);
  });

  it('log loss clips a zero probability for the true class to eps instead of giving Infinity', () => {
    expect(logLoss([1, 0], [1, 0, 1, 0], 2)).toBeCloseTo(-Math.log(2.220446049250313e-16) / 2, 10);
  });

  it('a decision threshold moves the binary predictions (class 1 where p₁ ≥ threshold)', () => {
    const proba = Float64Array.of(0.7, 0.3, 0.4, 0.6, 0.5, 0.5);
    expect(Array.from(decide(proba, 2))).toEqual([0, 1, 0]);
    expect(Array.from(decide(proba, 2, 0.3))).toEqual([1, 1, 1]);
    expect(Array.from(decide(proba, 2, 0.55))).toEqual([0, 1, 0]);
    expect(classificationMetrics([0, 1, 1], proba, 2, { threshold: 0.3 }).accuracy).toBeCloseTo(2 / 3, 15);
    expect(() => decide(Float64Array.of(0.2, 0.3, 0.5), 3, 0.5)).toThrow(InvalidParamsError);
  });

  it('bad input is a typed error naming the row', () => {
    expect(() => logLoss([0, 1], [0.5, 0.5, 1.2, -0.2], 2)).toThrow(expect.objectContaining({ code: 'bad-probability', where: expect.objectContaining({ row: 2 }) }));
    expect(() => accuracy([0, 1], [0])).toThrow(InvalidInputError);
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(expect.objectContaining({ code: 'bad-class-code', where: expect.objectContaining({ row: 2 }) }));
    expect(() => rocAuc([0, 1], [0.5, 0.5], 2)).toThrow(InvalidInputError);
  });
});

describe('classification metric registry', () => {
  it('ranks by ROC AUC by default and negates the losses', () => {
    expect(DEFAULT_CLASSIFICATION_METRIC).toBe('roc_auc');
    const m = classificationMetrics(binary.y, binary.proba, 2);
    expect(classificationRankingScore(m, 'roc_auc')).toBe(m.rocAuc);
    expect(classificationRankingScore(m, 'log_loss')).toBe(-m.logLoss);
    expect(classificationRankingScore({ ...m, rocAuc: NaN }, 'roc_auc')).toBe(-Infinity);
    expect(CLASSIFICATION_METRICS.filter((x) => !x.higherIsBetter).map((x) => x.name)).toEqual(['log_loss', 'brier']);
  });
  it('an unknown name lists the known ones', () => {
    expect(() => classificationMetric('auc')).toThrow(/roc_auc, log_loss, accuracy/);
    expect(classificationMetric('f1').field).toBe('f1');
  });
});
