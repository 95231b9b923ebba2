import { describe, expect, it } from 'vitest';
import { modelFromJSON } from '../../../src/core/models/registry';
import { BundleError, InvalidParamsError } from '../../../src/core/errors';
import { KNeighborsRegressor } from '../../../src/core/models/knn';
import type { Matrix } from '../../../src/core/models/types';
import { synthetic } from '../../conformance/suite';

/** Plain float64 brute force with (distance, index) ordering: the reference for the tfjs path. */
function bruteForce(train: Matrix, y: Float64Array, test: Matrix, k: number, weights: 'uniform' | 'distance'): Float64Array {
  const p = train.cols;
  const out = new Float64Array(test.rows);
  for (let i = 0; i < test.rows; i++) {
    const d: [number, number][] = [];
    for (let t = 0; t < train.rows; t++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += (test.data[i * p + j] - train.data[t * p + j]) ** 2;
      d.push([Math.sqrt(s), t]);
    }
    d.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const nn = d.slice(0, k);
    if (weights === 'uniform') out[i] = nn.reduce((a, [, t]) => a + y[t], 0) / k;
    else if (nn[0][0] === 0) {
      const z = nn.filter(([dd]) => dd === 0);
      out[i] = z.reduce((a, [, t]) => a + y[t], 0) / z.length;
    } else {
      const w = nn.map(([dd]) => 1 / dd);
      out[i] = nn.reduce((a, [, t], r) => a + w[r] * y[t], 0) / w.reduce((a, b) => a + b, 0);
    }
  }
  return out;
}

describe('KNeighborsRegressor', () => {
  const train = synthetic(3000, 6, 21);
  const test = synthetic(200, 6, 22);

  for (const weights of ['uniform', 'distance'] as const)
    for (const k of [1, 5, 12])
      it(`matches float64 brute force (k=${k}, ${weights})`, async () => {
        const m = await new KNeighborsRegressor({ k, weights }).fit(train.X, train.y);
        const got = m.predict(test.X);
        const want = bruteForce(train.X, train.y, test.X, k, weights);
        for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 9);
      });

  it('breaks distance ties by training row, and exact matches win with distance weights', async () => {
    // Rows 0 and 1 are duplicates with different targets; row 2 is farther away.
    const X: Matrix = { data: Float64Array.from([0, 0, 0, 0, 3, 0]), rows: 3, cols: 2 };
    const y = Float64Array.from([10, 20, 99]);
    const one = await new KNeighborsRegressor({ k: 1 }).fit(X, y);
    expect(one.predict({ data: Float64Array.from([0, 0]), rows: 1, cols: 2 })[0]).toBe(10);
    const dist = await new KNeighborsRegressor({ k: 3, weights: 'distance' }).fit(X, y);
    expect(dist.predict({ data: Float64Array.from([0, 0]), rows: 1, cols: 2 })[0]).toBe(15);
  });

  it('rejects k larger than the training set, and bad options, naming the field', async () => {
    await expect(new KNeighborsRegressor({ k: 10 }).fit({ data: new Float64Array(10), rows: 5, cols: 2 }, new Float64Array(5))).rejects.toMatchObject({
      where: { field: 'k' },
    });
    expect(() => new KNeighborsRegressor({ k: 0 })).toThrow(InvalidParamsError);
    expect(() => new KNeighborsRegressor({ weights: 'gaussian' as never })).toThrow(InvalidParamsError);
  });

  it('rejects a bundle whose stored rows do not match its shape', async () => {
    const m = await new KNeighborsRegressor().fit(train.X, train.y);
    const s = m.toJSON();
    const bad = { ...s, state: { ...s.state, X: (s.state.X as Float64Array).slice(1) } };
    expect(() => modelFromJSON(bad)).toThrow(expect.objectContaining({ name: 'BundleError', where: expect.objectContaining({ field: 'state.X' }) }));
  });
});
