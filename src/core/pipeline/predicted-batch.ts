/**
 * A predicted batch kept for monitoring: while a CSV streams through the model (streamPredict's
 * `onPredicted`, or predictCsv), the model's input columns as read (before imputation), its
 * predictions and, when the file holds the target column, the actual values are gathered chunk by
 * chunk into columns — never rows. For a classifier (`classes` given) the actual values are class
 * codes (NaN where missing or not one of its classes) and its class probabilities are kept too,
 * one column per class.
 * Memory is about 8 bytes per number cell and 4 per label cell of the model's inputs, per row
 * kept: every row, or with `maxRows` a uniform seeded sample of that many (the app's bound).
 */
import type { LoadedBundle } from '../bundle/bundle';
import type { Column, CsvInput, Table } from '../data/types';
import { Rng } from '../random';
import { readNumber } from '../recipe/values';
import { predictCsv, type PredictCsvOptions, type PredictionChunk, type PredictionSummary } from './predict';
import type { PredictedColumns } from './stream-predict';

/** A batch as monitoring compares it: input columns, predictions (NaN where a row could not be predicted), actual values when known. */
export interface PredictedBatch {
  table: Table;
  predictions: Float64Array;
  /** The target column of the batch (NaN where missing), when the file has one; a classifier's: class codes. */
  actual?: Float64Array;
  /** A classifier's class probabilities, rows × K row-major (NaN where a row could not be predicted). */
  probabilities?: Float64Array;
  /** When the batch is a sample (PredictedBatchOptions.maxRows): how many rows were predicted. */
  sampledFrom?: number;
}

type Cells = Float64Array | Int32Array;

/** One column's values: parts appended as chunks arrive, joined into one array once. */
class ColumnParts {
  private parts: Cells[] = [];
  private joined: Cells | null = null;
  constructor(private readonly make: (n: number) => Cells) {}
  push(part: Cells): void {
    this.parts.push(part);
  }
  join(): Cells {
    if (!this.joined) {
      const out = this.make(this.parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of this.parts) {
        out.set(p, at);
        at += p.length;
      }
      this.joined = out;
      this.parts = [];
    }
    return this.joined;
  }
}

/** Label columns arrive with per-chunk levels; codes are renumbered into one dictionary per column. */
class Labels {
  readonly levels: string[] = [];
  private readonly index = new Map<string, number>();
  codes(levels: readonly string[], codes: Int32Array): Int32Array {
    const map = levels.map((l) => {
      let k = this.index.get(l);
      if (k === undefined) {
        k = this.levels.push(l) - 1;
        this.index.set(l, k);
      }
      return k;
    });
    return Int32Array.from(codes, (c) => (c >= 0 && c < map.length ? map[c] : -1));
  }
}

export interface PredictedBatchOptions {
  /**
   * Keep at most this many rows: past it, a uniform sample of the rows (reservoir sampling,
   * seeded), so a file of any size is monitored in bounded memory. Default: every row.
   */
  maxRows?: number;
  /** Seed of the sample (default 42). */
  seed?: number;
  /** A classifier's classes, code 0 first: read the target as their codes and keep the probabilities. */
  classes?: readonly string[];
}

/** Gathers a PredictedBatch from prediction chunks (pass each chunk to `add`, in order). */
export class PredictedBatchCollector {
  private columns: { name: string; labels: Labels | null }[] | null = null;
  /** The input columns, then the predictions, then (with the target) the actual values. */
  private stores: ColumnParts[] = [];
  private targetAt = -1;
  /** Rows added so far. */
  private seen = 0;
  private readonly maxRows: number;
  private readonly rng: Rng;
  private readonly classes: readonly string[];
  private readonly classCode: Map<string, number>;

  constructor(
    private readonly target: string,
    options: PredictedBatchOptions = {},
  ) {
    this.maxRows = options.maxRows ?? Infinity;
    this.rng = new Rng(options.seed ?? 42);
    this.classes = options.classes ?? [];
    this.classCode = new Map(this.classes.map((c, k) => [c, k]));
  }

  /** A target cell as the batch keeps it: a number, or a classifier's class code (NaN where not one of its classes). */
  private actualOf(cell: string | undefined): number {
    if (this.classes.length === 0) return readNumber(cell) ?? NaN;
    return this.classCode.get((cell ?? '').trim()) ?? NaN;
  }

  add(chunk: PredictionChunk): void {
    const targetAt = chunk.header.indexOf(this.target);
    this.addPredicted({
      header: chunk.header,
      inputs: chunk.inputs,
      predictions: chunk.predictions,
      valid: chunk.valid,
      ...(targetAt >= 0 ? { actual: Float64Array.from(chunk.rows, (r) => this.actualOf(r[targetAt])) } : {}),
      ...(chunk.probabilities ? { probabilities: chunk.probabilities } : {}),
    });
  }

  /** Adds a chunk as streamPredict hands it over (`onPredicted`). */
  addPredicted(chunk: PredictedColumns): void {
    const inputs = chunk.inputs.columns;
    if (!this.columns) {
      this.columns = inputs.map((c) => ({ name: c.name, labels: c.type === 'numeric' ? null : new Labels() }));
      this.targetAt = chunk.header.indexOf(this.target);
      const f64 = (n: number) => new Float64Array(n);
      this.stores = [...inputs.map((c) => new ColumnParts(c.type === 'numeric' ? f64 : (n) => new Int32Array(n))), new ColumnParts(f64)];
      if (this.targetAt >= 0) this.stores.push(new ColumnParts(f64));
      for (let c = 0; c < this.classes.length; c++) this.stores.push(new ColumnParts(f64));
    }
    const p = Float64Array.from(chunk.predictions);
    for (let i = 0; i < p.length; i++) if (!chunk.valid[i]) p[i] = NaN;
    const values: Cells[] = inputs.map((c, j) => (c.type === 'numeric' ? c.values : this.columns![j].labels!.codes(c.levels, c.codes)));
    values.push(p);
    if (this.targetAt >= 0) values.push(chunk.actual ?? new Float64Array(p.length).fill(NaN));
    const k = this.classes.length;
    for (let c = 0; c < k; c++) values.push(Float64Array.from({ length: p.length }, (_, i) => (chunk.valid[i] && chunk.probabilities ? chunk.probabilities[i * k + c] : NaN)));
    const n = p.length;
    const room = Math.max(0, this.maxRows - this.seen);
    if (n <= room) {
      this.stores.forEach((s, k) => s.push(values[k]));
      this.seen += n;
      return;
    }
    // Past maxRows: Algorithm R — row t (0-based) replaces a random kept row with probability maxRows / (t + 1).
    if (room > 0) this.stores.forEach((s, k) => s.push(values[k].slice(0, room)));
    const kept = this.stores.map((s) => s.join());
    for (let i = room; i < n; i++) {
      const j = this.rng.nextInt(this.seen + i + 1);
      if (j < this.maxRows) for (let k = 0; k < kept.length; k++) kept[k][j] = values[k][i];
    }
    this.seen += n;
  }

  finish(): PredictedBatch {
    const cols = this.columns ?? [];
    const columns: Column[] = cols.map(({ name, labels }, j) =>
      labels ? { type: 'categorical', name, codes: this.stores[j].join() as Int32Array, levels: labels.levels } : { type: 'numeric', name, values: this.stores[j].join() as Float64Array },
    );
    const rowCount = Math.min(this.seen, this.maxRows);
    // No chunk at all (cannot happen after a header): an empty batch.
    const predictions = this.stores.length ? (this.stores[cols.length].join() as Float64Array) : new Float64Array(0);
    const batch: PredictedBatch = { table: { rowCount, columns }, predictions };
    if (this.targetAt >= 0) batch.actual = this.stores[cols.length + 1].join() as Float64Array;
    const k = this.classes.length;
    if (k > 0 && this.stores.length) {
      const first = cols.length + (this.targetAt >= 0 ? 2 : 1);
      const per = Array.from({ length: k }, (_, c) => this.stores[first + c].join());
      const probabilities = new Float64Array(rowCount * k);
      for (let i = 0; i < rowCount; i++) for (let c = 0; c < k; c++) probabilities[i * k + c] = per[c][i];
      batch.probabilities = probabilities;
    }
    if (this.seen > rowCount) batch.sampledFrom = this.seen;
    return batch;
  }
}

/**
 * Predicts a CSV (predictCsv) and keeps it as a PredictedBatch. `onChunk`, when given, also
 * receives every chunk (to write the predictions out as they come).
 */
export async function predictBatch(
  loaded: LoadedBundle,
  input: CsvInput,
  options: Omit<PredictCsvOptions, 'onChunk'> & { onChunk?: PredictCsvOptions['onChunk'] } = {},
): Promise<{ batch: PredictedBatch; summary: PredictionSummary }> {
  const collector = new PredictedBatchCollector(loaded.bundle.target, batchOptions(loaded));
  const summary = await predictCsv(loaded, input, {
    ...options,
    onChunk: async (chunk) => {
      collector.add(chunk);
      await options.onChunk?.(chunk);
    },
  });
  return { batch: collector.finish(), summary };
}

/** The collector's options for a model: a classifier's classes (to keep labels as codes and its probabilities). */
export function batchOptions(loaded: LoadedBundle, options: PredictedBatchOptions = {}): PredictedBatchOptions {
  return loaded.recipe.task === 'classification' ? { ...options, classes: loaded.recipe.classes } : options;
}
