/** Public API of the storage layer (the only code that touches IndexedDB). */
export { openLoupeDb, MIGRATIONS, DB_NAME } from './db';
export type { DatasetMeta, LoupeDb, LoupeSchema, Migration, OpenOptions, StoredColumns, StoredFile } from './db';
export { DatasetStore, storageEstimate, requestPersistence } from './dataset-store';
export type { PutOptions, PutResult, StorageEstimate } from './dataset-store';
export { StorageError, isQuotaError, toStorageError } from './errors';
export { RunStore, normalizeTags, sortRuns, outcomeMetrics } from './runs-store';
export type { RunInit, RunOutcome, RunFilter, RunSort, MetricName, ExperimentSummary, RunStoreOptions, TrialRecord } from './runs-store';
export { RUN_METRICS, runMetric, runMetricInfo, runTask, sharedRunMetrics } from './run-metrics';
export type { RunMetricName, RunMetricInfo, RegressionMetricName, ClassificationMetricField } from './run-metrics';
export { RegistryStore, describeChange } from './registry-store';
export { LineageStore } from './lineage-store';
export { PolicyStore, checkPolicy, MANUAL_POLICY } from './policy-store';
export { MonitorStore } from './monitor-store';
export type { MonitoredBatchInit, MonitorStoreOptions, ReferenceChoice } from './monitor-store';
export type { RegisterOptions, RegisterSource, ImportOptions, RegistryStoreOptions } from './registry-store';
export type {
  Run,
  RunStatus,
  RunEnvironment,
  RunError,
  RunModel,
  RunEvaluation,
  RegisteredModel,
  RegisteredModelRecord,
  ModelVersion,
  ModelVersionRecord,
  AliasRecord,
  AliasChange,
  DatasetLineageRecord,
  RetrainPolicy,
  RunRetrain,
  RunClassification,
  RunTrial,
  RunSearch,
  RetrainParent,
  StoredBundle,
  StoredItem,
  MonitoredBatch,
} from './records';
export { runsToCsv, runsToJson, RUNS_JSON_FORMAT } from './export';
export type { RunsJson } from './export';
export { CHANNEL_NAME, onStorageChange, postStorageChange } from './broadcast';
export type { StorageChange, StorageChangeType } from './broadcast';
export { startTabSession, browserLocks, sessionLockName } from './session';
export type { TabSession, LocksLike } from './session';
export { largestItems, estimateBytes } from './space';
export { storedSummary, deleteStoredData } from './site-data';
export type { StoredSummary, StoredKind } from './site-data';
