import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { DatasetStore, MIGRATIONS, onStorageChange, openLoupeDb, StorageError, type Migration, type StorageChange } from '../../src/storage';
import { quotaExceeded, withFailingWrites } from './failing-writes';
import { toStorageError } from '../../src/storage/errors';
import type { ParsedDataset } from '../../src/core/data/types';

let dbCounter = 0;
const freshName = (): string => `loupe-test-${process.pid}-${++dbCounter}`;

function dataset(n = 4): ParsedDataset {
  const carat = new Float64Array(n);
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    carat[i] = 0.25 * (i + 1);
    codes[i] = i % 2;
  }
  codes[n - 1] = -1;
  carat[0] = Number.NaN;
  return {
    table: {
      rowCount: n,
      columns: [
        { type: 'numeric', name: 'carat', values: carat },
        { type: 'categorical', name: 'cut', codes, levels: ['Ideal', 'Fair'] },
      ],
    },
    schema: [
      { name: 'carat', kind: 'numeric', reason: 'numbers', storage: 'numeric' },
      { name: 'cut', kind: 'categorical', reason: 'two labels', storage: 'categorical' },
    ],
    profile: [
      { name: 'carat', count: n - 1, missing: 1, distinct: n - 1 },
      { name: 'cut', count: n - 1, missing: 1, distinct: 2, top: [{ level: 'Ideal', count: 2 }] },
    ],
    warnings: [{ kind: 'missing-values', column: 'carat', count: 1, message: 'carat has 1 missing value.' }],
    ragged: { count: 0, rows: [], policy: 'padded-or-truncated' },
    bytes: 40,
    delimiter: ',',
  };
}

const fileOf = (text: string): Blob => new Blob([text], { type: 'text/csv' });

async function sha256(text: string): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, '0')).join('');
}

describe('DatasetStore', () => {
  it('stores metadata, file and typed-array columns, keyed by the SHA-256 of the bytes', async () => {
    const db = await openLoupeDb({ name: freshName() });
    let t = 1000;
    const store = new DatasetStore(db, () => t++);
    const text = 'carat,cut\n,Ideal\n0.5,Fair\n0.75,Ideal\n1,\n';
    const res = await store.put(dataset(), fileOf(text), 'gems.csv');
    expect(res.reused).toBe(false);
    expect(res.id).toBe(await sha256(text));

    const meta = await store.get(res.id);
    expect(meta).toMatchObject({ name: 'gems.csv', rowCount: 4, columnCount: 2, bytes: text.length, delimiter: ',' });
    expect(meta?.schema.map((s) => s.kind)).toEqual(['numeric', 'categorical']);

    const table = await store.loadTable(res.id);
    const [carat, cut] = table.columns;
    expect(carat.type === 'numeric' && carat.values).toBeInstanceOf(Float64Array);
    expect(cut.type === 'categorical' && Array.from(cut.codes)).toEqual([0, 1, 0, -1]);
    expect(carat.type === 'numeric' && Number.isNaN(carat.values[0])).toBe(true);
    expect(await (await store.loadFile(res.id)).text()).toBe(text);
    db.close();
  });

  it('reuses the stored version when the same bytes are loaded again', async () => {
    const db = await openLoupeDb({ name: freshName() });
    let t = 0;
    const store = new DatasetStore(db, () => (t += 10));
    const a = await store.put(dataset(), fileOf('a,b\n1,2\n'), 'first.csv');
    const b = await store.put(dataset(), fileOf('a,b\n1,2\n'), 'second name.csv');
    expect(b).toMatchObject({ id: a.id, reused: true });
    const list = await store.list();
    expect(list).toHaveLength(1);
    expect(list[0].name).toBe('first.csv');
    expect(list[0].updatedAt).toBeGreaterThan(list[0].createdAt);
    db.close();
  });

  it('lists most recent first, renames, and deletes all three parts together', async () => {
    const db = await openLoupeDb({ name: freshName() });
    let t = 0;
    const store = new DatasetStore(db, () => (t += 10));
    const a = await store.put(dataset(), fileOf('x\n1\n'), 'a.csv');
    const b = await store.put(dataset(), fileOf('x\n2\n'), 'b.csv');
    expect((await store.list()).map((m) => m.name)).toEqual(['b.csv', 'a.csv']);

    await store.rename(a.id, '  renamed  ');
    expect((await store.list()).map((m) => m.name)).toEqual(['renamed', 'b.csv']);
    await expect(store.rename(a.id, '   ')).rejects.toBeInstanceOf(StorageError);

    await store.setLastOpened(b.id);
    expect(await store.getLastOpened()).toBe(b.id);
    await store.delete(b.id);
    expect(await store.get(b.id)).toBeUndefined();
    await expect(store.loadTable(b.id)).rejects.toBeInstanceOf(StorageError);
    await expect(store.loadFile(b.id)).rejects.toBeInstanceOf(StorageError);
    expect(await store.getLastOpened()).toBeUndefined();
    expect((await store.list()).map((m) => m.id)).toEqual([a.id]);
    db.close();
  });

  it('turns a quota failure into a StorageError that suggests deleting datasets', () => {
    const quota = new DOMException('full', 'QuotaExceededError');
    const e = toStorageError(quota, 'store the dataset "x.csv"');
    expect(e).toBeInstanceOf(StorageError);
    expect((e as StorageError).code).toBe('quota-exceeded');
    expect((e as StorageError).message).toMatch(/Delete datasets/);
    const other = new Error('boom');
    expect(toStorageError(other, 'x')).toBe(other);
  });
});

describe('migrations', () => {
  it('upgrading to a later version keeps stored datasets', async () => {
    const name = freshName();
    const v1 = await openLoupeDb({ name, migrations: MIGRATIONS.slice(0, 1) });
    expect(v1.version).toBe(1);
    const id = (await new DatasetStore(v1).put(dataset(), fileOf('k\n1\n'), 'kept.csv')).id;
    v1.close();

    const addRuns: Migration = (db) => {
      db.createObjectStore('runs', { keyPath: 'id' });
    };
    const v2 = await openLoupeDb({ name, migrations: [...MIGRATIONS.slice(0, 1), addRuns] });
    expect(v2.version).toBe(2);
    expect(Array.from(v2.objectStoreNames)).toContain('runs');
    const store = new DatasetStore(v2);
    expect((await store.get(id))?.name).toBe('kept.csv');
    expect((await store.loadTable(id)).rowCount).toBe(4);
    v2.close();
  });

  it('the current version equals the number of migration steps', async () => {
    const db = await openLoupeDb({ name: freshName() });
    expect(db.version).toBe(MIGRATIONS.length);
    expect(Array.from(db.objectStoreNames)).toEqual(expect.arrayContaining(['dataset-columns', 'dataset-files', 'datasets', 'settings']));
    db.close();
  });
});

describe('failed writes', () => {
  it('a quota failure while storing leaves nothing half-written and says to delete datasets', async () => {
    const db = await openLoupeDb({ name: freshName() });
    const store = new DatasetStore(db);
    const kept = await store.put(dataset(), fileOf('k\n1\n'), 'kept.csv');

    const err = await withFailingWrites(
      (name) => (name === 'dataset-columns' ? quotaExceeded() : undefined),
      () => store.put(dataset(), fileOf('new\n2\n'), 'too-big.csv').catch((e: unknown) => e),
    );
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).code).toBe('quota-exceeded');
    expect((err as StorageError).message).toMatch(/too-big\.csv.*full.*Delete datasets/s);
    expect((await store.list()).map((m) => m.id)).toEqual([kept.id]);
    db.close();
  });
});

describe('change notices', () => {
  it('tells other tabs when a dataset is stored, renamed or deleted, after the commit', async () => {
    const db = await openLoupeDb({ name: freshName() });
    const store = new DatasetStore(db);
    const seen: StorageChange[] = [];
    const stop = onStorageChange((c) => seen.push(c));
    const settle = async (n: number): Promise<void> => {
      for (let i = 0; i < 50 && seen.length < n; i++) await new Promise((res) => setTimeout(res, 10));
    };
    try {
      const { id } = await store.put(dataset(), fileOf('a\n1\n'), 'a.csv');
      await settle(1);
      await store.rename(id, 'renamed.csv');
      await settle(2);
      await store.delete(id);
      await settle(3);
      expect(seen).toEqual([
        { type: 'datasets-changed', ids: [id] },
        { type: 'datasets-changed', ids: [id] },
        { type: 'datasets-changed', ids: [id] },
      ]);
    } finally {
      stop();
      db.close();
    }
  });
});
