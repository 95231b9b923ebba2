/**
 * The finite-sample guarantee of split conformal regression on synthetic data: with n
 * exchangeable calibration scores, P(y ∈ interval) is between c and c + 1/(n+1). One draw's
 * coverage is noisy, so the check is on the mean over many seeded draws.
 */
import { describe, expect, it } from 'vitest';
import { calibrate, predictIntervals, scoreIntervals } from '../../../src/core/conformal';
import type { Matrix } from '../../../src/core/models/types';
import { Rng } from '../../../src/core/random';

/** y = 3·x₀ − 2·x₁ + noise whose spread grows with |x₀| (heteroscedastic); the "model" knows the mean, not the spread. */
function draw(n: number, rng: Rng): { X: Matrix; y: Float64Array; mean: Float64Array } {
  const data = new Float64Array(n * 2);
  const y = new Float64Array(n);
  const mean = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x0 = rng.next() * 4 - 2;
    const x1 = rng.normal();
    data[2 * i] = x0;
    data[2 * i + 1] = x1;
    mean[i] = 3 * x0 - 2 * x1;
    y[i] = mean[i] + (0.1 + Math.abs(x0)) * rng.normal();
  }
  return { X: { data, rows: n, cols: 2 }, y, mean };
}

async function meanCoverage(seeds: number, nCal: number, normalized: boolean, coverage: number) {
  let sum = 0;
  let width = 0;
  // Coverage of the quietest and the loudest rows (|x₀| < 0.5 and > 1.5), pooled over draws.
  const quiet = { inside: 0, rows: 0 };
  const loud = { inside: 0, rows: 0 };
  for (let s = 0; s < seeds; s++) {
    const rng = new Rng(1000 + s);
    const cal = draw(nCal, rng);
    const test = draw(400, rng);
    const { calibration } = await calibrate({ method: 'split', coverage, normalized, X: cal.X, actual: cal.y, predicted: cal.mean, seed: s });
    const iv = predictIntervals(calibration, test.X, test.mean);
    const e = scoreIntervals('test', test.y, iv);
    sum += e.empiricalCoverage;
    width += e.meanWidth;
    for (let i = 0; i < 400; i++) {
      const x0 = Math.abs(test.X.data[2 * i]);
      const group = x0 < 0.5 ? quiet : x0 > 1.5 ? loud : undefined;
      if (!group) continue;
      group.rows++;
      if (test.y[i] >= iv.lower[i] && test.y[i] <= iv.upper[i]) group.inside++;
    }
  }
  return { coverage: sum / seeds, width: width / seeds, quiet: quiet.inside / quiet.rows, loud: loud.inside / loud.rows };
}

describe('split conformal calibration', () => {
  it('covers at least c and at most c + 1/(n+1) of new rows, on average over 300 draws (plain scores)', async () => {
    // n = 49: (n+1)·0.9 = 45, so the bound is [0.9, 0.92]. Standard error of the mean here is ~0.0025.
    const { coverage } = await meanCoverage(300, 49, false, 0.9);
    expect(coverage).toBeGreaterThan(0.9 - 0.0075);
    expect(coverage).toBeLessThan(0.92 + 0.0075);
  });

  it('keeps the guarantee at another coverage taken from the same scores', async () => {
    let sum = 0;
    for (let s = 0; s < 300; s++) {
      const rng = new Rng(5000 + s);
      const cal = draw(39, rng);
      const test = draw(400, rng);
      const { calibration } = await calibrate({ method: 'split', coverage: 0.9, normalized: false, X: cal.X, actual: cal.y, predicted: cal.mean, seed: s });
      // 0.8 from scores stored for 0.9: rank ⌈40·0.8⌉ = 32 of 39, so coverage in [0.8, 0.825].
      sum += scoreIntervals('test', test.y, predictIntervals(calibration, test.X, test.mean, 0.8)).empiricalCoverage;
    }
    expect(sum / 300).toBeGreaterThan(0.8 - 0.009);
    expect(sum / 300).toBeLessThan(0.825 + 0.009);
  });

  it('normalised by the residual model: the same guarantee, and intervals that follow the noise', async () => {
    // 400 calibration rows: σ̂ fitted on 200, 200 scores → rank 181 of 200, coverage in [0.9, 0.905].
    const norm = await meanCoverage(60, 400, true, 0.9);
    const plain = await meanCoverage(60, 400, false, 0.9);
    expect(norm.coverage).toBeGreaterThan(0.9 - 0.01);
    expect(norm.coverage).toBeLessThan(0.905 + 0.01);
    // The noise spread ranges from 0.1 to 2.1. Plain intervals have one width: too wide for quiet
    // rows, too narrow for loud ones. Normalised ones cover both kinds of rows near 90 %.
    expect(plain.quiet).toBeGreaterThan(0.97);
    expect(plain.loud).toBeLessThan(0.82);
    expect(norm.quiet).toBeGreaterThan(0.87);
    expect(norm.quiet).toBeLessThan(0.93);
    expect(norm.loud).toBeGreaterThan(0.87);
    expect(norm.loud).toBeLessThan(0.93);

    const rng = new Rng(7);
    const cal = draw(400, rng);
    const { calibration } = await calibrate({ method: 'split', coverage: 0.9, normalized: true, X: cal.X, actual: cal.y, predicted: cal.mean, seed: 1 });
    expect(calibration.scale).toBeDefined();
    expect(calibration.scores).toHaveLength(200);
    expect(calibration.calibrationRows).toBe(400);
    const quiet = predictIntervals(calibration, { data: Float64Array.of(0, 0), rows: 1, cols: 2 }, Float64Array.of(0));
    const loud = predictIntervals(calibration, { data: Float64Array.of(1.9, 0), rows: 1, cols: 2 }, Float64Array.of(0));
    expect(loud.upper[0] - loud.lower[0]).toBeGreaterThan(3 * (quiet.upper[0] - quiet.lower[0]));
  });

  it('does not normalise below 200 calibration rows, nor when every error is zero', async () => {
    const rng = new Rng(3);
    const cal = draw(150, rng);
    const small = await calibrate({ method: 'split', coverage: 0.9, normalized: true, X: cal.X, actual: cal.y, predicted: cal.mean, seed: 1 });
    expect(small.calibration.scale).toBeUndefined();
    expect(small.calibration.scores).toHaveLength(150);
    const big = draw(300, rng);
    const exact = await calibrate({ method: 'split', coverage: 0.9, normalized: true, X: big.X, actual: big.y, predicted: big.y, seed: 1 });
    expect(exact.calibration.scale).toBeUndefined();
    expect(Math.max(...exact.calibration.scores)).toBe(0);
  });
});
