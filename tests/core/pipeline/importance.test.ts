import { describe, expect, it } from 'vitest';
import { CancelledError, InvalidParamsError } from '../../../src/core/errors';
import { permutationImportance } from '../../../src/core/pipeline/importance';
import type { Matrix } from '../../../src/core/models/types';
import { Rng } from '../../../src/core/random';

/** y = 3·x0 + 0.5·x1 (x2 is noise the model ignores); the "model" is the true formula. */
function data(rows: number, seed = 1): { X: Matrix; y: Float64Array } {
  const rng = new Rng(seed);
  const d = new Float64Array(rows * 3);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < 3; j++) d[i * 3 + j] = rng.normal();
    y[i] = 3 * d[i * 3] + 0.5 * d[i * 3 + 1];
  }
  return { X: { data: d, rows, cols: 3 }, y };
}

const truth = (X: Matrix): Float64Array => {
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) out[i] = 3 * X.data[i * X.cols] + 0.5 * X.data[i * X.cols + 1];
  return out;
};

describe('permutationImportance', () => {
  it('ranks features by how much shuffling them hurts R², and ignores unused ones', async () => {
    const { X, y } = data(4000);
    const before = Float64Array.from(X.data);
    const res = await permutationImportance(truth, X, y, { repeats: 3, seed: 7 });
    expect(res.baseline).toBe(1);
    // Shuffling x0 destroys its share of the variance twice over: drop ≈ 2·9/9.25 ≈ 1.95.
    expect(Math.abs(res.mean[0] - (2 * 9) / 9.25)).toBeLessThan(0.15);
    expect(Math.abs(res.mean[1] - (2 * 0.25) / 9.25)).toBeLessThan(0.02);
    expect(res.mean[2]).toBe(0);
    expect(res.std[2]).toBe(0);
    expect(res.mean[0]).toBeGreaterThan(res.mean[1]);
    expect(res.std[0]).toBeGreaterThan(0);
    // The caller's matrix is untouched.
    expect(X.data).toEqual(before);
  });

  it('reports the drop of another score when given one (a classifier’s accuracy)', async () => {
    const { X, y } = data(2000);
    // Classes: whether the formula is positive; the "classifier" decides by the formula.
    const classes = y.map((v) => (v > 0 ? 1 : 0));
    const decide = (m: Matrix): Float64Array => truth(m).map((v) => (v > 0 ? 1 : 0));
    const accuracy = (t: Float64Array, p: Float64Array): number => t.reduce((s, v, i) => s + (v === p[i] ? 1 : 0), 0) / t.length;
    const res = await permutationImportance(decide, X, classes, { repeats: 2, seed: 5, score: accuracy });
    expect(res.baseline).toBe(1);
    // Shuffling x0 makes the decision nearly a coin toss on most rows; x2 is never read.
    expect(res.mean[0]).toBeGreaterThan(0.3);
    expect(res.mean[1]).toBeGreaterThan(0);
    expect(res.mean[1]).toBeLessThan(res.mean[0]);
    expect(res.mean[2]).toBe(0);
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const { X, y } = data(500);
    const a = await permutationImportance(truth, X, y, { repeats: 2, seed: 3 });
    const b = await permutationImportance(truth, X, y, { repeats: 2, seed: 3 });
    const c = await permutationImportance(truth, X, y, { repeats: 2, seed: 4 });
    expect(a.mean).toEqual(b.mean);
    expect(a.mean[0]).not.toBe(c.mean[0]);
  });

  it('accepts async predictors and reports progress per feature', async () => {
    const { X, y } = data(200);
    const seen: number[] = [];
    await permutationImportance(async (m) => truth(m), X, y, { onProgress: (f) => seen.push(f) });
    expect(seen).toEqual([1 / 3, 2 / 3, 1]);
  });

  it('refuses bad options and mismatched shapes, naming the field', async () => {
    const { X, y } = data(10);
    await expect(permutationImportance(truth, X, y, { repeats: 0 })).rejects.toMatchObject({ where: { field: 'repeats' } });
    await expect(permutationImportance(truth, X, y.subarray(0, 5))).rejects.toBeInstanceOf(InvalidParamsError);
  });

  it('stops when cancelled', async () => {
    const { X, y } = data(100);
    const ac = new AbortController();
    ac.abort();
    await expect(permutationImportance(truth, X, y, { signal: ac.signal })).rejects.toBeInstanceOf(CancelledError);
  });
});
