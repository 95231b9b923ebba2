/**
 * Records kept for experiment tracking (runs) and the model registry (registered models,
 * versions, aliases). Typed arrays inside models are stored as they are (structured clone).
 */
import type { DegradationMetric, MonitorOptions, MonitorReport } from '../core/pipeline/monitor-settings';
import type { ModelBundle, BundleLineage } from '../core/bundle/bundle';
import type { RetrainPolicySettings } from '../core/pipeline/retrain-policy';
import type { PipelineStage } from '../core/errors';
import type { RegressionMetrics } from '../core/metrics';
import type { ClassificationMetrics } from '../core/metrics/classification';
import type { ClassificationMetricName } from '../core/metrics/classification-ranking';
import type { FitHistory } from '../core/models/history';
import type { ModelType, SerializedModel, Task } from '../core/models/types';
import type { LogLine } from '../core/pipeline/log';
import type { SplitInfo } from '../core/pipeline/train';
import type { FittedRecipeJSON, Recipe } from '../core/recipe';

export type RunStatus = 'running' | 'finished' | 'failed' | 'cancelled' | 'interrupted';

/** Where a run was trained; passed in by the caller (the page knows, storage does not). */
export interface RunEnvironment {
  loupeVersion: string;
  /** tfjs backend name, e.g. 'wasm' or 'cpu'. */
  backend?: string;
  userAgent?: string;
  /** navigator.hardwareConcurrency. */
  hardwareThreads?: number;
}

export interface RunError {
  code: string;
  message: string;
  stage?: PipelineStage;
}

/** One training candidate: what was trained, on what, how it went. The fitted model is apart (RunModel). */
export interface Run {
  /** crypto.randomUUID(). */
  id: string;
  /** Named group of runs; defaults to the dataset's name. */
  experiment: string;
  /** Candidate display name, e.g. "Gradient boosting #2". */
  name: string;
  /** Epoch milliseconds. */
  startedAt: number;
  /** Epoch milliseconds; set when the run leaves 'running'. */
  endedAt?: number;
  /** Epoch milliseconds of the last sign of life from the tab training it. */
  heartbeatAt: number;
  status: RunStatus;
  /** SHA-256 hex of the dataset's bytes (the dataset version). */
  datasetId: string;
  datasetName: string;
  recipe: Recipe;
  modelType: ModelType;
  /** Hyperparameters with defaults filled in. */
  params: Record<string, unknown>;
  seed: number;
  /** Known once the data is split; may be given at start or at finish. */
  split?: SplitInfo;
  /**
   * What the run predicts, once known (the recipe may say 'auto'): set at finish. Runs stored
   * before classification existed have none and are regression (read it with `runTask`).
   */
  task?: Task;
  /** A regressor's test metrics (k-fold: mean over folds). */
  metrics?: RegressionMetrics;
  folds?: RegressionMetrics[];
  /** A classifier's classes, decision threshold, ranking metric and test metrics. */
  classification?: RunClassification;
  fitSeconds?: number;
  predictSeconds?: number;
  history?: FitHistory;
  environment: RunEnvironment;
  logs: LogLine[];
  error?: RunError;
  tags: string[];
  note: string;
  /** The tab session that trains it (see markInterrupted). */
  sessionId: string;
  /** Estimated size of the stored model, set at finish. */
  modelBytes?: number;
  /** A retrain: what it retrained, from which rows, and how the two models compared. */
  retrain?: RunRetrain;
  /**
   * A model search's trial: the search's run (MLflow's parent run), which holds the refitted
   * best and the `search` summary. Optional: runs stored before searches existed have none, and
   * no index is needed (children are found by filtering; a search has at most a few hundred).
   */
  parentRunId?: string;
  /** A search trial: how it was scored. Trials keep no model (their fold models are not refitted). */
  trial?: RunTrial;
  /** A search's own run: its course; its model and metrics are the refitted best's. */
  search?: RunSearch;
}

/** What a classifier run predicted and how it scored. */
export interface RunClassification {
  /** Class labels, code 0 first (code 1 is the positive class of a binary task). */
  classes: string[];
  /** Binary: the positive class is predicted where its probability ≥ threshold. */
  threshold?: number;
  /** The metric the run's candidates were ranked by. */
  rankedBy: ClassificationMetricName;
  /** Test metrics (k-fold: mean over folds); ROC AUC is NaN when the test part lacks a class. */
  metrics: ClassificationMetrics;
  folds?: ClassificationMetrics[];
}

/** A search trial's place in the search and its cross-validated score. */
export interface RunTrial {
  /** Its number in the search (0, 1, …). */
  id: number;
  /** Share of each fold's training rows its fits saw (1 = all). */
  resource: number;
  bracket: number;
  rung: number;
  /** Cross-validated score on the training rows: RMSE, or log loss in a classification search (the parent's `search.metric`). */
  cvScore?: number;
}

/** A search's summary, on its own (parent) run. */
export interface RunSearch {
  models: ModelType[];
  budgetSeconds: number;
  folds: number;
  trials: number;
  stoppedBy: 'budget' | 'max-trials' | 'cancelled';
  bestTrial: number;
  /** The best trial's cross-validated score, measured by `metric`. */
  cvScore: number;
  curve: { seconds: number; trials: number; trialId: number; cvScore: number }[];
  /** What the scores measure: 'rmse' (regression, and searches recorded before classification was searched) or 'log_loss'. */
  metric?: 'rmse' | 'log_loss';
}

/** The lineage of a retrain run: the champion, the dataset versions its rows came from, the comparison. */
export interface RunRetrain {
  champion: { name: string; version: number };
  parents: RetrainParent[];
  mode: 'all' | 'new' | 'window';
  window?: number;
  holdoutShare: number;
  evaluatedRows: number;
  rankedBy: 'r2' | 'rmse' | ClassificationMetricName;
  /** A regressor champion's metrics on the evaluation rows. */
  championMetrics?: RegressionMetrics;
  /** A classifier champion's metrics on the evaluation rows. */
  championClassification?: ClassificationMetrics;
  better: 'champion' | 'challenger';
}

/** A dataset version another was drawn from; `role` says which part it played. */
export interface RetrainParent {
  hash: string;
  name?: string;
  rows: number;
  role: 'base' | 'new';
}

/** The fitted model of a finished run: model + fitted recipe, and/or the whole bundle. */
export interface RunModel {
  runId: string;
  model?: SerializedModel;
  recipe?: FittedRecipeJSON;
  bundle?: ModelBundle;
  /** Estimated stored size in bytes. */
  bytes: number;
}

/**
 * A finished run's per-row test predictions (test rows, or out of fold for k-fold), kept for
 * the Runs compare view: float32 is plenty for plots and halves the size; at most
 * MAX_EVALUATION_ROWS rows (a seeded sample beyond it; `totalRows` says how many were scored).
 */
export interface RunEvaluation {
  runId: string;
  kind: 'test' | 'out-of-fold';
  totalRows: number;
  actual: Float32Array;
  predicted: Float32Array;
  /** A classifier's: class probabilities of the same rows, rows × K row-major. */
  probabilities?: Float32Array;
}

export interface RegisteredModelRecord {
  name: string;
  description: string;
  /** Epoch milliseconds. */
  createdAt: number;
  updatedAt: number;
  /** Highest version number ever assigned: numbers are never reused after a delete. */
  lastVersion: number;
}

/** A registered model as listed: record plus its versions' summary. */
export interface RegisteredModel extends RegisteredModelRecord {
  versionCount: number;
  /** Highest existing version, if any. */
  latestVersion?: number;
  /** alias → version. */
  aliases: Record<string, number>;
}

export interface ModelVersionRecord {
  /** crypto.randomUUID(); the bundle is stored under the same id. */
  id: string;
  /** Registered model name. */
  name: string;
  /** 1, 2, 3, … per name, assigned inside the registering transaction. */
  version: number;
  /** Epoch milliseconds. */
  createdAt: number;
  /** 'you' unless a name is given. */
  author: string;
  description: string;
  tags: string[];
  /** 'run': registered from a tracked run; 'import': from a bundle file. */
  source: 'run' | 'import';
  sourceRunId?: string;
  modelType: ModelType;
  target: string;
  /** A classifier's (copied from its bundle): 'classification'; absent for a regressor and on versions registered before. */
  task?: Task;
  /** A classifier's class labels, code 0 first. */
  classes?: string[];
  /** A binary classifier's decision threshold. */
  threshold?: number;
  metrics: ModelBundle['metrics'];
  /** run → dataset version → split/seed, copied from the bundle. */
  lineage: BundleLineage;
  /** Estimated size of the stored bundle. */
  bytes: number;
  /** Rows of the bundle's drift reference sample; absent when it has none (or was registered before samples existed). */
  referenceSampleRows?: number;
}

/** A model version as the UI sees it: the record plus the aliases pointing at it. */
export interface ModelVersion extends ModelVersionRecord {
  aliases: string[];
}

export interface StoredBundle {
  /** The ModelVersionRecord id. */
  id: string;
  bundle: ModelBundle;
}

export interface AliasRecord {
  /** Registered model name. */
  name: string;
  alias: string;
  version: number;
  /** Epoch milliseconds. */
  setAt: number;
}

/** One move of an alias, kept so that every promotion can be seen and rolled back. */
export interface AliasChange {
  /** Assigned by the store (increasing). */
  id?: number;
  name: string;
  alias: string;
  /** The version it points at after the change; absent when the change removed it. */
  version?: number;
  /** The version it pointed at before; absent when it was not set. */
  previous?: number;
  /** Epoch milliseconds. */
  at: number;
  /** 'rollback': moved back to where it was before its previous change. */
  action: 'set' | 'remove' | 'rollback';
  /** Why, in plain words (e.g. "promoted after a retrain: R² 0.977 vs 0.481"). */
  reason?: string;
}

/**
 * A dataset version's lineage: the versions it was drawn from. A new labelled file names the
 * version its model was trained on; the rows a retrain learned from (a derived version, whose id
 * is the SHA-256 of its definition) name the base and new versions and how rows were drawn.
 */
export interface DatasetLineageRecord {
  /** The dataset version id (SHA-256). */
  id: string;
  name: string;
  rows: number;
  parents: RetrainParent[];
  /** 'file': a loaded file; 'derived': rows drawn from the parents by a retrain. */
  kind: 'file' | 'derived';
  /** For derived versions: how the rows were drawn. */
  derivation?: { mode: 'all' | 'new' | 'window'; window?: number; holdoutShare: number; seed: number };
  /** Epoch milliseconds. */
  createdAt: number;
}

/** A registered model's retraining policy (see core/pipeline/retrain-policy.ts); none stored means manual. */
export interface RetrainPolicy extends RetrainPolicySettings {
  /** Registered model name. */
  name: string;
  /** Epoch milliseconds. */
  updatedAt: number;
}

/** Something stored that could be deleted to free space, with its estimated size. */
export interface StoredItem {
  kind: 'run' | 'model-version' | 'dataset' | 'monitored-batch';
  /** Run id, `name@version`, or dataset id. */
  id: string;
  /** Plain words for a person: `run "Linear" (gems.csv)`. */
  label: string;
  bytes: number;
}

/**
 * A predicted file's drift report, kept with the model version that predicted it (Monitor). Holds
 * aggregates only (test results, histograms, level counts), never a row.
 */
export interface MonitoredBatch {
  /** crypto.randomUUID(). */
  id: string;
  /** The model as Predict knows it: `registry:<name>@<version>`, a run id, or an imported bundle's key. */
  modelKey: string;
  /** As pickers show it. */
  modelName: string;
  /** Set when the model is a registered version. */
  registered?: { name: string; version: number };
  /** Epoch milliseconds. */
  createdAt: number;
  /** The predicted file's name. */
  fileName: string;
  rows: number;
  referenceRows: number;
  /** The bundle's reference sample, or the training dataset stored in this browser. */
  referenceSource: 'bundle' | 'file' | 'dataset';
  /** Share of the input columns that drift, and the verdict, under the settings of the time. */
  driftShare: number;
  datasetDrift: boolean;
  /** When the file held the target: the metric compared with the test metrics. */
  metric?: { name: DegradationMetric | 'roc_auc' | 'log_loss'; value: number; degraded: boolean };
  report: MonitorReport;
  /** The settings the report was judged with. */
  settings: MonitorOptions;
}
