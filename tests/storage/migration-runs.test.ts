import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { DatasetStore, MIGRATIONS, openLoupeDb, RunStore } from '../../src/storage';
import type { ParsedDataset } from '../../src/core/data/types';
import { parseCsv } from '../../src/core/data';
import { defaultRecipe } from '../../src/core/recipe';

let dbCounter = 0;
const freshName = (): string => `loupe-migration-test-${process.pid}-${++dbCounter}`;

const CSVS = ['carat,cut,price\n0.3,Ideal,500\n0.5,,900\n', 'carat,cut,price\n1.1,Fair,4000\n', 'carat,cut,price\n2,Good,9000\n,Ideal,100\n'];

describe('migration 1 → 2 (runs and registry)', () => {
  it('keeps every stored dataset and adds working run and registry stores', async () => {
    const name = freshName();
    const v1 = await openLoupeDb({ name, migrations: MIGRATIONS.slice(0, 1) });
    expect(v1.version).toBe(1);
    const before = new DatasetStore(v1);
    const parsed: ParsedDataset[] = [];
    const ids: string[] = [];
    for (let i = 0; i < CSVS.length; i++) {
      const p = await parseCsv(CSVS[i]);
      parsed.push(p);
      ids.push((await before.put(p, new Blob([CSVS[i]]), `d${i}.csv`)).id);
    }
    await before.setLastOpened(ids[1]);
    v1.close();

    const v2 = await openLoupeDb({ name });
    expect(v2.version).toBe(MIGRATIONS.length);
    expect(MIGRATIONS.length).toBeGreaterThanOrEqual(2);
    expect(Array.from(v2.objectStoreNames)).toEqual(expect.arrayContaining(['datasets', 'runs', 'run-models', 'registered-models', 'model-versions', 'model-bundles', 'aliases']));
    expect(Array.from(v2.transaction('runs').store.indexNames).sort()).toEqual(['by-dataset', 'by-experiment', 'by-started', 'by-status']);
    expect(v2.transaction('model-versions').store.index('by-name-version').unique).toBe(true);

    const after = new DatasetStore(v2);
    expect((await after.list()).map((m) => m.name).sort()).toEqual(['d0.csv', 'd1.csv', 'd2.csv']);
    for (let i = 0; i < ids.length; i++) {
      const table = await after.loadTable(ids[i]);
      expect(table.rowCount).toBe(parsed[i].table.rowCount);
      expect(await (await after.loadFile(ids[i])).text()).toBe(CSVS[i]);
    }
    expect(await after.getLastOpened()).toBe(ids[1]);

    const runs = new RunStore(v2);
    const run = await runs.start({
      datasetId: ids[0],
      datasetName: 'd0.csv',
      recipe: defaultRecipe(parsed[0].schema, 'price', parsed[0].table),
      modelType: 'linear',
      params: {},
      seed: 1,
      environment: { loupeVersion: '0.1.0' },
    });
    expect((await runs.list({ datasetId: ids[0] })).map((r) => r.id)).toEqual([run.id]);
    v2.close();
  });

  it('a connection asked to make way for an upgrade closes itself and tells the app', async () => {
    const name = freshName();
    let told = 0;
    const old = await openLoupeDb({ name, migrations: MIGRATIONS.slice(0, 1), onVersionChange: () => told++ });
    const upgraded = await openLoupeDb({ name });
    expect(upgraded.version).toBe(MIGRATIONS.length);
    expect(told).toBe(1);
    // The old connection is closed: using it fails instead of blocking the new version.
    expect(() => old.transaction('datasets')).toThrow();
    upgraded.close();
  });
});

describe('migration 2 → 3 (runs keep per-row test predictions)', () => {
  it('keeps the runs and models stored at version 2 and adds the evaluations store', async () => {
    const name = freshName();
    const v2 = await openLoupeDb({ name, migrations: MIGRATIONS.slice(0, 2) });
    expect(v2.version).toBe(2);
    const p = await parseCsv(CSVS[0]);
    const old = new RunStore(v2);
    const run = await old.start({ datasetId: 'a'.repeat(64), datasetName: 'd0.csv', recipe: defaultRecipe(p.schema, 'price', p.table), modelType: 'linear', params: {}, seed: 1, environment: { loupeVersion: '0.1.0' } });
    v2.close();

    const v3 = await openLoupeDb({ name });
    expect(v3.version).toBe(MIGRATIONS.length);
    expect(Array.from(v3.objectStoreNames)).toContain('run-evaluations');
    const runs = new RunStore(v3);
    expect((await runs.get(run.id))?.datasetName).toBe('d0.csv');
    expect(await runs.getEvaluation(run.id)).toBeUndefined();
    v3.close();
  });
});
