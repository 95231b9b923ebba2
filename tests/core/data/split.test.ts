import { describe, expect, it } from 'vitest';
import { kFold, trainTestSplit } from '../../../src/core/data/index';
import { InvalidParamsError } from '../../../src/core/errors';

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
