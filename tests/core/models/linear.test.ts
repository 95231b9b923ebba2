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
    const field = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidParamsError);
        return (e as InvalidParamsError).where.field;
      }
      return undefined;
    };
    expect(field(() => new Ridge({ alpha: -1 }))).toBe('alpha');
    expect(field(() => new Lasso({ maxIter: 0.5 }))).toBe('maxIter');
    expect(field(() => new ElasticNet({ l1Ratio: 2 }))).toBe('l1Ratio');
    expect(field(() => new LinearRegression({ fitIntercept: 'yes' as unknown as boolean }))).toBe('fitIntercept');
    expect(field(() => new Lasso({ l1Ratio: 0.5 } as never))).toBe('l1Ratio');
  });

  it('rejects a bundle with a non-finite coefficient, a wrong type or bad params, naming the field', async () => {
    const m = await new Ridge().fit(synthetic(50, 3, 1).X, synthetic(50, 3, 1).y);
    const s = m.toJSON();
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
