/**
 * A predicted batch kept for monitoring: while a CSV streams through the model (streamPredict's
 * `onPredicted`, or predictCsv), the model's input columns as read (before imputation), its
 * predictions and, when the file holds the target column, the actual values are gathered chunk by
 * chunk into columns — never rows.
 * Memory is about 8 bytes per number cell and 4 per label cell of the model's inputs.
 */
import type { LoadedBundle } from '../bundle/bundle';
import type { Column, CsvInput, Table } from '../data/types';
import { readNumber } from '../recipe/values';
import { predictCsv, type PredictCsvOptions, type PredictionChunk, type PredictionSummary } from './predict';
import type { PredictedColumns } from './stream-predict';

/** A batch as monitoring compares it: input columns, predictions (NaN where a row could not be predicted), actual values when known. */
export interface PredictedBatch {
  table: Table;
  predictions: Float64Array;
  /** The target column of the batch (NaN where missing), when the file has one. */
  actual?: Float64Array;
}

function concat<A extends Float64Array | Int32Array>(parts: A[], make: (n: number) => A): A {
  const out = make(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Grows a Float64Array by appending parts. */
class Numbers {
  private parts: Float64Array[] = [];
  push(part: Float64Array): void {
    this.parts.push(part);
  }
  finish(): Float64Array {
    const out = concat(this.parts, (n) => new Float64Array(n));
    this.parts = [];
    return out;
  }
}

/** Label columns arrive with per-chunk levels; codes are renumbered into one dictionary per column. */
class Labels {
  readonly levels: string[] = [];
  private readonly index = new Map<string, number>();
  private parts: Int32Array[] = [];
  push(levels: readonly string[], codes: Int32Array): void {
    const map = levels.map((l) => {
      let k = this.index.get(l);
      if (k === undefined) {
        k = this.levels.push(l) - 1;
        this.index.set(l, k);
      }
      return k;
    });
    this.parts.push(Int32Array.from(codes, (c) => (c >= 0 && c < map.length ? map[c] : -1)));
  }
  finish(): Int32Array {
    const out = concat(this.parts, (n) => new Int32Array(n));
    this.parts = [];
    return out;
  }
}

/** Gathers a PredictedBatch from prediction chunks (pass each chunk to `add`, in order). */
export class PredictedBatchCollector {
  private columns: { name: string; store: Numbers | Labels }[] | null = null;
  private readonly predictions = new Numbers();
  private readonly actual = new Numbers();
  private targetAt = -1;
  private rows = 0;

  constructor(private readonly target: string) {}

  add(chunk: PredictionChunk): void {
    const targetAt = chunk.header.indexOf(this.target);
    this.addPredicted({
      header: chunk.header,
      inputs: chunk.inputs,
      predictions: chunk.predictions,
      valid: chunk.valid,
      ...(targetAt >= 0 ? { actual: Float64Array.from(chunk.rows, (r) => readNumber(r[targetAt]) ?? NaN) } : {}),
    });
  }

  /** Adds a chunk as streamPredict hands it over (`onPredicted`). */
  addPredicted(chunk: PredictedColumns): void {
    const inputs = chunk.inputs.columns;
    if (!this.columns) {
      this.columns = inputs.map((c) => ({ name: c.name, store: c.type === 'numeric' ? new Numbers() : new Labels() }));
      this.targetAt = chunk.header.indexOf(this.target);
    }
    inputs.forEach((c, j) => {
      const store = this.columns![j].store;
      if (c.type === 'numeric') (store as Numbers).push(c.values);
      else (store as Labels).push(c.levels, c.codes);
    });
    const p = Float64Array.from(chunk.predictions);
    for (let i = 0; i < p.length; i++) if (!chunk.valid[i]) p[i] = NaN;
    this.predictions.push(p);
    if (this.targetAt >= 0) this.actual.push(chunk.actual ?? new Float64Array(p.length).fill(NaN));
    this.rows += p.length;
  }

  finish(): PredictedBatch {
    const columns: Column[] = (this.columns ?? []).map(({ name, store }) =>
      store instanceof Labels ? { type: 'categorical', name, codes: store.finish(), levels: store.levels } : { type: 'numeric', name, values: store.finish() },
    );
    const batch: PredictedBatch = { table: { rowCount: this.rows, columns }, predictions: this.predictions.finish() };
    if (this.targetAt >= 0) batch.actual = this.actual.finish();
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
  const collector = new PredictedBatchCollector(loaded.bundle.target);
  const summary = await predictCsv(loaded, input, {
    ...options,
    onChunk: async (chunk) => {
      collector.add(chunk);
      await options.onChunk?.(chunk);
    },
  });
  return { batch: collector.finish(), summary };
}
