/**
 * The columnar data model. A numeric column is a Float64Array with NaN for missing; a
 * categorical column is an Int32Array of codes (-1 missing) plus its levels. Columns cross
 * threads as transferred buffers, never as arrays of row objects.
 */

export interface NumericColumn {
  readonly type: 'numeric';
  readonly name: string;
  readonly values: Float64Array;
  /** Unit stripped from values such as "23.4 kmpl" (numeric-with-unit columns). */
  readonly unit?: string;
}

export interface CategoricalColumn {
  readonly type: 'categorical';
  readonly name: string;
  /** Index into `levels`, -1 for missing. */
  readonly codes: Int32Array;
  readonly levels: string[];
}

export type Column = NumericColumn | CategoricalColumn;

/** A dataset in memory: equally long columns. */
export interface Table {
  readonly rowCount: number;
  readonly columns: Column[];
}

/**
 * What schema inference proposes for a column (the person may override it).
 * - numeric: numbers; categorical: a small set of labels; ordinal: labels with an order;
 * - id: a unique integer-like row key such as `id` (never a feature);
 * - constant: one value (or all missing); text: free text / high cardinality;
 * - unit: numbers with a unit ("1248 CC"), the number extracted; boolean: two truthy/falsy labels.
 */
export type ColumnKind = 'numeric' | 'categorical' | 'ordinal' | 'id' | 'constant' | 'text' | 'unit' | 'boolean';

export interface ColumnSchema {
  name: string;
  kind: ColumnKind;
  /** Plain-words reason for the proposed kind, e.g. "all 65,535 values are distinct integers". */
  reason: string;
  /** Physical storage of the column in the Table. */
  storage: Column['type'];
  unit?: string;
  /** For ordinal columns: the order of levels, lowest first. */
  order?: string[];
}

export interface NumericSummary {
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation. */
  std: number;
  /** Quantiles at 0.05, 0.25, 0.5, 0.75, 0.95. */
  quantiles: { p05: number; p25: number; p50: number; p75: number; p95: number };
  zeros: number;
  /** Equal-width histogram over [min, max]. */
  histogram: { edges: number[]; counts: number[] };
}

export interface LevelCount {
  level: string;
  count: number;
}

export interface ColumnProfile {
  name: string;
  count: number;
  missing: number;
  distinct: number;
  numeric?: NumericSummary;
  /** Most frequent levels, descending (at most 20). */
  top?: LevelCount[];
}

/** How much a data-quality finding matters. */
export type Severity = 'error' | 'warning' | 'info';

export type WarningKind =
  | 'ragged-rows'
  | 'id-column'
  | 'constant-column'
  | 'zeros'
  | 'high-cardinality'
  | 'missing-values'
  | 'duplicate-rows';

export interface DatasetWarning {
  kind: WarningKind;
  column?: string;
  /** Affected 1-based data rows (capped list) and their total count. */
  rows?: number[];
  count?: number;
  message: string;
  /** How much it matters (absent in warnings stored before it was recorded). */
  severity?: Severity;
  /** What a person could do about it. */
  suggestion?: string;
}

/** Rows whose field count differs from the header's. Counted and reported, never silently dropped. */
export interface RaggedRows {
  count: number;
  /** First rows (1-based data row numbers), capped at 100. */
  rows: number[];
  /** What was done with them: kept padded with missing / truncated, so nothing is lost silently. */
  policy: 'padded-or-truncated';
}

export interface ParsedDataset {
  table: Table;
  schema: ColumnSchema[];
  profile: ColumnProfile[];
  warnings: DatasetWarning[];
  ragged: RaggedRows;
  /** Bytes read and the detected delimiter. */
  bytes: number;
  delimiter: string;
}

export interface ParseProgress {
  bytesRead: number;
  totalBytes: number;
  rows: number;
}

export interface ParseOptions {
  /** Values read as missing. Default: '', 'NA', 'N/A', 'null', 'NaN', '?', '-' (case-insensitive). */
  missingMarkers?: string[];
  /** Forced delimiter; detected among , ; \t | when absent. */
  delimiter?: string;
  /** Bytes per chunk when streaming (default 4 MiB). */
  chunkBytes?: number;
  signal?: AbortSignalLike;
  onProgress?: (p: ParseProgress) => void;
}

/**
 * Where CSV bytes come from: a string (tests, CLI on small input), raw bytes, or a random-access
 * byte source (a File/Blob in a worker, a file handle in Node) read in chunks.
 */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}
export type CsvInput = string | Uint8Array | ByteSource;

/** What `profileTable` returns: one profile per column (in table order) and the dataset's warnings. */
export interface TableProfile {
  columns: ColumnProfile[];
  warnings: DatasetWarning[];
}
