/**
 * Stored datasets: metadata, raw file bytes and parsed columns, in three object stores that
 * are written and deleted together in one transaction each.
 */
import type { ParsedDataset, Table } from '../core/data/types';
import type { DatasetMeta, LoupeDb } from './db';
import { StorageError, toStorageError } from './errors';

export interface PutResult {
  id: string;
  /** True when a dataset with the same bytes was already stored; it is kept as it was. */
  reused: boolean;
  meta: DatasetMeta;
}

export interface StorageEstimate {
  /** Bytes used by this site, or null when the browser does not say. */
  usage: number | null;
  /** Bytes this site may use, or null when the browser does not say. */
  quota: number | null;
}

const LAST_OPENED = 'last-opened-dataset';

export class DatasetStore {
  readonly #db: LoupeDb;
  readonly #now: () => number;

  /** `now` is injectable so tests can pin timestamps. */
  constructor(db: LoupeDb, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
  }

  /**
   * Stores a parsed dataset with its file. `id` is the SHA-256 hex of the file bytes (the
   * ingest worker computes it); it is computed here when absent. The same bytes stored twice
   * are one version: the existing one is reused (its updatedAt refreshed).
   */
  async put(parsed: ParsedDataset, file: Blob, name: string, id?: string): Promise<PutResult> {
    const key = id ?? (await hashBlob(file));
    const tx = this.#db.transaction(['datasets', 'dataset-files', 'dataset-columns'], 'readwrite');
    try {
      const metas = tx.objectStore('datasets');
      const existing = await metas.get(key);
      let meta: DatasetMeta;
      let reused: boolean;
      if (existing) {
        meta = { ...existing, updatedAt: this.#now() };
        reused = true;
        await metas.put(meta);
      } else {
        const t = this.#now();
        meta = {
          id: key,
          name,
          createdAt: t,
          updatedAt: t,
          rowCount: parsed.table.rowCount,
          columnCount: parsed.table.columns.length,
          bytes: file.size,
          delimiter: parsed.delimiter,
          schema: parsed.schema,
          profile: parsed.profile,
          warnings: parsed.warnings,
          ragged: parsed.ragged,
        };
        reused = false;
        await Promise.all([
          metas.put(meta),
          tx.objectStore('dataset-files').put({ id: key, blob: file }),
          tx.objectStore('dataset-columns').put({ id: key, table: parsed.table }),
        ]);
      }
      await tx.done;
      return { id: key, reused, meta };
    } catch (e) {
      tx.done.catch(() => {}); // the abort is reported once, below
      throw toStorageError(e, `store the dataset "${name}"`);
    }
  }

  /** All stored datasets, most recently used first. */
  async list(): Promise<DatasetMeta[]> {
    const all = await this.#db.getAllFromIndex('datasets', 'by-updated');
    return all.reverse();
  }

  async get(id: string): Promise<DatasetMeta | undefined> {
    return this.#db.get('datasets', id);
  }

  /** The parsed columns of a stored dataset. */
  async loadTable(id: string): Promise<Table> {
    const rec = await this.#db.get('dataset-columns', id);
    if (!rec) throw new StorageError('dataset-missing', `The dataset ${id.slice(0, 12)}… is not stored in this browser.`);
    return rec.table;
  }

  /** The original file bytes. */
  async loadFile(id: string): Promise<Blob> {
    const rec = await this.#db.get('dataset-files', id);
    if (!rec) throw new StorageError('dataset-missing', `The file of dataset ${id.slice(0, 12)}… is not stored in this browser.`);
    return rec.blob;
  }

  async rename(id: string, name: string): Promise<DatasetMeta> {
    const trimmed = name.trim();
    if (!trimmed) throw new StorageError('invalid-name', 'A dataset name cannot be empty.', { field: 'name' });
    try {
      const tx = this.#db.transaction('datasets', 'readwrite');
      const meta = await tx.store.get(id);
      if (!meta) throw new StorageError('dataset-missing', `The dataset ${id.slice(0, 12)}… is not stored in this browser.`);
      const next = { ...meta, name: trimmed, updatedAt: this.#now() };
      await tx.store.put(next);
      await tx.done;
      return next;
    } catch (e) {
      throw toStorageError(e, 'rename the dataset');
    }
  }

  /** Removes metadata, file and columns in one transaction. */
  async delete(id: string): Promise<void> {
    const tx = this.#db.transaction(['datasets', 'dataset-files', 'dataset-columns', 'settings'], 'readwrite');
    const last = await tx.objectStore('settings').get(LAST_OPENED);
    await Promise.all([
      tx.objectStore('datasets').delete(id),
      tx.objectStore('dataset-files').delete(id),
      tx.objectStore('dataset-columns').delete(id),
      last?.value === id ? tx.objectStore('settings').delete(LAST_OPENED) : Promise.resolve(),
    ]);
    await tx.done;
  }

  /** Remembers the dataset to reopen after a reload. */
  async setLastOpened(id: string): Promise<void> {
    await this.#db.put('settings', { key: LAST_OPENED, value: id });
  }

  async getLastOpened(): Promise<string | undefined> {
    const rec = await this.#db.get('settings', LAST_OPENED);
    return typeof rec?.value === 'string' ? rec.value : undefined;
  }
}

/** Site storage usage vs quota (navigator.storage.estimate). */
export async function storageEstimate(): Promise<StorageEstimate> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.estimate) return { usage: null, quota: null };
  const e = await storage.estimate();
  return { usage: e.usage ?? null, quota: e.quota ?? null };
}

/**
 * Asks the browser not to evict Loupe's data under storage pressure. Resolves to whether
 * storage is persistent (browsers may refuse; that is not an error).
 */
export async function requestPersistence(): Promise<boolean> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.persist) return false;
  if (storage.persisted && (await storage.persisted())) return true;
  return storage.persist();
}

async function hashBlob(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
