/**
 * The messages between the page and Loupe's workers, declared once. A worker exposes one of
 * these APIs with comlink; the page's client class wraps it.
 */
import type { ModelBundle } from '../src/core/bundle/bundle';
import type { ParsedDataset, ParseProgress, Table as TrainTable } from '../src/core/data/types';
import type { RegressionMetrics } from '../src/core/metrics';
import type { FitHistory } from '../src/core/models/history';
import type { ModelType } from '../src/core/models/types';
import type { LogLine } from '../src/core/pipeline/log';
import type { CandidateSpec, CandidateStatus, SplitInfo } from '../src/core/pipeline/train';
import type { Recipe } from '../src/core/recipe';
import type { TfBackendInfo } from '../src/core/tf';
import type { PredictionSummary } from '../src/core/pipeline/predict';
import type { InputColumn, RowProblem } from '../src/core/recipe/types';

/** What the ingest worker hands back: the parsed dataset (column buffers transferred) and its version id. */
export interface IngestResult {
  dataset: ParsedDataset;
  /** SHA-256 hex of the file's bytes: the dataset version id. */
  hash: string;
}

export interface IngestApi {
  /**
   * Parses a CSV file in chunks, profiles it and hashes its bytes. Rejects with CsvError for a
   * file that is not a usable table, CancelledError after `cancel()`.
   * `onProgress` must be a comlink `proxy`.
   */
  parse(file: Blob, onProgress?: (p: ParseProgress) => void): Promise<IngestResult>;
  /** Stops the parse in progress (it rejects with CancelledError). */
  cancel(): void;
}

// ---- Prediction worker (workers/predict.worker.ts) ----

/** An input column of a loaded model, as the one-row form needs it (with the fill value). */

/** A bundle the worker validated and keeps loaded under a key (the shelf id). */
export interface LoadedModelInfo {
  /** The validated bundle (unknown fields dropped), for the shelf. */
  bundle: ModelBundle;
  /** The fitted recipe's input schema: levels in order, training ranges, fill values. */
  inputs: InputColumn[];
}

/** One record's prediction: null when the row has an error problem. */
export interface RowPredictionResult {
  prediction: number | null;
  problems: RowProblem[];
}

export interface FilePredictionProgress extends ParseProgress {
  /** Rows predicted (or failed) so far. */
  predicted: number;
  /** Problems found since the previous report (only while fewer than the kept maximum were sent). */
  newProblems: RowProblem[];
}

export interface FilePredictionResult {
  summary: PredictionSummary;
  /** The output CSV (input columns, prediction, error), built from per-chunk parts. */
  output: Blob;
  /** The input file's header. */
  header: string[];
  /** Name of the prediction column in the output. */
  predictionColumn: string;
  /** The first problems (rows in order), at most `maxProblems`. */
  problems: RowProblem[];
  /** Seconds spent in the worker. */
  seconds: number;
}

export interface PredictApi {
  /**
   * Validates a bundle file (JSON text) and keeps it loaded under `key`. Rejects with BundleError
   * naming the offending field.
   */
  importBundle(key: string, file: Blob): Promise<LoadedModelInfo>;
  /** Loads an already validated bundle (from the shelf) under `key`; validates it again. */
  load(key: string, bundle: ModelBundle): Promise<LoadedModelInfo>;
  /** Whether `key` is loaded in this worker. */
  has(key: string): boolean;
  /** Predicts one record (form values as typed). */
  predictRow(key: string, record: Record<string, string>): Promise<RowPredictionResult>;
  /**
   * Streams a CSV file through the model chunk by chunk. Rejects with RowError 'missing-column',
   * CsvError, or CancelledError after `cancel()`. `onProgress` must be a comlink `proxy`.
   */
  predictFile(key: string, file: Blob, onProgress?: (p: FilePredictionProgress) => void): Promise<FilePredictionResult>;
  /** Stops the file prediction in progress. */
  cancel(): void;
}

// ---- Training worker ----

/** How a training worker sets up tfjs. */
export interface TrainWorkerInit {
  /** Folder URL (ending in '/') where the tfjs .wasm binaries are served. */
  wasmPaths: string;
  /** XNNPACK threads for the threaded build (cross-origin isolated pages only). */
  threads?: number;
}

/** The split a training job uses (holdout or k-fold; both seeded, so every worker sees the same rows). */
export type TrainSplit = { kind: 'holdout'; testSize: number; seed: number } | { kind: 'kfold'; k: number; seed: number };

/** The dataset a job trains on, for bundle lineage. */
export interface TrainDatasetInfo {
  /** SHA-256 hex of the file (the dataset version id). */
  id: string;
  name: string;
  rows: number;
}

export interface TrainJob {
  /** Unique per job; names the job for cancel, importance and release. */
  jobId: string;
  /** Key of a table previously given with `setTable`. */
  tableKey: string;
  dataset: TrainDatasetInfo;
  recipe: Recipe;
  candidate: CandidateSpec & { name: string };
  split: TrainSplit;
}

/** Progress of one job, sent at most ~10 times a second (and on every loss step of iterative models, batched). */
export interface TrainJobProgress {
  jobId: string;
  /** 0..1 of this candidate. */
  fraction: number;
  step?: number;
  totalSteps?: number;
  /** Loss points since the last report, in step order. */
  losses: { step: number; train?: number; validation?: number }[];
}

/** What a finished, failed or cancelled job hands back (the live model stays in the worker). */
export interface TrainJobResult {
  jobId: string;
  name: string;
  type: ModelType;
  params: Record<string, unknown>;
  status: CandidateStatus;
  metrics?: RegressionMetrics;
  folds?: RegressionMetrics[];
  fitSeconds: number;
  predictSeconds: number;
  history: FitHistory;
  split?: SplitInfo;
  /** Built in the worker for every finished candidate. */
  bundle?: ModelBundle;
  /** Plot data: actual and predicted target on the evaluation rows (holdout test rows; k-fold: training rows, in-sample). */
  evaluation?: { actual: Float64Array; predicted: Float64Array; inSample: boolean };
  featureNames: string[];
  /** Model's own importance (gain for trees, |coefficient| for linear models), when it has one. */
  featureImportance?: Float64Array;
  error?: { code: string; message: string; stage: string };
  logs: LogLine[];
}

export interface PermutationImportanceResult {
  featureNames: string[];
  baseline: number;
  mean: Float64Array;
  std: Float64Array;
  repeats: number;
  rows: number;
}

export interface TrainApi {
  /** Sets the tfjs backend once for this worker and says which is active. */
  init(opts: TrainWorkerInit): Promise<TfBackendInfo>;
  /** Keeps a dataset table for later jobs (replaces any other table). */
  setTable(key: string, table: TrainTable): void;
  /** Trains one candidate. Never rejects for a model failure or cancellation: the status says so. `onProgress` must be a comlink `proxy`. */
  train(job: TrainJob, onProgress?: (p: TrainJobProgress) => void): Promise<TrainJobResult>;
  /** Stops a running job (its result comes back with status 'cancelled'). */
  cancel(jobId: string): void;
  /** Permutation importance of a finished job's model on its evaluation rows. */
  permutationImportance(jobId: string, opts?: { repeats?: number; seed?: number; maxRows?: number }): Promise<PermutationImportanceResult>;
  /** Forgets finished jobs' models (all when no ids are given). */
  release(jobIds?: string[]): void;
  /**
   * Marks the run `runId` (started by the page) finished with a finished job's outcome and
   * bundle, written to IndexedDB from the worker so the page never clones the bundle.
   */
  finishRun(jobId: string, runId: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// EDA worker (Explore screen)
// (Imports kept with this section so that edits of the other sections never collide with it.)
import type { Column as EdaColumn, ColumnProfile as EdaColumnProfile, ColumnSchema as EdaColumnSchema } from '../src/core/data/types';
import type {
  ColumnDistribution,
  CorrelationMatrix,
  CorrelationMethod,
  Finding,
  TargetDistribution,
  TargetVsFeature,
  TargetVsFeatureOptions,
} from '../src/core/eda';

/**
 * The Explore screen's independent requests. A newer request of one slot supersedes an older
 * one of the same slot: the page ignores the older answer, and the worker skips it when it has
 * not started yet (it then rejects with CancelledError).
 */
export type EdaSlot = 'findings' | 'target' | 'correlation' | 'columns' | 'relation';

export interface EdaRequest {
  /** Dataset version id the request is about (must be the loaded one). */
  dataset: string;
  slot: EdaSlot;
  /** Increases per slot on the page; the worker compares it with the newest it has seen. */
  seq: number;
}

export interface EdaApi {
  /**
   * Starts receiving dataset `dataset` (replacing the one before): its size, schema and profile.
   * Its columns follow one `addColumn` call each (one structured clone per page task, so that a
   * wide or long table never blocks the page in one go); requests wait until all have arrived.
   */
  open(dataset: string, rowCount: number, columnCount: number, schema: EdaColumnSchema[], profile: EdaColumnProfile[]): void;
  /** One column of the dataset being received, in table order (a copy: the page keeps its own). */
  addColumn(dataset: string, column: EdaColumn): void;
  /** Data-quality findings in plain words (the target is left out of correlation pairs). */
  findings(req: EdaRequest, target: string | null): Promise<Finding[]>;
  /** Histogram and summary of the target, binned on log10 when `log`. */
  targetDistribution(req: EdaRequest, target: string, log: boolean): Promise<TargetDistribution>;
  /** Correlation matrix of numeric columns (matrix and n transferred). */
  correlation(req: EdaRequest, columns: string[], method: CorrelationMethod): Promise<CorrelationMatrix>;
  /** Distribution of each listed column (histogram and outliers, or level counts), in the order asked. */
  distributions(req: EdaRequest, columns: string[]): Promise<ColumnDistribution[]>;
  /** The target against one feature: density grid + binned mean + points, or box stats per level (typed arrays transferred). */
  targetVsFeature(req: EdaRequest, target: string, feature: string, options: TargetVsFeatureOptions): Promise<TargetVsFeature>;
}

// ---------------------------------------------------------------------------------------------
// Prepare worker (Prepare screen: rows each cleaning step removes, derived-feature previews)
// (Imports kept with this section so that edits of the other sections never collide with it.)
import type { Column as PrepareColumn } from '../src/core/data/types';
import type { DerivedFeature as PrepareDerivedFeature, Recipe as PrepareRecipe } from '../src/core/recipe';

/** The Prepare screen's two kinds of request; a newer one of a kind supersedes the older. */
export type PrepareSlot = 'cleaning' | 'derived';

export interface PrepareRequest {
  /** Dataset version id the request is about (must be the loaded one). */
  dataset: string;
  slot: PrepareSlot;
  /** Increases per slot on the page; the worker skips a request that a newer one overtook. */
  seq: number;
}

/** What one cleaning step does to the rows the earlier steps left. */
export type CleaningStepOutcome =
  | { status: 'ok'; description: string; /** Rows before the step. */ before: number; removed: number }
  /** The step cannot run (missing column, bad value) or would remove every remaining row. */
  | { status: 'error'; code: string; field: string; message: string; before: number }
  /** Not counted: an earlier step failed. */
  | { status: 'skipped' };

export interface CleaningCounts {
  /** Rows of the table before cleaning. */
  rows: number;
  /** One outcome per step of the recipe, in order. */
  steps: CleaningStepOutcome[];
  /** Rows left after every step that ran. */
  kept: number;
}

/** A derived feature over the whole table: its first values and a summary, or why it cannot be computed. */
export type DerivedPreview =
  | {
      status: 'ok';
      name: string;
      /** The first rows' values (NaN: missing). */
      head: number[];
      min: number;
      median: number;
      max: number;
      /** Rows where the result is missing (missing input, zero denominator, log of ≤ 0, ...). */
      missing: number;
      rows: number;
    }
  | { status: 'error'; name: string; message: string };

export interface PrepareApi {
  /**
   * Starts receiving dataset `dataset` (replacing the one before). Its columns follow, one
   * `addColumn` each (one structured clone per page task, so a long or wide table never blocks
   * the page in one go); the page sends requests only once all have been sent.
   */
  open(dataset: string, rowCount: number): void;
  /** One column of the dataset being received, in table order (a copy: the page keeps its own). */
  addColumn(dataset: string, column: PrepareColumn): void;
  /** Runs the recipe's cleaning steps in order (as `applyCleaning` does) and counts the rows each removes. */
  cleaning(req: PrepareRequest, recipe: PrepareRecipe): Promise<CleaningCounts>;
  /** Computes `features` in order (each may use earlier ones) and previews each: the first `head` rows and a summary. */
  derived(req: PrepareRequest, features: PrepareDerivedFeature[], head: number): Promise<DerivedPreview[]>;
}
