/**
 * ONNX export, checked with a real runtime (onnxruntime-node): on a generated shop table whose
 * recipe uses every step the exporter writes — missing values, a unit column, one-hot with an
 * `(other)` column, an ordinal column that fails on unseen labels, unscaled ordinal codes split
 * natively by the boosted trees, every derived-feature op, a log1p target — and rows to predict
 * that hold missing cells, missing markers, ±∞ and unseen categories, every exportable model's
 * ONNX predictions equal Loupe's own (predictRecords) within 1e-6 relative, NaN where Loupe
 * cannot predict the row. KNN is refused with the catalog's reason.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle, type LoadedBundle } from '../../../src/core/bundle/bundle';
import { parseCsv } from '../../../src/core/data';
import { ExportError } from '../../../src/core/errors';
import { exportRefusal, MODEL_CATALOG, MODEL_TYPES } from '../../../src/core/models/catalog';
import { modelFromJSON } from '../../../src/core/models/registry';
import type { ModelType } from '../../../src/core/models/types';
import { MODEL_WRITERS } from '../../../src/core/onnx/model-graph';
import { exportOnnx } from '../../../src/core/onnx/export';
import { predictRecords } from '../../../src/core/pipeline/predict';
import { runTraining } from '../../../src/core/pipeline/train';
import { Rng } from '../../../src/core/random';
import { defaultRecipe, type Recipe, type RecordValue } from '../../../src/core/recipe';
import { thrown } from '../../helpers/errors';
import { compare, onnxColumns, runOnnx } from '../../helpers/onnx';

const COLORS = ['red', 'red', 'green', 'blue', 'blue', 'blue', 'violet', 'cyan'];
const GRADES = ['low', 'mid', 'high'];
const SHOPS = ['s1', 's2', 's3', 's4', 's5'];

/** A shop's sales: price from size, weight (in kg, written "3.2 kg"), colour, grade and shop; ~4% cells missing. */
function shopCsv(rows: number): string {
  const rng = new Rng(7);
  const lines = ['a,b,w,color,grade,shop,price'];
  const maybe = (s: string) => (rng.next() < 0.04 ? '' : s);
  for (let i = 0; i < rows; i++) {
    const a = 1 + rng.next() * 9;
    const b = rng.normal() * 2;
    const w = 0.5 + rng.next() * 4;
    const color = COLORS[Math.floor(rng.next() * COLORS.length)];
    const grade = GRADES[Math.floor(rng.next() * 3)];
    const shop = SHOPS[Math.floor(rng.next() * 5)];
    const price = Math.max(1, 50 * a + 30 * b * b + 80 * w + (color === 'blue' ? 100 : 0) + 60 * GRADES.indexOf(grade) + 25 * SHOPS.indexOf(shop) + 20 * rng.normal());
    lines.push([maybe(a.toFixed(3)), maybe(b.toFixed(3)), maybe(`${w.toFixed(2)} kg`), maybe(color), grade, maybe(shop), price.toFixed(2)].join(','));
  }
  return lines.join('\n') + '\n';
}

const RECIPE: Recipe = {
  version: 1,
  target: 'price',
  targetTransform: 'log1p',
  columns: [
    { name: 'a', role: 'feature', kind: 'numeric', impute: { strategy: 'median' }, encode: 'standard' },
    { name: 'b', role: 'feature', kind: 'numeric', impute: { strategy: 'mean' }, encode: 'minmax', range: [-1, 1] },
    { name: 'w', role: 'feature', kind: 'unit', unit: 'kg', impute: { strategy: 'constant', fill: 2 }, encode: 'none' },
    { name: 'color', role: 'feature', kind: 'categorical', impute: { strategy: 'most_frequent' }, encode: 'onehot', maxCategories: 3 },
    { name: 'grade', role: 'feature', kind: 'ordinal', impute: { strategy: 'most_frequent' }, encode: 'ordinal', order: GRADES, scale: 'standard', unknown: 'error' },
    { name: 'shop', role: 'feature', kind: 'ordinal', impute: { strategy: 'most_frequent' }, encode: 'ordinal', order: SHOPS, scale: 'none', unknown: 'nan' },
  ],
  cleaning: [],
  features: [
    { name: 'ab', op: 'product', columns: ['a', 'b', 'w'] },
    { name: 'a_per_w', op: 'ratio', columns: ['a', 'w'] },
    { name: 'total', op: 'sum', columns: ['a', 'b', 'w'] },
    { name: 'a_minus_b', op: 'difference', columns: ['a', 'b'], scale: 'minmax' },
    { name: 'log_b', op: 'log', columns: ['b'], impute: { strategy: 'constant', fill: -3 } },
    { name: 'log1p_b', op: 'log1p', columns: ['b'], scale: 'none' },
    { name: 'w_cubed', op: 'power', columns: ['w'], exponent: 3 },
  ],
};

/** Rows to predict: the first training-like rows, then every kind of awkward cell. */
function awkwardRecords(): Array<Record<string, RecordValue>> {
  const rng = new Rng(99);
  const out: Array<Record<string, RecordValue>> = [];
  for (let i = 0; i < 300; i++) {
    const r: Record<string, RecordValue> = {
      a: 1 + rng.next() * 12 - 1,
      b: rng.normal() * 2.5,
      w: rng.next() < 0.05 ? 0 : 0.3 + rng.next() * 5,
      color: COLORS[Math.floor(rng.next() * COLORS.length)],
      grade: GRADES[Math.floor(rng.next() * 3)],
      shop: SHOPS[Math.floor(rng.next() * 5)],
    };
    const k = i % 12;
    if (k === 1) r.a = NaN;
    if (k === 2) r.b = null;
    if (k === 3) r.w = Infinity;
    if (k === 4) r.color = 'purple'; // unseen: no one-hot column set
    if (k === 5) r.color = i % 24 === 5 ? 'NA' : 'Null'; // missing markers: imputed (an unseen label would set no column)
    if (k === 6) r.grade = 'ultra'; // unseen with unknown 'error': the row cannot be predicted
    if (k === 7) r.shop = 's9'; // unseen with unknown 'nan': imputed
    if (k === 8) r.shop = '';
    if (k === 9) r.color = 'cyan'; // grouped into (other)
    if (k === 10) r.a = -Infinity;
    out.push(r);
  }
  return out;
}

const EXPORTABLE = MODEL_TYPES.filter((t) => MODEL_CATALOG[t].exports.includes('onnx'));

const PARAMS: Partial<Record<ModelType, Record<string, unknown>>> = {
  forest: { nEstimators: 12 },
  gbdt: { categoricalSplit: 'native', maxIterations: 40, earlyStopping: false },
  mlp: { hiddenLayers: [16, 8], maxEpochs: 15, oneHotLevels: 16, numericBins: 8, networks: 2 },
};

describe('ONNX export of a recipe with every step, predicted by onnxruntime', () => {
  const bundles = new Map<ModelType, LoadedBundle>();
  const records = awkwardRecords();

  beforeAll(async () => {
    const ds = await parseCsv(shopCsv(900));
    expect(ds.schema.find((c) => c.name === 'w')).toMatchObject({ kind: 'unit', unit: 'kg' });
    const result = await runTraining({
      table: ds.table,
      recipe: RECIPE,
      dataset: { hash: 'c'.repeat(64) },
      candidates: [...EXPORTABLE, 'knn' as const].map((type) => ({ type, params: PARAMS[type] })),
      split: { kind: 'holdout', testSize: 0.2, seed: 3 },
      modelSeed: 5,
    });
    for (const c of result.leaderboard) {
      expect(c.status, `${c.type}: ${c.error?.message}`).toBe('finished');
      bundles.set(c.type, parseBundle(serializeBundle(c.bundle!)));
    }
  });

  it.each(EXPORTABLE)('%s: every row equals Loupe within 1e-6 relative, NaN where Loupe cannot predict', async (type) => {
    const loaded = bundles.get(type)!;
    const loupe = predictRecords(loaded, records).predictions;
    const { prediction, session } = await runOnnx(exportOnnx(loaded), onnxColumns(loaded.recipe.inputSchema(), records));
    expect(session.inputNames).toEqual(['a', 'b', 'w', 'color', 'grade', 'shop']);
    expect(session.outputNames).toEqual(['prediction']);
    const c = compare(prediction, loupe);
    expect(c.nanMismatches).toBe(0);
    expect(c.nanRows).toBe(records.filter((r) => r.grade === 'ultra').length);
    expect(c.worstRelative, `row ${c.worstRow}: onnx ${prediction[c.worstRow]} vs loupe ${loupe[c.worstRow]}`).toBeLessThanOrEqual(1e-6);
  });

  it('gbdt with native categorical splits really has some (the Gather-coded columns are exercised)', () => {
    const state = bundles.get('gbdt')!.model.toJSON().state as { forest: { catIndex: Int32Array } };
    expect(state.forest.catIndex.some((c) => c >= 0)).toBe(true);
  });

  it('the MLP really has one-hot indicators, piecewise-linear encodings and two networks (the LessOrEqual- and Min/Max-coded columns and the averaging are exercised)', () => {
    const state = bundles.get('mlp')!.model.toJSON().state as { oneHot?: { columns: number[] }; bins?: { columns: number[] }; extra?: unknown[] };
    expect(state.extra).toHaveLength(1);
    expect(state.oneHot?.columns.length).toBeGreaterThan(0);
    expect(state.bins?.columns.length).toBeGreaterThan(0);
  });

  it('degenerate trees export too: a single-leaf decision tree, and boosted trees with no tree kept (the baseline)', async () => {
    const withModel = (type: 'tree' | 'gbdt', state: Record<string, unknown>): LoadedBundle => {
      const base = bundles.get(type)!;
      const json = base.model.toJSON();
      return { ...base, model: modelFromJSON({ ...json, state: { ...json.state, ...state } as typeof json.state }) };
    };
    const leaf = withModel('tree', {
      feature: Int32Array.of(-1),
      threshold: Float64Array.of(0),
      left: Int32Array.of(-1),
      right: Int32Array.of(-1),
      value: Float64Array.of(5.25),
      nSamples: Int32Array.of(700),
      cover: Int32Array.of(700),
    });
    const forest = (bundles.get('gbdt')!.model.toJSON().state as { forest: Record<string, unknown> }).forest;
    const empty = withModel('gbdt', {
      forest: { ...forest, treeOffsets: Int32Array.of(0), feature: new Int32Array(0), threshold: new Float64Array(0), left: new Int32Array(0), right: new Int32Array(0), value: new Float64Array(0), missingLeft: new Uint8Array(0), catIndex: new Int32Array(0), catBits: new Uint32Array(0), gain: new Float64Array(0), ...('cover' in forest ? { cover: new Int32Array(0) } : {}) },
    });
    for (const loaded of [leaf, empty]) {
      const loupe = predictRecords(loaded, records).predictions;
      const { prediction } = await runOnnx(exportOnnx(loaded), onnxColumns(loaded.recipe.inputSchema(), records));
      const c = compare(prediction, loupe);
      expect(c.nanMismatches).toBe(0);
      expect(c.worstRelative).toBeLessThanOrEqual(1e-12);
      expect(new Set(Array.from(loupe).filter((x) => !Number.isNaN(x))).size).toBe(1);
    }
    expect(predictRecords(leaf, records.slice(0, 1)).predictions[0]).toBeCloseTo(Math.expm1(5.25), 9);
  });

  it('KNN is refused with the reason, as a typed error', () => {
    const knn = bundles.get('knn')!;
    expect(exportRefusal('knn', 'onnx')).toBe(MODEL_CATALOG.knn.cannotExport!.onnx);
    const error = thrown(() => exportOnnx(knn), ExportError);
    expect(error).toMatchObject({ code: 'not-exportable', where: { field: 'model.type' } });
    expect(error.message).toMatch(/every training row/);
  });
});

describe('ONNX names', () => {
  it('columns named like the graph\'s own values keep their names; a column named "prediction" is refused', async () => {
    const rng = new Rng(12);
    const lines = ['nan_0,isinf_1,where_2,prediction,y'];
    for (let i = 0; i < 120; i++) {
      const [a, b, c, d] = [rng.next(), rng.next(), rng.next(), rng.next()];
      lines.push([a, b, c, d, 3 * a - 2 * b + c + d + 0.1 * rng.normal()].map((v) => v.toFixed(4)).join(','));
    }
    const ds = await parseCsv(lines.join('\n') + '\n');
    const train = async (drop: string[]) => {
      const recipe = defaultRecipe(ds.schema, 'y', ds.table);
      for (const c of recipe.columns) if (drop.includes(c.name)) c.role = 'ignore';
      const r = await runTraining({ table: ds.table, recipe, dataset: { hash: 'b'.repeat(64) }, candidates: [{ type: 'ridge' }], split: { kind: 'holdout', testSize: 0.25, seed: 1 } });
      return parseBundle(serializeBundle(r.leaderboard[0].bundle!));
    };
    const clash = await train([]);
    const error = thrown(() => exportOnnx(clash), ExportError);
    expect(error).toMatchObject({ code: 'name-clash', where: { column: 'prediction' } });
    expect(error.message).toMatch(/input column "prediction" has the name of the ONNX file's output/);
    const ok = await train(['prediction']);
    const records = lines.slice(1, 21).map((l) => Object.fromEntries(l.split(',').slice(0, 3).map((v, j) => [['nan_0', 'isinf_1', 'where_2'][j], Number(v)])));
    const { prediction, session } = await runOnnx(exportOnnx(ok), onnxColumns(ok.recipe.inputSchema(), records));
    expect(session.inputNames).toEqual(['nan_0', 'isinf_1', 'where_2']);
    expect(compare(prediction, predictRecords(ok, records).predictions).worstRelative).toBeLessThanOrEqual(1e-12);
  });
});

describe('the catalog decides which models export as ONNX', () => {
  it('every model the catalog lists for ONNX has a writer, and every other one says why not', () => {
    for (const t of MODEL_TYPES) {
      const info = MODEL_CATALOG[t];
      if (info.exports.includes('onnx')) {
        expect(MODEL_WRITERS[t], t).toBeTypeOf('function');
        expect(exportRefusal(t, 'onnx')).toBeNull();
      } else expect(info.cannotExport?.onnx, t).toMatch(/\w/);
    }
  });
});
