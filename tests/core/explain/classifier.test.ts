/**
 * Explanations of classifiers against their definitions: local accuracy (base + Σ values = the
 * model's output in the stated unit, 1e-9) for the decision tree, the forest and the boosted
 * trees (TreeSHAP) and logistic regression (exact), per explained class; agreement with Shapley
 * values enumerated by brute force on small tree classifiers; sampling (k-NN) adding up exactly
 * and converging to the brute-force values of its game.
 */
import { describe, expect, it } from 'vitest';
import { bruteForceTreeShapley } from '../../helpers/tree-shapley';
import { decodeState, encodeState } from '../../../src/core/bundle/codec';
import { ExplainError } from '../../../src/core/errors';
import { Explainer } from '../../../src/core/explain';
import { backgroundExpectation, exactShapley } from '../../../src/core/explain/exact';
import { featurePlayers } from '../../../src/core/explain/players';
import { ensembleForShap, flatTreeForShap } from '../../../src/core/explain/tree-models';
import { RandomForestClassifier } from '../../../src/core/models/forest';
import { GradientBoostingClassifier } from '../../../src/core/models/gbdt';
import { KNeighborsClassifier } from '../../../src/core/models/knn/k-neighbors-classifier';
import { MlpClassifier } from '../../../src/core/models/mlp';
import { initTf } from '../../../src/core/tf';
import { LogisticRegression } from '../../../src/core/models/linear';
import { modelFromJSON } from '../../../src/core/models/registry';
import { DecisionTreeClassifier } from '../../../src/core/models/tree';
import type { Classifier, Matrix, SerializedModel, StateValue } from '../../../src/core/models/types';
import { syntheticClasses } from '../../helpers/classification';

const names = (p: number) => Array.from({ length: p }, (_, j) => `f${j}`);
const identity = (p: number) => Int32Array.from({ length: p }, (_, j) => j);

/** The model's output per explained class in the explanation's unit: margins for 'log-odds', predictProba's columns otherwise. */
function outputs(model: Classifier, X: Matrix, classes: number[], margin?: (X: Matrix) => Float64Array[]): Float64Array {
  const O = classes.length;
  const out = new Float64Array(X.rows * O);
  if (margin) {
    const m = margin(X);
    for (let r = 0; r < X.rows; r++) for (let o = 0; o < O; o++) out[r * O + o] = m[o][r];
    return out;
  }
  const p = model.predictProba(X);
  const K = model.classCount;
  for (let r = 0; r < X.rows; r++) for (let o = 0; o < O; o++) out[r * O + o] = p[r * K + classes[o]];
  return out;
}

function expectLocalAccuracy(model: Classifier, X: Matrix, unit: string, margin?: (X: Matrix) => Float64Array[]): void {
  const e = new Explainer(model, { features: names(X.cols) }).explain(X);
  expect(e.unit).toBe(unit);
  const classes = e.classes!;
  const O = classes.length;
  expect(e.bases.length).toBe(O);
  expect(e.values.length).toBe(X.rows * O * X.cols);
  const want = outputs(model, X, classes, margin);
  for (let r = 0; r < X.rows; r++)
    for (let o = 0; o < O; o++) {
      let s = e.bases[o];
      for (let j = 0; j < X.cols; j++) s += e.values[(r * O + o) * X.cols + j];
      expect(Math.abs(s - want[r * O + o]), `row ${r} class ${classes[o]}`).toBeLessThan(1e-9);
      expect(Math.abs(e.predictions[r * O + o] - want[r * O + o])).toBeLessThan(1e-9);
    }
}

describe('explanations of classifiers', () => {
  const three = syntheticClasses(500, 5, 3, 1);
  const threeTest = syntheticClasses(30, 5, 3, 2);
  const two = syntheticClasses(500, 5, 2, 3);
  const twoTest = syntheticClasses(30, 5, 2, 4);

  it('decision tree, 3 classes: every class in probability, local accuracy 1e-9, and the brute-force values of each class', async () => {
    const m = await new DecisionTreeClassifier({ maxDepth: 6, seed: 1 }).fit(three.X, three.y);
    expectLocalAccuracy(m, threeTest.X, 'probability');
    const e = new Explainer(m, { features: names(5) }).explain(threeTest.X);
    expect(e.classes).toEqual([0, 1, 2]);
    expect(e.kind).toBe('tree-shap');
    for (let k = 0; k < 3; k++) {
      const trees = [flatTreeForShap(m.flatTree(), identity(5), [k])];
      for (let r = 0; r < 8; r++) {
        const bf = bruteForceTreeShapley(trees, threeTest.X, r, 5, 1);
        for (let j = 0; j < 5; j++) expect(e.values[(r * 3 + k) * 5 + j]).toBeCloseTo(bf[j], 10);
      }
    }
    // Probabilities sum to 1 in every row, so each column's values over the classes sum to 0.
    for (let r = 0; r < 30; r++) for (let j = 0; j < 5; j++) expect(Math.abs(e.values[r * 15 + j] + e.values[r * 15 + 5 + j] + e.values[r * 15 + 10 + j])).toBeLessThan(1e-12);
  });

  it('decision tree, 2 classes: the positive class alone', async () => {
    const m = await new DecisionTreeClassifier({ maxDepth: 5, seed: 1 }).fit(two.X, two.y);
    expectLocalAccuracy(m, twoTest.X, 'probability');
    const e = new Explainer(m, { features: names(5) }).explain(twoTest.X);
    expect(e.classes).toEqual([1]);
    const trees = [flatTreeForShap(m.flatTree(), identity(5), [1])];
    for (let r = 0; r < 5; r++) {
      const bf = bruteForceTreeShapley(trees, twoTest.X, r, 5, 1);
      for (let j = 0; j < 5; j++) expect(e.values[r * 5 + j]).toBeCloseTo(bf[j], 10);
    }
  });

  it('random forest, 3 classes: local accuracy and brute force (mean over bootstrap-weighted trees)', async () => {
    const m = await new RandomForestClassifier({ nEstimators: 8, maxDepth: 5, seed: 2 }).fit(three.X, three.y);
    expectLocalAccuracy(m, threeTest.X, 'probability');
    const e = new Explainer(m, { features: names(5) }).explain(threeTest.X);
    const trees = m.estimators().map((t) => flatTreeForShap(t, identity(5), [2]));
    for (let r = 0; r < 4; r++) {
      const bf = bruteForceTreeShapley(trees, threeTest.X, r, 5, 1 / 8);
      for (let j = 0; j < 5; j++) expect(e.values[(r * 3 + 2) * 5 + j]).toBeCloseTo(bf[j], 10);
    }
  });

  it('gradient-boosted trees: the log-odds margin (2 classes) and each class score (3 classes), local accuracy and brute force', async () => {
    const b = await new GradientBoostingClassifier({ maxIterations: 20, seed: 1 }).fit(two.X, two.y);
    expectLocalAccuracy(b, twoTest.X, 'log-odds', (X) => b.decisionFunction(X));
    const eb = new Explainer(b, { features: names(5) }).explain(twoTest.X);
    expect(eb.classes).toEqual([1]);
    expect(eb.bases[0]).not.toBe(b.baselines[0]);
    const m = await new GradientBoostingClassifier({ maxIterations: 10, seed: 1 }).fit(three.X, three.y);
    expectLocalAccuracy(m, threeTest.X, 'log-odds', (X) => m.decisionFunction(X));
    const e = new Explainer(m, { features: names(5) }).explain(threeTest.X);
    const trees = ensembleForShap(m.ensembles()[1], identity(5));
    for (let r = 0; r < 3; r++) {
      const bf = bruteForceTreeShapley(trees, threeTest.X, r, 5, 1);
      for (let j = 0; j < 5; j++) expect(e.values[(r * 3 + 1) * 5 + j]).toBeCloseTo(bf[j], 9);
    }
  });

  it('logistic regression: exact coef × (x − training mean) on the margin, 2 and 3 classes; kept through the bundle codec', async () => {
    const b = await new LogisticRegression().fit(two.X, two.y);
    const margin2 = (X: Matrix) => {
      const c = b.coef;
      return [Float64Array.from({ length: X.rows }, (_, r) => b.intercept[0] + c.reduce((s, w, j) => s + w * X.data[r * X.cols + j], 0))];
    };
    expectLocalAccuracy(b, twoTest.X, 'log-odds', margin2);
    const e = new Explainer(b, { features: names(5) }).explain(twoTest.X);
    expect(e.kind).toBe('linear');
    const mean = b.trainingMean!;
    for (let j = 0; j < 5; j++) expect(e.values[j]).toBeCloseTo(b.coef[j] * (twoTest.X.data[j] - mean[j]), 12);
    // The mean is the training rows' (unweighted) mean.
    expect(mean[0]).toBeCloseTo(Array.from({ length: 500 }, (_, r) => two.X.data[r * 5]).reduce((s, v) => s + v, 0) / 500, 12);

    const m = await new LogisticRegression().fit(three.X, three.y);
    const margin3 = (X: Matrix) =>
      [0, 1, 2].map((k) => Float64Array.from({ length: X.rows }, (_, r) => m.intercept[k] + Array.from({ length: 5 }, (_, j) => m.coef[k * 5 + j] * X.data[r * X.cols + j]).reduce((s, v) => s + v, 0)));
    expectLocalAccuracy(m, threeTest.X, 'log-odds', margin3);

    const json = m.toJSON();
    const state = decodeState(JSON.parse(JSON.stringify(encodeState(json.state as { [k: string]: StateValue })))) as { [k: string]: StateValue };
    const back = modelFromJSON({ ...json, state } as SerializedModel) as LogisticRegression;
    expect(back.trainingMean).toEqual(m.trainingMean);
    const { xMean: _dropped, ...older } = json.state;
    const old = modelFromJSON({ ...json, state: older }) as LogisticRegression;
    expect(() => new Explainer(old, { features: names(5) })).toThrow(ExplainError);
  });

  it('k-NN (sampling on the probability): adds up exactly, and converges to the brute-force values of its game', async () => {
    const m = await new KNeighborsClassifier({ k: 7 }).fit(three.X, three.y);
    const e = new Explainer(m, { features: names(5) }, { permutations: 256, seed: 1 }).explain({ data: threeTest.X.data.slice(0, 10), rows: 2, cols: 5 });
    expect(e.kind).toBe('sampling');
    expect(e.unit).toBe('probability');
    expect(e.classes).toEqual([0, 1, 2]);
    const p = m.predictProba({ data: threeTest.X.data.slice(0, 10), rows: 2, cols: 5 });
    for (let r = 0; r < 2; r++)
      for (let k = 0; k < 3; k++) {
        let s = e.bases[k];
        for (let j = 0; j < 5; j++) s += e.values[(r * 3 + k) * 5 + j];
        expect(Math.abs(s - p[r * 3 + k])).toBeLessThan(1e-12);
      }
    // The explainer draws its background rows with its seed.
    const bg = m.backgroundRows(1);
    const players = featurePlayers(names(5));
    const x = threeTest.X.data.slice(0, 5);
    const one = { data: x, rows: 1, cols: 5 };
    const few = new Explainer(m, { features: names(5) }, { permutations: 64, seed: 1 }).explain(one);
    const many = new Explainer(m, { features: names(5) }, { permutations: 2048, seed: 1 }).explain(one);
    for (const k of [0, 2]) {
      const classK = (d: Float64Array, rows: number) => {
        const q = m.predictProba({ data: d, rows, cols: 5 });
        return Float64Array.from({ length: rows }, (_, r) => q[r * 3 + k]);
      };
      const exact = exactShapley(5, (mask) => backgroundExpectation(classK, x, bg, players.features, mask));
      const err = (v: Float64Array) => Math.max(...Array.from(exact, (ex, j) => Math.abs(ex - v[k * 5 + j])));
      expect(Math.max(...Array.from(exact, Math.abs))).toBeGreaterThan(0.1);
      expect(err(many.values)).toBeLessThan(0.02);
      expect(err(many.values)).toBeLessThan(err(few.values));
    }
  });

  it('the MLP classifier (sampling on the probability against the rows it keeps): every class adds up exactly', async () => {
    await initTf();
    const m = await new MlpClassifier({ hiddenLayers: [16], batchSize: 32, maxEpochs: 8, seed: 1 }).fit(three.X, three.y);
    const X = { data: threeTest.X.data.slice(0, 15), rows: 3, cols: 5 };
    const e = new Explainer(m, { features: names(5) }, { permutations: 32 }).explain(X);
    expect(e).toMatchObject({ kind: 'sampling', unit: 'probability', classes: [0, 1, 2] });
    const p = m.predictProba(X);
    for (let r = 0; r < 3; r++)
      for (let k = 0; k < 3; k++) {
        let sum = e.bases[k];
        for (let j = 0; j < 5; j++) sum += e.values[(r * 3 + k) * 5 + j];
        expect(Math.abs(sum - p[r * 3 + k])).toBeLessThan(1e-9);
      }
  });
});
