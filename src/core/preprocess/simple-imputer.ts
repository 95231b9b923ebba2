/**
 * scikit-learn's SimpleImputer for one column. Numbers: mean, median (mean of the two middle
 * values for an even count), most_frequent (ties → the smallest value), constant. Labels:
 * most_frequent (ties → the smallest string) or constant. Missing values are ignored when
 * fitting; a column with no observed value cannot be fitted (scikit-learn drops it silently,
 * Loupe says so).
 */
import * as v from 'valibot';
import { BundleError, InvalidInputError, InvalidParamsError } from '../errors';
import { levelCounts } from '../data/table';
import { FittedTransformer } from './fitted-transformer';
import { type Labels, type SerializedTransformer, parseOrThrow, finiteNumber } from './types';

export type ImputeStrategy = 'mean' | 'median' | 'most_frequent' | 'constant';

export interface SimpleImputerOptions {
  /** How the fill value is computed from the training rows. Default 'mean' (scikit-learn's). */
  strategy?: ImputeStrategy;
  /** Fill value for strategy 'constant'. Default 0 for numbers, 'missing' for labels (scikit-learn's). */
  fillValue?: number | string;
}

const DEFAULTS = { strategy: 'mean' as ImputeStrategy };

function validate(o: SimpleImputerOptions): Required<Pick<SimpleImputerOptions, 'strategy'>> & SimpleImputerOptions {
  const p = { ...DEFAULTS, ...o };
  if (!['mean', 'median', 'most_frequent', 'constant'].includes(p.strategy))
    throw new InvalidParamsError('bad-param', `strategy must be mean, median, most_frequent or constant; got ${String(p.strategy)}.`, { field: 'strategy' });
  if (p.fillValue !== undefined && !(typeof p.fillValue === 'string' || Number.isFinite(p.fillValue)))
    throw new InvalidParamsError('bad-param', 'fillValue must be a finite number or a string.', { field: 'fillValue' });
  return p;
}

export interface SimpleImputerState {
  /** What the imputer was fitted on. */
  input: 'number' | 'labels';
  fill: number | string;
}

export class SimpleImputer extends FittedTransformer<SimpleImputerState> {
  readonly params: Readonly<SimpleImputerOptions & { strategy: ImputeStrategy }>;

  constructor(options: SimpleImputerOptions = {}) {
    super('SimpleImputer');
    this.params = validate(options);
  }

  /** The learned fill value (a number for numeric columns, a level for labels). */
  get fill(): number | string {
    return this.fitted().fill;
  }

  /** Learns the fill value from the non-missing values. `column` names the column in errors. */
  fit(values: Float64Array | Labels, column = 'column'): this {
    const { strategy, fillValue } = this.params;
    if (values instanceof Float64Array) {
      if (strategy === 'constant') {
        const f = fillValue ?? 0;
        if (typeof f !== 'number')
          throw new InvalidParamsError('bad-param', `${column}: the fill value of a numeric column must be a number; got "${f}".`, { field: 'fillValue', column });
        this.state = { input: 'number', fill: f };
        return this;
      }
      let n = 0;
      for (let i = 0; i < values.length; i++) if (values[i] === values[i]) n++;
      if (n === 0) throw allMissing(column);
      const xs = new Float64Array(n);
      for (let i = 0, k = 0; i < values.length; i++) if (values[i] === values[i]) xs[k++] = values[i];
      this.state = { input: 'number', fill: numericFill(xs, strategy) };
      return this;
    }
    if (strategy === 'mean' || strategy === 'median')
      throw new InvalidParamsError('bad-param', `${column}: strategy ${strategy} needs numbers; use most_frequent or constant for categories.`, { field: 'strategy', column });
    if (strategy === 'constant') {
      this.state = { input: 'labels', fill: fillValue === undefined ? 'missing' : String(fillValue) };
      return this;
    }
    const { counts } = levelCounts(values);
    let best: string | undefined;
    let bestCount = 0;
    for (let k = 0; k < counts.length; k++) {
      const lv = values.levels[k];
      if (counts[k] > bestCount || (counts[k] === bestCount && counts[k] > 0 && best !== undefined && lv < best)) {
        best = lv;
        bestCount = counts[k];
      }
    }
    if (best === undefined) throw allMissing(column);
    this.state = { input: 'labels', fill: best };
    return this;
  }

  /** Numbers with NaN replaced by the fill value. */
  transformNumbers(values: Float64Array): Float64Array {
    const fill = this.fitted().fill;
    if (typeof fill !== 'number') throw new Error('SimpleImputer was fitted on labels, not numbers.');
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = values[i] === values[i] ? values[i] : fill;
    return out;
  }

  /** Labels with missing codes replaced by the fill level (appended to the levels when new). */
  transformLabels(labels: Labels): Labels {
    const fill = String(this.fitted().fill);
    let levels = labels.levels;
    let k = levels.indexOf(fill);
    if (k < 0) {
      levels = [...levels, fill];
      k = levels.length - 1;
    }
    const codes = new Int32Array(labels.codes.length);
    for (let i = 0; i < codes.length; i++) codes[i] = labels.codes[i] < 0 ? k : labels.codes[i];
    return { codes, levels };
  }

  transform(values: Float64Array): Float64Array;
  transform(values: Labels): Labels;
  transform(values: Float64Array | Labels): Float64Array | Labels {
    return values instanceof Float64Array ? this.transformNumbers(values) : this.transformLabels(values);
  }

  toJSON(): SerializedTransformer {
    return { type: 'simple-imputer', params: { ...this.params }, state: this.state ? { ...this.state } : null };
  }

  static fromJSON(s: unknown, root?: string): SimpleImputer {
    const p = parseOrThrow(SCHEMA, s, root ?? 'simple-imputer');
    const imp = new SimpleImputer(p.params);
    if (p.state && (p.state.input === 'number') !== (typeof p.state.fill === 'number'))
      throw new BundleError('bad-state', 'simple-imputer.state.fill: its type does not match state.input.', { field: 'simple-imputer.state.fill' });
    return imp.withState(p.state);
  }
}

const SCHEMA = v.strictObject({
  type: v.literal('simple-imputer'),
  params: v.strictObject({
    strategy: v.picklist(['mean', 'median', 'most_frequent', 'constant']),
    fillValue: v.optional(v.union([finiteNumber, v.string()])),
  }),
  state: v.nullable(v.strictObject({ input: v.picklist(['number', 'labels']), fill: v.union([finiteNumber, v.string()]) })),
});

function allMissing(column: string): InvalidInputError {
  return new InvalidInputError('all-missing', `${column}: every training value is missing, so there is nothing to impute from.`, { column });
}

/** Fill value over the observed values `xs` (sorted in place; typed-array sort is numeric). */
function numericFill(xs: Float64Array, strategy: Exclude<ImputeStrategy, 'constant'>): number {
  if (strategy === 'mean') {
    let s = 0;
    for (const x of xs) s += x;
    return s / xs.length;
  }
  if (strategy === 'median') {
    // Quickselect (O(n)); for an even count the lower middle is the largest value left of m.
    const m = xs.length >> 1;
    select(xs, m);
    if (xs.length % 2) return xs[m];
    let lower = -Infinity;
    for (let i = 0; i < m; i++) if (xs[i] > lower) lower = xs[i];
    return (lower + xs[m]) / 2;
  }
  xs.sort();
  // most_frequent over sorted values: the first longest run is the smallest of the tied modes.
  let best = xs[0];
  let bestRun = 0;
  for (let i = 0; i < xs.length; ) {
    let j = i;
    while (j < xs.length && xs[j] === xs[i]) j++;
    if (j - i > bestRun) {
      bestRun = j - i;
      best = xs[i];
    }
    i = j;
  }
  return best;
}

/** Rearranges `a` so that a[k] is the k-th smallest, smaller values before it, larger after (Hoare). */
function select(a: Float64Array, k: number): void {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}
