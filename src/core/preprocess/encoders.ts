/**
 * scikit-learn's OrdinalEncoder and OneHotEncoder for one categorical column. Both match labels BY
 * STRING against the fitted categories, so the level lists of the input do not matter.
 */
import * as v from 'valibot';
import { InvalidInputError, InvalidParamsError, RowError } from '../errors';
import { levelCounts } from '../data/table';
import { FittedTransformer } from './fitted-transformer';
import { type Labels, type SerializedTransformer, parseOrThrow } from './types';

/** Maps each input level to its index in `categories`, -1 when unknown. */
export function mapLevels(levels: readonly string[], categories: readonly string[]): Int32Array {
  const index = new Map<string, number>();
  categories.forEach((c, i) => index.set(c, i));
  const out = new Int32Array(levels.length);
  for (let k = 0; k < levels.length; k++) out[k] = index.get(levels[k]) ?? -1;
  return out;
}

/** Levels that occur at least once, in level order. */
function observedLevels(labels: Labels): string[] {
  const { counts } = levelCounts(labels);
  return labels.levels.filter((_, k) => counts[k] > 0);
}

function sortedStrings(xs: string[]): string[] {
  // Code-unit order, as numpy sorts str arrays (differs only for astral characters).
  return [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export interface TransformContext {
  /** Column name for errors. */
  column?: string;
  /** Row number of the first input row (1-based data rows, header = 0). Default 1. */
  firstRow?: number;
}

export interface OrdinalEncoderOptions {
  /** Categories in order, lowest first (code 0). Default: the training levels, sorted (scikit-learn's 'auto'). */
  categories?: string[];
  /** What an unseen category becomes: 'nan' (missing, to impute downstream) or 'error' (RowError). Default 'error'. */
  handleUnknown?: 'nan' | 'error';
}

export class OrdinalEncoder extends FittedTransformer<{ categories: string[] }> {
  readonly params: Readonly<OrdinalEncoderOptions & { handleUnknown: 'nan' | 'error' }>;

  constructor(options: OrdinalEncoderOptions = {}) {
    super('OrdinalEncoder');
    const p = { handleUnknown: 'error' as const, ...options };
    if (p.handleUnknown !== 'nan' && p.handleUnknown !== 'error')
      throw new InvalidParamsError('bad-param', `handleUnknown must be 'nan' or 'error'; got ${String(p.handleUnknown)}.`, { field: 'handleUnknown' });
    if (p.categories !== undefined) {
      if (!Array.isArray(p.categories) || p.categories.length === 0 || !p.categories.every((c) => typeof c === 'string'))
        throw new InvalidParamsError('bad-param', 'categories must be a non-empty list of strings.', { field: 'categories' });
      const dup = p.categories.find((c, i) => p.categories!.indexOf(c) !== i);
      if (dup !== undefined) throw new InvalidParamsError('bad-param', `categories lists "${dup}" twice.`, { field: 'categories' });
    }
    this.params = p;
  }

  /** Fitted categories in code order. */
  get categories(): readonly string[] {
    return this.fitted().categories;
  }

  /** Like scikit-learn, a training level outside the given categories is an error. */
  fit(labels: Labels, column = 'column'): this {
    const seen = observedLevels(labels);
    if (this.params.categories) {
      const known = new Set(this.params.categories);
      const extra = seen.filter((l) => !known.has(l));
      if (extra.length)
        throw new InvalidInputError(
          'order-incomplete',
          `${column}: the order does not list ${extra.map((e) => `"${e}"`).join(', ')}, found in the training rows.`,
          { column },
        );
      this.state = { categories: [...this.params.categories] };
    } else {
      if (seen.length === 0) throw new InvalidInputError('all-missing', `${column}: every training value is missing.`, { column });
      this.state = { categories: sortedStrings(seen) };
    }
    return this;
  }

  /** Code of one label: 0..k-1, or -1 when unknown. */
  code(label: string): number {
    return this.fitted().categories.indexOf(label);
  }

  /** Codes as numbers; NaN for missing, and for unknown labels when handleUnknown is 'nan'. */
  transform(labels: Labels, ctx: TransformContext = {}): Float64Array {
    const map = mapLevels(labels.levels, this.fitted().categories);
    const out = new Float64Array(labels.codes.length);
    for (let i = 0; i < out.length; i++) {
      const c = labels.codes[i];
      if (c < 0) out[i] = NaN;
      else if (map[c] >= 0) out[i] = map[c];
      else if (this.params.handleUnknown === 'nan') out[i] = NaN;
      else {
        const row = (ctx.firstRow ?? 1) + i;
        const column = ctx.column ?? 'column';
        throw new RowError('unseen-category', `Row ${row}, ${column}: "${labels.levels[c]}" was not seen in training.`, { row, column });
      }
    }
    return out;
  }

  toJSON(): SerializedTransformer {
    return { type: 'ordinal-encoder', params: { ...this.params }, state: this.state ? { categories: [...this.state.categories] } : null };
  }

  static fromJSON(s: unknown, root?: string): OrdinalEncoder {
    const p = parseOrThrow(ORDINAL_SCHEMA, s, root ?? 'ordinal-encoder');
    return new OrdinalEncoder(p.params).withState(p.state);
  }
}

const ORDINAL_SCHEMA = v.strictObject({
  type: v.literal('ordinal-encoder'),
  params: v.strictObject({
    categories: v.optional(v.pipe(v.array(v.string()), v.minLength(1))),
    handleUnknown: v.picklist(['nan', 'error']),
  }),
  state: v.nullable(v.strictObject({ categories: v.pipe(v.array(v.string()), v.minLength(1)) })),
});

export interface OneHotEncoderOptions {
  /** Unseen categories: 'ignore' (all zeros, scikit-learn's handle_unknown='ignore') or 'error'. Default 'ignore'. */
  handleUnknown?: 'ignore' | 'error';
  /**
   * Cap on output columns (≥ 2): the maxCategories − 1 most frequent levels keep a column each
   * and the rest share one `(other)` column, as scikit-learn's max_categories does. Default: no cap.
   */
  maxCategories?: number;
  /** Categories to encode. Default: the training levels, sorted (scikit-learn's 'auto'). */
  categories?: string[];
}

export interface OneHotEncoderState {
  /** Categories with a column of their own, in output order. */
  categories: string[];
  /** Training levels grouped into the final `(other)` column (empty when none). */
  infrequent: string[];
}

/** Name of the shared column of infrequent levels. */
export const OTHER_LEVEL = '(other)';

export class OneHotEncoder extends FittedTransformer<OneHotEncoderState> {
  readonly params: Readonly<OneHotEncoderOptions & { handleUnknown: 'ignore' | 'error' }>;

  constructor(options: OneHotEncoderOptions = {}) {
    super('OneHotEncoder');
    const p = { handleUnknown: 'ignore' as const, ...options };
    if (p.handleUnknown !== 'ignore' && p.handleUnknown !== 'error')
      throw new InvalidParamsError('bad-param', `handleUnknown must be 'ignore' or 'error'; got ${String(p.handleUnknown)}.`, { field: 'handleUnknown' });
    if (p.maxCategories !== undefined && !(Number.isInteger(p.maxCategories) && p.maxCategories >= 2))
      throw new InvalidParamsError('bad-param', 'maxCategories must be an integer of at least 2.', { field: 'maxCategories' });
    if (p.categories !== undefined && (!Array.isArray(p.categories) || p.categories.length === 0))
      throw new InvalidParamsError('bad-param', 'categories must be a non-empty list of strings.', { field: 'categories' });
    this.params = p;
  }

  get fittedState(): Readonly<OneHotEncoderState> {
    return this.fitted();
  }

  /** Number of output columns. */
  get width(): number {
    const s = this.fitted();
    return s.categories.length + (s.infrequent.length ? 1 : 0);
  }

  /** Output column labels: each category, then `(other)` when levels were grouped. */
  outputLevels(): string[] {
    const s = this.fitted();
    return s.infrequent.length ? [...s.categories, OTHER_LEVEL] : [...s.categories];
  }

  fit(labels: Labels, column = 'column'): this {
    const { counts } = levelCounts(labels);
    const countOf = new Map<string, number>();
    labels.levels.forEach((l, k) => countOf.set(l, (countOf.get(l) ?? 0) + counts[k]));
    let cats: string[];
    if (this.params.categories) {
      const known = new Set(this.params.categories);
      const extra = [...countOf].filter(([l, n]) => n > 0 && !known.has(l)).map(([l]) => l);
      if (extra.length)
        throw new InvalidInputError('order-incomplete', `${column}: the categories do not list ${extra.map((e) => `"${e}"`).join(', ')}.`, { column });
      cats = [...this.params.categories];
    } else {
      cats = sortedStrings([...countOf].filter(([, n]) => n > 0).map(([l]) => l));
      if (cats.length === 0) throw new InvalidInputError('all-missing', `${column}: every training value is missing.`, { column });
    }
    let infrequent: string[] = [];
    const cap = this.params.maxCategories;
    if (cap !== undefined && cats.length > cap) {
      // Keep the cap − 1 most frequent (ties: earlier in category order); the rest share (other).
      const ranked = cats.map((c, i) => ({ c, i, n: countOf.get(c) ?? 0 })).sort((a, b) => b.n - a.n || a.i - b.i);
      const keep = new Set(ranked.slice(0, cap - 1).map((r) => r.c));
      infrequent = cats.filter((c) => !keep.has(c));
      cats = cats.filter((c) => keep.has(c));
    }
    this.state = { categories: cats, infrequent };
    return this;
  }

  /** Output column of one label: 0..width-1, or -1 when unknown. */
  slot(label: string): number {
    const s = this.fitted();
    const k = s.categories.indexOf(label);
    if (k >= 0) return k;
    return s.infrequent.includes(label) ? s.categories.length : -1;
  }

  /** Writes the indicator columns of each row into `out[i * stride + offset + j]` (out must be zeroed). */
  transformInto(labels: Labels, out: Float64Array, stride: number, offset: number, ctx: TransformContext = {}): void {
    const slots = labels.levels.map((l) => this.slot(l));
    for (let i = 0; i < labels.codes.length; i++) {
      const c = labels.codes[i];
      if (c < 0) continue; // missing: all zeros (impute before encoding to avoid it)
      const j = slots[c];
      if (j >= 0) out[i * stride + offset + j] = 1;
      else if (this.params.handleUnknown === 'error') {
        const row = (ctx.firstRow ?? 1) + i;
        const column = ctx.column ?? 'column';
        throw new RowError('unseen-category', `Row ${row}, ${column}: "${labels.levels[c]}" was not seen in training.`, { row, column });
      }
    }
  }

  /** Row-major indicator matrix, rows × width. */
  transform(labels: Labels, ctx: TransformContext = {}): { data: Float64Array; rows: number; cols: number } {
    const cols = this.width;
    const data = new Float64Array(labels.codes.length * cols);
    this.transformInto(labels, data, cols, 0, ctx);
    return { data, rows: labels.codes.length, cols };
  }

  toJSON(): SerializedTransformer {
    const s = this.state;
    return { type: 'one-hot-encoder', params: { ...this.params }, state: s ? { categories: [...s.categories], infrequent: [...s.infrequent] } : null };
  }

  static fromJSON(s: unknown, root?: string): OneHotEncoder {
    const p = parseOrThrow(ONEHOT_SCHEMA, s, root ?? 'one-hot-encoder');
    return new OneHotEncoder(p.params).withState(p.state);
  }
}

const ONEHOT_SCHEMA = v.strictObject({
  type: v.literal('one-hot-encoder'),
  params: v.strictObject({
    handleUnknown: v.picklist(['ignore', 'error']),
    maxCategories: v.optional(v.pipe(v.number(), v.integer(), v.minValue(2))),
    categories: v.optional(v.pipe(v.array(v.string()), v.minLength(1))),
  }),
  state: v.nullable(v.strictObject({ categories: v.array(v.string()), infrequent: v.array(v.string()) })),
});
