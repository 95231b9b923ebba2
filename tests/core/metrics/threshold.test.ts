import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { rocAuc } from '../../../src/core/metrics/classification';
import { oneVsRestCurves, precisionRecallCurve, rocCurve, averagePrecision, oneVsRest, columnOf } from '../../../src/core/metrics/curves';
import { rowShares, thresholdScores } from '../../../src/core/metrics/threshold';
import { InvalidInputError, InvalidParamsError } from '../../../src/core/errors';

// Numbers by scikit-learn 1.9.1: tests/reference/scripts/sklearn_threshold_curves.py.
type Nums = (number | null)[];
interface CurveRef {
  roc: { fpr: Nums; tpr: Nums; thresholds: Nums };
  auc: number;
  pr: { precision: Nums; recall: Nums; thresholds: Nums };
  averagePrecision: number;
}
const REF = JSON.parse(readFileSync(resolve(__dirname, '../../reference/sklearn-threshold-curves.json'), 'utf8')) as {
  binary: { y: number[]; proba: number[]; at: ({ threshold: number; confusion: number[][] } & Record<string, number>)[] };
  multiclass: { y: number[]; proba: number[]; classes: CurveRef[]; rocAucOvrMacro: number };
};

function close(actual: number, expected: number | null, what: string): void {
  const e = expected === null ? Infinity : expected;
  if (!Number.isFinite(e)) return expect(actual, what).toBe(e);
  expect(Math.abs(actual - e), `${what}: ${actual} vs ${e}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(e)));
}

function closeAll(actual: ArrayLike<number>, expected: Nums, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) close(actual[i], expected[i], `${what}[${i}]`);
}

describe('scores at a decision threshold match scikit-learn', () => {
  const { y, at } = REF.binary;
  const proba = Float64Array.from(REF.binary.proba);
  for (const ref of at)
    it(`threshold ${ref.threshold}: confusion matrix, accuracy, balanced accuracy, precision, recall, F1, false-positive rate`, () => {
      const s = thresholdScores(y, proba, ref.threshold);
      expect(s.confusion).toEqual(ref.confusion);
      for (const key of ['accuracy', 'balancedAccuracy', 'precision', 'recall', 'f1', 'falsePositiveRate'] as const) close(s[key], ref[key], key);
    });

  it('the operating point lies on the ROC and precision–recall curves at the same threshold', () => {
    const positive = oneVsRest(y, 1);
    const score = columnOf(proba, 2, 1);
    const roc = rocCurve(positive, score);
    const pr = precisionRecallCurve(positive, score);
    // A threshold equal to a distinct score: the curves hold that point exactly (ROC may drop collinear ones).
    const t = 0.5;
    const s = thresholdScores(y, proba, t);
    const j = Array.from(pr.thresholds).indexOf(t);
    expect(j).toBeGreaterThanOrEqual(0);
    expect([pr.recall[j], pr.precision[j]]).toEqual([s.recall, s.precision]);
    const i = Array.from(roc.thresholds).indexOf(t);
    if (i >= 0) expect([roc.fpr[i], roc.tpr[i]]).toEqual([s.falsePositiveRate, s.recall]);
  });

  it('a higher threshold never calls more rows positive', () => {
    let called = Infinity;
    for (let t = 0; t <= 1.0001; t += 0.05) {
      const [[, fp], [, tp]] = thresholdScores(y, proba, Math.min(1, t)).confusion;
      expect(fp + tp).toBeLessThanOrEqual(called);
      called = fp + tp;
    }
  });

  it('refuses a threshold outside [0, 1] naming the field, and a bad class code naming the row', () => {
    expect(() => thresholdScores([0, 1], Float64Array.of(0.5, 0.5, 0.2, 0.8), 1.5)).toThrow(InvalidParamsError);
    expect(() => thresholdScores([0, 1], Float64Array.of(0.5, 0.5, 0.2, 0.8), Number.NaN)).toThrow(expect.objectContaining({ where: expect.objectContaining({ field: 'threshold' }) }));
    expect(() => thresholdScores([0, 2], Float64Array.of(0.5, 0.5, 0.2, 0.8), 0.5)).toThrow(expect.objectContaining({ code: 'bad-class-code', where: expect.objectContaining({ row: 2 }) }));
  });

  it('row shares: each true class spread over the predicted ones, an empty row all 0', () => {
    expect(rowShares([[3, 1], [0, 0]])).toEqual([[0.75, 0.25], [0, 0]]);
  });
});

describe('one-vs-rest curves match scikit-learn', () => {
  const { y, classes } = REF.multiclass;
  const proba = Float64Array.from(REF.multiclass.proba);

  it('per class: ROC curve and AUC, precision–recall curve and average precision; the macro of the AUCs is roc_auc_score ovr', () => {
    const curves = oneVsRestCurves(y, proba, 3);
    expect(curves.map((c) => c.classCode)).toEqual([0, 1, 2]);
    curves.forEach((c, k) => {
      const ref = classes[k];
      closeAll(c.roc.fpr, ref.roc.fpr, `class ${k} fpr`);
      closeAll(c.roc.tpr, ref.roc.tpr, `class ${k} tpr`);
      closeAll(c.roc.thresholds, ref.roc.thresholds, `class ${k} roc thresholds`);
      close(c.auc, ref.auc, `class ${k} auc`);
      closeAll(c.pr.precision, ref.pr.precision, `class ${k} precision`);
      closeAll(c.pr.recall, ref.pr.recall, `class ${k} recall`);
      closeAll(c.pr.thresholds, ref.pr.thresholds, `class ${k} pr thresholds`);
      close(c.averagePrecision, ref.averagePrecision, `class ${k} average precision`);
      expect(c.positives).toBe(y.filter((v) => v === k).length);
    });
    close((curves[0].auc + curves[1].auc + curves[2].auc) / 3, REF.multiclass.rocAucOvrMacro, 'macro');
    close(rocAuc(y, proba, 3), REF.multiclass.rocAucOvrMacro, 'rocAuc');
  });

  it('a binary task has one entry, the positive class, equal to the single-curve functions', () => {
    const { y: yb } = REF.binary;
    const pb = Float64Array.from(REF.binary.proba);
    const [c, ...rest] = oneVsRestCurves(yb, pb, 2);
    expect(rest).toEqual([]);
    expect(c.classCode).toBe(1);
    const positive = oneVsRest(yb, 1);
    const score = columnOf(pb, 2, 1);
    expect(c.roc).toEqual(rocCurve(positive, score));
    expect(c.pr).toEqual(precisionRecallCurve(positive, score));
    expect(c.averagePrecision).toBe(averagePrecision(positive, score));
  });

  it('a class absent from the rows has an undefined AUC (NaN), and a shape mismatch is a typed error', () => {
    const curves = oneVsRestCurves([0, 1, 0, 1], Float64Array.of(0.6, 0.3, 0.1, 0.2, 0.7, 0.1, 0.5, 0.4, 0.1, 0.1, 0.8, 0.1), 3);
    expect(curves[2].auc).toBeNaN();
    expect(curves[2].positives).toBe(0);
    expect(() => oneVsRestCurves([0, 1], Float64Array.of(0.5, 0.5), 2)).toThrow(InvalidInputError);
  });
});
