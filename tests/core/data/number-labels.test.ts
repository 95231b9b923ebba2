/** Numbers read as labels, as the schema and a fitted recipe both read a number column declared categorical. */
import { describe, expect, it } from 'vitest';
import { numbersAsLabels } from '../../../src/core/data/number-labels';

describe('numbersAsLabels', () => {
  it('one level per distinct number in order of first appearance, as JavaScript prints it; missing is −1', () => {
    const c = numbersAsLabels({ type: 'numeric', name: 'grade', values: Float64Array.of(3, 2.5, NaN, 3, -0, 0, 1e21) });
    expect(c).toMatchObject({ type: 'categorical', name: 'grade', levels: ['3', '2.5', '0', '1e+21'] });
    expect(Array.from(c.codes)).toEqual([0, 1, -1, 0, 2, 2, 3]);
  });
});
