import { describe, expect, it } from 'vitest';
import { modelFromJSON } from '../../../src/core/models/registry';
import { BundleError, CancelledError, InvalidParamsError } from '../../../src/core/errors';
import { MlpRegressor } from '../../../src/core/models/mlp';
import { initTf, tf } from '../../../src/core/tf';
import { synthetic } from '../../conformance/suite';
import { expectThrowsAtField } from '../../helpers/errors';

const small = { hiddenLayers: [16, 16], batchSize: 32, maxEpochs: 8, learningRate: 1e-2 };

describe('MlpRegressor', () => {
  const train = synthetic(600, 5, 31);
  const val = synthetic(150, 5, 32);

  it('leaves no tensors behind after fits, predictions and a cancelled fit', async () => {
    await initTf();
    const before = tf.memory().numTensors;
    const m = await new MlpRegressor(small).fit(train.X, train.y, { validation: val });
    m.predict(val.X);
    await new MlpRegressor({ ...small, earlyStopping: true }).fit(train.X, train.y);
    const ac = new AbortController();
    await expect(
      new MlpRegressor(small).fit(train.X, train.y, { signal: ac.signal, onProgress: () => ac.abort() }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('records per-epoch losses and reports progress every epoch', async () => {
    const seen: number[] = [];
    const m = await new MlpRegressor(small).fit(train.X, train.y, { validation: val, onProgress: (p) => seen.push(p.step ?? -1) });
    const h = m.history();
    expect(h.unit).toBe('epoch');
    expect(h.train.length).toBe(8);
    expect(h.validation.length).toBe(8);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(h.train[7]).toBeLessThan(h.train[0]);
  });

  it('early stopping on an internal split keeps the best epoch and stops when patience runs out', async () => {
    const m = await new MlpRegressor({ ...small, maxEpochs: 200, learningRate: 5e-2, schedule: 'constant', earlyStopping: true, nIterNoChange: 3 }).fit(
      train.X,
      train.y,
    );
    const h = m.history();
    expect(h.validation.length).toBeLessThan(200);
    expect(h.bestStep).toBe(h.validation.indexOf(Math.min(...h.validation)));
    expect(h.validation.length - 1 - h.bestStep!).toBeGreaterThanOrEqual(3);
  });

  it('leaves no subnormal weights when weight decay shrinks dead units (WebAssembly cannot flush them, and they are slow)', async () => {
    // Strong decay on wide layers: units that die decay towards 0 through the subnormal range.
    const m = await new MlpRegressor({ ...small, hiddenLayers: [64, 64], batchSize: 8, maxEpochs: 30, alpha: 1 }).fit(train.X, train.y);
    const state = m.toJSON().state as { weights: Float32Array[]; biases: Float32Array[] };
    const values = [...state.weights, ...state.biases].flatMap((a) => [...a]);
    const subnormal = values.filter((x) => x !== 0 && Math.abs(x) < 1.1754944e-38);
    expect(subnormal).toEqual([]);
    expect(values.filter((x) => x === 0).length).toBeGreaterThan(0); // they were flushed, not avoided
  });

  it('gives different models for different seeds and identical ones for the same seed', async () => {
    const a = (await new MlpRegressor({ ...small, seed: 1 }).fit(train.X, train.y)).predict(val.X);
    const b = (await new MlpRegressor({ ...small, seed: 2 }).fit(train.X, train.y)).predict(val.X);
    const c = (await new MlpRegressor({ ...small, seed: 1 }).fit(train.X, train.y)).predict(val.X);
    expect(Array.from(a)).not.toEqual(Array.from(b));
    expect(Array.from(c)).toEqual(Array.from(a));
  });

  it('validates options and bundles, naming the field', async () => {
    expectThrowsAtField(() => new MlpRegressor({ hiddenLayers: [8, 0] }), InvalidParamsError, 'hiddenLayers[1]');
    expect(() => new MlpRegressor({ learningRate: 0 })).toThrow(InvalidParamsError);
    const m = await new MlpRegressor(small).fit(train.X, train.y);
    const s = m.toJSON();
    const weights = (s.state.weights as Float32Array[]).slice();
    weights[1] = weights[1].slice(1);
    const named = (field: string) => expect.objectContaining({ name: 'BundleError', where: expect.objectContaining({ field }) });
    expect(() => modelFromJSON({ ...s, state: { ...s.state, weights } })).toThrow(named('state.weights[1]'));
    expect(() => modelFromJSON({ ...s, state: { ...s.state, yStd: 0 } })).toThrow(named('state.yStd'));
  });
});
