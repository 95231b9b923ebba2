import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { serializeBundle, type ModelBundle } from '../../src/core/bundle/bundle';
import { parseCsv } from '../../src/core/data';
import { BundleError } from '../../src/core/errors';
import { sha256Hex } from '../../src/core/hash';
import { runTraining, type TrainingResult } from '../../src/core/pipeline/train';
import { defaultRecipe } from '../../src/core/recipe';
import { generateSampleGemstones } from '../../src/core/sample';
import { onStorageChange, openLoupeDb, RegistryStore, RunStore, StorageError, type LoupeDb, type StorageChange } from '../../src/storage';
import { quotaExceeded, withFailingWrites } from './failing-writes';

let dbCounter = 0;
const freshName = (): string => `loupe-registry-test-${process.pid}-${++dbCounter}`;

let result: TrainingResult;
let bundle: ModelBundle;
let datasetHash: string;

beforeAll(async () => {
  const csv = generateSampleGemstones(400, 1);
  datasetHash = await sha256Hex(new TextEncoder().encode(csv));
  const ds = await parseCsv(csv);
  result = await runTraining({
    table: ds.table,
    recipe: defaultRecipe(ds.schema, 'price', ds.table),
    dataset: { hash: datasetHash, name: 'gems.csv' },
    candidates: [{ type: 'linear', name: 'Linear' }],
    split: { kind: 'holdout', testSize: 0.25, seed: 7 },
  });
  const b = result.leaderboard[0].bundle!;
  bundle = { ...b, name: 'Gem price', lineage: { ...b.lineage, createdAt: '2024-05-01T10:00:00.000Z' } };
}, 120_000);

async function open(name = freshName()): Promise<LoupeDb> {
  return openLoupeDb({ name });
}

describe('RegistryStore versions', () => {
  it('numbers versions per model from 1 and never reuses a deleted number', async () => {
    const db = await open();
    let t = 100;
    const reg = new RegistryStore(db, { now: () => (t += 1) });
    const v1 = await reg.register({ bundle }, { name: ' Gem price ', description: 'first try', tags: ['linear'] });
    expect(v1).toMatchObject({ name: 'Gem price', version: 1, author: 'you', description: 'first try', tags: ['linear'], source: 'import', modelType: 'linear', target: 'price', aliases: [] });
    expect(v1.lineage).toMatchObject({ datasetHash, datasetName: 'gems.csv', seed: 7, split: { kind: 'holdout', testSize: 0.25 } });
    expect(v1.metrics.test?.r2).toBe(result.leaderboard[0].metrics!.r2);
    const v2 = await reg.register({ bundle }, { name: 'Gem price', author: 'Ada' });
    const other = await reg.register({ bundle }, { name: 'Other' });
    expect([v2.version, v2.author, other.version]).toEqual([2, 'Ada', 1]);

    await reg.deleteVersion('Gem price', 2);
    expect((await reg.register({ bundle }, { name: 'Gem price' })).version).toBe(3);
    expect((await reg.listVersions('Gem price')).map((v) => v.version)).toEqual([3, 1]);
    const models = await reg.listModels();
    expect(models.map((m) => [m.name, m.versionCount, m.latestVersion, m.description])).toEqual([
      ['Gem price', 2, 3, 'first try'],
      ['Other', 1, 1, ''],
    ]);
    await expect(reg.register({ bundle }, { name: '  ' })).rejects.toMatchObject({ code: 'invalid-name' });
    db.close();
  });

  it('registers a finished run from its stored bundle, with the run in the lineage', async () => {
    const db = await open();
    const runs = new RunStore(db);
    const reg = new RegistryStore(db);
    const c = result.leaderboard[0];
    const run = await runs.start({
      datasetId: datasetHash,
      datasetName: 'gems.csv',
      recipe: result.recipe.recipe,
      modelType: c.type,
      params: c.params,
      seed: 7,
      environment: { loupeVersion: '0.1.0' },
    });
    await expect(reg.register({ runId: run.id }, { name: 'Gem price' })).rejects.toMatchObject({ code: 'run-model-missing' });
    await runs.finish(run.id, { metrics: c.metrics!, history: c.history, logs: result.logs, model: { model: c.model!.toJSON(), recipe: result.recipe.toJSON() }, bundle });
    const v = await reg.register({ runId: run.id }, { name: 'Gem price' });
    expect(v).toMatchObject({ version: 1, source: 'run', sourceRunId: run.id, lineage: { runId: run.id, datasetHash } });
    const full = await reg.getVersion('Gem price', 1);
    expect(full?.bundle.lineage.runId).toBe(run.id);
    expect(full?.bundle.model).toEqual(bundle.model);

    const bare = await runs.start({ datasetId: datasetHash, datasetName: 'gems.csv', recipe: result.recipe.recipe, modelType: 'linear', params: {}, seed: 7, environment: { loupeVersion: '0.1.0' } });
    await runs.finish(bare.id, { metrics: c.metrics!, history: c.history, logs: [], model: { model: c.model!.toJSON(), recipe: result.recipe.toJSON() } });
    await expect(reg.register({ runId: bare.id }, { name: 'Gem price' })).rejects.toMatchObject({ code: 'run-bundle-missing' });
    expect((await reg.listVersions('Gem price')).length).toBe(1);
    db.close();
  });

  it('a run whose bundle was replaced (a decision threshold saved on Train) registers the new bundle; earlier versions keep theirs', async () => {
    const db = await open();
    const runs = new RunStore(db);
    const reg = new RegistryStore(db);
    const c = result.leaderboard[0];
    const run = await runs.start({ datasetId: datasetHash, datasetName: 'gems.csv', recipe: result.recipe.recipe, modelType: c.type, params: c.params, seed: 7, environment: { loupeVersion: '0.1.0' } });
    await runs.finish(run.id, { metrics: c.metrics!, history: c.history, logs: [], bundle });
    await reg.register({ runId: run.id }, { name: 'Gem price' });
    const changed: ModelBundle = { ...bundle, name: 'Gem price, decided otherwise' };
    await runs.replaceBundle(run.id, changed);
    expect((await runs.getModel(run.id))?.bundle?.name).toBe('Gem price, decided otherwise');
    await reg.register({ runId: run.id }, { name: 'Gem price' });
    expect((await reg.getVersion('Gem price', 1))?.bundle.name).toBe('Gem price');
    expect((await reg.getVersion('Gem price', 2))?.bundle.name).toBe('Gem price, decided otherwise');
    await expect(runs.replaceBundle('0'.repeat(36), changed)).rejects.toMatchObject({ code: 'run-bundle-missing' });
    db.close();
  });

  it('two tabs registering at once get distinct, consecutive version numbers', async () => {
    const name = freshName();
    const tab1 = await open(name);
    const tab2 = await open(name);
    const r1 = new RegistryStore(tab1);
    const r2 = new RegistryStore(tab2);
    const made = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? r1 : r2).register({ bundle }, { name: 'Gem price', author: `tab${(i % 2) + 1}` })));
    expect(made.map((v) => v.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect((await r1.listVersions('Gem price')).length).toBe(12);
    tab1.close();
    tab2.close();
  });
});

describe('aliases', () => {
  it('an alias points at one version and moves when set elsewhere; deleting a version drops its aliases', async () => {
    const db = await open();
    const reg = new RegistryStore(db);
    for (let i = 0; i < 3; i++) await reg.register({ bundle }, { name: 'Gem price' });
    await reg.setAlias('Gem price', 'champion', 1);
    await reg.setAlias('Gem price', 'challenger', 2);
    expect((await reg.getByAlias('Gem price', 'champion'))?.version).toBe(1);
    await reg.setAlias('Gem price', 'champion', 2);
    const champ = await reg.getByAlias('Gem price', 'champion');
    expect(champ?.version).toBe(2);
    expect(champ?.bundle.name).toBe('Gem price');
    expect((await reg.listVersions('Gem price')).map((v) => [v.version, v.aliases])).toEqual([
      [3, []],
      [2, ['challenger', 'champion']],
      [1, []],
    ]);
    expect((await reg.listModels())[0].aliases).toEqual({ champion: 2, challenger: 2 });

    await expect(reg.setAlias('Gem price', 'champion', 9)).rejects.toMatchObject({ code: 'version-missing' });
    expect((await reg.getByAlias('Gem price', 'champion'))?.version).toBe(2);
    await reg.removeAlias('Gem price', 'challenger');
    expect(await reg.getByAlias('Gem price', 'challenger')).toBeUndefined();

    await reg.deleteVersion('Gem price', 2);
    expect(await reg.getByAlias('Gem price', 'champion')).toBeUndefined();
    expect(await reg.getVersion('Gem price', 2)).toBeUndefined();
    await expect(reg.deleteVersion('Gem price', 2)).rejects.toBeInstanceOf(StorageError);
    db.close();
  });
});

describe('bundle import and export', () => {
  it('export → import round trip gives the identical bundle JSON', async () => {
    const db = await open();
    const reg = new RegistryStore(db);
    const original = serializeBundle(bundle);
    await reg.register({ bundle }, { name: 'Gem price' });
    const exported = await reg.exportBundle('Gem price', 1);
    expect(exported).toBe(original);
    const imported = await reg.importBundle(exported);
    expect(imported).toMatchObject({ name: 'Gem price', version: 2, source: 'import' });
    expect(await reg.exportBundle('Gem price', 2)).toBe(original);
    const renamed = await reg.importBundle(exported, { name: 'Imported', description: 'from a colleague', author: 'Grace' });
    expect(renamed).toMatchObject({ name: 'Imported', version: 1, description: 'from a colleague', author: 'Grace' });
    await expect(reg.exportBundle('Gem price', 7)).rejects.toMatchObject({ code: 'version-missing' });
    db.close();
  });

  it('export can leave out the drift reference sample; the smaller bundle imports without one', async () => {
    const db = await open();
    const reg = new RegistryStore(db);
    const v1 = await reg.register({ bundle }, { name: 'Gem price' });
    expect(v1.referenceSampleRows).toBe(300);
    const full = await reg.exportBundle('Gem price', 1);
    const stripped = await reg.exportBundle('Gem price', 1, { referenceSample: false });
    expect(JSON.parse(full).referenceSample.rows).toBe(300);
    expect(JSON.parse(stripped).referenceSample).toBeUndefined();
    // The sample (300 rows of the inputs and predictions) is the only part left out.
    const sampleChars = JSON.stringify(JSON.parse(full).referenceSample).length;
    expect(full.length - stripped.length).toBeGreaterThanOrEqual(sampleChars);
    const v2 = await reg.importBundle(stripped);
    expect(v2.referenceSampleRows).toBeUndefined();
    db.close();
  });

  it('rejects a corrupted bundle with a BundleError and writes nothing', async () => {
    const db = await open();
    const reg = new RegistryStore(db);
    const text = serializeBundle(bundle);
    const bad = JSON.parse(text) as { lineage: { datasetHash: string } };
    bad.lineage.datasetHash = 'not-a-hash';
    const badModel = JSON.parse(text) as { model: { type: string } };
    badModel.model.type = 'svm';
    for (const corrupt of [text.slice(0, text.length >> 1), JSON.stringify(bad), JSON.stringify(badModel)]) {
      const err = await reg.importBundle(corrupt).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BundleError);
    }
    expect(await reg.listModels()).toEqual([]);
    expect(await db.count('model-versions')).toBe(0);
    expect(await db.count('model-bundles')).toBe(0);
    db.close();
  });

  it('a quota failure while registering leaves no model, version or bundle behind', async () => {
    const db = await open();
    const reg = new RegistryStore(db);
    const err = await withFailingWrites((name) => (name === 'model-bundles' ? quotaExceeded() : undefined), () => reg.register({ bundle }, { name: 'Gem price' }).catch((e: unknown) => e));
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).code).toBe('quota-exceeded');
    expect(await reg.listModels()).toEqual([]);
    expect(await db.count('model-versions')).toBe(0);
    expect((await reg.register({ bundle }, { name: 'Gem price' })).version).toBe(1);
    db.close();
  });

  it('posts registry-changed with the model name after a commit', async () => {
    const db = await open();
    const reg = new RegistryStore(db);
    const seen: StorageChange[] = [];
    const stop = onStorageChange((c) => seen.push(c));
    try {
      await reg.register({ bundle }, { name: 'Gem price' });
      for (let i = 0; i < 50 && seen.length < 1; i++) await new Promise((res) => setTimeout(res, 10));
      expect(seen).toEqual([{ type: 'registry-changed', ids: ['Gem price'] }]);
    } finally {
      stop();
      db.close();
    }
  });
});
