import { beforeAll, describe, expect, it } from 'vitest';
import { roundTrip } from '../../helpers/model-json';
import { MlpClassifier, MlpRegressor } from '../../../src/core/models/mlp';
import { modelFromJSON } from '../../../src/core/models/registry';
import type { Matrix } from '../../../src/core/models/types';
import { Rng } from '../../../src/core/random';
import { initTf } from '../../../src/core/tf';

function noisy(n: number, seed: number): { X: Matrix; y: Float64Array } {
  const rng = new Rng(seed);
  const data = new Float64Array(n * 3);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    const b = rng.normal();
    data.set([a, b, rng.normal()], i * 3);
    y[i] = a * b + Math.sin(2 * a) + 0.5 * rng.normal();
  }
  return { X: { data, rows: n, cols: 3 }, y };
}

describe('MLP averaged over several networks (networks)', () => {
  const train = noisy(800, 1);
  const test = noisy(200, 2);
  const small = { hiddenLayers: [8], maxEpochs: 8, batchSize: 64, learningRate: 1e-2, seed: 5 };
  beforeAll(() => initTf());

  it('one network is the plain model; n networks average the plain models of seeds seed … seed + n − 1', async () => {
    const plain = await new MlpRegressor(small).fit(train.X, train.y);
    const one = await new MlpRegressor({ ...small, networks: 1 }).fit(train.X, train.y);
    expect(one.toJSON().state).toEqual(plain.toJSON().state);
    expect(one.toJSON().state.extra).toBeUndefined();
    const fractions: number[] = [];
    const three = await new MlpRegressor({ ...small, networks: 3 }).fit(train.X, train.y, { onProgress: (p) => fractions.push(p.fraction) });
    const singles = await Promise.all([5, 6, 7].map((seed) => new MlpRegressor({ ...small, seed }).fit(train.X, train.y)));
    const preds = singles.map((m) => m.predict(test.X));
    const got = three.predict(test.X);
    for (let i = 0; i < got.length; i++) {
      const want = (preds[0][i] + preds[1][i] + preds[2][i]) / 3;
      expect(Math.abs(got[i] - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
    }
    // The averaged model differs from each of its networks, and its history is the first network's.
    expect(Array.from(got)).not.toEqual(Array.from(preds[0]));
    expect(three.history().train).toEqual(plain.history().train);
    expect(fractions.every((f, k) => k === 0 || f >= fractions[k - 1])).toBe(true);
    expect(fractions.at(-1)).toBe(1);
    expect(Math.max(...fractions.slice(0, small.maxEpochs))).toBeLessThanOrEqual(1 / 3 + 1e-12);
  });

  it('survives the bundle and refuses a wrong number of stored networks, naming the field', async () => {
    const m = await new MlpRegressor({ ...small, networks: 2 }).fit(train.X, train.y);
    const s = m.toJSON();
    expect(s.state.extra).toHaveLength(1);
    const back = modelFromJSON(roundTrip(s));
    expect(Array.from(back.predict(test.X))).toEqual(Array.from(m.predict(test.X)));
    const named = (field: string) => expect.objectContaining({ name: 'BundleError', where: expect.objectContaining({ field }) });
    expect(() => modelFromJSON({ ...s, state: { ...s.state, extra: [] } })).toThrow(named('state.extra'));
    expect(() => modelFromJSON({ ...s, params: { ...s.params, networks: 3 } })).toThrow(named('state.extra'));
    const { extra: _extra, ...withoutExtra } = s.state;
    expect(() => modelFromJSON({ ...s, state: withoutExtra })).toThrow(named('state.extra'));
    // A one-network model has no room for more.
    expect(() => modelFromJSON({ ...s, params: { ...s.params, networks: 1 } })).toThrow(/extra/);
  });

  it('the classifier averages its networks’ outputs before the softmax', async () => {
    const y = Float64Array.from(train.y, (v) => (v > 0 ? 1 : 0));
    const params = { ...small, earlyStopping: false };
    const two = await new MlpClassifier({ ...params, networks: 2 }).fit(train.X, y);
    const p = two.predictProba(test.X);
    for (let i = 0; i < test.X.rows; i++) expect(p[2 * i] + p[2 * i + 1]).toBeCloseTo(1, 12);
    const back = modelFromJSON(roundTrip(two.toJSON()));
    expect(Array.from((back as MlpClassifier).predictProba(test.X))).toEqual(Array.from(p));
    const one = await new MlpClassifier(params).fit(train.X, y);
    expect(Array.from(p)).not.toEqual(Array.from(one.predictProba(test.X)));
  });
});
