import { beforeAll, describe, expect, it } from 'vitest';
import { roundTrip } from '../../helpers/model-json';
import { MlpClassifier, MlpRegressor } from '../../../src/core/models/mlp';
import { learnIndicators, levelTolerance, withIndicators } from '../../../src/core/models/mlp/indicators';
import { modelFromJSON } from '../../../src/core/models/registry';
import type { Matrix, StateValue } from '../../../src/core/models/types';
import { Rng } from '../../../src/core/random';
import { initTf } from '../../../src/core/tf';

/**
 * Rows of [a number, a standardized 5-level code, a 0/1 column, a 40-valued column]; y depends on
 * the code's level through a bump at level 2, which one weight on the code cannot follow.
 */
function coded(n: number, seed: number): { X: Matrix; y: Float64Array } {
  const rng = new Rng(seed);
  const levels = [0, 1, 2, 3, 4].map((k) => (k - 2) / 1.4142135623730951);
  const data = new Float64Array(n * 4);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = rng.normal();
    const k = rng.nextInt(5);
    data.set([x, levels[k], rng.nextInt(2), rng.nextInt(40) / 7], i * 4);
    y[i] = 2 * x + (k === 2 ? 3 : 0) + 0.1 * rng.normal();
  }
  return { X: { data, rows: n, cols: 4 }, y };
}

const rmse = (a: Float64Array, b: Float64Array): number => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / a.length);

describe('MLP one-hot indicators (oneHotLevels)', () => {
  const train = coded(1200, 1);
  const test = coded(400, 2);
  const small = { hiddenLayers: [16], maxEpochs: 30, batchSize: 64, learningRate: 1e-2, seed: 3 };
  beforeAll(() => initTf());

  it('expands the columns of 3..max distinct values only, and matches values within the tolerance', () => {
    const ind = learnIndicators(train.X, 16)!;
    expect(ind.columns).toEqual([1]); // not the 0/1 column, not the 40-valued one, not the number
    expect(ind.levels[0]).toHaveLength(5);
    expect(learnIndicators(train.X, 40)!.columns).toEqual([1, 3]);
    expect(learnIndicators(train.X, 2)).toBeUndefined();
    expect(learnIndicators(train.X, 4)).toBeUndefined();
    const lv = ind.levels[0];
    const X: Matrix = { data: Float64Array.of(9, lv[3] * (1 + 1e-12), 0, 0, 9, (lv[0] + lv[1]) / 2, 1, 0, 9, NaN, 0, 0), rows: 3, cols: 4 };
    const out = withIndicators(X, ind);
    expect(out.cols).toBe(9);
    expect(Array.from(out.data.subarray(0, 9))).toEqual([9, lv[3] * (1 + 1e-12), 0, 0, 0, 0, 0, 1, 0]);
    expect(Array.from(out.data.subarray(13, 18))).toEqual([0, 0, 0, 0, 0]); // between two levels: none
    expect(Array.from(out.data.subarray(22, 27))).toEqual([0, 0, 0, 0, 0]); // missing: none
    expect(levelTolerance(1e6)).toBeCloseTo(1e-3, 12);
  });

  it('a code column whose values are too close to be codes is left alone', () => {
    const X: Matrix = { data: Float64Array.of(1, 1 + 1e-12, 2, 3), rows: 4, cols: 1 };
    expect(learnIndicators(X, 16)).toBeUndefined();
  });

  it('lets the network follow a level of a code that one weight cannot, and survives the bundle', async () => {
    const plain = await new MlpRegressor(small).fit(train.X, train.y);
    const expanded = await new MlpRegressor({ ...small, oneHotLevels: 16 }).fit(train.X, train.y);
    expect(plain.toJSON().state.oneHot).toBeUndefined();
    const s = expanded.toJSON();
    expect(s.state.sizes).toEqual([4 + 5, 16, 1]);
    expect(rmse(expanded.predict(test.X), test.y)).toBeLessThan(0.7 * rmse(plain.predict(test.X), test.y));
    const back = modelFromJSON(roundTrip(s));
    expect(Array.from(back.predict(test.X))).toEqual(Array.from(expanded.predict(test.X)));
    expect((back as MlpRegressor).backgroundRows()!.length % 4).toBe(0); // raw input rows, not expanded ones
    expect(() => back.predict({ data: new Float64Array(9), rows: 1, cols: 9 })).toThrow(/4/);
  });

  it('the classifier expands its inputs the same way', async () => {
    const y = Float64Array.from(train.y, (v, i) => (v - 2 * train.X.data[i * 4] > 1.5 ? 1 : 0));
    const m = await new MlpClassifier({ ...small, oneHotLevels: 16 }).fit(train.X, y);
    const s = m.toJSON();
    expect(s.state.sizes).toEqual([9, 16, 2]);
    const back = modelFromJSON(roundTrip(s));
    expect(Array.from((back as MlpClassifier).predictProba(test.X))).toEqual(Array.from(m.predictProba(test.X)));
  });

  it('rejects damaged indicators in a bundle, naming the field', async () => {
    const s = (await new MlpRegressor({ ...small, maxEpochs: 2, oneHotLevels: 16 }).fit(train.X, train.y)).toJSON();
    const oneHot = s.state.oneHot as { columns: number[]; levels: Float64Array[] };
    const named = (field: string) => expect.objectContaining({ name: 'BundleError', where: expect.objectContaining({ field }) });
    const withOneHot = (o: unknown) => modelFromJSON({ ...s, state: { ...s.state, oneHot: o as StateValue } });
    expect(() => withOneHot({ ...oneHot, columns: [7] })).toThrow(named('state.oneHot.columns[0]'));
    expect(() => withOneHot({ ...oneHot, levels: [Float64Array.of(1, 0, 2, 3, 4)] })).toThrow(named('state.oneHot.levels[0]'));
    expect(() => withOneHot({ ...oneHot, levels: [Float64Array.of(0, 1)] })).toThrow(named('state.oneHot.levels[0]'));
    expect(() => withOneHot({ ...oneHot, levels: [] })).toThrow(named('state.oneHot.levels'));
  });
});
