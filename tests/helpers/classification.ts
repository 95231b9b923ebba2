/**
 * Synthetic classification data and the checks every classifier's probabilities must pass, for
 * the models' unit tests.
 */
import { expect } from 'vitest';
import type { Matrix } from '../../src/core/models/types';
import { Rng } from '../../src/core/random';

/**
 * n rows × p standard-normal features; class = argmax over k of a fixed linear score per class
 * (class c weighs feature c mod p by 3, the next one by −2) plus noise: learnable, not separable.
 */
export function syntheticClasses(n: number, p: number, k: number, seed: number): { X: Matrix; y: Float64Array } {
  const rng = new Rng(seed);
  const data = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) data[i * p + j] = rng.normal();
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < k; c++) {
      const score = 3 * data[i * p + (c % p)] - 2 * data[i * p + ((c + 1) % p)] + 0.5 * rng.normal();
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    y[i] = best;
  }
  return { X: { data, rows: n, cols: p }, y };
}

/** Every entry in [0, 1], every row summing to 1 within 1e-12, rows × k of them. */
export function expectProbabilities(proba: Float64Array, rows: number, k: number): void {
  expect(proba).toBeInstanceOf(Float64Array);
  expect(proba.length).toBe(rows * k);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let c = 0; c < k; c++) {
      const v = proba[i * k + c];
      expect(v >= 0 && v <= 1, `row ${i} class ${c}: ${v}`).toBe(true);
      s += v;
    }
    expect(Math.abs(s - 1), `row ${i} sums to ${s}`).toBeLessThanOrEqual(1e-12);
  }
}

/** Share of rows whose predicted code equals y. */
export function accuracyOf(y: Float64Array, predicted: Float64Array): number {
  let hit = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === predicted[i]) hit++;
  return hit / y.length;
}
