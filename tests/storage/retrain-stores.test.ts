import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelBundle } from '../../src/core/bundle/bundle';
import { parseCsv } from '../../src/core/data';
import { runTraining } from '../../src/core/pipeline/train';
import { defaultRecipe } from '../../src/core/recipe';
import { generateSampleGemstones } from '../../src/core/sample';
import { LineageStore, MIGRATIONS, openLoupeDb, PolicyStore, RegistryStore, type LoupeDb } from '../../src/storage';

let dbCounter = 0;
const freshName = (): string => `loupe-retrain-stores-test-${process.pid}-${++dbCounter}`;
let bundle: ModelBundle;

beforeAll(async () => {
  const ds = await parseCsv(generateSampleGemstones(300, 2));
  const res = await runTraining({
    table: ds.table,
    recipe: defaultRecipe(ds.schema, 'price', ds.table),
    dataset: { hash: 'e'.repeat(64), name: 'gems.csv' },
    candidates: [{ type: 'linear' }],
    split: { kind: 'holdout', testSize: 0.25, seed: 3 },
  });
  bundle = { ...res.leaderboard[0].bundle!, name: 'Gem price' };
}, 60_000);

/** A registry with versions 1..n of "Gem price" and a clock that ticks 1 ms per call. */
async function registry(n: number, db?: LoupeDb): Promise<{ db: LoupeDb; store: RegistryStore }> {
  const d = db ?? (await openLoupeDb({ name: freshName() }));
  let t = 1000;
  const store = new RegistryStore(d, { now: () => t++ });
  for (let i = 0; i < n; i++) await store.register({ bundle }, { name: 'Gem price' });
  return { db: d, store };
}

// This branch's step is the last of MIGRATIONS (3 → 4 here; renumbered if another lands first).
const BEFORE = MIGRATIONS.length - 1;

describe(`migration ${BEFORE} → ${BEFORE + 1} (alias history, dataset lineage, retraining policies)`, () => {
  it('keeps the registry and its aliases and adds the three stores, empty', async () => {
    const name = freshName();
    const old = await openLoupeDb({ name, migrations: MIGRATIONS.slice(0, BEFORE) });
    expect(Array.from(old.objectStoreNames)).not.toContain('alias-history');
    // A version and its alias as the older schema stored them (no history).
    await old.put('registered-models', { name: 'Gem price', description: '', createdAt: 1, updatedAt: 1, lastVersion: 1 });
    const rec = { id: 'v1', name: 'Gem price', version: 1, createdAt: 1, author: 'you', description: '', tags: [], source: 'import' as const, modelType: bundle.model.type, target: bundle.target, metrics: bundle.metrics, lineage: bundle.lineage, bytes: 1 };
    await old.put('model-versions', rec);
    await old.put('model-bundles', { id: 'v1', bundle });
    await old.put('aliases', { name: 'Gem price', alias: 'champion', version: 1, setAt: 5 });
    old.close();

    const now = await openLoupeDb({ name });
    expect(now.version).toBe(BEFORE + 1);
    expect(Array.from(now.objectStoreNames)).toEqual(expect.arrayContaining(['alias-history', 'dataset-lineage', 'retrain-policies', 'aliases', 'model-versions']));
    const after = new RegistryStore(now);
    expect((await after.getByAlias('Gem price', 'champion'))?.version).toBe(1);
    expect(await after.aliasHistory('Gem price')).toEqual([]);
    // The first move after the upgrade knows where the alias was.
    await after.register({ bundle }, { name: 'Gem price' });
    await after.setAlias('Gem price', 'champion', 2);
    expect(await after.aliasHistory('Gem price')).toMatchObject([{ alias: 'champion', previous: 1, version: 2, action: 'set' }]);
    now.close();
  });
});

describe('alias history: promote and roll back', () => {
  it('records every move with the version before, and a rollback moves the alias back (twice: forward again)', async () => {
    const { store } = await registry(2);
    await store.setAlias('Gem price', 'champion', 1);
    await store.setAlias('Gem price', 'champion', 2, 'promoted after a retrain');
    expect(await store.aliasHistory('Gem price')).toMatchObject([
      { alias: 'champion', version: 1, action: 'set' },
      { alias: 'champion', previous: 1, version: 2, action: 'set', reason: 'promoted after a retrain' },
    ]);
    expect((await store.aliasHistory('Gem price'))[0].previous).toBeUndefined();

    const back = await store.rollbackAlias('Gem price', 'champion');
    expect(back).toMatchObject({ action: 'rollback', previous: 2, version: 1, reason: 'back to version 1 (undoing: champion: version 1 → version 2)' });
    expect((await store.getByAlias('Gem price', 'champion'))?.version).toBe(1);
    await store.rollbackAlias('Gem price', 'champion');
    expect((await store.getByAlias('Gem price', 'champion'))?.version).toBe(2);
    expect((await store.aliasHistory('Gem price')).map((c) => c.action)).toEqual(['set', 'set', 'rollback', 'rollback']);
  });

  it('rolling back the first setting removes the alias; removing an unset alias records nothing', async () => {
    const { store } = await registry(1);
    await store.removeAlias('Gem price', 'champion');
    expect(await store.aliasHistory('Gem price')).toEqual([]);
    await store.setAlias('Gem price', 'challenger', 1);
    await store.rollbackAlias('Gem price', 'challenger');
    expect(await store.getByAlias('Gem price', 'challenger')).toBeUndefined();
    expect((await store.aliasHistory('Gem price')).at(-1)).toMatchObject({ action: 'rollback', previous: 1 });
    expect((await store.aliasHistory('Gem price')).at(-1)!.version).toBeUndefined();
  });

  it('deleting a version records the removal of its aliases; a rollback to a deleted version is refused, naming it', async () => {
    const { store } = await registry(2);
    await store.setAlias('Gem price', 'champion', 1);
    await store.setAlias('Gem price', 'champion', 2);
    await store.deleteVersion('Gem price', 1);
    await expect(store.rollbackAlias('Gem price', 'champion')).rejects.toMatchObject({ code: 'version-missing', message: expect.stringMatching(/version 1 before, which has been deleted/) });
    expect((await store.getByAlias('Gem price', 'champion'))?.version).toBe(2);
    await store.deleteVersion('Gem price', 2);
    expect((await store.aliasHistory('Gem price')).at(-1)).toMatchObject({ alias: 'champion', previous: 2, action: 'remove', reason: 'version 2 was deleted' });
    await expect(store.rollbackAlias('Gem price', 'nightly')).rejects.toMatchObject({ code: 'no-alias-history', where: { field: 'alias' } });
    await expect(store.setAlias('Gem price', 'champion', 9)).rejects.toMatchObject({ code: 'version-missing' });
  });

  it('deleting the model deletes its history', async () => {
    const { store } = await registry(1);
    await store.setAlias('Gem price', 'champion', 1);
    await store.deleteModel('Gem price');
    expect(await store.aliasHistory('Gem price')).toEqual([]);
  });
});

describe('dataset lineage and retraining policies', () => {
  it('keeps the first record of a dataset version', async () => {
    const lineage = new LineageStore(await openLoupeDb({ name: freshName() }));
    const rec = { id: 'f'.repeat(64), name: 'new.csv + old.csv', rows: 10, kind: 'derived' as const, parents: [{ hash: 'a'.repeat(64), rows: 6, role: 'base' as const }, { hash: 'b'.repeat(64), rows: 5, role: 'new' as const }], derivation: { mode: 'all' as const, holdoutShare: 0.2, seed: 1 }, createdAt: 1 };
    expect(await lineage.record(rec)).toEqual(rec);
    expect(await lineage.record({ ...rec, name: 'other', createdAt: 2 })).toEqual(rec);
    expect(await lineage.get(rec.id)).toEqual(rec);
    expect(await lineage.get('0'.repeat(64))).toBeUndefined();
  });

  it('a model without a policy is manual; a stored policy is checked and kept', async () => {
    const policies = new PolicyStore(await openLoupeDb({ name: freshName() }), () => 42);
    expect(await policies.get('Gem price')).toMatchObject({ trigger: 'manual', mode: 'all' });
    await expect(policies.set({ name: 'Gem price', trigger: 'degradation', mode: 'all' })).rejects.toMatchObject({ code: 'invalid-policy', where: { field: 'threshold' } });
    await expect(policies.set({ name: 'Gem price', trigger: 'drift', mode: 'window', window: 1 })).rejects.toMatchObject({ where: { field: 'window' } });
    await policies.set({ name: 'Gem price', trigger: 'degradation', threshold: 0.15, mode: 'window', window: 5000 });
    expect(await policies.get('Gem price')).toEqual({ name: 'Gem price', trigger: 'degradation', threshold: 0.15, mode: 'window', window: 5000, updatedAt: 42 });
  });
});
