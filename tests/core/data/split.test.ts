import { describe, expect, it } from 'vitest';
import { kFold, stratifiedKFold, stratifiedTrainTestSplit, trainTestSplit } from '../../../src/core/data/index';
import { InvalidInputError, InvalidParamsError } from '../../../src/core/errors';
import { haveTelco, loadTelcoRecords, loadTelcoTestIds, TELCO_SKIP_MESSAGE } from '../../helpers/telco';

describe('trainTestSplit', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = trainTestSplit(1000, { testSize: 0.2, seed: 7 });
    const b = trainTestSplit(1000, { testSize: 0.2, seed: 7 });
    const c = trainTestSplit(1000, { testSize: 0.2, seed: 8 });
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    expect(Array.from(a.test)).not.toEqual(Array.from(c.test));
  });

  it('partitions 0..n-1 into sorted train and test of round(n·testSize) rows', () => {
    const { train, test } = trainTestSplit(65535, { testSize: 0.2, seed: 42 });
    expect(test.length).toBe(13107);
    expect(train.length).toBe(65535 - 13107);
    const all = new Set([...train, ...test]);
    expect(all.size).toBe(65535);
    for (let i = 1; i < test.length; i++) expect(test[i]).toBeGreaterThan(test[i - 1]);
    for (let i = 1; i < train.length; i++) expect(train[i]).toBeGreaterThan(train[i - 1]);
  });

  it('golden: seed 42 gives these rows (xoshiro128** + Fisher–Yates; must match in every engine)', () => {
    expect(Array.from(trainTestSplit(10, { testSize: 0.3, seed: 42 }).test)).toEqual([3, 6, 8]);
    expect(Array.from(trainTestSplit(10, { testSize: 0.3, seed: 42 }).train)).toEqual([0, 1, 2, 4, 5, 7, 9]);
    expect(Array.from(trainTestSplit(65535, { testSize: 0.2, seed: 42 }).test.slice(0, 8))).toEqual([0, 6, 12, 22, 40, 43, 44, 47]);
  });

  it('rejects bad options naming the field', () => {
    expect(() => trainTestSplit(10, { testSize: 1.5, seed: 1 })).toThrow(InvalidParamsError);
    expect(() => trainTestSplit(10, { testSize: 0, seed: 1 })).toThrow(expect.objectContaining({ where: expect.objectContaining({ field: 'testSize' }) }));
    expect(() => trainTestSplit(10, { testSize: 0.2, seed: 1.5 })).toThrow(expect.objectContaining({ where: expect.objectContaining({ field: 'seed' }) }));
  });
});

describe('kFold', () => {
  it('folds cover every row once as test, train is the rest', () => {
    const folds = kFold(103, 5, 3);
    expect(folds.map((f) => f.test.length)).toEqual([21, 21, 21, 20, 20]);
    const seen = new Uint8Array(103);
    for (const f of folds) {
      for (const i of f.test) seen[i]++;
      expect(f.train.length + f.test.length).toBe(103);
      const t = new Set(f.test);
      for (const i of f.train) expect(t.has(i)).toBe(false);
    }
    expect(Array.from(seen).every((x) => x === 1)).toBe(true);
  });

  it('golden: seed 42, 7 rows, 3 folds', () => {
    expect(kFold(7, 3, 42).map((f) => Array.from(f.test))).toEqual([[0, 3, 5], [4, 6], [1, 2]]);
  });

  it('rejects k outside 2..n', () => {
    expect(() => kFold(5, 1, 0)).toThrow(InvalidParamsError);
    expect(() => kFold(5, 6, 0)).toThrow(/k must be/);
  });
});

/** Per part, how many rows of each class it holds. */
function classCountsOf(rows: Uint32Array, classes: number[], k: number): number[] {
  const out = new Array<number>(k).fill(0);
  for (const i of rows) out[classes[i]]++;
  return out;
}

describe('stratifiedTrainTestSplit', () => {
  // 1000 rows: 700 of class 0, 250 of class 1, 50 of class 2, interleaved.
  const classes = Array.from({ length: 1000 }, (_, i) => (i % 20 === 0 ? 2 : i % 4 === 1 ? 1 : 0));
  const counts = classCountsOf(Uint32Array.from(classes.keys()), classes, 3);

  it('keeps every class in proportion in the test part, partitioning the rows', () => {
    expect(counts).toEqual([700, 250, 50]);
    const { train, test } = stratifiedTrainTestSplit(classes, { testSize: 0.2, seed: 42 });
    expect(test.length).toBe(200);
    expect(classCountsOf(test, classes, 3)).toEqual([140, 50, 10]);
    expect(classCountsOf(train, classes, 3)).toEqual([560, 200, 40]);
    expect(new Set([...train, ...test]).size).toBe(1000);
    for (let i = 1; i < test.length; i++) expect(test[i]).toBeGreaterThan(test[i - 1]);
    for (let i = 1; i < train.length; i++) expect(train[i]).toBeGreaterThan(train[i - 1]);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = stratifiedTrainTestSplit(classes, { testSize: 0.25, seed: 7 });
    const b = stratifiedTrainTestSplit(classes, { testSize: 0.25, seed: 7 });
    const c = stratifiedTrainTestSplit(classes, { testSize: 0.25, seed: 8 });
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    expect(Array.from(a.test)).not.toEqual(Array.from(c.test));
  });

  it('gives rounding leftovers to the largest remainders and keeps the total round(n · testSize)', () => {
    // 10 / 7 / 3 rows, 30 % test = 6 rows: exact 3, 2.1, 0.9 → 3, 2, 1.
    const y = [...Array(10).fill(0), ...Array(7).fill(1), ...Array(3).fill(2)];
    expect(classCountsOf(stratifiedTrainTestSplit(y, { testSize: 0.3, seed: 1 }).test, y, 3)).toEqual([3, 2, 1]);
  });

  it('puts a rare class on both sides when its share would round to zero, and a one-row class in training', () => {
    const y = [...Array(97).fill(0), 1, 1, 2];
    const { train, test } = stratifiedTrainTestSplit(y, { testSize: 0.1, seed: 3 });
    expect(test.length).toBe(10);
    expect(classCountsOf(test, y, 3)).toEqual([9, 1, 0]);
    expect(classCountsOf(train, y, 3)).toEqual([88, 1, 1]);
  });

  it('rejects a row without a class, naming it, and bad options naming the field', () => {
    expect(() => stratifiedTrainTestSplit([0, 1, -1, 1], { testSize: 0.5, seed: 1 })).toThrow(
      expect.objectContaining({ code: 'bad-class-code', where: expect.objectContaining({ row: 3 }) }),
    );
    expect(() => stratifiedTrainTestSplit([0, 1, NaN], { testSize: 0.5, seed: 1 })).toThrow(InvalidInputError);
    expect(() => stratifiedTrainTestSplit([0, 1], { testSize: 1, seed: 1 })).toThrow(expect.objectContaining({ where: expect.objectContaining({ field: 'testSize' }) }));
  });
});

describe('stratifiedKFold', () => {
  const classes = Array.from({ length: 103 }, (_, i) => (i % 10 === 0 ? 2 : i % 3 === 0 ? 1 : 0));

  it('every row is tested once; each class differs by at most one between folds; fold sizes as kFold', () => {
    const k = 5;
    const folds = stratifiedKFold(classes, k, 3);
    expect(folds.map((f) => f.test.length)).toEqual([21, 21, 21, 20, 20]);
    const seen = new Uint8Array(103);
    const perFold = folds.map((f) => classCountsOf(f.test, classes, 3));
    for (const f of folds) {
      for (const i of f.test) seen[i]++;
      expect(f.train.length + f.test.length).toBe(103);
      const t = new Set(f.test);
      for (const i of f.train) expect(t.has(i)).toBe(false);
      for (let i = 1; i < f.train.length; i++) expect(f.train[i]).toBeGreaterThan(f.train[i - 1]);
    }
    expect(Array.from(seen).every((x) => x === 1)).toBe(true);
    for (let c = 0; c < 3; c++) {
      const cs = perFold.map((p) => p[c]);
      expect(Math.max(...cs) - Math.min(...cs)).toBeLessThanOrEqual(1);
      expect(Math.min(...cs)).toBeGreaterThan(0);
    }
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = stratifiedKFold(classes, 4, 11).map((f) => Array.from(f.test));
    expect(stratifiedKFold(classes, 4, 11).map((f) => Array.from(f.test))).toEqual(a);
    expect(stratifiedKFold(classes, 4, 12).map((f) => Array.from(f.test))).not.toEqual(a);
  });

  it('a class rarer than k is in as many folds as it has rows', () => {
    const y = [...Array(20).fill(0), 1, 1];
    const withClass1 = stratifiedKFold(y, 5, 0).filter((f) => classCountsOf(f.test, y, 2)[1] > 0);
    expect(withClass1.length).toBe(2);
  });

  it('rejects k outside 2..n', () => {
    expect(() => stratifiedKFold([0, 1, 0], 4, 0)).toThrow(/k must be/);
  });
});

describe.skipIf(!haveTelco)(`stratified split on telco-churn ${haveTelco ? '' : TELCO_SKIP_MESSAGE}`, () => {
  it('holds Churn = Yes in the test part at the same share as the reference split (stratified 80/20)', () => {
    const records = loadTelcoRecords();
    const ids = loadTelcoTestIds();
    const classes = records.map((r) => (r.Churn === 'Yes' ? 1 : 0));
    const { test } = stratifiedTrainTestSplit(classes, { testSize: 0.2, seed: 42 });
    const reference = records.filter((r) => ids.has(r.customerID));
    expect(test.length).toBe(reference.length);
    expect(classCountsOf(test, classes, 2)[1]).toBe(reference.filter((r) => r.Churn === 'Yes').length);
  });
});
