import { describe, expect, it } from 'vitest';
import { greedySelection, stackingWeights } from '../../../src/core/models/ensemble/selection';
import { Rng } from '../../../src/core/random';

const rmse = (p: Float64Array, y: Float64Array): number => Math.sqrt(p.reduce((s, v, i) => s + (v - y[i]) ** 2, 0) / y.length);

/** y plus independent noise of each standard deviation, and a constant bias. */
function candidates(n: number, noise: number[], bias: number[] = noise.map(() => 0), seed = 1): { y: Float64Array; preds: Float64Array[] } {
  const rng = new Rng(seed);
  const y = Float64Array.from({ length: n }, () => 10 + 3 * rng.normal());
  const preds = noise.map((s, m) => y.map((v) => v + bias[m] + s * rng.normal()));
  return { y, preds };
}

function blend(preds: Float64Array[], w: Float64Array, intercept = 0): Float64Array {
  const out = new Float64Array(preds[0].length).fill(intercept);
  preds.forEach((p, m) => p.forEach((v, i) => (out[i] += w[m] * v)));
  return out;
}

describe('greedy ensemble selection (Caruana et al. 2004)', () => {
  it('gives weights ≥ 0 that sum to 1, and its RMSE is that of the weighted predictions', () => {
    const { y, preds } = candidates(2000, [1, 1.2, 1.5, 3]);
    const s = greedySelection(preds, y, { size: 50 });
    expect(s.weights.length).toBe(4);
    for (const w of s.weights) expect(w).toBeGreaterThanOrEqual(0);
    expect(s.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(s.intercept).toBe(0);
    expect(s.rmse).toBeCloseTo(rmse(blend(preds, s.weights), y), 10);
    expect(s.trace.length).toBe(50);
    expect(s.picks.length).toBeGreaterThan(1);
  });

  it('starts with the best single model and is never worse than it on its rows', () => {
    const { y, preds } = candidates(1500, [2, 0.8, 1.4, 5], [0.5, 0, -1, 2], 3);
    const single = preds.map((p) => rmse(p, y));
    const best = single.indexOf(Math.min(...single));
    const s = greedySelection(preds, y, { size: 30 });
    expect(s.picks[0]).toBe(best);
    expect(s.trace[0]).toBeCloseTo(single[best], 12);
    expect(s.rmse).toBeLessThanOrEqual(single[best]);
    // Independent errors: blending helps here.
    expect(s.rmse).toBeLessThan(single[best] * 0.95);
  });

  it('puts the most weight on the better model and none on a useless one', () => {
    const rng = new Rng(9);
    const { y, preds } = candidates(3000, [1, 2], [0, 0], 5);
    const useless = y.map(() => 10 + 30 * rng.normal());
    const s = greedySelection([...preds, useless], y, { size: 50 });
    expect(s.weights[0]).toBeGreaterThan(s.weights[1]);
    expect(s.weights[2]).toBe(0);
  });

  it('keeps the single best model when blending cannot help (identical candidates)', () => {
    const { y, preds } = candidates(500, [1]);
    const s = greedySelection([preds[0], preds[0].slice()], y, { size: 20 });
    expect(Array.from(s.weights)).toEqual([1, 0]);
    expect(s.picks).toEqual([0]);
  });

  it('is deterministic', () => {
    const { y, preds } = candidates(800, [1, 1.1, 1.3, 2, 0.9]);
    const a = greedySelection(preds, y, { size: 50 });
    const b = greedySelection(preds.map((p) => p.slice()), y.slice(), { size: 50 });
    expect(Array.from(b.weights)).toEqual(Array.from(a.weights));
    expect(b.picks).toEqual(a.picks);
  });

  it('measures RMSE in the target’s units through decode (a log target)', () => {
    const { y, preds } = candidates(1000, [0.05, 0.08]);
    const yTarget = y.map(Math.exp);
    const decode = (p: Float64Array): Float64Array => p.map(Math.exp);
    const s = greedySelection(preds, yTarget, { size: 20, decode });
    expect(s.rmse / rmse(decode(blend(preds, s.weights)), yTarget)).toBeCloseTo(1, 12);
  });

  it('refuses mismatched lengths, non-finite predictions and a bad size, naming them', () => {
    const { y, preds } = candidates(100, [1, 2]);
    expect(() => greedySelection([preds[0], preds[1].subarray(0, 50)], y, { size: 5 })).toThrow(expect.objectContaining({ code: 'shape', where: { field: 'predictions[1]' } }));
    const bad = preds[1].slice();
    bad[7] = NaN;
    expect(() => greedySelection([preds[0], bad], y, { size: 5 })).toThrow(expect.objectContaining({ code: 'non-finite-prediction', where: { row: 8, field: 'predictions[1]' } }));
    expect(() => greedySelection(preds, y, { size: 0 })).toThrow(expect.objectContaining({ name: 'InvalidParamsError', where: { field: 'size' } }));
    expect(() => greedySelection([], y, { size: 5 })).toThrow(expect.objectContaining({ code: 'no-candidates' }));
  });
});

describe('ridge stacking', () => {
  it('recovers the least-squares blend with an intercept when alpha is 0', () => {
    const rng = new Rng(4);
    const n = 1000;
    const a = Float64Array.from({ length: n }, () => rng.normal());
    const b = Float64Array.from({ length: n }, () => rng.normal());
    const y = a.map((v, i) => 2 + 0.7 * v + 0.3 * b[i]);
    const s = stackingWeights([a, b], y, y, { alpha: 0 });
    expect(s.weights[0]).toBeCloseTo(0.7, 8);
    expect(s.weights[1]).toBeCloseTo(0.3, 8);
    expect(s.intercept).toBeCloseTo(2, 8);
    expect(s.rmse).toBeLessThan(1e-8);
  });

  it('shrinks the weights as alpha grows, and beats the best member on its rows with a small alpha', () => {
    const { y, preds } = candidates(2000, [1, 1.3, 2], [0.3, -0.2, 0]);
    const small = stackingWeights(preds, y, y, { alpha: 0.01 });
    const big = stackingWeights(preds, y, y, { alpha: 10 });
    const norm = (w: Float64Array): number => Math.hypot(...w);
    expect(norm(big.weights)).toBeLessThan(norm(small.weights));
    expect(small.rmse).toBeCloseTo(rmse(blend(preds, small.weights, small.intercept), y), 10);
    expect(small.rmse).toBeLessThan(Math.min(...preds.map((p) => rmse(p, y))));
  });

  it('solves identical candidates (a singular Gram): the blend is the single candidate’s fit', () => {
    const { y, preds } = candidates(300, [1]);
    const one = stackingWeights(preds, y, y, { alpha: 0 });
    const two = stackingWeights([preds[0], preds[0].slice()], y, y, { alpha: 0 });
    expect(two.weights[0] + two.weights[1]).toBeCloseTo(one.weights[0], 6);
    expect(two.rmse).toBeCloseTo(one.rmse, 6);
  });

  it('refuses a negative alpha', () => {
    const { y, preds } = candidates(50, [1]);
    expect(() => stackingWeights(preds, y, y, { alpha: -1 })).toThrow(expect.objectContaining({ where: { field: 'alpha' } }));
  });
});
