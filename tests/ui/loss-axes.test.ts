/** What the Train and Runs loss charts draw of a long or awkward series. */
import { describe, expect, it } from 'vitest';
import { plottableLoss, thin } from '../../src/ui/loss-axes';

describe('loss chart series', () => {
  it('thins a long series to evenly spaced points and keeps the last; leaves a short one whole', () => {
    const steps = Array.from({ length: 1000 }, (_, i) => i);
    const kept = thin(steps, 4);
    expect(kept).toEqual([0, 250, 500, 750, 999]);
    expect(thin([1, 2, 3], 4)).toEqual([1, 2, 3]);
  });

  it('draws only losses a log axis can show', () => {
    expect([0.5, 0, -1, NaN, Infinity, undefined].map(plottableLoss)).toEqual([true, false, false, false, false, false]);
  });
});
