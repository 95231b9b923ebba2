/**
 * TreeSHAP against its definition: local accuracy (base + Σ values = prediction, 1e-9) for the
 * decision tree, the forest and the gradient-boosted trees, and agreement with Shapley values
 * enumerated by brute force over the path-dependent conditional expectation it explains.
 */
import { describe, expect, it } from 'vitest';
import { bruteForceTreeShapley } from '../../helpers/tree-shapley';
import { Explainer } from '../../../src/core/explain';
import { ensembleForShap, flatTreeForShap } from '../../../src/core/explain/tree-models';
import { ExplainError } from '../../../src/core/errors';
import { decodeState, encodeState } from '../../../src/core/bundle/codec';
import { RandomForestRegressor } from '../../../src/core/models/forest';
import { GradientBoostingRegressor } from '../../../src/core/models/gbdt';
import { modelFromJSON } from '../../../src/core/models/registry';
import { DecisionTreeRegressor } from '../../../src/core/models/tree';
import type { Matrix, Regressor, SerializedModel, StateValue } from '../../../src/core/models/types';
import { Rng } from '../../../src/core/random';

/** y = 4·x0 − 3·x1 + 2·x2·x3 + step(x4) + noise: interactions, so Shapley values are not just per-feature effects. */
function data(n: number, p: number, seed: number, missing = 0): { X: Matrix; y: Float64Array } {
  const rng = new Rng(seed);
  const d = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) d[i * p + j] = rng.normal();
    const r = d.subarray(i * p, i * p + p);
    y[i] = 4 * r[0] - 3 * r[1] + 2 * r[2] * r[3] + (r[4] > 0.3 ? 5 : 0) + 0.2 * rng.normal();
    for (let j = 0; j < p; j++) if (missing && rng.next() < missing) d[i * p + j] = NaN;
  }
  return { X: { data: d, rows: n, cols: p }, y };
}

const names = (p: number) => Array.from({ length: p }, (_, j) => `f${j}`);

function expectLocalAccuracy(model: Regressor, X: Matrix): void {
  const e = new Explainer(model, { features: names(X.cols) }).explain(X);
  const pred = model.predict(X);
  for (let r = 0; r < X.rows; r++) {
    let s = e.base;
    for (let j = 0; j < X.cols; j++) s += e.values[r * X.cols + j];
    expect(Math.abs(s - pred[r]), `row ${r}`).toBeLessThan(1e-9);
    expect(Math.abs(e.predictions[r] - pred[r])).toBeLessThan(1e-9);
  }
}

const identity = (p: number) => Int32Array.from({ length: p }, (_, j) => j);

describe('TreeSHAP', () => {
  const train = data(600, 6, 1);
  const test = data(40, 6, 2);

  it('decision tree: local accuracy to 1e-9 and the brute-force Shapley values of the path-dependent game', async () => {
    const m = await new DecisionTreeRegressor({ maxDepth: 6, seed: 3 }).fit(train.X, train.y);
    expectLocalAccuracy(m, test.X);
    const e = new Explainer(m, { features: names(6) }).explain(test.X);
    const trees = [flatTreeForShap(m.flatTree(), identity(6))];
    for (let r = 0; r < 10; r++) {
      const bf = bruteForceTreeShapley(trees, test.X, r, 6, 1);
      for (let j = 0; j < 6; j++) expect(e.values[r * 6 + j]).toBeCloseTo(bf[j], 10);
    }
    // An interaction the data has: x2·x3 gets credit on rows far from zero.
    expect(Math.max(...Array.from({ length: 40 }, (_, r) => Math.abs(e.values[r * 6 + 2])))).toBeGreaterThan(0.5);
    expect(e.kind).toBe('tree-shap');
  });

  it('random forest: local accuracy and brute force (mean over trees)', async () => {
    const m = await new RandomForestRegressor({ nEstimators: 6, maxDepth: 5, seed: 4 }).fit(train.X, train.y);
    expectLocalAccuracy(m, test.X);
    const e = new Explainer(m, { features: names(6) }).explain(test.X);
    const trees = m.estimators().map((t) => flatTreeForShap(t, identity(6)));
    // Bootstrap-weighted cover, not distinct rows, as the node values are bootstrap-weighted means.
    expect(m.estimators()[0].cover![0]).toBe(600);
    expect(m.estimators()[0].nSamples[0]).toBeLessThan(600);
    for (let r = 0; r < 6; r++) {
      const bf = bruteForceTreeShapley(trees, test.X, r, 6, 1 / 6);
      for (let j = 0; j < 6; j++) expect(e.values[r * 6 + j]).toBeCloseTo(bf[j], 10);
    }
  });

  it('gradient-boosted trees with missing values: local accuracy and brute force', async () => {
    const tr = data(800, 6, 5, 0.1);
    const te = data(30, 6, 6, 0.15);
    const m = await new GradientBoostingRegressor({ maxIterations: 25, numLeaves: 15, seed: 7, earlyStopping: false }).fit(tr.X, tr.y);
    expectLocalAccuracy(m, te.X);
    const e = new Explainer(m, { features: names(6) }).explain(te.X);
    const trees = ensembleForShap(m.ensemble(), identity(6));
    for (let r = 0; r < 5; r++) {
      const bf = bruteForceTreeShapley(trees, te.X, r, 6, 1);
      for (let j = 0; j < 6; j++) expect(e.values[r * 6 + j]).toBeCloseTo(bf[j], 9);
    }
  });

  it('gradient-boosted trees with native categorical splits: local accuracy', async () => {
    const rng = new Rng(9);
    const n = 700;
    const d = new Float64Array(n * 3);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      d[i * 3] = rng.nextInt(6);
      d[i * 3 + 1] = rng.normal();
      d[i * 3 + 2] = rng.normal();
      y[i] = [3, -1, 4, 0, -5, 2][d[i * 3]] + d[i * 3 + 1] * 2 + rng.normal() * 0.1;
    }
    const X: Matrix = { data: d, rows: n, cols: 3, features: [{ name: 'c', categorical: true, levels: 6 }, { name: 'a' }, { name: 'b' }] };
    const m = await new GradientBoostingRegressor({ maxIterations: 20, seed: 1, earlyStopping: false, categoricalSplit: 'native' }).fit(X, y);
    expect(m.ensemble().state.catIndex.some((c) => c >= 0)).toBe(true);
    // Unseen category 9 and a missing one take the learned missing direction, as prediction does.
    const T: Matrix = { data: Float64Array.from([0, 0.5, 1, 4, -1, 0, 9, 0, 0, NaN, 1, 1]), rows: 4, cols: 3, features: X.features };
    expectLocalAccuracy(m, T);
  });

  it.each(['squared_error_log_link', 'squared_error_log_target'] as const)('gradient-boosted trees with the %s loss: exact in log units, scaled to add up to the prediction', async (loss) => {
    const yPos = train.y.map((v) => Math.exp(v / 8) * 100);
    const m = await new GradientBoostingRegressor({ maxIterations: 20, seed: 2, earlyStopping: false, loss }).fit(train.X, yPos);
    const e = new Explainer(m, { features: names(6) }).explain(test.X);
    expect(e.scaled).toBe(true);
    const pred = m.predict(test.X);
    for (let r = 0; r < test.X.rows; r++) expect(Math.abs(e.predictions[r] - pred[r]) / pred[r]).toBeLessThan(1e-9);
    // The base is the prediction with nothing known, through the same curve: exp(raw base).
    expect(e.base).toBeGreaterThan(0);
  });

  it('players: one-hot indicators grouped into one player give the brute-force values of the grouped game', async () => {
    const m = await new DecisionTreeRegressor({ maxDepth: 6, seed: 3 }).fit(train.X, train.y);
    // Features 2 and 3 (the interacting pair) are one player: 5 players.
    const playerOf = Int32Array.from([0, 1, 2, 2, 3, 4]);
    const e = new Explainer(m, { features: names(6) }).explain(test.X);
    const trees = [flatTreeForShap(m.flatTree(), playerOf)];
    const { treeModelShap } = await import('../../../src/core/explain/tree-models');
    const grouped = treeModelShap({ trees, scale: 1, offset: Float64Array.of(0) }, test.X, 5);
    for (let r = 0; r < 8; r++) {
      const bf = bruteForceTreeShapley(trees, test.X, r, 5, 1);
      for (let j = 0; j < 5; j++) expect(grouped[r * 5 + j]).toBeCloseTo(bf[j], 10);
      let s = 0;
      for (let j = 0; j < 5; j++) s += grouped[r * 5 + j];
      let t = 0;
      for (let j = 0; j < 6; j++) t += e.values[r * 6 + j];
      expect(s).toBeCloseTo(t, 10);
    }
  });
});

/** The state as a bundle written before cover was kept would hold it. */
function withoutCover(s: SerializedModel): SerializedModel {
  const strip = (v: StateValue): StateValue => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'cover').map(([k, x]) => [k, strip(x)]));
    return v;
  };
  const state = decodeState(JSON.parse(JSON.stringify(encodeState(strip(s.state) as { [k: string]: StateValue })))) as { [k: string]: StateValue };
  return { ...s, state };
}

describe('models saved before cover was kept', () => {
  const train = data(400, 6, 11);
  const test = data(10, 6, 12);
  it('a gradient-boosted model loads and predicts, and explaining it is refused with a plain reason', async () => {
    const m = await new GradientBoostingRegressor({ maxIterations: 10, seed: 1, earlyStopping: false }).fit(train.X, train.y);
    const old = modelFromJSON(withoutCover(m.toJSON()));
    expect(Array.from(old.predict(test.X))).toEqual(Array.from(m.predict(test.X)));
    const err = (() => {
      try {
        new Explainer(old, { features: names(6) });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ExplainError);
    expect((err as ExplainError).code).toBe('no-cover');
    expect((err as ExplainError).message).toMatch(/Retrain the model/);
  });
  it('a forest explains from its distinct rows per node (still locally accurate)', async () => {
    const m = await new RandomForestRegressor({ nEstimators: 4, maxDepth: 5, seed: 2 }).fit(train.X, train.y);
    const old = modelFromJSON(withoutCover(m.toJSON())) as RandomForestRegressor;
    expect(old.estimators()[0].cover).toBeUndefined();
    expectLocalAccuracy(old, test.X);
  });
  it('a cover of 0 is refused on load, naming the field', async () => {
    const m = await new DecisionTreeRegressor({ maxDepth: 3 }).fit(train.X, train.y);
    const s = m.toJSON();
    (s.state.cover as Int32Array)[1] = 0;
    expect(() => modelFromJSON(s)).toThrow(/cover\[1\]/);
  });
});
