/** Public API of the storage layer (the only code that touches IndexedDB). */
export { openLoupeDb, MIGRATIONS, DB_NAME } from './db';
export type { DatasetMeta, LoupeDb, LoupeSchema, Migration, OpenOptions, StoredColumns, StoredFile } from './db';
export { DatasetStore, storageEstimate, requestPersistence } from './dataset-store';
export type { PutOptions, PutResult, StorageEstimate } from './dataset-store';
export { StorageError, isQuotaError, toStorageError } from './errors';
