/**
 * The reference sample a bundle carries for drift monitoring: a seeded sample of the training
 * rows (at most REFERENCE_SAMPLE_ROWS, a setting of the training request) with the model's input
 * columns as the model reads them (FittedRecipe.inputTable) and the model's predictions on those
 * rows. A batch predicted later is compared with it column by column (src/core/drift).
 *
 * Stored compactly, column by column, through the bundle codec's typed arrays (base64):
 * - numbers as Float32Array when every value survives it exactly: a CSV number has few
 *   significant digits, so the float32 value printed to that many digits (`digits`) reads back
 *   as the very float64 the CSV gave (checked value by value when encoding; otherwise the column
 *   is stored as Float64Array). Drift tests compare exact values (ties matter to KS), so a
 *   rounded reference would not do;
 * - labels as the levels present in the sample and 1-based codes (0 = missing) in the smallest
 *   unsigned array that holds them;
 * - predictions as Float32Array (model outputs have no ties to keep; ~7 digits are plenty).
 * For the gemstone data (9 inputs), 10,000 rows take ~0.4 MB of bundle text.
 *
 * The field is optional: bundles made before it, or exported without it, still load; drift then
 * needs reference data from elsewhere (a file, or the training dataset).
 */
import { BundleError } from '../errors';
import type { Column, Table } from '../data/types';
import { permutation, Rng } from '../random';
import { decodeState, encodeState, type EncodedTyped } from './codec';

/** Training rows sampled into a bundle by default (Evidently's reference needs no more for stable tests). */
export const REFERENCE_SAMPLE_ROWS = 10_000;

export type EncodedSampleColumn =
  | { name: string; kind: 'numeric'; digits?: number; values: EncodedTyped }
  | { name: string; kind: 'categorical'; levels: string[]; codes: EncodedTyped };

/** The bundle field `referenceSample`. */
export interface EncodedReferenceSample {
  /** Rows in the sample. */
  rows: number;
  /** Training rows it was drawn from. */
  sourceRows: number;
  /** Seed of the draw (the split's). */
  seed: number;
  columns: EncodedSampleColumn[];
  /** The model's predictions on the sampled rows, in the target's units. */
  predictions: EncodedTyped;
}

/** A reference sample ready for drift: input columns and predictions. */
export interface ReferenceSample {
  table: Table;
  predictions: Float64Array;
  sourceRows: number;
  seed: number;
}

/** Row positions of a seeded sample of `max` of `n` rows, ascending (all rows when n ≤ max). */
export function sampleRowIndices(n: number, max: number, seed: number): Uint32Array {
  if (n <= max) return Uint32Array.from({ length: n }, (_, i) => i);
  return permutation(n, new Rng(seed)).slice(0, max).sort();
}

export function encodeReferenceSample(sample: ReferenceSample): EncodedReferenceSample {
  return {
    rows: sample.table.rowCount,
    sourceRows: sample.sourceRows,
    seed: sample.seed,
    columns: sample.table.columns.map(encodeColumn),
    predictions: typed(Float32Array.from(sample.predictions)),
  };
}

function typed(a: Float32Array | Float64Array | Uint8Array | Uint16Array | Uint32Array): EncodedTyped {
  return encodeState(a) as EncodedTyped;
}

function encodeColumn(col: Column): EncodedSampleColumn {
  if (col.type === 'numeric') {
    const digits = float32Digits(col.values);
    return digits === undefined
      ? { name: col.name, kind: 'numeric', values: typed(col.values) }
      : { name: col.name, kind: 'numeric', digits, values: typed(Float32Array.from(col.values)) };
  }
  // Only the levels the sample holds, renumbered in their original order.
  const used = new Int32Array(col.levels.length).fill(-1);
  for (const c of col.codes) if (c >= 0 && c < used.length) used[c] = 0;
  const levels: string[] = [];
  for (let k = 0; k < used.length; k++) if (used[k] === 0) used[k] = levels.push(col.levels[k]);
  const Codes = levels.length < 0xff ? Uint8Array : levels.length < 0xffff ? Uint16Array : Uint32Array;
  const codes = new Codes(col.codes.length);
  for (let i = 0; i < codes.length; i++) {
    const c = col.codes[i];
    codes[i] = c >= 0 && c < used.length ? used[c] : 0;
  }
  return { name: col.name, kind: 'categorical', levels, codes: typed(codes) };
}

type TypedArrayKind = Float32ArrayConstructor | Float64ArrayConstructor | Uint8ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor;

/** Significant digits of a finite number (1..17). */
function significantDigits(x: number): number {
  for (let p = 1; p < 17; p++) if (Number(x.toPrecision(p)) === x) return p;
  return 17;
}

/**
 * The digits d such that every value, stored as float32 and printed to d significant digits,
 * reads back exactly; undefined when float32 cannot keep them all (store float64).
 */
function float32Digits(values: Float64Array): number | undefined {
  let digits = 1;
  for (const x of values) {
    if (!Number.isFinite(x)) continue;
    digits = Math.max(digits, significantDigits(x));
    if (digits > 7) return undefined;
  }
  for (const x of values) if (Number.isFinite(x) && Number(Math.fround(x).toPrecision(digits)) !== x) return undefined;
  return digits;
}

/**
 * Decodes and checks the bundle field against the model's input columns (same names, in order);
 * every failure is a BundleError naming the field under `referenceSample`.
 */
export function decodeReferenceSample(json: EncodedReferenceSample, inputs: readonly string[]): ReferenceSample {
  const at = (f: string): string => `referenceSample.${f}`;
  const fail = (field: string, message: string): never => {
    throw new BundleError('invalid-bundle', `Invalid bundle: ${at(field)}: ${message}`, { field: at(field) });
  };
  const count = (v: unknown, field: string): number =>
    typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : fail(field, 'must be a whole number of at least 0.');
  const rows = count(json.rows, 'rows');
  const sourceRows = count(json.sourceRows, 'sourceRows');
  if (sourceRows < rows) fail('sourceRows', `the sample has ${rows} rows but says it was drawn from ${sourceRows}.`);
  const seed = typeof json.seed === 'number' && Number.isFinite(json.seed) ? json.seed : fail('seed', 'must be a number.');
  if (!Array.isArray(json.columns)) fail('columns', 'must be a list of columns.');
  const names = json.columns.map((c) => (c && typeof c === 'object' ? c.name : undefined));
  if (names.join('\u0000') !== inputs.join('\u0000'))
    fail('columns', `the sample's columns (${names.map(String).join(', ')}) are not the model's inputs (${inputs.join(', ')}).`);
  const array = (v: unknown, field: string, kinds: readonly TypedArrayKind[]): ArrayLike<number> => {
    const a = decodeState(v, at(field));
    if (!kinds.some((k) => a instanceof k)) fail(field, `must be a ${kinds.map((k) => k.name).join(' or ')}.`);
    const values = a as unknown as ArrayLike<number>;
    if (values.length !== rows) fail(field, `holds ${values.length} values for ${rows} rows.`);
    return values;
  };
  const columns: Column[] = json.columns.map((c, j) => {
    const field = `columns[${j}]`;
    if (c.kind === 'numeric') {
      const raw = array(c.values, `${field}.values`, [Float32Array, Float64Array]);
      if (c.digits !== undefined && !(Number.isInteger(c.digits) && c.digits >= 1 && c.digits <= 17))
        fail(`${field}.digits`, 'must be a whole number from 1 to 17.');
      const values = Float64Array.from(raw, c.digits === undefined ? (x) => x : (x) => (Number.isFinite(x) ? Number(x.toPrecision(c.digits!)) : NaN));
      return { type: 'numeric', name: c.name, values };
    }
    if (c.kind !== 'categorical') return fail(`${field}.kind`, 'must be "numeric" or "categorical".');
    if (!Array.isArray(c.levels) || c.levels.some((l) => typeof l !== 'string')) fail(`${field}.levels`, 'must be a list of labels.');
    const stored = array(c.codes, `${field}.codes`, [Uint8Array, Uint16Array, Uint32Array]);
    const codes = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      const k = stored[i];
      if (k > c.levels.length) fail(`${field}.codes`, `row ${i + 1} refers to level ${k} of ${c.levels.length}.`);
      codes[i] = k - 1;
    }
    return { type: 'categorical', name: c.name, codes, levels: [...c.levels] };
  });
  const predictions = Float64Array.from(array(json.predictions, 'predictions', [Float32Array]));
  return { table: { rowCount: rows, columns }, predictions, sourceRows, seed };
}
