import { beforeAll, describe, expect, it } from 'vitest';
import { roundTrip } from '../../helpers/model-json';
import { MlpClassifier, MlpRegressor } from '../../../src/core/models/mlp';
import { binCount, learnBins, withBins } from '../../../src/core/models/mlp/bins';
import { modelFromJSON } from '../../../src/core/models/registry';
import type { Matrix, StateValue } from '../../../src/core/models/types';
import { Rng } from '../../../src/core/random';
import { initTf } from '../../../src/core/tf';

/**
 * Rows of [a standard normal number, a 5-level code, a 0/1 column]; y = sin(3x) + noise, a curve
 * a small ReLU network must build from many kinks of one weight per unit on x.
 */
function wavy(n: number, seed: number): { X: Matrix; y: Float64Array } {
  const rng = new Rng(seed);
  const data = new Float64Array(n * 3);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = rng.normal();
    data.set([x, (rng.nextInt(5) - 2) / 1.5, rng.nextInt(2)], i * 3);
    y[i] = Math.sin(3 * x) + 0.1 * rng.normal();
  }
  return { X: { data, rows: n, cols: 3 }, y };
}

const rmse = (a: Float64Array, b: Float64Array): number => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / a.length);

describe('MLP piecewise-linear encodings (numericBins)', () => {
  const train = wavy(1500, 1);
  const test = wavy(500, 2);
  const small = { hiddenLayers: [16], maxEpochs: 30, batchSize: 64, learningRate: 1e-2, seed: 3 };
  beforeAll(() => initTf());

  it('encodes the columns with more distinct values than bins, at their quantiles', () => {
    const b = learnBins(train.X, 8)!;
    expect(b.columns).toEqual([0]); // not the 5-level code, not the 0/1 column
    const e = b.edges[0];
    expect(e).toHaveLength(9);
    const sorted = Float64Array.from({ length: train.X.rows }, (_, i) => train.X.data[i * 3]).sort();
    expect(e[0]).toBe(sorted[0]);
    expect(e[8]).toBe(sorted[sorted.length - 1]);
    expect(e[4]).toBe(sorted[Math.round((sorted.length - 1) / 2)]);
    expect(learnBins(train.X, 4)!.columns).toEqual([0, 1]); // 5 values > 4 bins
    expect(learnBins(train.X, 1)).toBeUndefined();
    expect(learnBins(train.X, 0)).toBeUndefined();
    // Ties merge edges: a column with many copies of one value gets fewer bins.
    const tied: Matrix = { data: Float64Array.from({ length: 100 }, (_, i) => (i < 80 ? 0 : i)), rows: 100, cols: 1 };
    const t = learnBins(tied, 10)!;
    // Quantiles 0 … 0.8 all fall on the 80 zeros; 0.9 and 1 on rows 89 and 99.
    expect(Array.from(t.edges[0])).toEqual([0, 89, 99]);
  });

  it("cuts a 'tree' column where its target changes, each bin holding at least n / (4B) rows", () => {
    // x uniform on [0, 1); y steps up at 0.37 and again at 0.93 (the last 7 %: no quantile bin of 4 starts there).
    const n = 2000;
    const rng = new Rng(5);
    const x = Float64Array.from({ length: n }, () => rng.next());
    const y = Float64Array.from(x, (v) => (v > 0.93 ? 5 : v > 0.37 ? 1 : 0) + 0.05 * rng.normal());
    const X: Matrix = { data: x, rows: n, cols: 1 };
    const e = learnBins(X, 4, 'tree', { y, classes: 0 })!.edges[0];
    const sorted = Float64Array.from(x).sort();
    expect(e[0]).toBe(sorted[0]);
    expect(e[e.length - 1]).toBe(sorted[n - 1]);
    for (let k = 1; k < e.length; k++) expect(e[k]).toBeGreaterThan(e[k - 1]);
    // Both steps are cut within a few rows of where they are.
    for (const step of [0.37, 0.93]) expect(Math.min(...Array.from(e, (v) => Math.abs(v - step)))).toBeLessThan(0.005);
    expect(Array.from(learnBins(X, 4)!.edges[0], (v) => Math.abs(v - 0.93) < 0.02)).not.toContain(true);
    // No bin holds fewer than n / (4·4) = 125 rows.
    for (let k = 1; k < e.length; k++) expect(x.filter((v) => v >= e[k - 1] && v < e[k]).length).toBeGreaterThanOrEqual(125 - 1);
    // A classifier's cuts: the classes change at 0.3 and 0.6.
    const cls = Float64Array.from(x, (v) => (v > 0.6 ? 2 : v > 0.3 ? 1 : 0));
    const c = learnBins(X, 3, 'tree', { y: cls, classes: 3 })!.edges[0];
    expect(c).toHaveLength(4);
    expect(Math.abs(c[1] - 0.3)).toBeLessThan(0.005);
    expect(Math.abs(c[2] - 0.6)).toBeLessThan(0.005);
    // Only the rows given are learned from: the other rows' targets do not move the cuts.
    const rows = Uint32Array.from({ length: n / 2 }, (_, i) => 2 * i);
    const scrambled = Float64Array.from(y, (v, i) => (i % 2 ? -v * 100 : v));
    const half = learnBins(X, 4, 'tree', { y: scrambled, classes: 0, rows })!.edges[0];
    const evenOnly: Matrix = { data: Float64Array.from(rows, (i) => x[i]), rows: rows.length, cols: 1 };
    expect(half).toEqual(learnBins(evenOnly, 4, 'tree', { y: Float64Array.from(rows, (i) => y[i]), classes: 0 })!.edges[0]);
    expect(() => learnBins(X, 4, 'tree')).toThrow(/target/);
  });

  it('gives 0 below a bin, 1 above it, the position inside it and 0 when missing, after what X already holds', () => {
    const b = { columns: [1], edges: [Float64Array.of(0, 1, 3)] };
    expect(binCount(b)).toBe(2);
    const X: Matrix = { data: Float64Array.of(7, -1, 7, 0.25, 7, 2, 7, 9, 7, NaN), rows: 5, cols: 2 };
    const out = withBins(X, b);
    expect(out.cols).toBe(4);
    expect(Array.from(out.data)).toEqual([7, -1, 0, 0, 7, 0.25, 0.25, 0, 7, 2, 1, 0.5, 7, 9, 1, 1, 7, NaN, 0, 0]);
    expect(withBins(X, undefined)).toBe(X);
  });

  it('lets the network follow a curve it cannot with one weight per unit, and survives the bundle', async () => {
    const plain = await new MlpRegressor(small).fit(train.X, train.y);
    const binned = await new MlpRegressor({ ...small, numericBins: 16 }).fit(train.X, train.y);
    expect(plain.toJSON().state.bins).toBeUndefined();
    const s = binned.toJSON();
    expect(s.state.sizes).toEqual([3 + 16, 16, 1]);
    expect(rmse(binned.predict(test.X), test.y)).toBeLessThan(0.7 * rmse(plain.predict(test.X), test.y));
    const back = modelFromJSON(roundTrip(s));
    expect(Array.from(back.predict(test.X))).toEqual(Array.from(binned.predict(test.X)));
    expect((back as MlpRegressor).backgroundRows()!.length % 3).toBe(0); // raw input rows
    expect(() => back.predict({ data: new Float64Array(19), rows: 1, cols: 19 })).toThrow(/3/);
  });

  it("stores tree-cut bins like quantile ones: learned from the training rows' targets, the same predictions after the bundle", async () => {
    const m = await new MlpRegressor({ ...small, maxEpochs: 3, numericBins: 8, binEdges: 'tree' }).fit(train.X, train.y);
    const bins = m.toJSON().state.bins as { columns: number[]; edges: Float64Array[] };
    expect(bins.edges).toEqual(learnBins(train.X, 8, 'tree', { y: train.y, classes: 0 })!.edges);
    expect(bins.edges).not.toEqual(learnBins(train.X, 8)!.edges);
    const back = modelFromJSON(roundTrip(m.toJSON()));
    expect(Array.from(back.predict(test.X))).toEqual(Array.from(m.predict(test.X)));
    // With early stopping, the held-out rows' targets are left out of the cuts.
    const es = await new MlpRegressor({ ...small, maxEpochs: 2, numericBins: 8, binEdges: 'tree', earlyStopping: true }).fit(train.X, train.y);
    const esEdges = (es.toJSON().state.bins as { edges: Float64Array[] }).edges;
    expect(esEdges).not.toEqual(bins.edges);
    const y = Float64Array.from(train.y, (v) => (v > 0 ? 1 : 0));
    const c = await new MlpClassifier({ ...small, maxEpochs: 3, numericBins: 8, binEdges: 'tree', earlyStopping: false }).fit(train.X, y);
    expect((c.toJSON().state.bins as { edges: Float64Array[] }).edges).toEqual(learnBins(train.X, 8, 'tree', { y, classes: 2 })!.edges);
  });

  it('goes after the one-hot indicators, and the classifier adds both the same way', async () => {
    const both = await new MlpRegressor({ ...small, maxEpochs: 3, oneHotLevels: 8, numericBins: 16 }).fit(train.X, train.y);
    expect(both.toJSON().state.sizes).toEqual([3 + 5 + 16, 16, 1]);
    const back = modelFromJSON(roundTrip(both.toJSON()));
    expect(Array.from(back.predict(test.X))).toEqual(Array.from(both.predict(test.X)));
    const y = Float64Array.from(train.y, (v) => (v > 0 ? 1 : 0));
    const m = await new MlpClassifier({ ...small, maxEpochs: 5, oneHotLevels: 8, numericBins: 16 }).fit(train.X, y);
    expect(m.toJSON().state.sizes).toEqual([24, 16, 2]);
    const c = modelFromJSON(roundTrip(m.toJSON()));
    expect(Array.from((c as MlpClassifier).predictProba(test.X))).toEqual(Array.from(m.predictProba(test.X)));
  });

  it('rejects damaged encodings in a bundle, naming the field', async () => {
    const s = (await new MlpRegressor({ ...small, maxEpochs: 2, oneHotLevels: 8, numericBins: 16 }).fit(train.X, train.y)).toJSON();
    const bins = s.state.bins as { columns: number[]; edges: Float64Array[] };
    const named = (field: string) => expect.objectContaining({ name: 'BundleError', where: expect.objectContaining({ field }) });
    const withBinsState = (o: unknown) => modelFromJSON({ ...s, state: { ...s.state, bins: o as StateValue } });
    expect(() => withBinsState({ ...bins, columns: [5] })).toThrow(named('state.bins.columns[0]'));
    const e = bins.edges[0];
    expect(() => withBinsState({ ...bins, edges: [Float64Array.from(e).reverse()] })).toThrow(named('state.bins.edges[0]'));
    expect(() => withBinsState({ ...bins, edges: [Float64Array.of(0)] })).toThrow(named('state.bins.edges[0]'));
    expect(() => withBinsState({ ...bins, edges: [] })).toThrow(named('state.bins.edges'));
  });
});
