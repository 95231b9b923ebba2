/**
 * The Loupe IndexedDB database and its migrations. This directory is the only code that
 * touches IndexedDB.
 *
 * Migrations are an ordered list: MIGRATIONS[i] upgrades version i to version i + 1. The
 * database version is MIGRATIONS.length. To add stores (runs, models, registry, reports),
 * append a step — never edit a released one — so existing data is kept.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { ColumnProfile, ColumnSchema, DatasetWarning, RaggedRows, Table } from '../core/data/types';
import type { AliasChange, AliasRecord, DatasetLineageRecord, ModelVersionRecord, MonitoredBatch, RegisteredModelRecord, RetrainPolicy, Run, RunEvaluation, RunModel, RunStatus, StoredBundle } from './records';

export const DB_NAME = 'loupe';

/** What the list of stored datasets shows, without loading columns or bytes. */
export interface DatasetMeta {
  /** SHA-256 hex of the file's bytes: the dataset version id. */
  id: string;
  name: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds: last rename or re-load of the same bytes. */
  updatedAt: number;
  rowCount: number;
  columnCount: number;
  /** Size of the raw file in bytes. */
  bytes: number;
  delimiter: string;
  schema: ColumnSchema[];
  profile: ColumnProfile[];
  warnings: DatasetWarning[];
  ragged: RaggedRows;
  /** Set for Loupe's generated sample data, so the UI can label it as synthetic. */
  synthetic?: boolean;
}

export interface StoredFile {
  id: string;
  blob: Blob;
}

export interface StoredColumns {
  id: string;
  /** Typed arrays stored as they are (structured clone). */
  table: Table;
}

export interface SettingRecord {
  key: string;
  value: unknown;
}

export interface LoupeSchema extends DBSchema {
  datasets: { key: string; value: DatasetMeta; indexes: { 'by-updated': number } };
  'dataset-files': { key: string; value: StoredFile };
  'dataset-columns': { key: string; value: StoredColumns };
  settings: { key: string; value: SettingRecord };
  runs: {
    key: string;
    value: Run;
    indexes: { 'by-experiment': string; 'by-status': RunStatus; 'by-dataset': string; 'by-started': number };
  };
  'run-models': { key: string; value: RunModel };
  'run-evaluations': { key: string; value: RunEvaluation };
  'registered-models': { key: string; value: RegisteredModelRecord };
  'model-versions': { key: string; value: ModelVersionRecord; indexes: { 'by-name-version': [string, number] } };
  'model-bundles': { key: string; value: StoredBundle };
  aliases: { key: [string, string]; value: AliasRecord; indexes: { 'by-version': [string, number] } };
  'monitored-batches': { key: string; value: MonitoredBatch; indexes: { 'by-model': string; 'by-created': number } };
  'alias-history': { key: number; value: AliasChange; indexes: { 'by-name': string } };
  'dataset-lineage': { key: string; value: DatasetLineageRecord };
  'retrain-policies': { key: string; value: RetrainPolicy };
}

export type StoreName =
  | 'datasets'
  | 'dataset-files'
  | 'dataset-columns'
  | 'settings'
  | 'runs'
  | 'run-models'
  | 'run-evaluations'
  | 'registered-models'
  | 'model-versions'
  | 'model-bundles'
  | 'aliases'
  | 'monitored-batches'
  | 'alias-history'
  | 'dataset-lineage'
  | 'retrain-policies';
export type LoupeDb = IDBPDatabase<LoupeSchema>;

/** One upgrade step (version N → N+1). Untyped on purpose: a step sees the schema of its own time. */
export type Migration = (
  db: IDBPDatabase<unknown>,
  tx: IDBPTransaction<unknown, string[], 'versionchange'>,
) => void;

export const MIGRATIONS: readonly Migration[] = [
  // 0 → 1: datasets (metadata, raw file, parsed columns) and small settings.
  (db) => {
    const meta = db.createObjectStore('datasets', { keyPath: 'id' });
    meta.createIndex('by-updated', 'updatedAt');
    db.createObjectStore('dataset-files', { keyPath: 'id' });
    db.createObjectStore('dataset-columns', { keyPath: 'id' });
    db.createObjectStore('settings', { keyPath: 'key' });
  },
  // 1 → 2: experiment tracking (runs and their fitted models) and the model registry.
  (db) => {
    const runs = db.createObjectStore('runs', { keyPath: 'id' });
    runs.createIndex('by-experiment', 'experiment');
    runs.createIndex('by-status', 'status');
    runs.createIndex('by-dataset', 'datasetId');
    runs.createIndex('by-started', 'startedAt');
    db.createObjectStore('run-models', { keyPath: 'runId' });
    db.createObjectStore('registered-models', { keyPath: 'name' });
    const versions = db.createObjectStore('model-versions', { keyPath: 'id' });
    // Unique: two tabs can never both store version N of one model.
    versions.createIndex('by-name-version', ['name', 'version'], { unique: true });
    db.createObjectStore('model-bundles', { keyPath: 'id' });
    const aliases = db.createObjectStore('aliases', { keyPath: ['name', 'alias'] });
    aliases.createIndex('by-version', ['name', 'version']);
  },
  // 2 → 3: runs keep their per-row test predictions (for predicted-vs-actual in Compare).
  (db) => {
    db.createObjectStore('run-evaluations', { keyPath: 'runId' });
  },
  // 3 → 4: monitored batches (a drift report per predicted file, per model version).
  (db) => {
    const batches = db.createObjectStore('monitored-batches', { keyPath: 'id' });
    batches.createIndex('by-model', 'modelKey');
    batches.createIndex('by-created', 'createdAt');
  },
  // 4 → 5: retraining — every alias move (promote, roll back), the lineage of derived dataset
  // versions (the rows a retrain learned from name their parents), and a retraining policy per
  // registered model. Only creates these stores.
  (db) => {
    const history = db.createObjectStore('alias-history', { keyPath: 'id', autoIncrement: true });
    history.createIndex('by-name', 'name');
    db.createObjectStore('dataset-lineage', { keyPath: 'id' });
    db.createObjectStore('retrain-policies', { keyPath: 'name' });
  },
  // 5 → 6: runs say what they predict (`task`); a classifier run keeps its classes, threshold and
  // classification metrics in `classification`. Every run stored before is a regression run.
  // The walk only awaits requests of the upgrade transaction, which stays open until it ends.
  (_db, tx) => {
    void (async () => {
      let cursor = await tx.objectStore('runs').openCursor();
      while (cursor) {
        const run = cursor.value as { task?: string };
        if (run.task === undefined) await cursor.update({ ...run, task: 'regression' });
        cursor = await cursor.continue();
      }
    })();
  },
];

export interface OpenOptions {
  /** Database name (tests use a fresh one each). Default 'loupe'. */
  name?: string;
  /** Migration list; default MIGRATIONS. Tests pass a prefix to simulate an older version. */
  migrations?: readonly Migration[];
  /**
   * Another tab wants to upgrade the schema: this connection has been closed so it can, and
   * the app should reload (or reopen) to use the new version.
   */
  onVersionChange?: () => void;
}

export async function openLoupeDb(options: OpenOptions = {}): Promise<LoupeDb> {
  const migrations = options.migrations ?? MIGRATIONS;
  const db = await openDB<LoupeSchema>(options.name ?? DB_NAME, migrations.length, {
    upgrade(database, oldVersion, newVersion, transaction) {
      const target = newVersion ?? migrations.length;
      for (let v = oldVersion; v < target; v++) {
        migrations[v](
          database as unknown as IDBPDatabase<unknown>,
          transaction as unknown as IDBPTransaction<unknown, string[], 'versionchange'>,
        );
      }
    },
    blocking() {
      // A newer tab wants to upgrade: let it, rather than blocking it forever.
      db.close();
      options.onVersionChange?.();
    },
  });
  return db;
}
