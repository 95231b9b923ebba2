import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors';
import { argmaxRows, classCountOf, classCounts } from '../../../src/core/models/classifier';
import { thrown } from '../../helpers/errors';

describe('classifier contract helpers', () => {
  it('reads K from the options, else max code + 1', () => {
    expect(classCountOf(Float64Array.of(0, 1, 1, 0))).toBe(2);
    expect(classCountOf(Float64Array.of(0, 2, 1))).toBe(3);
    // A fold without class 2 still has three classes when the pipeline says so.
    expect(classCountOf(Float64Array.of(0, 1, 1), { classCount: 3 })).toBe(3);
  });

  it('names the row of a bad code', () => {
    expect(thrown(() => classCountOf(Float64Array.of(0, 1, 0.5)), InvalidInputError).where.row).toBe(3);
    expect(thrown(() => classCountOf(Float64Array.of(0, -1)), InvalidInputError).where.row).toBe(2);
    expect(thrown(() => classCountOf(Float64Array.of(0, NaN)), InvalidInputError).where.row).toBe(2);
    expect(thrown(() => classCountOf(Float64Array.of(0, 3), { classCount: 3 }), InvalidInputError).where.row).toBe(2);
  });

  it('refuses one class and a bad class count', () => {
    expect(thrown(() => classCountOf(Float64Array.of(0, 0, 0)), InvalidInputError).code).toBe('one-class');
    expect(thrown(() => classCountOf(Float64Array.of(0, 1), { classCount: 1 }), InvalidInputError).code).toBe('bad-class-count');
  });

  it('takes the first of tied maxima, as numpy argmax', () => {
    expect([...argmaxRows(Float64Array.of(0.2, 0.5, 0.3, 0.4, 0.4, 0.2), 3)]).toEqual([1, 0]);
  });

  it('counts classes', () => {
    expect([...classCounts(Float64Array.of(0, 2, 2, 1, 2), 3)]).toEqual([1, 1, 3]);
  });
});
