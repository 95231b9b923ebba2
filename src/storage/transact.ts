/** All-or-nothing writes: one readwrite transaction, aborted on any failure, errors explained. */
import type { IDBPTransaction } from 'idb';
import type { LoupeDb, LoupeSchema, StoreName } from './db';
import { explainWriteFailure } from './space';

export type WriteTx = IDBPTransaction<LoupeSchema, StoreName[], 'readwrite'>;

/**
 * Runs `fn` in one readwrite transaction over `stores` and waits for the commit. On any failure
 * the transaction is aborted, so nothing is half-written, and a quota failure becomes a
 * StorageError naming the largest stored items. `fn` must await only IndexedDB requests.
 */
export async function writeTransaction<T>(db: LoupeDb, stores: StoreName[], action: string, fn: (tx: WriteTx) => Promise<T>): Promise<T> {
  const tx = db.transaction(stores, 'readwrite');
  try {
    const result = await fn(tx);
    await tx.done;
    return result;
  } catch (e) {
    tx.done.catch(() => {}); // reported once, below
    try {
      tx.abort();
    } catch {
      // already aborted or finished by the failure itself
    }
    throw await explainWriteFailure(db, e, action);
  }
}
