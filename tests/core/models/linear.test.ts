import { describe, expect, it } from 'vitest';
import { modelFromJSON } from '../../../src/core/models/registry';
import { BundleError, InvalidParamsError } from '../../../src/core/errors';
import { ElasticNet, Lasso, LinearRegression, Ridge } from '../../../src/core/models/linear';
import type { Matrix } from '../../../src/core/models/types';
import { Rng } from '../../../src/core/random';
import { synthetic } from '../../conformance/suite';

/** Columns given as arrays → row-major Matrix. */
function matrix(cols: number[][]): Matrix {
  const n = cols[0].length;
  const p = cols.length;
  const data = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) data[i * p + j] = cols[j][i];
  return { data, rows: n, cols: p };
}

/** x solving A·x = b (Gaussian elimination with partial pivoting), for a reference in tests. */
function solveDense(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    [M[c], M[piv]] = [M[piv], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k];
    x[r] = s / M[r][r];
  }
  return x;
}

function sample(n: number, seed: number): { x0: number[]; x1: number[]; y: Float64Array } {
  const rng = new Rng(seed);
  const x0 = Array.from({ length: n }, () => rng.normal());
  const x1 = Array.from({ length: n }, () => rng.normal());
  const y = Float64Array.from(x0, (v, i) => 1 + 2 * v + 3 * x1[i]);
  return { x0, x1, y };
}

describe('LinearRegression', () => {
  it('recovers exact coefficients and intercept', async () => {
    const { x0, x1, y } = sample(200, 1);
    const m = await new LinearRegression().fit(matrix([x0, x1]), y);
    expect(m.coef[0]).toBeCloseTo(2, 10);
    expect(m.coef[1]).toBeCloseTo(3, 10);
    expect(m.intercept).toBeCloseTo(1, 10);
    expect(Array.from(m.featureImportance()!)).toEqual(Array.from(m.coef).map(Math.abs));
  });

  it('returns the minimum-norm solution for a duplicated (collinear) feature, as lstsq does', async () => {
    const { x0, x1, y } = sample(200, 2);
    const m = await new LinearRegression().fit(matrix([x0, x0, x1]), y);
    // 2·x0 split evenly between the two copies: the least-squares solution of smallest norm.
    expect(m.coef[0]).toBeCloseTo(1, 8);
    expect(m.coef[1]).toBeCloseTo(1, 8);
    expect(m.coef[2]).toBeCloseTo(3, 8);
    expect(m.intercept).toBeCloseTo(1, 8);
  });

  it('wide and collinear (more features than rows, duplicated columns): the minimum-norm least-squares solution', async () => {
    // 30 rows, 80 columns of which the last 10 copy the first 10. Without an intercept the
    // minimum-norm solution is Xᵀ(XXᵀ)⁻¹y (XXᵀ is invertible: 70 independent columns > 30 rows).
    const n = 30;
    const p = 80;
    const rng = new Rng(21);
    const cols = Array.from({ length: 70 }, () => Array.from({ length: n }, () => rng.normal()));
    for (let j = 0; j < 10; j++) cols.push(cols[j]);
    const X = matrix(cols);
    const y = Float64Array.from({ length: n }, () => rng.normal());
    const XXt = Array.from({ length: n }, (_, a) => Array.from({ length: n }, (_, b) => cols.reduce((s, c) => s + c[a] * c[b], 0)));
    const u = solveDense(XXt, Array.from(y));
    const want = cols.map((c) => c.reduce((s, v, i) => s + v * u[i], 0));
    const m = await new LinearRegression({ fitIntercept: false }).fit(X, y);
    for (let j = 0; j < p; j++) expect(m.coef[j]).toBeCloseTo(want[j], 9);
    for (let j = 0; j < 10; j++) expect(m.coef[70 + j]).toBeCloseTo(m.coef[j], 12);
    const pred = m.predict(X);
    for (let i = 0; i < n; i++) expect(pred[i]).toBeCloseTo(y[i], 9);
    // With an intercept: still an exact fit, copies share their weight equally, and the
    // coefficients match the no-intercept solution on centered data.
    const centered = cols.map((c) => {
      const mean = c.reduce((s, v) => s + v, 0) / n;
      return c.map((v) => v - mean);
    });
    const yMean = y.reduce((s, v) => s + v, 0) / n;
    const mi = await new LinearRegression().fit(X, y);
    const mc = await new LinearRegression({ fitIntercept: false }).fit(matrix(centered), y.map((v) => v - yMean));
    for (let j = 0; j < p; j++) expect(mi.coef[j]).toBeCloseTo(mc.coef[j], 9);
    for (let j = 0; j < 10; j++) expect(mi.coef[70 + j]).toBeCloseTo(mi.coef[j], 12);
    const predI = mi.predict(X);
    for (let i = 0; i < n; i++) expect(predI[i]).toBeCloseTo(y[i], 9);
  });

  it('gives a constant feature a zero coefficient', async () => {
    const { x0, x1, y } = sample(100, 3);
    const c = x0.map(() => 7);
    for (const m of [new LinearRegression(), new Ridge({ alpha: 1 }), new Lasso({ alpha: 0.01 })]) {
      await m.fit(matrix([x0, c, x1]), y);
      expect(m.coef[1]).toBe(0);
    }
  });

  it('fits through the origin when fitIntercept is false', async () => {
    const { x0, x1 } = sample(100, 4);
    const y = Float64Array.from(x0, (v, i) => 2 * v - x1[i]);
    const m = await new LinearRegression({ fitIntercept: false }).fit(matrix([x0, x1]), y);
    expect(m.intercept).toBe(0);
    expect(m.coef[0]).toBeCloseTo(2, 10);
  });
});

describe('Ridge, Lasso, ElasticNet', () => {
  const { X, y } = synthetic(300, 4, 9);

  it('Ridge with alpha = 0 equals ordinary least squares', async () => {
    const a = await new Ridge({ alpha: 0 }).fit(X, y);
    const b = await new LinearRegression().fit(X, y);
    for (let j = 0; j < 4; j++) expect(a.coef[j]).toBeCloseTo(b.coef[j], 10);
  });

  it('Ridge shrinks coefficients as alpha grows', async () => {
    const small = await new Ridge({ alpha: 0.1 }).fit(X, y);
    const big = await new Ridge({ alpha: 1000 }).fit(X, y);
    expect(Math.abs(big.coef[0])).toBeLessThan(Math.abs(small.coef[0]));
  });

  it('Lasso with a large alpha zeroes every coefficient and predicts the mean', async () => {
    const m = await new Lasso({ alpha: 100 }).fit(X, y);
    expect(Array.from(m.coef)).toEqual([0, 0, 0, 0]);
    expect(m.intercept).toBeCloseTo(y.reduce((a, b) => a + b, 0) / y.length, 12);
  });

  it('ElasticNet with l1Ratio = 0 is Ridge with alpha·n (sklearn scaling of the objective)', async () => {
    const en = await new ElasticNet({ alpha: 0.01, l1Ratio: 0, tol: 1e-12, maxIter: 100000 }).fit(X, y);
    const r = await new Ridge({ alpha: 0.01 * X.rows }).fit(X, y);
    for (let j = 0; j < 4; j++) expect(en.coef[j]).toBeCloseTo(r.coef[j], 6);
  });

  it('Lasso with a tiny alpha approaches least squares', async () => {
    const l = await new Lasso({ alpha: 1e-8, tol: 1e-12, maxIter: 100000 }).fit(X, y);
    const o = await new LinearRegression().fit(X, y);
    for (let j = 0; j < 4; j++) expect(l.coef[j]).toBeCloseTo(o.coef[j], 5);
  });
});

describe('linear params and bundles', () => {
  it('names the offending option', () => {
    const naming = (field: string) => expect.objectContaining({ name: 'InvalidParamsError', where: expect.objectContaining({ field }) });
    expect(() => new Ridge({ alpha: -1 })).toThrow(naming('alpha'));
    expect(() => new Lasso({ maxIter: 0.5 })).toThrow(naming('maxIter'));
    expect(() => new ElasticNet({ l1Ratio: 2 })).toThrow(naming('l1Ratio'));
    expect(() => new LinearRegression({ fitIntercept: 'yes' as unknown as boolean })).toThrow(naming('fitIntercept'));
    expect(() => new Lasso({ l1Ratio: 0.5 } as never)).toThrow(naming('l1Ratio'));
  });

  it('rejects a bundle with a non-finite coefficient, a wrong type or bad params, naming the field', async () => {
    const m = await new Ridge().fit(synthetic(50, 3, 1).X, synthetic(50, 3, 1).y);
    const s = m.toJSON();
    const naming = (field: string) => expect.objectContaining({ name: 'BundleError', where: expect.objectContaining({ field }) });
    const bad = { ...s, state: { ...s.state, coef: Float64Array.from([1, NaN, 2]) } };
    const named = (field: string) => expect.objectContaining({ name: 'BundleError', where: expect.objectContaining({ field }) });
    expect(() => modelFromJSON(bad)).toThrow(named('state.coef[1]'));
    // Ridge's bundle under another type's name: LinearRegression has no alpha.
    expect(() => modelFromJSON({ ...s, type: 'linear' })).toThrow(named('params.alpha'));
    expect(() => modelFromJSON({ ...s, params: { alpha: -3 } })).toThrow(named('params.alpha'));
    expect(() => modelFromJSON({ ...s, state: { ...s.state, intercept: 'x' } })).toThrow(named('state.intercept'));
    expect(Array.from((modelFromJSON(s) as Ridge).coef)).toEqual(Array.from(m.coef));
  });

  it('reports progress after each block of rows of the Gram pass', async () => {
    const big = synthetic(20_000, 4, 3);
    const fractions: number[] = [];
    await new LinearRegression().fit(big.X, big.y, { onProgress: (p) => fractions.push(p.fraction) });
    expect(fractions.length).toBeGreaterThanOrEqual(5);
    expect(fractions[fractions.length - 1]).toBe(1);
  });
});
