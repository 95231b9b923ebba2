import { describe, expect, it } from 'vitest';
import { modelFromJSON } from '../../../src/core/models/registry';
import { ForestTreeTrainer, RandomForestRegressor } from '../../../src/core/models/forest';
import { accumulatePredictions } from '../../../src/core/models/tree';
import { BundleError, InvalidParamsError } from '../../../src/core/errors';
import type { SerializedModel } from '../../../src/core/models/types';
import { synthetic } from '../../conformance/suite';
import { expectThrowsAtField } from '../../helpers/errors';

const train = synthetic(400, 5, 21);
const test = synthetic(100, 5, 22);

describe('RandomForestRegressor', () => {
  it('predicts the mean of its trees', async () => {
    const m = await new RandomForestRegressor({ nEstimators: 7, seed: 3 }).fit(train.X, train.y);
    const trees = m.estimators();
    expect(trees.length).toBe(7);
    const p = m.predict(test.X);
    for (let r = 0; r < test.X.rows; r++) {
      let s = 0;
      for (const t of trees) {
        const one = new Float64Array(1);
        accumulatePredictions(t, test.X.data.subarray(r * 5, r * 5 + 5), 1, 5, one, 1);
        s += one[0];
      }
      expect(p[r]).toBeCloseTo(s / 7, 9);
    }
  });

  it('trees trained separately, in any order, assemble into the forest fit builds', async () => {
    const params = { nEstimators: 6, seed: 17, maxFeatures: 'sqrt' as const };
    const whole = await new RandomForestRegressor(params).fit(train.X, train.y);
    const trainer = new ForestTreeTrainer(train.X, train.y, params);
    const trees = new Array(6);
    for (const t of [5, 2, 0, 4, 1, 3]) trees[t] = trainer.fitTree(t);
    // A second trainer (another worker) gives the same tree for the same index.
    trees[4] = RandomForestRegressor.fitTree(train.X, train.y, params, 4);
    const assembled = RandomForestRegressor.fromTrees(params, trees);
    expect(Array.from(assembled.predict(test.X))).toEqual(Array.from(whole.predict(test.X)));
    expect(Array.from(assembled.featureImportance()!)).toEqual(Array.from(whole.featureImportance()!));
  });

  it('bootstraps each tree differently; without bootstrap every tree sees every row', async () => {
    const m = await new RandomForestRegressor({ nEstimators: 4, seed: 1 }).fit(train.X, train.y);
    const roots = m.estimators().map((t) => t.nSamples[0]);
    for (const r of roots) expect(r).toBeLessThan(400);
    expect(new Set(m.estimators().map((t) => t.threshold.join())).size).toBe(4);
    const all = await new RandomForestRegressor({ nEstimators: 3, bootstrap: false }).fit(train.X, train.y);
    for (const t of all.estimators()) expect(t.nSamples[0]).toBe(400);
    const small = await new RandomForestRegressor({ nEstimators: 3, maxSamples: 50 }).fit(train.X, train.y);
    for (const t of small.estimators()) expect(t.nSamples[0]).toBeLessThanOrEqual(50);
  });

  it('beats a single tree on held-out rows and reports an out-of-bag R²', async () => {
    const m = await new RandomForestRegressor({ nEstimators: 30, oobScore: true, seed: 2 }).fit(train.X, train.y);
    const sse = (p: Float64Array): number => p.reduce((a, v, i) => a + (v - test.y[i]) ** 2, 0);
    const one = RandomForestRegressor.fromTrees({ nEstimators: 1 }, [m.estimators()[0]]);
    expect(sse(m.predict(test.X))).toBeLessThan(sse(one.predict(test.X)));
    const oob = m.oobScore()!;
    expect(oob).toBeGreaterThan(0.7);
    expect(oob).toBeLessThan(1);
    const imp = m.featureImportance()!;
    expect(imp.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(imp[0]).toBeGreaterThan(imp[4]); // x0 carries signal; x4 is noise
  });

  it('reports progress once per tree', async () => {
    const steps: number[] = [];
    await new RandomForestRegressor({ nEstimators: 5 }).fit(train.X, train.y, {
      onProgress: (p) => {
        steps.push(p.step!);
        expect(p.totalSteps).toBe(5);
        expect(p.fraction).toBeCloseTo(p.step! / 5, 12);
      },
    });
    expect(steps).toEqual([1, 2, 3, 4, 5]);
  });

  it('rejects bad params naming the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ nEstimators: 0 }, 'nEstimators'],
      [{ bootstrap: 'yes' }, 'bootstrap'],
      [{ maxSamples: 1.5 }, 'maxSamples'],
      [{ bootstrap: false, maxSamples: 0.5 }, 'maxSamples'],
      [{ bootstrap: false, oobScore: true }, 'oobScore'],
      [{ maxFeatures: 0 }, 'maxFeatures'],
      [{ minSamplesLeaf: 0 }, 'minSamplesLeaf'],
      [{ trees: 3 }, 'trees'],
    ];
    for (const [p, field] of cases) expectThrowsAtField(() => new RandomForestRegressor(p as never), InvalidParamsError, field);
  });

  it('fromJSON rejects corrupted state, naming the tree and array', async () => {
    const fitted = await new RandomForestRegressor({ nEstimators: 3 }).fit(train.X, train.y);
    const s = fitted.toJSON();
    const trees = s.state.trees as Record<string, unknown>[];
    const bad = (edit: (trees: Record<string, unknown>[]) => void): SerializedModel => {
      const copy = trees.map((t) => {
        const c: Record<string, unknown> = { ...t };
        for (const k of Object.keys(c)) if (ArrayBuffer.isView(c[k])) c[k] = (c[k] as Int32Array).slice();
        return c;
      });
      edit(copy);
      return { ...s, state: { ...s.state, trees: copy as SerializedModel['state'][string] } };
    };
    const expectField = (m: SerializedModel, field: string): void => {
      expect(() => modelFromJSON(m)).toThrow(expect.objectContaining({ name: 'BundleError', where: expect.objectContaining({ field }) }));
    };
    expectField(bad((t) => ((t[1].left as Int32Array)[0] = -5)), 'state.trees[1].left[0]');
    expectField(bad((t) => ((t[2].feature as Int32Array)[0] = 5)), 'state.trees[2].feature[0]');
    expectField(bad((t) => (t[0].nFeatures = 4)), 'state.trees[0].nFeatures');
    expectField(bad((t) => t.pop()), 'state.trees');
    expectField({ ...s, params: { ...s.params, nEstimators: -1 } }, 'params.nEstimators');
    expect(modelFromJSON(s).predict(test.X)).toEqual(fitted.predict(test.X));
  });
});
