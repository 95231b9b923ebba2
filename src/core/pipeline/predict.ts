/**
 * The prediction pipeline: a loaded model bundle + rows (records from a form, or a CSV streamed
 * chunk by chunk) → predictions in the input order. Rows with problems are never dropped: each
 * problem names its row and column; a row that cannot be predicted gets NaN (an empty cell in
 * the output CSV) and its reason in the error column. A prediction outside the range of the target
 * in the training data (from the bundle's reference profile) is flagged on its row, counted in the
 * summary, and clipped to that range when asked. With `interval`, each prediction also gets its
 * conformal prediction interval from the bundle's calibration (conformal/), at that coverage. With
 * an Explainer, each predicted row also gets its explanation (base + one value per input column,
 * adding up to the prediction before any clipping), written as `shap_base` and `shap_<column>`.
 *
 * A classifier's bundle predicts classes: `predictions` holds class codes (the bundle's decision
 * threshold on the positive class for two classes, else the most probable class), `probabilities`
 * rows × K in the recipe's class order, and the CSV writes `prediction` as the class label plus
 * one `proba_<class>` column per class. Range flags, clipping and intervals are regression's; with
 * `interval`, a classifier's rows get their conformal prediction sets instead (conformal/sets.ts),
 * written as `prediction_set`: the labels joined by '|'.
 * Its explanations are of one class per row (explain/classifier.ts): the positive class for two
 * classes, else the row's predicted class (or `explainClass`), written as `shap_class` (the label),
 * `shap_base` and `shap_<column>` in the explanation's unit (log-odds or probability).
 */
import Papa from 'papaparse';
import { checkpoint, throwIfAborted } from '../abort';
import type { LoadedBundle } from '../bundle/bundle';
import { profiledRange } from '../bundle/reference-profile';
import { intervalHalfWidths } from '../conformal/calibration';
import { predictSets, setLabels } from '../conformal/sets';
import { streamCsvRows } from '../data/csv';
import { neutraliseRows } from '../data/csv-cells';
import type { CsvInput, ParseProgress, Table } from '../data/types';
import type { Explainer, ExplanationUnit } from '../explain';
import { pickClass } from '../explain/class-pick';
import type { ExplanationKind } from '../models/catalog';
import { isClassifier, type Classifier, type Matrix } from '../models/types';
import { decide } from '../metrics/classification';
import { PipelineError, RowError } from '../errors';
import type { RecordsTransform, RecordValue, RowProblem } from '../recipe';

export interface RecordsPrediction {
  /** One per record; NaN where the row has an error problem. A classifier's: class codes (`classes` names them). */
  predictions: Float64Array;
  /** A classifier's: rows × K class probabilities, row-major, in `classes` order (NaN where the row has an error). */
  probabilities?: Float64Array;
  /** A classifier's class labels, code 0 first. */
  classes?: readonly string[];
  valid: Uint8Array;
  problems: RowProblem[];
  /** Rows predicted outside the training target's range (flagged with 'out-of-range-prediction'). */
  outOfRange: number;
  /** With `interval`: each row's prediction interval (NaN where the row has an error). */
  lower?: Float64Array;
  upper?: Float64Array;
  /** A classifier's, with `interval`: set membership, rows × K (1 = the class is in the row's set; none where the row has an error). */
  sets?: Uint8Array;
  /** The input columns as read, before imputation (FittedRecipe.inputTable): what drift is measured on. */
  inputs: Table;
  /** With `explainer`: every row's explanation. */
  explanation?: RowExplanations;
}

/** Explanations of a batch of predicted rows, in the target's units (a classifier's: its explanation's unit). */
export interface RowExplanations {
  kind: ExplanationKind;
  /** What base and values are measured in: 'target' for a regressor; a classifier's 'log-odds' or 'probability'. */
  unit: ExplanationUnit;
  /** Input columns, in the recipe's input order. */
  columns: string[];
  /** The model's expected prediction (a classifier's: of the class explained, NaN when rows explain different classes: see `bases`). */
  base: number;
  /** A classifier's: per row, the class code explained and that class's expected value (NaN on rows that could not be predicted). */
  explainedClass?: Float64Array;
  bases?: Float64Array;
  /**
   * A classifier's, asked with `explainAllClasses`: every explained class's values (rows ×
   * classes × columns, explain/ Explanation layout) and bases, for a view that switches class.
   */
  byClass?: { classes: number[]; complement?: number; bases: Float64Array; values: Float64Array; /** Class labels by code. */ labels: readonly string[] };
  /** rows × columns; NaN on rows that could not be predicted. */
  values: Float64Array;
  /** Sampling explanations: permutations per row. */
  permutations?: number;
  /** Exact values in the model's units, scaled to add up in the target's (log1p target, log link). */
  scaled: boolean;
}

export interface PredictOptions {
  /**
   * Clip predictions to the training target's range (an impossible value such as a negative price
   * becomes the lowest price seen in training). Off by default: out-of-range rows are only flagged.
   */
  clip?: boolean;
  /** Explain every predicted row with it (build it once per bundle: `new Explainer(loaded.model, loaded.recipe)`). */
  explainer?: Explainer;
  /** A classifier's: the class code every row's explanation is of (default: the positive class for two classes, else the row's predicted class). */
  explainClass?: number;
  /** A classifier's: keep every explained class's values too (RowExplanations.byClass; for one row or a few). */
  explainAllClasses?: boolean;
  /**
   * Coverage of the prediction intervals to add (0 < c < 1), checked beforehand with
   * `intervalCoverage` (conformal/calibration.ts) against the bundle's calibration. With `clip`,
   * the bounds are clipped to the training range too. A classifier's: the coverage of its
   * prediction sets, checked with `setCoverage` (conformal/sets.ts).
   */
  interval?: number;
}

/** The target's range in the training rows, from the bundle's reference profile (older bundles may lack it). */
const trainingTargetRange = (loaded: LoadedBundle) => profiledRange(loaded.bundle.referenceProfile, loaded.bundle.target);

/**
 * The decision threshold a bundle's binary classifier predicts with (on the positive class's
 * probability; 0.5 unless the bundle stores another); undefined for more than two classes.
 */
export function decisionThreshold(loaded: LoadedBundle): number | undefined {
  return loaded.recipe.classes.length === 2 ? (loaded.bundle.decision?.threshold ?? 0.5) : undefined;
}

/** The class labels of a classifier's bundle; undefined for a regressor. */
export function bundleClasses(loaded: LoadedBundle): readonly string[] | undefined {
  return loaded.recipe.task === 'classification' ? loaded.recipe.classes : undefined;
}

/** A classifier's probabilities and decided classes on the valid rows (NaN elsewhere). */
function classifyRecords(loaded: LoadedBundle, model: Classifier, matrix: Matrix, valid: Uint8Array, inputs: Table, problems: RowProblem[], setCoverage?: number): RecordsPrediction {
  const k = loaded.recipe.classes.length;
  const { sub, idx } = validRows(matrix.data, matrix.rows, matrix.cols, valid);
  const probabilities = new Float64Array(matrix.rows * k).fill(NaN);
  const predictions = new Float64Array(matrix.rows).fill(NaN);
  const calibration = setCoverage !== undefined ? loaded.predictionSets : undefined;
  const sets = calibration ? new Uint8Array(matrix.rows * k) : undefined;
  if (idx.length > 0) {
    const p = model.predictProba({ data: sub, rows: idx.length, cols: matrix.cols, features: matrix.features });
    const decided = decide(p, k, decisionThreshold(loaded));
    const members = calibration ? predictSets(calibration, p, k, setCoverage) : undefined;
    for (let r = 0; r < idx.length; r++) {
      probabilities.set(p.subarray(r * k, r * k + k), idx[r] * k);
      predictions[idx[r]] = decided[r];
      if (members) sets!.set(members.subarray(r * k, r * k + k), idx[r] * k);
    }
  }
  return { predictions, probabilities, classes: loaded.recipe.classes, valid, problems, outOfRange: 0, inputs, ...(sets ? { sets } : {}) };
}

/** Predicts typed records (a form, JSON rows). `firstRow` numbers the first record in problems. */
export function predictRecords(loaded: LoadedBundle, records: Array<Record<string, RecordValue>>, firstRow = 1, options: PredictOptions = {}): RecordsPrediction {
  return predictTransformed(loaded, loaded.recipe.transformRecords(records, firstRow), firstRow, options);
}

/**
 * Predicts rows the recipe has already encoded (transformRecords, or transformRead for streamed
 * CSV chunks): one path for a form, a file chunk and the streamed engine, so their predictions,
 * intervals, explanations and problems are the same.
 */
export function predictTransformed(loaded: LoadedBundle, transformed: RecordsTransform, firstRow: number, options: PredictOptions = {}): RecordsPrediction {
  const { X, problems, valid, inputs } = transformed;
  const matrix: Matrix = { data: X.data, rows: X.rows, cols: X.cols, features: loaded.recipe.features };
  if (loaded.recipe.task === 'classification') {
    if (!isClassifier(loaded.model)) throw new PipelineError('bad-model', `The bundle's recipe predicts classes of "${loaded.bundle.target}" but its model is a regressor.`, { stage: 'prediction' });
    const res = classifyRecords(loaded, loaded.model, matrix, valid, inputs, problems, options.interval);
    if (options.explainer) res.explanation = explainClassified(options.explainer, matrix, valid, res.predictions, loaded.recipe.classes, options);
    return res;
  }
  const raw = loaded.recipe.decodeTarget(onValidRows(matrix, valid, (m) => loaded.model.predict(m)));
  for (let i = 0; i < raw.length; i++) if (!valid[i]) raw[i] = NaN;
  const explanation = options.explainer ? explainValid(options.explainer, X, valid) : undefined;
  const bounds = options.interval !== undefined && loaded.intervals ? intervalBounds(loaded, matrix, valid, raw, options.interval) : undefined;
  const range = trainingTargetRange(loaded);
  if (range && bounds && options.clip) for (const b of [bounds.lower, bounds.upper]) for (let i = 0; i < b.length; i++) b[i] = Math.min(range.max, Math.max(range.min, b[i]));
  const flagged = range ? flagOutOfRange(raw, valid, range, loaded.bundle.target, firstRow, options.clip === true) : [];
  const out: RecordsPrediction = { predictions: raw, valid, problems: flagged.length ? mergeByRow(problems, flagged) : problems, outOfRange: flagged.length, inputs, ...bounds };
  if (explanation) out.explanation = explanation;
  return out;
}

/** Each valid row's interval around its prediction (in the target's units). */
function intervalBounds(loaded: LoadedBundle, X: Matrix, valid: Uint8Array, predicted: Float64Array, coverage: number): { lower: Float64Array; upper: Float64Array } {
  const half = onValidRows(X, valid, (m) => intervalHalfWidths(loaded.intervals!, m, coverage));
  return { lower: Float64Array.from(predicted, (p, i) => p - half[i]), upper: Float64Array.from(predicted, (p, i) => p + half[i]) };
}

/** Explains the rows that can be predicted; the others get NaN. */
function explainValid(explainer: Explainer, X: Matrix, valid: Uint8Array): RowExplanations {
  const { sub, idx } = validRows(X.data, X.rows, X.cols, valid);
  const c = explainer.columns.length;
  const values = new Float64Array(X.rows * c).fill(NaN);
  const out: RowExplanations = { kind: explainer.kind, unit: explainer.unit, columns: explainer.columns, base: NaN, values, scaled: false };
  if (idx.length === 0) return out;
  const e = explainer.explain({ data: sub, rows: idx.length, cols: X.cols, features: X.features });
  for (let k = 0; k < idx.length; k++) values.set(e.values.subarray(k * c, k * c + c), idx[k] * c);
  out.base = e.base;
  out.scaled = e.scaled;
  if (e.permutations !== undefined) out.permutations = e.permutations;
  return out;
}

/**
 * A classifier's explanations of the valid rows: each row's class (`explainClass`, else the
 * positive class for two classes, else its predicted class `decided`), NaN on the others.
 */
function explainClassified(explainer: Explainer, X: Matrix, valid: Uint8Array, decided: Float64Array, labels: readonly string[], options: PredictOptions): RowExplanations {
  const { sub, idx } = validRows(X.data, X.rows, X.cols, valid);
  const c = explainer.columns.length;
  const values = new Float64Array(X.rows * c).fill(NaN);
  const explainedClass = new Float64Array(X.rows).fill(NaN);
  const bases = new Float64Array(X.rows).fill(NaN);
  const out: RowExplanations = { kind: explainer.kind, unit: explainer.unit, columns: explainer.columns, base: NaN, explainedClass, bases, values, scaled: false };
  if (idx.length === 0) return out;
  const e = explainer.explain({ data: sub, rows: idx.length, cols: X.cols, features: X.features });
  const classes = explainer.classes!;
  const fixed = options.explainClass ?? (classes.length === 1 ? classes[0] : undefined);
  const pick = pickClass(e, Float64Array.from(idx, (i) => fixed ?? decided[i]));
  for (let k = 0; k < idx.length; k++) {
    values.set(pick.values.subarray(k * c, k * c + c), idx[k] * c);
    explainedClass[idx[k]] = pick.classes[k];
    bases[idx[k]] = pick.bases[k];
  }
  // One class for every row: its base is the batch's.
  if (fixed !== undefined) out.base = pick.bases[0];
  if (options.explainAllClasses)
    out.byClass = { classes, ...(e.complement !== undefined ? { complement: e.complement } : {}), bases: e.bases, values: spreadRows(e.values, idx, X.rows, e.values.length / idx.length), labels };
  if (e.permutations !== undefined) out.permutations = e.permutations;
  return out;
}

/** Blocks of `width` values per valid row spread over all `rows` (NaN elsewhere). */
function spreadRows(v: Float64Array, idx: Int32Array, rows: number, width: number): Float64Array {
  if (idx.length === rows) return v;
  const out = new Float64Array(rows * width).fill(NaN);
  for (let k = 0; k < idx.length; k++) out.set(v.subarray(k * width, (k + 1) * width), idx[k] * width);
  return out;
}

/** The rows of a row-major matrix whose `valid` flag is set, and their indices. */
function validRows(data: Float64Array, rows: number, cols: number, valid: Uint8Array): { sub: Float64Array; idx: Int32Array } {
  let nValid = 0;
  for (let i = 0; i < rows; i++) nValid += valid[i];
  if (nValid === rows) {
    const idx = new Int32Array(rows);
    for (let i = 0; i < rows; i++) idx[i] = i;
    return { sub: data, idx };
  }
  const sub = new Float64Array(nValid * cols);
  const idx = new Int32Array(nValid);
  for (let i = 0, k = 0; i < rows; i++) {
    if (!valid[i]) continue;
    sub.set(data.subarray(i * cols, i * cols + cols), k * cols);
    idx[k++] = i;
  }
  return { sub, idx };
}

/**
 * Flags (and with `clip`, clips in place) predictions outside [min, max]: one warning per row,
 * on the target column.
 */
function flagOutOfRange(pred: Float64Array, valid: Uint8Array, range: { min: number; max: number }, target: string, firstRow: number, clip: boolean): RowProblem[] {
  const out: RowProblem[] = [];
  for (let i = 0; i < pred.length; i++) {
    const v = pred[i];
    if (!valid[i] || !(v < range.min || v > range.max)) continue;
    const bound = v < range.min ? range.min : range.max;
    const side = v < range.min ? `below the lowest ${target} in training (${bound})` : `above the highest ${target} in training (${bound})`;
    if (clip) pred[i] = bound;
    out.push({
      row: firstRow + i,
      column: target,
      reason: 'out-of-range-prediction',
      severity: 'warning',
      message: `${target}: the prediction ${Number(v.toPrecision(6))} is ${side}${clip ? `; clipped to ${bound}` : ''}.`,
    });
  }
  return out;
}

/** Two problem lists sorted by row, merged; on the same row the input problems come first. */
function mergeByRow(a: RowProblem[], b: RowProblem[]): RowProblem[] {
  const out: RowProblem[] = [];
  let j = 0;
  for (const p of a) {
    while (j < b.length && b[j].row < p.row) out.push(b[j++]);
    out.push(p);
  }
  while (j < b.length) out.push(b[j++]);
  return out;
}

/** Applies a model to the valid rows only (invalid ones may hold NaN the model would reject); NaN elsewhere. */
function onValidRows(X: Matrix, valid: Uint8Array, apply: (m: Matrix) => Float64Array): Float64Array {
  const part = validPart(X, valid);
  return part.m ? spread(apply(part.m), part.idx, X.rows) : new Float64Array(X.rows).fill(NaN);
}

/** The valid rows of X as a matrix (X itself when all are valid: idx null), or null when none is. */
function validPart(X: Matrix, valid: Uint8Array): { m: Matrix | null; idx: Int32Array | null } {
  if (X.rows > 0 && valid.indexOf(0) === -1) return { m: X, idx: null };
  const { sub, idx } = validRows(X.data, X.rows, X.cols, valid);
  return { m: idx.length ? { data: sub, rows: idx.length, cols: X.cols, features: X.features } : null, idx };
}

/** Outputs for the valid rows `idx` spread over all `rows` (NaN elsewhere); as they are when idx is null. */
function spread(p: Float64Array, idx: Int32Array | null, rows: number): Float64Array {
  if (!idx) return p;
  const out = new Float64Array(rows).fill(NaN);
  for (let k = 0; k < idx.length; k++) out[idx[k]] = p[k];
  return out;
}

export interface PredictionChunk {
  /** 1-based data row number of the chunk's first row. */
  firstRow: number;
  header: string[];
  /** The input rows as read (strings), for writing them back out. */
  rows: string[][];
  /** Predictions; a classifier's are class codes (see `classes`). */
  predictions: Float64Array;
  /** A classifier's: rows × K class probabilities (written as proba_<class>). */
  probabilities?: Float64Array;
  /** A classifier's class labels, code 0 first. */
  classes?: readonly string[];
  /** With `interval`: each row's interval bounds (NaN where it could not be predicted). */
  lower?: Float64Array;
  upper?: Float64Array;
  /** A classifier's, with `interval`: set membership rows × K (written as prediction_set). */
  sets?: Uint8Array;
  valid: Uint8Array;
  /**
   * Per row: why it could not be predicted; for a row predicted outside the training target's
   * range, that warning ("warning: …"); '' otherwise.
   */
  errors: string[];
  /** Problems of this chunk (errors and warnings), capped at maxProblemsPerChunk. */
  problems: RowProblem[];
  /** The model's input columns of these rows as read, before imputation (for drift monitoring). */
  inputs: Table;
  /** With an explainer: each row's explanation (written as shap_base and shap_<column>). */
  explanation?: RowExplanations;
}

export interface PredictionSummary {
  rows: number;
  predicted: number;
  failed: number;
  /** Problem counts by reason and severity, e.g. { 'unseen-category:warning': 12 }. */
  problemCounts: Record<string, number>;
  /** Rows whose field count differs from the header's (padded/truncated, predicted if possible). */
  raggedRows: number;
  /** Rows predicted outside the training target's range (0 when the bundle does not record it). */
  outOfRange: number;
  /** Of those, how many were clipped to the range (all of them with `clip`, else 0). */
  clipped: number;
  /** The target's range in the training data, when the bundle records it. */
  targetRange?: { min: number; max: number };
  distribution: { min: number; max: number; mean: number; std: number; histogram: { edges: number[]; counts: number[] } };
  /** With `interval`: the coverage of the intervals written (a classifier's: of its prediction sets). */
  interval?: { coverage: number };
  /** A classifier's, with `interval`: the mean number of classes in the sets of the predicted rows. */
  meanSetSize?: number;
  /** A classifier's: predicted rows per class label, in class order (the distribution above is of class codes). */
  classCounts?: Record<string, number>;
  /** A binary classifier's decision threshold on the positive class's probability. */
  threshold?: number;
}

export interface PredictCsvOptions extends PredictOptions {
  /** Rows per chunk handed to the model (default 10,000). */
  chunkRows?: number;
  signal?: AbortSignalLike;
  onProgress?: (p: ParseProgress & { predicted: number }) => void;
  /** Receives every chunk in order; write it out and let it go (nothing is kept). */
  onChunk: (chunk: PredictionChunk) => void | Promise<void>;
  /** Problems kept per chunk (all are counted). Default 1,000. */
  maxProblemsPerChunk?: number;
}

/**
 * Streams a CSV through the model chunk by chunk: memory stays bounded by the chunk size,
 * whatever the file size. Throws RowError 'missing-column' when the file lacks a column the
 * model needs (checked on the header, before any row is predicted).
 */
export async function predictCsv(loaded: LoadedBundle, input: CsvInput, options: PredictCsvOptions): Promise<PredictionSummary> {
  const chunkRows = options.chunkRows ?? 10_000;
  const withIntervals = options.interval !== undefined && loaded.intervals !== undefined;
  const withSets = options.interval !== undefined && loaded.predictionSets !== undefined;
  const tally = new PredictionTally();
  let header: string[] = [];
  let pending: string[][] = [];
  let pendingFirst = 1;
  let lastProgress: ParseProgress = { bytesRead: 0, totalBytes: 0, rows: 0 };

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    throwIfAborted(options.signal);
    const rows = pending;
    const first = pendingFirst;
    pending = [];
    pendingFirst = first + rows.length;
    const records = rows.map((r) => {
      const o: Record<string, RecordValue> = {};
      const n = Math.min(r.length, header.length);
      for (let j = 0; j < n; j++) o[header[j]] = r[j];
      if (r.length !== header.length) tally.ragged++;
      return o;
    });
    const res = predictRecords(loaded, records, first, { clip: options.clip, explainer: options.explainer, interval: options.interval, explainClass: options.explainClass });
    tally.add(res);
    const errors = errorCells(res.problems, res.valid, first);
    await options.onChunk({
      firstRow: first,
      header,
      rows,
      predictions: res.predictions,
      ...(res.probabilities ? { probabilities: res.probabilities, classes: res.classes } : {}),
      ...(res.lower ? { lower: res.lower, upper: res.upper } : {}),
      ...(res.sets ? { sets: res.sets } : {}),
      valid: res.valid,
      errors,
      problems: res.problems.slice(0, options.maxProblemsPerChunk ?? 1000),
      inputs: res.inputs,
      ...(res.explanation ? { explanation: res.explanation } : {}),
    });
    options.onProgress?.({ ...lastProgress, predicted: tally.rows });
    await checkpoint(options.signal);
  };

  await streamCsvRows(
    input,
    {
      header: (names) => {
        header = names;
        checkColumns(loaded, names);
      },
      rows: async (rows) => {
        for (const r of rows) {
          pending.push(r);
          if (pending.length >= chunkRows) await flush();
        }
      },
      progress: (p) => {
        lastProgress = p;
      },
    },
    { signal: options.signal },
  );
  await flush();
  // A header without rows still yields one (empty) chunk, so writers emit the header line.
  if (tally.rows === 0 && header.length > 0)
    await options.onChunk({
      firstRow: 1,
      header,
      rows: [],
      predictions: new Float64Array(0),
      ...(bundleClasses(loaded) ? { probabilities: new Float64Array(0), classes: bundleClasses(loaded) } : {}),
      ...(withIntervals ? { lower: new Float64Array(0), upper: new Float64Array(0) } : {}),
      ...(withSets ? { sets: new Uint8Array(0) } : {}),
      valid: new Uint8Array(0),
      errors: [],
      problems: [],
      inputs: loaded.recipe.transformRecords([]).inputs,
    });
  return tally.summary(loaded, options);
}

/** Throws RowError 'missing-column' when a file's header lacks a column the model needs. */
export function checkColumns(loaded: LoadedBundle, header: readonly string[]): void {
  const missing = loaded.recipe
    .inputSchema()
    .map((c) => c.name)
    .filter((n) => !header.includes(n));
  if (missing.length > 0)
    throw new RowError('missing-column', `The file lacks ${missing.length === 1 ? 'a column' : 'columns'} the model needs: ${missing.map((m) => `"${m}"`).join(', ')}.`, {
      column: missing[0],
      stage: 'prediction',
    });
}

/** A file's predicted chunks, counted into its PredictionSummary. */
export class PredictionTally {
  rows = 0;
  predicted = 0;
  /** Rows whose field count differs from the header's (the reader counts them). */
  ragged = 0;
  outOfRange = 0;
  readonly problemCounts: Record<string, number> = {};
  private readonly stats = new RunningStats();
  /** A classifier's predicted rows per class code. */
  private perClass: number[] | null = null;
  /** A classifier's, with sets: classes in the sets of the predicted rows. */
  private setMembers = 0;
  private withSets = false;

  add(res: RecordsPrediction): void {
    if (res.classes) this.perClass ??= new Array<number>(res.classes.length).fill(0);
    this.outOfRange += res.outOfRange;
    if (res.sets) {
      this.withSets = true;
      for (const m of res.sets) this.setMembers += m;
    }
    for (const p of res.problems) {
      const key = `${p.reason}:${p.severity}`;
      this.problemCounts[key] = (this.problemCounts[key] ?? 0) + 1;
    }
    for (let i = 0; i < res.predictions.length; i++) {
      if (res.valid[i]) {
        this.predicted++;
        this.stats.push(res.predictions[i]);
        if (this.perClass) this.perClass[res.predictions[i]]++;
      }
    }
    this.rows += res.predictions.length;
  }

  summary(loaded: LoadedBundle, options: PredictOptions): PredictionSummary {
    const classes = bundleClasses(loaded);
    const range = classes ? undefined : trainingTargetRange(loaded);
    const threshold = classes ? decisionThreshold(loaded) : undefined;
    const perClass = this.perClass ?? [];
    return {
      ...(options.interval !== undefined && (loaded.intervals !== undefined || loaded.predictionSets !== undefined) ? { interval: { coverage: options.interval } } : {}),
      ...(this.withSets ? { meanSetSize: this.predicted ? this.setMembers / this.predicted : NaN } : {}),
      rows: this.rows,
      predicted: this.predicted,
      failed: this.rows - this.predicted,
      problemCounts: this.problemCounts,
      raggedRows: this.ragged,
      outOfRange: this.outOfRange,
      clipped: options.clip ? this.outOfRange : 0,
      ...(range ? { targetRange: range } : {}),
      distribution: this.stats.summary(),
      ...(classes ? { classCounts: Object.fromEntries(classes.map((c, k) => [c, perClass[k] ?? 0])) } : {}),
      ...(threshold !== undefined ? { threshold } : {}),
    };
  }
}

/**
 * The error column of a chunk: per row every problem of the row, errors first ("warning: " before
 * each warning), or 'could not be predicted' for an invalid row without one; '' otherwise.
 */
export function errorCells(problems: readonly RowProblem[], valid: Uint8Array, firstRow: number): string[] {
  const errors = new Array<string>(valid.length).fill('');
  for (const p of problems) {
    const i = p.row - firstRow;
    // Every problem of the row, errors first: a value read as missing and the prediction it led to can both be off.
    const text = p.severity === 'error' ? p.message : `warning: ${p.message}`;
    errors[i] = !errors[i] ? text : p.severity === 'error' ? `${text}; ${errors[i]}` : `${errors[i]}; ${text}`;
  }
  for (let i = 0; i < valid.length; i++) if (!valid[i] && !errors[i]) errors[i] = 'could not be predicted';
  return errors;
}

/** Streaming min/max/mean/std and a histogram over a reservoir of predictions (bounded memory). */
class RunningStats {
  private n = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;
  private readonly sample: number[] = [];
  private seen = 0;
  private state = 0x9e3779b9;
  push(v: number): void {
    this.n++;
    const d = v - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (v - this.mean);
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    // Reservoir sample of 20,000 values for the histogram (deterministic LCG).
    this.seen++;
    if (this.sample.length < 20_000) this.sample.push(v);
    else {
      this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
      const j = this.state % this.seen;
      if (j < 20_000) this.sample[j] = v;
    }
  }
  summary(): PredictionSummary['distribution'] {
    const bins = 30;
    const edges: number[] = [];
    const counts = new Array<number>(bins).fill(0);
    if (this.n > 0) {
      const lo = this.min;
      const w = (this.max - lo) / bins || 1;
      for (let b = 0; b <= bins; b++) edges.push(lo + b * w);
      const scale = this.n / this.sample.length;
      for (const v of this.sample) counts[Math.min(bins - 1, Math.floor((v - lo) / w))] += scale;
      for (let b = 0; b < bins; b++) counts[b] = Math.round(counts[b]);
    }
    return {
      min: this.n ? this.min : NaN,
      max: this.n ? this.max : NaN,
      mean: this.n ? this.mean : NaN,
      std: this.n ? Math.sqrt(this.m2 / this.n) : NaN,
      histogram: { edges, counts },
    };
  }
}

/** Name of the prediction column: `prediction`, or `prediction_2`, ... when the input has one. */
export function predictionColumnName(header: string[], base = 'prediction'): string {
  let name = base;
  for (let k = 2; header.includes(name); k++) name = `${base}_${k}`;
  return name;
}

/** A number as prediction CSVs write it: as JavaScript prints it, empty when not finite. */
export const numberCell = (v: number): string => (Number.isFinite(v) ? String(v) : '');

/**
 * The columns of a predictions CSV: the input columns, the prediction, a classifier's
 * `proba_<class>` per class and with sets its `prediction_set`, with intervals `prediction_lower`
 * and `prediction_upper`, the error column, and with explanations (a classifier's `shap_class`,
 * the class explained, then) `shap_base` and `shap_<column>` per explained column (each renamed
 * `…_2`, … when the input has the name).
 */
export function predictionColumns(header: readonly string[], intervals: boolean, explained?: readonly string[], classes?: readonly string[], sets = false): string[] {
  const names = [...header];
  names.push(predictionColumnName(names));
  if (classes) for (const c of classes) names.push(predictionColumnName(names, `proba_${c}`));
  if (classes && sets) names.push(predictionColumnName(names, 'prediction_set'));
  if (intervals) for (const base of ['prediction_lower', 'prediction_upper']) names.push(predictionColumnName(names, base));
  names.push(predictionColumnName(names, 'error'));
  if (explained) for (const base of [...(classes ? ['shap_class'] : []), 'shap_base', ...explained.map((c) => `shap_${c}`)]) names.push(predictionColumnName(names, base));
  return names;
}

/** The predicted cells of a chunk's rows. */
export type PredictedCells = Pick<PredictionChunk, 'predictions' | 'probabilities' | 'classes' | 'lower' | 'upper' | 'sets' | 'valid' | 'errors' | 'explanation'>;

/**
 * Row i of a predictions CSV as text cells (not yet neutralised or quoted): its `width` input
 * fields (padded with '' or cut to the header's width), the prediction, the interval bounds,
 * the error text and the explanation. With width 0, only the cells after the input columns.
 */
export function outputCells(chunk: PredictedCells, i: number, input: readonly string[], width: number): string[] {
  const cells = input.length === width ? input.slice() : Array.from({ length: width }, (_, j) => input[j] ?? '');
  const classes = chunk.probabilities ? chunk.classes : undefined;
  if (classes) {
    // A classifier's: the class label, then each class's probability.
    const code = chunk.predictions[i];
    cells.push(Number.isFinite(code) ? classes[code] : '');
    for (let c = 0; c < classes.length; c++) cells.push(numberCell(chunk.probabilities![i * classes.length + c]));
    // The set's labels joined by '|' (papaparse quotes the cell where a label needs it); empty where the row could not be predicted.
    if (chunk.sets) cells.push(chunk.valid[i] ? setLabels(chunk.sets, i, classes) : '');
  } else cells.push(numberCell(chunk.predictions[i]));
  if (chunk.lower) cells.push(numberCell(chunk.lower[i]), numberCell(chunk.upper![i]));
  cells.push(chunk.errors[i]);
  const e = chunk.explanation;
  if (e) {
    const c = e.columns.length;
    if (classes) {
      const k = e.explainedClass ? e.explainedClass[i] : NaN;
      cells.push(Number.isFinite(k) ? classes[k] : '');
    }
    cells.push(chunk.valid[i] ? numberCell(e.bases ? e.bases[i] : e.base) : '');
    for (let j = 0; j < c; j++) cells.push(numberCell(e.values[i * c + j]));
  }
  return cells;
}

/**
 * CSV text for a chunk: the input columns, the prediction (a classifier's: the class label, then
 * one `proba_<class>` column per class in class order; a regressor's: the number, then
 * `prediction_lower` and `prediction_upper` when the chunk has intervals), and an error column holding the
 * reasons a row could not be predicted, or the warning that its prediction lies outside the
 * training target's range (other warnings, such as an imputed value, are not listed).
 * With explanations, `shap_base` and one `shap_<column>` per input column follow (empty where
 * the row could not be predicted; shap_base + Σ shap_* = the prediction before any clipping; a
 * classifier's, after `shap_class`: = the explained class's probability or log-odds).
 * The header line is written when `withHeader` is true (the first chunk).
 */
export function predictionChunkToCsv(chunk: PredictionChunk, withHeader: boolean): string {
  const names = predictionColumns(chunk.header, chunk.lower !== undefined, chunk.explanation?.columns, chunk.probabilities ? chunk.classes : undefined, chunk.sets !== undefined);
  const out = chunk.rows.map((r, i) => outputCells(chunk, i, r, chunk.header.length));
  const text = Papa.unparse(neutraliseRows(withHeader ? [names, ...out] : out), { newline: '\n' });
  return text + '\n';
}
