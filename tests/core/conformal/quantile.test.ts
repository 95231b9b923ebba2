import { describe, expect, it } from 'vitest';
import { checkCoverage, conformalQuantile, conformalRank, minimumScores } from '../../../src/core/conformal';
import { InvalidParamsError } from '../../../src/core/errors';

describe('the conformal quantile', () => {
  it('is the ⌈(n+1)·c⌉-th smallest score', () => {
    const s = Float64Array.from({ length: 19 }, (_, i) => i + 1); // 1..19
    expect(conformalRank(19, 0.9)).toBe(18);
    expect(conformalQuantile(s, 0.9)).toBe(18);
    expect(conformalQuantile(s, 0.5)).toBe(10);
    // (n+1)·c an integer in exact arithmetic: no rounding up past it.
    expect(conformalRank(99, 0.9)).toBe(90);
  });

  it('is infinite when there are too few scores for the coverage, and says how many are needed', () => {
    expect(minimumScores(0.9)).toBe(9);
    expect(minimumScores(0.95)).toBe(19);
    const eight = Float64Array.from({ length: 8 }, (_, i) => i);
    const nine = Float64Array.from({ length: 9 }, (_, i) => i);
    expect(conformalQuantile(eight, 0.9)).toBe(Infinity);
    expect(conformalQuantile(nine, 0.9)).toBe(8);
  });

  it('refuses a coverage outside (0, 1), naming the field', () => {
    for (const bad of [0, 1, 90, -0.1, NaN]) expect(() => checkCoverage(bad, 'interval')).toThrow(InvalidParamsError);
    try {
      checkCoverage(90, 'interval');
    } catch (e) {
      expect((e as InvalidParamsError).where.field).toBe('interval');
      expect((e as Error).message).toContain('0.9 for 90 %');
    }
  });
});
