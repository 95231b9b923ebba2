/**
 * What Loupe keeps in this browser's IndexedDB, by kind, and deleting all of it (the "Stored
 * data" panel: the page shows what it stores and can delete everything).
 */
import { deleteDB } from 'idb';
import { DB_NAME, type LoupeDb } from './db';
import type { StoredItem } from './records';
import { largestItems } from './space';

export type StoredKind = StoredItem['kind'];

/** Count and estimated bytes per kind of stored item (datasets, runs, model versions, drift reports). */
export type StoredSummary = Record<StoredKind, { count: number; bytes: number }>;

export async function storedSummary(db: LoupeDb): Promise<StoredSummary> {
  const out: StoredSummary = {
    dataset: { count: 0, bytes: 0 },
    run: { count: 0, bytes: 0 },
    'model-version': { count: 0, bytes: 0 },
    'monitored-batch': { count: 0, bytes: 0 },
  };
  for (const item of await largestItems(db, Infinity)) {
    out[item.kind].count++;
    out[item.kind].bytes += item.bytes;
  }
  return out;
}

/**
 * Deletes Loupe's whole database. Open connections (this tab's, workers', other tabs') are asked
 * to close through `versionchange` and do so (see openLoupeDb), so the deletion goes through;
 * the pages holding them must reload before storing anything again.
 */
export async function deleteStoredData(name = DB_NAME): Promise<void> {
  await deleteDB(name);
}
