/**
 * Exact linear explanations (coef × (x − training mean)) and the sampling estimator: local
 * accuracy, convergence to the exact values, and the recipe's folding of one-hot and derived
 * features back to input columns in the target's units.
 */
import { describe, expect, it } from 'vitest';
import { Explainer, partialDependence, shapSummary } from '../../../src/core/explain';
import { backgroundExpectation, exactShapley } from '../../../src/core/explain/exact';
import { featurePlayers } from '../../../src/core/explain/players';
import { samplingShapley } from '../../../src/core/explain/sampling';
import { ExplainError } from '../../../src/core/errors';
import { KNeighborsRegressor } from '../../../src/core/models/knn';
import { MlpRegressor } from '../../../src/core/models/mlp';
import { LinearRegression, Ridge } from '../../../src/core/models/linear';
import { modelFromJSON } from '../../../src/core/models/registry';
import type { Matrix } from '../../../src/core/models/types';
import { Rng } from '../../../src/core/random';
import { fitRecipe, type Recipe } from '../../../src/core/recipe';
import { GradientBoostingRegressor } from '../../../src/core/models/gbdt';
import { makeTable } from '../recipe/make-table';

function linearData(n: number, seed: number): { X: Matrix; y: Float64Array } {
  const rng = new Rng(seed);
  const p = 4;
  const d = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) d[i * p + j] = rng.normal() * (j + 1) + j;
    y[i] = 2 * d[i * p] - d[i * p + 1] + 0.5 * d[i * p + 2] + 3 + rng.normal() * 0.1;
  }
  return { X: { data: d, rows: n, cols: p }, y };
}

const names = ['a', 'b', 'c', 'd'];

describe('linear explanations', () => {
  const { X, y } = linearData(300, 1);
  it('are coef × (x − training mean), with local accuracy to 1e-9', async () => {
    const m = await new Ridge({ alpha: 0.5 }).fit(X, y);
    const e = new Explainer(m, { features: names }).explain(X);
    const mean = m.trainingMean!;
    const pred = m.predict(X);
    for (let r = 0; r < 20; r++) {
      for (let j = 0; j < 4; j++) expect(e.values[r * 4 + j]).toBeCloseTo(m.coef[j] * (X.data[r * 4 + j] - mean[j]), 12);
      expect(Math.abs(e.predictions[r] - pred[r])).toBeLessThan(1e-9);
    }
    // The base is the mean training prediction.
    expect(e.base).toBeCloseTo(pred.reduce((s, v) => s + v, 0) / pred.length, 9);
    expect(e.kind).toBe('linear');
  });
  it('a model without an intercept still measures from the training mean', async () => {
    const m = await new LinearRegression({ fitIntercept: false }).fit(X, y);
    const e = new Explainer(m, { features: names }).explain(X);
    const pred = m.predict(X);
    for (let r = 0; r < 10; r++) expect(Math.abs(e.predictions[r] - pred[r])).toBeLessThan(1e-9);
    expect(m.trainingMean![3]).toBeCloseTo(Array.from({ length: 300 }, (_, i) => X.data[i * 4 + 3]).reduce((a, b) => a + b) / 300, 12);
  });
  it('an older bundle without training means is refused with a plain reason', async () => {
    const m = await new Ridge({ alpha: 0.5 }).fit(X, y);
    const s = m.toJSON();
    delete s.state.xMean;
    const old = modelFromJSON(s);
    expect(() => new Explainer(old, { features: names })).toThrow(ExplainError);
    expect(() => new Explainer(old, { features: names })).toThrow(/training mean/);
  });
});

describe('sampling Shapley', () => {
  const { X, y } = linearData(300, 2);
  const background = X.data.slice(0, 16 * 4);
  const players = featurePlayers(names);

  it('on a linear model: exactly coef × (x − background mean), the exact interventional values (each chain of an additive model gives them)', async () => {
    const m = await new LinearRegression().fit(X, y);
    const predict = (data: Float64Array, rows: number) => m.predict({ data, rows, cols: 4 });
    const s = samplingShapley(predict, { data: X.data.slice(0, 5 * 4), rows: 5, cols: 4 }, background, players, { permutations: 32, seed: 1 });
    const bgMean = [0, 1, 2, 3].map((j) => Array.from({ length: 16 }, (_, i) => background[i * 4 + j]).reduce((a, b) => a + b) / 16);
    for (let r = 0; r < 5; r++) for (let j = 0; j < 4; j++) expect(s.values[r * 4 + j]).toBeCloseTo(m.coef[j] * (X.data[r * 4 + j] - bgMean[j]), 9);
  });

  it('on a model with interactions (k-NN): the error against brute force shrinks as permutations grow, and values add up exactly', async () => {
    const rng = new Rng(5);
    const n = 400;
    const d = new Float64Array(n * 4);
    const yy = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < 4; j++) d[i * 4 + j] = rng.normal();
      yy[i] = d[i * 4] * d[i * 4 + 1] * 3 + Math.abs(d[i * 4 + 2]) * 2 + d[i * 4 + 3];
    }
    const m = await new KNeighborsRegressor({ k: 5 }).fit({ data: d, rows: n, cols: 4 }, yy);
    const predict = (data: Float64Array, rows: number) => m.predict({ data, rows, cols: 4 });
    const bg = m.backgroundRows(0, 4);
    const x: Matrix = { data: Float64Array.from([1.5, -1.2, 1.1, 0.4]), rows: 1, cols: 4 };
    const exact = exactShapley(4, (mask) => backgroundExpectation(predict, x.data, bg, players.features, mask));
    const errAt = (permutations: number, seed: number) => {
      const s = samplingShapley(predict, x, bg, players, { permutations, seed });
      const fx = predict(x.data, 1)[0];
      expect(s.base + s.values.reduce((a, b) => a + b, 0)).toBeCloseTo(fx, 9);
      return Math.sqrt([0, 1, 2, 3].reduce((a, j) => a + (s.values[j] - exact[j]) ** 2, 0));
    };
    const mean = (k: number) => [1, 2, 3, 4, 5].reduce((a, seed) => a + errAt(k, seed), 0) / 5;
    const small = mean(8);
    const large = mean(512);
    expect(large).toBeLessThan(small / 3);
    expect(large).toBeLessThan(0.15);
  });

  it('an MLP keeps 32 seeded background rows; one saved before them is refused with a plain reason', async () => {
    const m = await new MlpRegressor({ hiddenLayers: [8], maxEpochs: 3, seed: 1 }).fit(X, y);
    expect(m.backgroundRows()!.length).toBe(32 * 4);
    const s = m.toJSON();
    delete s.state.background;
    const old = modelFromJSON(s);
    expect(() => new Explainer(old, { features: names })).toThrow(expect.objectContaining({ name: 'ExplainError', code: 'no-background' }));
  });

  it('is seeded: the same row gets the same values alone or among other rows', async () => {
    const m = await new KNeighborsRegressor({ k: 3 }).fit(X, y);
    const ex = new Explainer(m, { features: names }, { permutations: 64, seed: 7 });
    const all = ex.explain({ data: X.data.slice(0, 3 * 4), rows: 3, cols: 4 });
    const one = ex.explain({ data: X.data.slice(2 * 4, 3 * 4), rows: 1, cols: 4 });
    expect(Array.from(one.values)).toEqual(Array.from(all.values.slice(2 * 4, 3 * 4)));
    expect(all.kind).toBe('sampling');
    expect(all.permutations).toBeGreaterThanOrEqual(64);
  });
});

describe('explanations through a recipe', () => {
  const rng = new Rng(3);
  const n = 400;
  const shops = ['a', 'b', 'c'];
  const cells: Record<string, Array<number | string | null>> = { carat: [], x: [], shop: [], price: [] };
  for (let i = 0; i < n; i++) {
    const carat = 0.3 + rng.next() * 2;
    const x = 4 + carat * 2 + rng.normal() * 0.2;
    const shop = shops[rng.nextInt(3)];
    cells.carat.push(carat);
    cells.x.push(x);
    cells.shop.push(shop);
    cells.price.push(Math.exp(6 + carat + (shop === 'b' ? 0.3 : 0) + 0.05 * x * carat));
  }
  const table = makeTable(cells as Record<string, Array<number | null>>);
  const recipe: Recipe = {
    version: 1,
    target: 'price',
    targetTransform: 'log1p',
    columns: [
      { name: 'carat', role: 'feature', kind: 'numeric', impute: { strategy: 'median' }, encode: 'standard' },
      { name: 'x', role: 'ignore', kind: 'numeric', impute: { strategy: 'median' }, encode: 'standard' },
      { name: 'shop', role: 'feature', kind: 'categorical', impute: { strategy: 'most_frequent' }, encode: 'onehot' },
    ],
    cleaning: [],
    features: [
      { name: 'log_carat', op: 'log', columns: ['carat'] },
      { name: 'size', op: 'product', columns: ['carat', 'x'] },
    ],
  };
  const fitted = fitRecipe(recipe, table);
  const { X, y } = fitted.transformTable(table);

  it('values per input column, in the target units, add up to the prediction (log1p target, scaled)', async () => {
    expect(fitted.featureSources()).toEqual([['carat'], ['shop'], ['shop'], ['shop'], ['carat'], ['carat', 'x']]);
    for (const model of [await new Ridge({ alpha: 0.1 }).fit(X, fitted.encodeTarget(y!)), await new GradientBoostingRegressor({ maxIterations: 30, seed: 1, earlyStopping: false }).fit(X, fitted.encodeTarget(y!))]) {
      const e = new Explainer(model, fitted).explain(X);
      expect(e.columns).toEqual(['carat', 'shop', 'x']);
      expect(e.scaled).toBe(true);
      const pred = fitted.decodeTarget(model.predict(X));
      for (let r = 0; r < 50; r++) {
        let s = e.base;
        for (let j = 0; j < 3; j++) s += e.values[r * 3 + j];
        expect(Math.abs(s - pred[r]) / pred[r]).toBeLessThan(1e-12);
      }
      // x only enters through carat × x: it gets half of that feature's share, and something.
      expect(Math.max(...Array.from({ length: 50 }, (_, r) => Math.abs(e.values[r * 3 + 2])))).toBeGreaterThan(0);
    }
  });

  it('a row bought at shop b is credited for it against shops a and c', async () => {
    const model = await new Ridge({ alpha: 0.1 }).fit(X, fitted.encodeTarget(y!));
    const e = new Explainer(model, fitted).explain(X);
    const shopIdx = 1;
    const mean = (s: string) => {
      const v = Array.from({ length: n }, (_, r) => r).filter((r) => cells.shop[r] === s).map((r) => e.values[r * 3 + shopIdx]);
      return v.reduce((a, b) => a + b, 0) / v.length;
    };
    expect(mean('b')).toBeGreaterThan(0);
    expect(mean('a')).toBeLessThan(0);
  });

  it('summary: mean |value| per column over a seeded sample, and each row\'s own value as a rank (none for one-hot)', async () => {
    const model = await new GradientBoostingRegressor({ maxIterations: 30, seed: 1, earlyStopping: false }).fit(X, fitted.encodeTarget(y!));
    const s = shapSummary(new Explainer(model, fitted), fitted, X, { maxRows: 150, seed: 2 });
    expect(s.rows).toBe(150);
    expect(s.totalRows).toBe(n);
    expect(s.values.length).toBe(150 * 3);
    // Carat drives price here: it has the largest mean |value|.
    expect(s.meanAbs[0]).toBeGreaterThan(s.meanAbs[1]);
    expect(s.meanAbs[0]).toBeGreaterThan(s.meanAbs[2]);
    const ranks = Array.from({ length: 150 }, (_, r) => s.valueRank[r * 3]);
    expect(Math.min(...ranks)).toBe(0);
    expect(Math.max(...ranks)).toBe(1);
    expect(Number.isNaN(s.valueRank[1])).toBe(true); // shop: one-hot
    // Higher carat, larger contribution: rank and value agree in order.
    const hi = Array.from({ length: 150 }, (_, r) => r).filter((r) => s.valueRank[r * 3] > 0.8);
    const lo = Array.from({ length: 150 }, (_, r) => r).filter((r) => s.valueRank[r * 3] < 0.2);
    const mean = (rs: number[]) => rs.reduce((a, r) => a + s.values[r * 3], 0) / rs.length;
    expect(mean(hi)).toBeGreaterThan(mean(lo));
  });

  it('partial dependence: an additive model gives parallel ICE curves whose slope is the coefficient; categories use the training levels', async () => {
    const plain = fitRecipe({ ...recipe, targetTransform: 'none', features: [] }, table);
    const T = plain.transformTable(table);
    const model = await new Ridge({ alpha: 0.01 }).fit(T.X, T.y!);
    const predict = (M: Matrix) => model.predict(M);
    const pd = partialDependence(predict, plain, table, 'carat', { maxRows: 20, gridPoints: 5, seed: 1 });
    expect(pd.grid.length).toBe(5);
    expect(pd.curves).toBe(20);
    const g = pd.grid as number[];
    const scale = plain.learned().find((l) => l.column === 'carat')!.scale!;
    const slope = model.coef[0] / scale;
    for (let r = 0; r < 20; r++)
      for (let k = 1; k < 5; k++) expect(pd.ice[r * 5 + k] - pd.ice[r * 5]).toBeCloseTo(slope * (g[k] - g[0]), 6);
    expect(pd.pd[4] - pd.pd[0]).toBeCloseTo(slope * (g[4] - g[0]), 6);
    const shop = partialDependence(predict, plain, table, 'shop', { maxRows: 10 });
    expect(shop.categorical).toBe(true);
    expect(shop.grid).toEqual(['a', 'b', 'c']);
    expect(shop.pd[1]).toBeGreaterThan(shop.pd[0]);
    expect(() => partialDependence(predict, plain, table, 'price')).toThrow(/not an input column/);
  });
});
