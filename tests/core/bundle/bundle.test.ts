import { beforeAll, describe, expect, it } from 'vitest';
import { openBundle, parseBundle, serializeBundle, type ModelBundle } from '../../../src/core/bundle/bundle';
import { decodeState } from '../../../src/core/bundle/codec';
import { parseCsv } from '../../../src/core/data';
import { BundleError } from '../../../src/core/errors';
import { runTraining, type TrainingResult } from '../../../src/core/pipeline/train';
import { predictRecords } from '../../../src/core/pipeline/predict';
import { defaultRecipe } from '../../../src/core/recipe';
import { generateSampleGemstones } from '../../../src/core/sample';
import { LOUPE_VERSION } from '../../../src/core/version';
import type { ModelType } from '../../../src/core/models/types';
import pkg from '../../../package.json' with { type: 'json' };

const HASH = 'a'.repeat(64);

async function trained(types: ModelType[]): Promise<{ result: TrainingResult; csv: string }> {
  const csv = generateSampleGemstones(800, 5);
  const ds = await parseCsv(csv);
  const result = await runTraining({
    table: ds.table,
    dataset: { hash: HASH, rows: 800 },
    recipe: defaultRecipe(ds.schema, 'price', ds.table),
    candidates: types.map((type) => ({ type, name: type, params: type === 'gbdt' ? { maxIterations: 40 } : type === 'mlp' ? { maxEpochs: 3 } : type === 'forest' ? { nEstimators: 5 } : {} })),
    split: { kind: 'holdout', testSize: 0.25, seed: 9 },
  });
  return { result, csv };
}

function bundleFor(result: TrainingResult, name: string): ModelBundle {
  return result.leaderboard.find((r) => r.name === name)!.bundle!;
}

const rows = [
  { carat: 0.7, cut: 'Ideal', color: 'G', clarity: 'VS1', depth: 61.2, table: 57, x: 5.69, y: 5.73, z: 3.5 },
  { carat: '1.52', cut: 'Premium', color: 'F', clarity: 'VS2', depth: '62.2', table: '58', x: '7.27', y: '7.33', z: '4.55' },
];

describe('model bundle', () => {
  let result: TrainingResult;
  beforeAll(async () => {
    result = (await trained(['linear', 'tree', 'forest', 'gbdt', 'knn', 'mlp', 'lasso'])).result;
  }, 120_000);

  it('round-trips every model family with identical predictions', async () => {
    for (const r of result.leaderboard) {
      const b = bundleFor(result, r.name);
      const text = serializeBundle(b);
      const loaded = await openBundle(text);
      expect(loaded.bundle.lineage.loupeVersion).toBe(LOUPE_VERSION);
      expect(loaded.bundle.inputSchema.map((c) => c.name)).toEqual(expect.arrayContaining(['carat', 'cut', 'color', 'clarity']));
      const direct = result.recipe.decodeTarget(r.model!.predict(result.recipe.transformRecords(rows).X));
      const viaBundle = predictRecords(loaded, rows).predictions;
      expect(Array.from(viaBundle), r.name).toEqual(Array.from(direct));
    }
  });

  it('keeps the schema, metrics, lineage and a reference profile', () => {
    const b = bundleFor(result, 'gbdt');
    const cut = b.inputSchema.find((c) => c.name === 'cut')!;
    expect(cut.levels).toEqual(['Fair', 'Good', 'Very Good', 'Premium', 'Ideal']);
    const carat = b.inputSchema.find((c) => c.name === 'carat')!;
    expect(carat.min).toBeLessThan(carat.max!);
    expect(b.metrics.test!.r2).toBeGreaterThan(0.8);
    expect(b.lineage).toMatchObject({ datasetHash: HASH, seed: 9, split: { kind: 'holdout', testSize: 0.25 } });
    const ref = b.referenceProfile.columns.find((c) => c.name === 'carat')!;
    expect(ref.kind).toBe('numeric');
    if (ref.kind === 'numeric') expect(ref.counts.reduce((a, c) => a + c, 0)).toBe(ref.count);
    expect(b.referenceProfile.columns.some((c) => c.name === 'price')).toBe(true);
  });

  it('the version constant matches package.json', () => {
    expect(LOUPE_VERSION).toBe(pkg.version);
  });

  describe('rejects bad bundles with a BundleError naming the field', () => {
    const expectBundleError = (text: string, code: string, field?: RegExp) => {
      expect(() => parseBundle(text)).toThrow(expect.objectContaining({ name: 'BundleError', code, ...(field ? { where: expect.objectContaining({ field: expect.stringMatching(field) }) } : {}) }));
    };
    const good = (): Record<string, any> => JSON.parse(serializeBundle(bundleFor(result, 'gbdt')));

    it('not JSON / truncated file', () => {
      const text = serializeBundle(bundleFor(result, 'gbdt'));
      expectBundleError(text.slice(0, text.length / 2), 'not-json');
      expectBundleError('hello', 'not-json');
    });
    it('wrong format and versions', () => {
      expectBundleError(JSON.stringify({ format: 'something-else' }), 'wrong-format', /format/);
      expectBundleError(JSON.stringify({ ...good(), formatVersion: 2 }), 'wrong-version', /formatVersion/);
      expectBundleError(JSON.stringify({ ...good(), formatVersion: 0 }), 'wrong-version');
    });
    it('missing or mistyped fields', () => {
      const b = good();
      delete b.lineage.datasetHash;
      expectBundleError(JSON.stringify(b), 'invalid-bundle', /lineage\.datasetHash/);
      const c = good();
      c.inputSchema = 'nope';
      expectBundleError(JSON.stringify(c), 'invalid-bundle', /inputSchema/);
    });
    it('unknown model types', () => {
      const b = good();
      b.model.type = 'xgboost';
      expectBundleError(JSON.stringify(b), 'unknown-model-type', /model\.type/);
    });
    it('truncated typed arrays', () => {
      const b = good();
      const v = b.model.state.forest.value;
      v.base64 = v.base64.slice(0, v.base64.length - 8);
      expectBundleError(JSON.stringify(b), 'truncated-array', /model\.state\.forest\.value/);
    });
    it('out-of-range tree indices', async () => {
      const b = good();
      const left = b.model.state.forest.left;
      const { base64ToBytes, bytesToBase64 } = await import('../../../src/core/bundle/codec');
      const bytes = base64ToBytes(left.base64);
      const arr = new Int32Array(bytes.buffer.slice(0));
      const i = arr.findIndex((x) => x > 0);
      arr[i] = 1_000_000;
      left.base64 = bytesToBase64(new Uint8Array(arr.buffer));
      expectBundleError(JSON.stringify(b), 'bad-state', new RegExp(`^model\\.state\\.forest\\.left\\[${i}\\]$`));
    });
    it('a corrupted recipe', () => {
      const b = good();
      b.recipe.recipe.target = 42;
      expectBundleError(JSON.stringify(b), 'bad-recipe', /^recipe/);
    });
    it('state that names a prototype member, or __proto__, instead of an own field', () => {
      // "toString" in {Float64Array, …} is true through the prototype chain; it must not be read as an array type.
      const b = good();
      b.model.state.forest.value = { $typed: 'toString', length: 1, base64: 'AAAAAAAAAAA=' };
      expectBundleError(JSON.stringify(b), 'bad-state', /^model\.state\.forest\.value$/);
      expect(() => decodeState(JSON.parse('{"__proto__": {"polluted": 1}}'))).toThrow(expect.objectContaining({ code: 'bad-state', where: { field: 'state.__proto__' } }));
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      const c = good();
      c.model.state = JSON.parse(JSON.stringify(c.model.state).replace('{', '{"__proto__":{"nFeatures":3},'));
      expectBundleError(JSON.stringify(c), 'bad-state', /__proto__/);
    });
    it('model state fields the model does not know', () => {
      const b = good();
      b.model.state.backdoor = 'x';
      expectBundleError(JSON.stringify(b), 'bad-state', /^model\.state\.backdoor$/);
    });
  });

  it('does not keep fields it does not know', () => {
    const b = JSON.parse(serializeBundle(bundleFor(result, 'gbdt')));
    b.extra = { secret: 1 };
    b.lineage.tracking = 'x';
    b.metrics.test.note = 'y';
    b.model.params.unused = undefined;
    const loaded = parseBundle(JSON.stringify(b)).bundle as unknown as Record<string, any>;
    expect(loaded.extra).toBeUndefined();
    expect(loaded.lineage.tracking).toBeUndefined();
    expect(loaded.metrics.test.note).toBeUndefined();
    expect(Object.keys(loaded.model.params)).toEqual(Object.keys(bundleFor(result, 'gbdt').model.params));
    expect(JSON.stringify(loaded)).not.toMatch(/secret|tracking|"note"/);
    // The fitted recipe is strict: an unknown field is refused, naming it.
    const r = JSON.parse(serializeBundle(bundleFor(result, 'gbdt')));
    r.recipe.comment = 'z';
    expect(() => parseBundle(JSON.stringify(r))).toThrow(expect.objectContaining({ code: 'bad-recipe', where: expect.objectContaining({ field: 'recipe.comment' }) }));
  });
});
