/**
 * Dataset lineage: which dataset versions a version was drawn from. A file loaded to retrain a
 * model names the version that model was trained on; the rows a retrain learned from (a derived
 * version) name their base and new parents and how the rows were drawn. Records are written once
 * per id (the same retrain of the same files is the same version) and read by the Models screen.
 */
import { postStorageChange } from './broadcast';
import type { LoupeDb } from './db';
import type { DatasetLineageRecord } from './records';
import { writeTransaction } from './transact';

export class LineageStore {
  readonly #db: LoupeDb;

  constructor(db: LoupeDb) {
    this.#db = db;
  }

  /** Records a version's parents; an existing record for the id is kept as it was (first writer wins). */
  async record(rec: DatasetLineageRecord): Promise<DatasetLineageRecord> {
    const kept = await writeTransaction(this.#db, ['dataset-lineage'], `record the lineage of "${rec.name}"`, async (tx) => {
      const store = tx.objectStore('dataset-lineage');
      const existing = await store.get(rec.id);
      if (existing) return existing;
      await store.add(rec);
      return rec;
    });
    postStorageChange({ type: 'datasets-changed', ids: [rec.id] });
    return kept;
  }

  async get(id: string): Promise<DatasetLineageRecord | undefined> {
    return this.#db.get('dataset-lineage', id);
  }
}
