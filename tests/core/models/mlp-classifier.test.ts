import { describe, expect, it } from 'vitest';
import { roundTrip } from '../../helpers/model-json';
import { CancelledError, InvalidInputError } from '../../../src/core/errors';
import { logLoss } from '../../../src/core/metrics/classification';
import { MlpClassifier, MlpRegressor } from '../../../src/core/models/mlp';
import { createModel, modelFromJSON } from '../../../src/core/models/registry';
import { isClassifier, type Classifier, type SerializedModel, type StateValue } from '../../../src/core/models/types';
import { initTf, tf } from '../../../src/core/tf';
import { parseModels } from '../../../src/cli/train';
import { accuracyOf, expectProbabilities, syntheticClasses } from '../../helpers/classification';

const small = { hiddenLayers: [16, 16], batchSize: 32, maxEpochs: 12, learningRate: 1e-2 };

const meanOf = (proba: Float64Array, k: number, c: number): number => {
  let s = 0;
  for (let i = c; i < proba.length; i += k) s += proba[i];
  return s / (proba.length / k);
};

describe('MlpClassifier', () => {
  const train2 = syntheticClasses(800, 5, 2, 41);
  const test2 = syntheticClasses(300, 5, 2, 42);
  const train3 = syntheticClasses(800, 5, 3, 43);
  const test3 = syntheticClasses(300, 5, 3, 44);

  it('binary and multiclass: one softmax output per class, valid probabilities, well above chance', async () => {
    for (const [tr, te, k] of [[train2, test2, 2], [train3, test3, 3]] as const) {
      const m = await new MlpClassifier(small).fit(tr.X, tr.y);
      // Two classes too get two output units (a 2-way softmax), not one sigmoid unit.
      expect((m.toJSON().state.sizes as number[]).at(-1)).toBe(k);
      const proba = m.predictProba(te.X);
      expectProbabilities(proba, te.X.rows, k);
      expect(accuracyOf(te.y, m.predict(te.X))).toBeGreaterThan(0.8);
    }
  });

  it('early stopping keeps the epoch of the lowest validation log loss: the kept weights score it again', async () => {
    const m = await new MlpClassifier({ ...small, maxEpochs: 200, schedule: 'constant', learningRate: 3e-2, nIterNoChange: 4 }).fit(train3.X, train3.y, {
      validation: { X: test3.X, y: test3.y },
    });
    const h = m.history();
    expect(h.metric).toBe('log_loss');
    expect(h.validation.length).toBeLessThan(200);
    expect(h.bestStep).toBe(h.validation.indexOf(Math.min(...h.validation)));
    expect(h.validation.length - 1 - h.bestStep!).toBeGreaterThanOrEqual(4);
    // The history scored the float32 network in tfjs; predictProba runs the same weights in float64.
    expect(logLoss(test3.y, m.predictProba(test3.X), 3)).toBeCloseTo(h.validation[h.bestStep!], 5);
  });

  it("learns the class shares where the features say nothing; 'balanced' weighs classes even (n / (K · count))", async () => {
    // Labels unrelated to X: one row in five is class 1. Cross-entropy's best constant is the
    // share (0.2); weighted by classWeight 'balanced', each class weighs n / K: 0.5.
    const X = train2.X;
    const y = Float64Array.from({ length: X.rows }, (_, i) => (i % 5 === 0 ? 1 : 0));
    const noFit = { ...small, maxEpochs: 6 };
    const plain = await new MlpClassifier(noFit).fit(X, y);
    expect(meanOf(plain.predictProba(test2.X), 2, 1)).toBeCloseTo(0.2, 1);
    const balanced = await new MlpClassifier({ ...noFit, classWeight: 'balanced' }).fit(X, y);
    expect(meanOf(balanced.predictProba(test2.X), 2, 1)).toBeCloseTo(0.5, 1);
  });

  it('leaves no tensors behind after fits (weighted, early stopping, with validation), predictions and a cancelled fit', async () => {
    await initTf();
    const before = tf.memory().numTensors;
    const m = await new MlpClassifier({ ...small, classWeight: 'balanced' }).fit(train3.X, train3.y, { validation: { X: test3.X, y: test3.y } });
    m.predictProba(test3.X);
    await new MlpClassifier(small).fit(train2.X, train2.y);
    const ac = new AbortController();
    await expect(new MlpClassifier(small).fit(train2.X, train2.y, { signal: ac.signal, onProgress: () => ac.abort() })).rejects.toBeInstanceOf(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains on every row for maxEpochs when the data is too small for a hold-out', async () => {
    const tiny = syntheticClasses(4, 5, 2, 45);
    tiny.y.set([0, 1, 0, 1]);
    const m = await new MlpClassifier({ ...small, maxEpochs: 3 }).fit(tiny.X, tiny.y);
    expect(m.history().train.length).toBe(3);
    expect(m.history().validation).toEqual([]);
  });

  it('refuses bad class codes in y and in the validation target, naming the row', async () => {
    const y = train2.y.slice();
    y[4] = 0.5;
    await expect(new MlpClassifier(small).fit(train2.X, y)).rejects.toMatchObject({ name: 'InvalidInputError', code: 'bad-class-code', where: { row: 5 } });
    const yv = test2.y.slice();
    yv[2] = 7;
    const err = await new MlpClassifier(small).fit(train2.X, train2.y, { validation: { X: test2.X, y: yv } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).where.row).toBe(3);
    expect((err as InvalidInputError).message).toMatch(/^Validation target/);
  });

  it('round-trips through the registry with identical probabilities; refuses an output layer that is not K wide, naming the field', async () => {
    const m = await new MlpClassifier({ ...small, seed: 4 }).fit(train3.X, train3.y);
    const back = modelFromJSON(roundTrip(m.toJSON())) as Classifier;
    expect(back).toBeInstanceOf(MlpClassifier);
    expect(back.classCount).toBe(3);
    expect(Array.from(back.predictProba(test3.X))).toEqual(Array.from(m.predictProba(test3.X)));
    expect(back.history()).toEqual(m.history());
    const s = roundTrip(m.toJSON());
    const named = (field: string) => expect.objectContaining({ name: 'BundleError', where: expect.objectContaining({ field }) });
    expect(() => modelFromJSON({ ...s, state: { ...s.state, classCount: 2 } })).toThrow(named('state.sizes[3]'));
    expect(() => modelFromJSON({ ...s, state: { ...s.state, classCount: 1 } })).toThrow(named('state.classCount'));
    expect(createModel('mlp-classifier')).toBeInstanceOf(MlpClassifier);
  });

  it("is what the CLI's --models mlp trains for a classification task; the regressor stays a regressor", async () => {
    expect(parseModels('mlp', 'classification')).toEqual(['mlp-classifier']);
    expect(parseModels('mlp', 'regression')).toEqual(['mlp']);
    const r = await new MlpRegressor(small).fit(train2.X, train2.y);
    expect(isClassifier(r)).toBe(false);
    expect(r.predict(test2.X).length).toBe(test2.X.rows);
  });
});
