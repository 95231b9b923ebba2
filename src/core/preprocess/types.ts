/**
 * Shared shapes of the column transformers. Each transformer works on ONE column (the column
 * transformer composes them per column, as scikit-learn's ColumnTransformer does): numbers are a
 * Float64Array with NaN for missing, labels are codes into a list of level strings (-1 missing).
 * Labels are matched BY STRING against the fitted categories, so two tables whose level lists
 * differ (another file, another chunk) encode alike.
 */
import * as v from 'valibot';
import { BundleError, LoupeError } from '../errors';

/** A categorical column's content: codes into `levels`, -1 for missing. */
export interface Labels {
  readonly codes: Int32Array;
  readonly levels: readonly string[];
}

/** Names under which transformers serialize. */
export type TransformerType =
  | 'simple-imputer'
  | 'standard-scaler'
  | 'min-max-scaler'
  | 'ordinal-encoder'
  | 'one-hot-encoder'
  | 'column-transformer';

/** JSON-only serialized transformer: `{type, params, state}` (state is null before fit). */
export interface SerializedTransformer {
  type: TransformerType;
  params: Record<string, unknown>;
  state: Record<string, unknown> | null;
}

export type ProblemReason = 'missing-column' | 'missing-value' | 'unseen-category' | 'not-a-number' | 'out-of-range';

/** One cell-level problem met while transforming; `row` is the 0-based row index in the input. */
export interface CellProblem {
  row: number;
  column: string;
  reason: ProblemReason;
  /** 'warning': the value was imputed/clamped and the row still gets a prediction; 'error': it cannot. */
  severity: 'error' | 'warning';
  message: string;
}

export type ProblemSink = (p: CellProblem) => void;

/** Path of a valibot issue as `a.b[3].c`. */
export function issuePath(issue: v.BaseIssue<unknown>, root: string): string {
  let out = root;
  for (const item of issue.path ?? []) {
    const key = (item as { key: unknown }).key;
    out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** Parses `value` with `schema`, throwing `make(message, field)` for the first issue. */
export function parseOrThrow<TSchema extends v.GenericSchema>(
  schema: TSchema,
  value: unknown,
  root: string,
  make: (message: string, field: string) => LoupeError = (m, f) => new BundleError('bad-state', m, { field: f }),
): v.InferOutput<TSchema> {
  const r = v.safeParse(schema, value);
  if (r.success) return r.output;
  const issue = r.issues[0];
  const field = issuePath(issue, root) || root || 'value';
  throw make(`${field}: ${issue.message}`, field);
}

/** Value as a person reads it in a message. */
export function show(x: number | string): string {
  return typeof x === 'number' ? String(Number(x.toPrecision(6))) : JSON.stringify(x);
}

export const finiteNumber = v.pipe(v.number(), v.finite());
