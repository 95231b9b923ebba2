import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/core/data';
import { DatasetStore, largestItems, MIGRATIONS, MonitorStore, onStorageChange, openLoupeDb, storedSummary, type StorageChange } from '../../src/storage';
import { batchInit } from '../helpers/monitored-batch';

let dbCounter = 0;
const freshName = (): string => `loupe-monitor-test-${process.pid}-${++dbCounter}`;

describe('migration 3 → 4 (monitored batches)', () => {
  it('keeps stored datasets and adds the monitored-batches store with its indexes', async () => {
    const name = freshName();
    const v3 = await openLoupeDb({ name, migrations: MIGRATIONS.slice(0, 3) });
    const csv = 'carat,price\n0.3,500\n0.5,900\n';
    const id = (await new DatasetStore(v3).put(await parseCsv(csv), new Blob([csv]), 'd.csv')).id;
    v3.close();
    const v4 = await openLoupeDb({ name, migrations: MIGRATIONS.slice(0, 4) });
    expect(v4.version).toBe(4);
    expect(Array.from(v4.transaction('monitored-batches').store.indexNames).sort()).toEqual(['by-created', 'by-model']);
    expect(await (await new DatasetStore(v4).loadFile(id)).text()).toBe(csv);
    v4.close();
  });
});

describe('MonitorStore', () => {
  it('keeps batches per model, oldest first, with their reports (typed arrays and all), and deletes them', async () => {
    const db = await openLoupeDb({ name: freshName() });
    let t = 1000;
    const store = new MonitorStore(db, { now: () => (t += 10) });
    const seen: StorageChange[] = [];
    const stop = onStorageChange((c) => seen.push(c));
    const a1 = await store.add(batchInit('registry:Gems@1', 0));
    const b1 = await store.add(batchInit('registry:Gems@2', 3));
    const a2 = await store.add(batchInit('registry:Gems@1', 3));
    expect((await store.list('registry:Gems@1')).map((b) => b.id)).toEqual([a1.id, a2.id]);
    expect((await store.list()).map((b) => b.id)).toEqual([a1.id, b1.id, a2.id]);
    const back = (await store.get(a2.id))!;
    expect(back.createdAt).toBe(1030);
    expect(back.report).toEqual(a2.report);
    expect(back.datasetDrift).toBe(true);
    expect((await store.get(a1.id))!.datasetDrift).toBe(false);
    const summary = (await storedSummary(db))['monitored-batch'];
    expect(summary.count).toBe(3);
    expect(summary.bytes).toBeGreaterThan(1000);
    expect((await largestItems(db, 10)).filter((i) => i.kind === 'monitored-batch').map((i) => i.label)).toContain('drift report of "batch-3.csv" (registry:Gems@2)');
    await store.delete(a1.id);
    expect((await store.list('registry:Gems@1')).map((b) => b.id)).toEqual([a2.id]);
    await new Promise((r) => setTimeout(r, 20));
    stop();
    expect(seen.filter((c) => c.type === 'monitor-changed').map((c) => c.ids[0])).toEqual(['registry:Gems@1', 'registry:Gems@2', 'registry:Gems@1', 'registry:Gems@1']);
    db.close();
  });

  it('keeps each model its own settings', async () => {
    const db = await openLoupeDb({ name: freshName() });
    const store = new MonitorStore(db);
    expect(await store.getSettings('registry:Gems@1')).toEqual({});
    await store.setSettings('registry:Gems@1', { drift: { threshold: 0.2, perColumn: { carat: { threshold: 0.3 } } } });
    expect(await store.getSettings('registry:Gems@1')).toEqual({ drift: { threshold: 0.2, perColumn: { carat: { threshold: 0.3 } } } });
    expect(await store.getSettings('registry:Gems@2')).toEqual({});
    expect(await store.getReference('registry:Gems@1')).toBe('sample');
    await store.setReference('registry:Gems@1', 'dataset');
    expect(await store.getReference('registry:Gems@1')).toBe('dataset');
    expect(await store.getReference('registry:Gems@2')).toBe('sample');
    db.close();
  });
});
