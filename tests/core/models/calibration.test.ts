import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyCalibration, applyCalibrator, fitCalibration, fitIsotonic, fitSigmoid } from '../../../src/core/models/calibration';
import { InvalidInputError, InvalidParamsError } from '../../../src/core/errors';

// scikit-learn 1.9.1's CalibratedClassifierCV on a frozen classifier: tests/reference/scripts/sklearn_calibration.py.
interface Case {
  name: string;
  k: number;
  proba: number[];
  y: number[];
  calibrationRows: number;
  sigmoid: { proba: number[]; a: number[]; b: number[] };
  isotonic: { proba: number[]; thresholdsX: number[][]; thresholdsY: number[][] };
}
const REF = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../reference/sklearn-calibration.json'), 'utf8')) as { cases: Case[] };

describe('probability calibration matches scikit-learn’s CalibratedClassifierCV (frozen estimator)', () => {
  for (const c of REF.cases) {
    const n = c.calibrationRows;
    const calProba = c.proba.slice(0, n * c.k);
    const evalProba = c.proba.slice(n * c.k);

    it(`${c.name}: sigmoid (Platt) parameters and calibrated probabilities`, () => {
      const cal = fitCalibration('sigmoid', calProba, c.y.slice(0, n), c.k);
      cal.calibrators.forEach((cb, j) => {
        if (cb.method !== 'sigmoid') throw new Error('sigmoid expected');
        // sklearn stops L-BFGS-B at a gradient of 1e-6; Newton here goes to 1e-12.
        expect(Math.abs(cb.a - c.sigmoid.a[j]), `a[${j}]`).toBeLessThan(1e-5 * Math.abs(c.sigmoid.a[j]));
        expect(Math.abs(cb.b - c.sigmoid.b[j]), `b[${j}]`).toBeLessThan(1e-5 * Math.abs(c.sigmoid.b[j]));
      });
      const out = applyCalibration(cal, evalProba);
      c.sigmoid.proba.forEach((want, j) => expect(Math.abs(out[j] - want), `value ${j}`).toBeLessThan(1e-6));
    });

    it(`${c.name}: isotonic step points and calibrated probabilities`, () => {
      const cal = fitCalibration('isotonic', calProba, c.y.slice(0, n), c.k);
      cal.calibrators.forEach((cb, j) => {
        if (cb.method !== 'isotonic') throw new Error('isotonic expected');
        expect(Array.from(cb.x)).toEqual(c.isotonic.thresholdsX[j]);
        cb.y.forEach((v, q) => expect(v).toBeCloseTo(c.isotonic.thresholdsY[j][q], 14));
      });
      const out = applyCalibration(cal, evalProba);
      c.isotonic.proba.forEach((want, j) => expect(Math.abs(out[j] - want), `value ${j}`).toBeLessThan(1e-12));
    });
  }
});

describe('calibrators', () => {
  it('isotonic pools violators, averages tied scores, interpolates between points and clips at the ends', () => {
    // Scores 0.1 0.2 0.2 0.3 0.4: positives 0, 1, 0, 0, 1 → the tie is one point 0.5 of weight 2 → pooled with 0.3's 0: 1/3.
    const c = fitIsotonic([0.1, 0.2, 0.2, 0.3, 0.4], [0, 1, 0, 0, 1]);
    expect(Array.from(c.x)).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(Array.from(c.y)).toEqual([0, 1 / 3, 1 / 3, 1]);
    expect(applyCalibrator(c, 0.05)).toBe(0);
    expect(applyCalibrator(c, 0.15)).toBeCloseTo(1 / 6, 15);
    expect(applyCalibrator(c, 0.35)).toBeCloseTo(2 / 3, 15);
    expect(applyCalibrator(c, 0.9)).toBe(1);
  });

  it('a sigmoid fitted to an overconfident score flattens it; every score equal gives the smoothed base rate', () => {
    const score = Array.from({ length: 200 }, (_, i) => i / 199);
    // Truth: P(positive) = 0.3 + 0.4·score, a flatter curve than the score itself.
    const positive = score.map((s, i) => ((i * 7919) % 100) / 100 < 0.3 + 0.4 * s ? 1 : 0);
    const c = fitSigmoid(score, positive);
    const p0 = applyCalibrator(c, 0);
    const p1 = applyCalibrator(c, 1);
    expect(p0).toBeGreaterThan(0.2);
    expect(p1).toBeLessThan(0.8);
    const flat = fitSigmoid([0.5, 0.5, 0.5, 0.5], [1, 0, 0, 0]);
    // Platt's targets: (1 + 1)/(1 + 2) for the positive, 1/(3 + 2) for the negatives → mean 0.3167.
    expect(applyCalibrator(flat, 0.5)).toBeCloseTo((2 / 3 + 3 * 0.2) / 4, 9);
  });

  it('rows stay probabilities: in [0, 1], summing to 1', () => {
    const c = REF.cases[1];
    const cal = fitCalibration('isotonic', c.proba.slice(0, 900), c.y.slice(0, 300), 3);
    const out = applyCalibration(cal, c.proba.slice(900));
    for (let i = 0; i < 100; i++) {
      const row = Array.from(out.subarray(i * 3, i * 3 + 3));
      for (const v of row) expect(v >= 0 && v <= 1).toBe(true);
      expect(Math.abs(row.reduce((a, b) => a + b) - 1)).toBeLessThan(1e-12);
    }
  });

  it('bad input is a typed error', () => {
    expect(() => fitCalibration('sigmoid', [0.5, 0.5], [0, 1], 2)).toThrow(InvalidInputError);
    expect(() => fitCalibration('sigmoid', [0.5, 0.5, 0.2, 0.8], [0, 2], 2)).toThrow(expect.objectContaining({ code: 'bad-class-code', where: expect.objectContaining({ row: 2 }) }));
    expect(() => fitCalibration('beta' as 'sigmoid', [0.5, 0.5], [0], 2)).toThrow(InvalidParamsError);
  });
});
