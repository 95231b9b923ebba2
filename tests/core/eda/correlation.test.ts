import { describe, expect, it } from 'vitest';
import { correlationMatrix } from '../../../src/core/eda';
import { InvalidParamsError } from '../../../src/core/errors';
import { cat, num, table } from './helpers';

describe('correlationMatrix', () => {
  // x = 1..5, y = 2,4,5,4,5. Pearson: dx = -2..2, dy = -2,0,1,0,1 → Sxy 6, Sxx 10, Syy 6 → 6/√60.
  // Spearman: y ranks 1, 2.5, 4.5, 2.5, 4.5 → Sxy 7, Syy 9 → 7/√90. (scipy agrees with both.)
  const t = table(num('x', [1, 2, 3, 4, 5]), num('y', [2, 4, 5, 4, 5]));

  it('Pearson against a hand-computed value', () => {
    const m = correlationMatrix(t, ['x', 'y'], 'pearson');
    expect(m.columns).toEqual(['x', 'y']);
    expect(m.matrix[1]).toBeCloseTo(6 / Math.sqrt(60), 12);
    expect(m.matrix[2]).toBe(m.matrix[1]);
    expect([m.matrix[0], m.matrix[3]]).toEqual([1, 1]);
    expect(Array.from(m.n)).toEqual([5, 5, 5, 5]);
  });

  it('Spearman with tied values uses average ranks', () => {
    const m = correlationMatrix(t, ['x', 'y'], 'spearman');
    expect(m.matrix[1]).toBeCloseTo(7 / Math.sqrt(90), 12);
  });

  it('uses pairwise-complete rows, re-ranking within the pair', () => {
    // Row 6 lacks y, row 7 lacks x: the x–y pair is the five rows above; z is complete where present.
    const t2 = table(
      num('x', [1, 2, 3, 4, 5, 6, NaN]),
      num('y', [2, 4, 5, 4, 5, NaN, 100]),
      num('z', [5, 4, 3, 2, 1, 0, -1]),
    );
    const p = correlationMatrix(t2, ['x', 'y', 'z'], 'pearson');
    expect(p.matrix[1]).toBeCloseTo(6 / Math.sqrt(60), 12);
    expect(Array.from(p.n)).toEqual([6, 5, 6, 5, 6, 6, 6, 6, 7]);
    expect(p.matrix[0 * 3 + 2]).toBeCloseTo(-1, 12);
    const s = correlationMatrix(t2, ['x', 'y', 'z'], 'spearman');
    expect(s.matrix[1]).toBeCloseTo(7 / Math.sqrt(90), 12);
    expect(s.matrix[2]).toBeCloseTo(-1, 12);
  });

  it('Spearman with ties that straddle a dropped row', () => {
    // a has a tie group {4,4,4,4}; its fourth 4 is dropped because b is missing there, so the pair's
    // ranks of a are 1, 2.5, 2.5, 4, 6, 6, 6, 8 (not the 7.5s of the full column).
    // Over the 8 complete rows scipy.stats.spearmanr gives 0.8088885876886688.
    const t3 = table(num('a', [1, 2, 2, 3, 4, 4, 4, 5, 4]), num('b', [3, 1, 2, 2, 5, 6, 4, 7, NaN]));
    const s = correlationMatrix(t3, ['a', 'b'], 'spearman');
    expect(s.matrix[1]).toBeCloseTo(0.8088885876886688, 12);
    expect(s.n[1]).toBe(8);
  });

  it('is NaN for a constant column or fewer than two complete pairs', () => {
    const t4 = table(num('c', [3, 3, 3]), num('d', [1, 2, 3]), num('e', [1, NaN, NaN]));
    const m = correlationMatrix(t4, ['c', 'd', 'e'], 'pearson');
    expect(m.matrix[0]).toBeNaN(); // c with itself: no variance
    expect(m.matrix[1]).toBeNaN();
    expect(m.matrix[1 * 3 + 2]).toBeNaN();
    expect(m.n[1 * 3 + 2]).toBe(1);
  });

  it('names the column it cannot use', () => {
    const t5 = table(num('x', [1, 2]), cat('c', ['a', 'b']));
    expect(() => correlationMatrix(t5, ['x', 'nope'], 'pearson')).toThrow(/nope/);
    expect(() => correlationMatrix(t5, ['x', 'c'], 'pearson')).toThrow(InvalidParamsError);
    expect(() => correlationMatrix(t5, ['x', 'x'], 'pearson')).toThrow(/twice/);
    expect(() => correlationMatrix(t5, ['x'], 'kendall' as 'pearson')).toThrow(/method/);
  });
});
