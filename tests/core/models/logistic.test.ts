import { describe, expect, it } from 'vitest';
import { LogisticRegression } from '../../../src/core/models/linear';
import { hessianMatrix, hessianTimes, rowLength, smoothObjective, type LogisticProblem } from '../../../src/core/models/linear/logistic-loss';
import { newtonCg } from '../../../src/core/models/linear/newton-cg';
import { proximalGradient } from '../../../src/core/models/linear/proximal-gradient';
import { proximalNewton } from '../../../src/core/models/linear/proximal-newton';
import { syntheticClasses } from '../../conformance/suite';

function problem(k: 2 | 3, l2: number): LogisticProblem {
  const { X, y } = syntheticClasses(300, 5, k, 9);
  return { X, y: Int32Array.from(y), weight: new Float64Array(300).fill(1 / 300), m: k === 2 ? 1 : 3, fitIntercept: true, l2 };
}

/** The multinomial intercepts are unpenalised and only defined up to a common constant: centre them. */
function centred(pr: LogisticProblem, W: Float64Array): Float64Array {
  const d = rowLength(pr);
  const out = W.slice();
  if (pr.m === 1) return out;
  let mean = 0;
  for (let c = 0; c < pr.m; c++) mean += W[c * d + d - 1] / pr.m;
  for (let c = 0; c < pr.m; c++) out[c * d + d - 1] -= mean;
  return out;
}

describe('logistic regression solvers', () => {
  for (const k of [2, 3] as const) {
    it(`${k} classes: proximal Newton and proximal gradient reach the same L1 / elastic-net minimiser`, async () => {
      for (const [l1, l2] of [
        [0.01, 0],
        [0.005, 0.005],
      ]) {
        const pr = problem(k, l2);
        const W0 = new Float64Array(pr.m * rowLength(pr));
        const a = await proximalNewton(pr, l1, W0, { maxIter: 100, tol: 1e-10 });
        const b = await proximalGradient(pr, l1, W0, { maxIter: 200_000, tol: 1e-9 });
        expect(a.converged && b.converged).toBe(true);
        const wa = centred(pr, a.W);
        const wb = centred(pr, b.W);
        for (let j = 0; j < wa.length; j++) expect(Math.abs(wa[j] - wb[j]), `parameter ${j}`).toBeLessThan(1e-6);
      }
    });
  }

  for (const k of [2, 3] as const)
    it(`${k} classes: Newton (Cholesky and conjugate gradients alike) stops at a zero gradient: no direction lowers the objective`, async () => {
      const pr = problem(k, 0.01);
      const exact = await newtonCg(pr, new Float64Array(pr.m * rowLength(pr)), { maxIter: 100, tol: 1e-12, explicitHessian: true });
      const cg = await newtonCg(pr, new Float64Array(pr.m * rowLength(pr)), { maxIter: 100, tol: 1e-12, explicitHessian: false });
      expect(exact.converged && cg.converged).toBe(true);
      const W = exact.W;
      const [a, b] = [centred(pr, W), centred(pr, cg.W)];
      for (let j = 0; j < W.length; j++) expect(Math.abs(a[j] - b[j]), `parameter ${j}`).toBeLessThan(1e-9);
      const f = smoothObjective(pr, W);
      for (let j = 0; j < W.length; j++)
        for (const h of [1e-4, -1e-4]) {
          const moved = W.slice();
          moved[j] += h;
          expect(smoothObjective(pr, moved)).toBeGreaterThan(f);
        }
    });

  it('the explicit Hessian equals Hessian-vector products with unit vectors', async () => {
    for (const k of [2, 3] as const) {
      const pr = problem(k, 0.02);
      const q = pr.m * rowLength(pr);
      const W = Float64Array.from({ length: q }, (_, j) => Math.sin(j));
      const curvature = new Float64Array(pr.X.rows * pr.m);
      smoothObjective(pr, W, new Float64Array(q), curvature);
      const H = hessianMatrix(pr, curvature);
      const e = new Float64Array(q);
      const col = new Float64Array(q);
      for (let j = 0; j < q; j++) {
        e.fill(0);
        e[j] = 1;
        hessianTimes(pr, curvature, e, col);
        for (let i = 0; i < q; i++) expect(Math.abs(H[i * q + j] - col[i])).toBeLessThan(1e-14);
      }
    }
  });
});

describe('LogisticRegression', () => {
  it('balanced class weights raise the rare class’s probabilities', async () => {
    const { X, y } = syntheticClasses(400, 5, 2, 3);
    // Keep one row in five of class 1: a rare class.
    const keep = [...y.keys()].filter((i) => y[i] === 0 || i % 5 === 0);
    const Xr = { data: Float64Array.from(keep.flatMap((i) => Array.from(X.data.subarray(i * 5, i * 5 + 5)))), rows: keep.length, cols: 5 };
    const yr = Float64Array.from(keep, (i) => y[i]);
    const mean1 = (p: Float64Array): number => p.filter((_, j) => j % 2 === 1).reduce((a, b) => a + b, 0) / (p.length / 2);
    const plain = await new LogisticRegression({ C: 0.05 }).fit(Xr, yr);
    const balanced = await new LogisticRegression({ C: 0.05, classWeight: 'balanced' }).fit(Xr, yr);
    expect(mean1(balanced.predictProba(Xr))).toBeGreaterThan(mean1(plain.predictProba(Xr)) + 0.1);
  });

  it('a stronger penalty (smaller C) shrinks the coefficients; l1 zeroes the noise feature', async () => {
    const { X, y } = syntheticClasses(400, 5, 2, 4);
    const norm = (c: Float64Array): number => Math.hypot(...c);
    const loose = await new LogisticRegression({ C: 10 }).fit(X, y);
    const tight = await new LogisticRegression({ C: 0.01 }).fit(X, y);
    expect(norm(tight.coef)).toBeLessThan(norm(loose.coef) / 2);
    const sparse = await new LogisticRegression({ penalty: 'l1', C: 0.05 }).fit(X, y);
    expect(sparse.coef[4]).toBe(0);
    expect(Math.abs(sparse.coef[0])).toBeGreaterThan(0.1);
  });

  it('without a penalty on separable rows, stops at maxIter with finite probabilities', async () => {
    const X = { data: Float64Array.of(-2, -1, 1, 2), rows: 4, cols: 1 };
    const m = await new LogisticRegression({ penalty: 'none', maxIter: 20 }).fit(X, Float64Array.of(0, 0, 1, 1));
    expect(m.nIter).toBeLessThanOrEqual(20);
    const p = m.predictProba(X);
    for (const v of p) expect(Number.isFinite(v)).toBe(true);
    expect(Array.from(m.predict(X))).toEqual([0, 0, 1, 1]);
  });

  it('multinomial: one coefficient row per class, importance per feature', async () => {
    const { X, y } = syntheticClasses(300, 5, 3, 5);
    const m = await new LogisticRegression().fit(X, y);
    expect(m.coef.length).toBe(15);
    expect(m.intercept.length).toBe(3);
    expect(m.featureImportance().length).toBe(5);
  });
});
