/** The one binary search over ascending arrays, against counting by hand. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lowerBound, upperBound } from '../../../src/core/stats/search';

describe('lowerBound and upperBound', () => {
  it('count the values below, and at or below, a value, ties and ±0 included', () => {
    const s = Float64Array.of(-3, -0, 0, 0, 2, 2, 2, 7);
    expect([lowerBound(s, 0), upperBound(s, 0)]).toEqual([1, 4]);
    expect([lowerBound(s, 2), upperBound(s, 2)]).toEqual([4, 7]);
    expect([lowerBound(s, -5), upperBound(s, 9)]).toEqual([0, 8]);
    expect([lowerBound(new Float64Array(0), 1), upperBound(new Float64Array(0), 1)]).toEqual([0, 0]);
  });

  it('agree with a linear count on any sorted array', () => {
    const value = fc.integer({ min: -20, max: 20 });
    fc.assert(
      fc.property(fc.array(value, { maxLength: 60 }), value, (xs, v) => {
        const s = Float64Array.from(xs).sort();
        expect(lowerBound(s, v)).toBe(xs.filter((x) => x < v).length);
        expect(upperBound(s, v)).toBe(xs.filter((x) => x <= v).length);
      }),
    );
  });
});
