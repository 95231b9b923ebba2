import { describe, expect, it } from 'vitest';
import { seriesName, thinCurve } from '../../src/ui/train/classification-charts';

describe('thinCurve', () => {
  it('keeps a short curve whole', () => {
    expect(thinCurve([0, 0.5, 1], [0, 0.7, 1], 10)).toEqual([
      { x: 0, y: 0 },
      { x: 0.5, y: 0.7 },
      { x: 1, y: 1 },
    ]);
  });

  it('thins a long curve to at most about `max` points, keeping both ends and every step of at least 1/max', () => {
    const n = 10_001;
    const x = Float64Array.from({ length: n }, (_, i) => i / (n - 1));
    // A staircase: flat, then a jump of 0.5 at x = 0.3, then flat.
    const y = Float64Array.from(x, (v) => (v < 0.3 ? 0.2 : 0.7));
    const out = thinCurve(x, y, 100);
    expect(out.length).toBeLessThanOrEqual(102);
    expect(out[0]).toEqual({ x: 0, y: 0.2 });
    expect(out[out.length - 1]).toEqual({ x: 1, y: 0.7 });
    // The jump is drawn where it happens, within one kept step.
    const jump = out.findIndex((p) => p.y === 0.7);
    expect(out[jump].x - 0.3).toBeLessThan(0.011);
    expect(out[jump].x).toBeGreaterThanOrEqual(0.3);
    // x never goes back.
    for (let i = 1; i < out.length; i++) expect(out[i].x).toBeGreaterThanOrEqual(out[i - 1].x);
  });
});

describe('seriesName', () => {
  it('names a line by its class and score, and says when the score is undefined', () => {
    expect(seriesName('Yes', 'AUC', 0.84249)).toBe('Yes (AUC 0.842)');
    expect(seriesName('c', 'AUC', Number.NaN)).toBe('c (AUC undefined)');
  });
});
