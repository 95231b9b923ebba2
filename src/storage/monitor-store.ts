/**
 * Monitored batches (one drift report per predicted file, per model version) and each model's
 * monitoring settings. Every committed write posts a 'monitor-changed' notice with the model keys.
 */
import type { MonitorOptions } from '../core/pipeline/monitor-settings';
import { postStorageChange } from './broadcast';
import type { LoupeDb } from './db';
import type { MonitoredBatch } from './records';
import { writeTransaction } from './transact';

const SETTINGS_PREFIX = 'monitor-settings:';
const REFERENCE_PREFIX = 'monitor-reference:';

/** What a model's batches are compared with: the sample in its bundle, or its training dataset stored in this browser. */
export type ReferenceChoice = 'sample' | 'dataset';

/** What a batch's record is built from; the store gives it an id and a date. */
export type MonitoredBatchInit = Omit<MonitoredBatch, 'id' | 'createdAt'>;

export interface MonitorStoreOptions {
  /** Injectable clock for tests. */
  now?: () => number;
}

export class MonitorStore {
  readonly #db: LoupeDb;
  readonly #now: () => number;

  constructor(db: LoupeDb, options: MonitorStoreOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
  }

  async add(init: MonitoredBatchInit): Promise<MonitoredBatch> {
    const batch: MonitoredBatch = { ...init, id: crypto.randomUUID(), createdAt: this.#now() };
    await writeTransaction(this.#db, ['monitored-batches'], `store the drift report of "${init.fileName}"`, async (tx) => {
      await tx.objectStore('monitored-batches').add(batch);
    });
    postStorageChange({ type: 'monitor-changed', ids: [batch.modelKey] });
    return batch;
  }

  /** A model's batches, oldest first (every model's when no key is given). */
  async list(modelKey?: string): Promise<MonitoredBatch[]> {
    const all = modelKey === undefined ? await this.#db.getAll('monitored-batches') : await this.#db.getAllFromIndex('monitored-batches', 'by-model', modelKey);
    return all.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  get(id: string): Promise<MonitoredBatch | undefined> {
    return this.#db.get('monitored-batches', id);
  }

  async delete(id: string): Promise<void> {
    const batch = await this.get(id);
    if (!batch) return;
    await writeTransaction(this.#db, ['monitored-batches'], 'delete a drift report', async (tx) => {
      await tx.objectStore('monitored-batches').delete(id);
    });
    postStorageChange({ type: 'monitor-changed', ids: [batch.modelKey] });
  }

  /** The model's monitoring settings ({} when never set: Evidently's defaults). */
  async getSettings(modelKey: string): Promise<MonitorOptions> {
    const rec = await this.#db.get('settings', SETTINGS_PREFIX + modelKey);
    return (rec?.value as MonitorOptions | undefined) ?? {};
  }

  /** The model's reference choice ('sample' when never set). */
  async getReference(modelKey: string): Promise<ReferenceChoice> {
    const rec = await this.#db.get('settings', REFERENCE_PREFIX + modelKey);
    return rec?.value === 'dataset' ? 'dataset' : 'sample';
  }

  async setReference(modelKey: string, choice: ReferenceChoice): Promise<void> {
    await writeTransaction(this.#db, ['settings'], 'save the reference choice', async (tx) => {
      await tx.objectStore('settings').put({ key: REFERENCE_PREFIX + modelKey, value: choice });
    });
    postStorageChange({ type: 'monitor-changed', ids: [modelKey] });
  }

  async setSettings(modelKey: string, settings: MonitorOptions): Promise<void> {
    await writeTransaction(this.#db, ['settings'], 'save the monitoring settings', async (tx) => {
      await tx.objectStore('settings').put({ key: SETTINGS_PREFIX + modelKey, value: settings });
    });
    postStorageChange({ type: 'monitor-changed', ids: [modelKey] });
  }
}
