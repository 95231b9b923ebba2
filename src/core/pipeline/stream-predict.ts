/**
 * Streamed bulk prediction: a CSV of any size → the predictions CSV, written chunk by chunk to a
 * sink (a file, a stream, OPFS), with memory bounded by the chunk size.
 *
 * Flow per chunk of `chunkRows` rows: the decoded text is cut into records (data/csv
 * streamCsvRows; pieces without quotes come as text) → each line's cells go straight into the
 * model's input columns (stream-chunk.ts; no row objects) — this reading half (stream-read.ts)
 * runs here or in another thread (read-channel.ts: the CLI's worker thread, the browser's read
 * worker) → FittedRecipe.transformRead encodes
 * them → predictTransformed (predict.ts: the same code as a form and predictCsv, so predictions,
 * intervals, explanations and problems are identical, bit for bit) → the output text: a line
 * the writer would not change (comma-separated, no field to quote or neutralise, as many fields
 * as the header) is reused as read and the new cells appended; any other row is written from its
 * fields exactly as predictionChunkToCsv writes it, copied straight into UTF-8 bytes →
 * `sink.write`, awaited (so a slow sink holds the reader back).
 *
 * Problems are counted per kind; the first `maxListed` errors and warnings are kept with row and
 * column; every one is in the row's `error` cell. Cancel (signal) or a failure calls
 * `sink.abort`, success `sink.close`: a sink that writes to a temporary name and renames on close
 * never leaves a file claimed complete.
 */
import Papa from 'papaparse';
import { Checkpointer, throwIfAborted } from '../abort';
import type { LoadedBundle } from '../bundle/bundle';
import { neutraliseRows } from '../data/csv-cells';
import type { CsvInput, Table } from '../data/types';
import type { RecordsTransform, RowProblem } from '../recipe';
import {
  bundleClasses,
  checkColumns,
  errorCells,
  numberCell,
  outputCells,
  predictionColumnName,
  predictionColumns,
  PredictionTally,
  predictTransformed,
  type PredictedCells,
  type PredictionSummary,
  type PredictOptions,
} from './predict';
import { chunkLine, type ChunkLayout, type ReadChunk } from './stream-chunk';
import type { ChunkReader } from './read-channel';
import { readChunks, type ReadProgress } from './stream-read';

export type { ChunkReader } from './read-channel';

/** Where the predictions CSV goes, as UTF-8 bytes in order. */
export interface PredictionSink {
  /** Takes the next bytes; a returned promise is awaited before more is read (backpressure). */
  write(bytes: Uint8Array): Promise<void> | void;
  /** Called once after the last write, when every row was predicted and written. */
  close?(): Promise<void> | void;
  /** Called instead of close when the run is cancelled or fails: discard what was written. */
  abort?(reason: unknown): Promise<void> | void;
}

export interface StreamProgress {
  /** Data rows predicted and written. */
  rows: number;
  /** Bytes of the input read. */
  bytes: number;
  totalBytes?: number;
  rowsPerSecond: number;
  /** From the bytes left at the rate so far (unknown before the first chunk). */
  etaSeconds?: number;
  /** Problems listed since the last report (within the `maxListed` kept per severity). */
  newProblems: RowProblem[];
}

/** A chunk's predictions beside the model's inputs as read: what monitoring collects. */
export interface PredictedColumns {
  header: readonly string[];
  /** The model's input columns as read, before imputation. */
  inputs: Table;
  /** NaN where the row could not be predicted. */
  predictions: Float64Array;
  valid: Uint8Array;
  /** The file's target column (NaN where missing), when it has one; a classifier's: class codes. */
  actual?: Float64Array;
  /** A classifier's class probabilities, rows × K. */
  probabilities?: Float64Array;
}

export interface StreamPredictOptions extends PredictOptions {
  /** Rows per chunk handed to the model (default 10,000): memory and the time between cancel checks. */
  chunkRows?: number;
  signal?: AbortSignalLike;
  onProgress?: (p: StreamProgress) => void;
  /** Receives every chunk's predictions and inputs, in order (for drift monitoring). */
  onPredicted?: (chunk: PredictedColumns) => void | Promise<void>;
  /** Bytes read from the input at a time (default data/csv's 4 MB; tests read in tiny chunks). */
  chunkBytes?: number;
  /** Errors and warnings listed in the summary, each (all are counted). Default 100. */
  maxListed?: number;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

export interface StreamSummary extends PredictionSummary {
  /** The input's header and the columns written. */
  header: string[];
  columns: string[];
  predictionColumn: string;
  /** Bytes read and written. */
  bytesRead: number;
  bytesWritten: number;
  seconds: number;
  /** The first errors and the first warnings (`maxListed` of each), by row. */
  problems: RowProblem[];
  /** Sampled explanations: permutations per row. */
  permutations?: number;
}

const encoder = new TextEncoder();


/**
 * Predicts every row of `input` with `loaded` and writes the predictions CSV to `sink` (the same
 * bytes predictCsv + predictionChunkToCsv give). Throws RowError 'missing-column' when the file
 * lacks a column the model needs (before anything is written), CsvError for unreadable input,
 * CancelledError when `signal` fires.
 */
export async function streamPredict(loaded: LoadedBundle, input: CsvInput | ChunkReader, sink: PredictionSink, options: StreamPredictOptions = {}): Promise<StreamSummary> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const chunkRows = Math.max(1, Math.floor(options.chunkRows ?? 10_000));
  const maxListed = options.maxListed ?? 100;
  const schema = loaded.recipe.inputSchema();
  const target = loaded.bundle.target;
  const withSets = options.interval !== undefined && loaded.predictionSets !== undefined;
  const withIntervals = options.interval !== undefined && loaded.intervals !== undefined;
  const predictOptions: PredictOptions = { clip: options.clip, explainer: options.explainer, interval: options.interval, explainClass: options.explainClass };
  const tally = new PredictionTally();
  const pause = new Checkpointer(options.signal);
  const errorsListed: RowProblem[] = [];
  const warningsListed: RowProblem[] = [];
  let newProblems: RowProblem[] = [];
  let header: string[] = [];
  let columns: string[] = [];
  let firstRow = 1;
  let bytesRead = 0;
  let totalBytes: number | undefined;
  let bytesWritten = 0;
  let permutations: number | undefined;
  let wroteHeader = false;

  const write = async (bytes: Uint8Array): Promise<void> => {
    bytesWritten += bytes.length;
    await sink.write(bytes);
  };
  const headerLine = (explained: readonly string[] | undefined): string => {
    columns = predictionColumns(header, withIntervals, explained, bundleClasses(loaded), withSets);
    wroteHeader = true;
    return Papa.unparse(neutraliseRows([columns]), { newline: '\n' }) + '\n';
  };
  const layout = (names: string[]): ChunkLayout => {
    checkColumns(loaded, names);
    header = names;
    return {
      header,
      inputs: schema,
      ...(options.onPredicted && header.includes(target) ? { extra: target, ...(loaded.recipe.task === 'classification' ? { extraLabels: loaded.recipe.classes } : {}) } : {}),
    };
  };

  const predictChunk = async (c: ReadChunk, progress: ReadProgress): Promise<void> => {
    throwIfAborted(options.signal);
    bytesRead = progress.bytesRead;
    totalBytes = progress.totalBytes;
    const first = firstRow;
    firstRow += c.n;
    const { read, extra } = c;
    const transformed = loaded.recipe.transformRead(read, first);
    const res = predictTransformed(loaded, transformed, first, predictOptions);
    tally.ragged += c.ragged;
    tally.add(res);
    for (const p of res.problems) {
      const list = p.severity === 'error' ? errorsListed : warningsListed;
      if (list.length < maxListed) {
        list.push(p);
        newProblems.push(p);
      }
    }
    if (res.explanation?.permutations) permutations = res.explanation.permutations;
    await write(chunkBytes(c, { ...res, errors: errorCells(res.problems, res.valid, first) }, header.length, wroteHeader ? '' : headerLine(res.explanation?.columns)));
    if (options.onPredicted) {
      const p = Float64Array.from(res.predictions);
      for (let i = 0; i < p.length; i++) if (!res.valid[i]) p[i] = NaN;
      await options.onPredicted({
        header,
        inputs: res.inputs,
        predictions: p,
        valid: res.valid,
        ...(extra ? { actual: Float64Array.from(extra) } : {}),
        ...(res.probabilities ? { probabilities: res.probabilities } : {}),
      });
    }
    if (options.onProgress) {
      const seconds = (now() - started) / 1000;
      const rate = bytesRead / Math.max(seconds, 1e-9);
      options.onProgress({
        rows: tally.rows,
        bytes: bytesRead,
        ...(totalBytes !== undefined ? { totalBytes } : {}),
        rowsPerSecond: tally.rows / Math.max(seconds, 1e-9),
        ...(totalBytes !== undefined && bytesRead > 0 ? { etaSeconds: Math.max(0, (totalBytes - bytesRead) / rate) } : {}),
        newProblems,
      });
      newProblems = [];
    }
    // Lets a cancel arrive; at most every 50 ms (a timer yield costs a millisecond or more).
    await pause.maybe();
  };

  try {
    const read: ChunkReader = typeof input === 'function' ? input : (handlers, o) => readChunks(input, handlers, o);
    ({ bytesRead, totalBytes } = await read(
      { header: layout, chunk: predictChunk },
      { chunkRows, ...(options.signal ? { signal: options.signal } : {}), ...(options.chunkBytes !== undefined ? { chunkBytes: options.chunkBytes } : {}) },
    ));
    // A header without rows still gets its header line.
    if (!wroteHeader) await write(encoder.encode(headerLine(undefined)));
    await sink.close?.();
  } catch (e) {
    await sink.abort?.(e);
    throw e;
  }
  return {
    ...tally.summary(loaded, options),
    header,
    columns,
    predictionColumn: predictionColumnName(header),
    bytesRead,
    bytesWritten,
    seconds: (now() - started) / 1000,
    problems: [...errorsListed, ...warningsListed].sort((a, b) => a.row - b.row),
    ...(permutations !== undefined ? { permutations } : {}),
  };
}

/**
 * The chunk's output lines as UTF-8 bytes, after `head`, as predictionChunkToCsv writes its rows.
 * The common row — its line reusable, no interval, no explanation, no problem — is its line plus
 * the prediction (a number is never quoted or neutralised) and an empty error cell, copied
 * straight into the bytes; any other row's new cells (and its input fields, when its line cannot
 * be reused) go through the same cells and papaparse.
 */
function chunkBytes(c: ReadChunk, cells: PredictedCells, width: number, head: string): Uint8Array {
  const simple = !cells.lower && !cells.explanation && !cells.probabilities;
  const n = c.n;
  const { lineText, lineStart, lineEnd, texts } = c;
  const predictions = cells.predictions;
  const errors = cells.errors;
  let size = head.length * 3 + n * 32;
  for (let i = 0; i < n; i++) size += lineEnd[i] - lineStart[i];
  const out = new Bytes(size);
  out.put(head);
  let bytes = out.bytes;
  let o = out.length;
  for (let i = 0; i < n; i++) {
    const t = lineText[i];
    if (t >= 0 && simple && errors[i] === '') {
      const text = texts[t];
      const b = lineEnd[i];
      let k = lineStart[i];
      const p = numberCell(predictions[i]);
      if (o + b - k + p.length + 3 > bytes.length) bytes = out.grow(o, b - k + p.length + 3);
      if (typeof text !== 'string') {
        // ASCII handed over as bytes (by the CLI's read worker).
        for (; k < b; k++) bytes[o++] = text[k];
      } else {
        for (; k < b; k++) {
          const ch = text.charCodeAt(k);
          if (ch >= 128) break;
          bytes[o++] = ch;
        }
        if (k < b) {
          // Beyond ASCII: the rest of the line as UTF-8.
          out.length = o;
          out.put(text.slice(k, b));
          bytes = out.grow(out.length, p.length + 3);
          o = out.length;
        }
      }
      bytes[o++] = 44;
      for (let q = 0; q < p.length; q++) bytes[o++] = p.charCodeAt(q);
      bytes[o++] = 44;
      bytes[o++] = 10;
      continue;
    }
    const line = chunkLine(c, i);
    const row = line === null ? outputCells(cells, i, c.cells[i]!, width) : outputCells(cells, i, [], 0);
    out.length = o;
    out.put((line === null ? '' : line + ',') + Papa.unparse(neutraliseRows([row]), { newline: '\n' }) + '\n');
    bytes = out.bytes;
    o = out.length;
  }
  return bytes.subarray(0, o);
}

/** A growable byte buffer: `bytes` holds `length` bytes written. */
class Bytes {
  bytes: Uint8Array;
  length = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
  }

  /** Room for `more` bytes after the first `used`, which are kept; returns the (new) array. */
  grow(used: number, more: number): Uint8Array {
    if (used + more > this.bytes.length) {
      const bigger = new Uint8Array(Math.max(this.bytes.length * 2, used + more));
      bigger.set(this.bytes.subarray(0, used));
      this.bytes = bigger;
    }
    return this.bytes;
  }

  /** Appends `text` as UTF-8. */
  put(text: string): void {
    this.grow(this.length, text.length * 3);
    this.length += encoder.encodeInto(text, this.bytes.subarray(this.length)).written;
  }
}
