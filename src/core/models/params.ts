/**
 * Hyperparameters as data (scikit-learn's `_parameter_constraints`, in TypeScript).
 *
 * Each estimator declares its parameters once, in a `ParamTable` beside its class: per field the
 * kind, the allowed range or choices, the default, one line of help, whether the Train screen
 * shows it without "more", and the space a model search may draw it from. Everything else
 * derives from the table:
 * - `resolveParams` — the one validator (constructors, the CLI's `--params`, bundles);
 * - `parseParamText` / `paramText` / `describeAllowed` — the Train screen's editor;
 * - `table.defaults` — the defaults constant each model exports.
 * The tables hold no model code, so the page can show the editor without loading a model.
 */
import { InvalidParamsError } from '../errors';

/** A hyperparameter's value: what JSON (bundles, `--params`) can carry. */
export type ParamValue = number | string | boolean | null | readonly number[];

/**
 * Where a model search may draw a parameter from. Log scales suit rates and penalties that span
 * orders of magnitude; every value of a space must pass the parameter's own constraints.
 */
export type SearchSpace =
  | { type: 'uniform' | 'log-uniform'; low: number; high: number }
  | { type: 'int-uniform' | 'int-log-uniform'; low: number; high: number }
  | { type: 'choice'; values: readonly ParamValue[] };

interface SpecBase<T> {
  /** One line, in the user's words: what the parameter does. */
  help: string;
  default: T;
  /** Shown in the Train screen's editor by default (the rest sit under "more parameters"). */
  basic?: boolean;
  /** How a model search varies it; absent or null: kept at its value. */
  search?: SearchSpace | null;
  /**
   * 'positive-target': searched only when every training target is above 0 (what a log-link
   * loss needs); otherwise a search keeps it at its value.
   */
  searchIf?: 'positive-target';
}

/** A number (kind 'number') or a whole number ('integer'), with optional named alternatives and null. */
export interface NumberSpec<T = unknown> extends SpecBase<T> {
  kind: 'number' | 'integer';
  min?: number;
  max?: number;
  /** The bounds themselves are not allowed. */
  minExclusive?: boolean;
  maxExclusive?: boolean;
  /** null is allowed and means this (e.g. "no limit"); an empty field in the editor. */
  nullable?: string;
  /** Words accepted instead of a number, e.g. 'sqrt' and 'log2' for a feature count. */
  names?: readonly string[];
  /** Above 1 the value is a count and must be whole; up to 1 a fraction (scikit-learn's max_features). */
  fractionOrCount?: boolean;
}

export interface BooleanSpec<T = unknown> extends SpecBase<T> {
  kind: 'boolean';
}

export interface ChoiceSpec<T = unknown> extends SpecBase<T> {
  kind: 'choice';
  choices: readonly (string | boolean)[];
}

export interface IntegerListSpec<T = unknown> extends SpecBase<T> {
  kind: 'integer-list';
  /** Bounds of every element. */
  min: number;
  max: number;
  minLength: number;
  maxLength: number;
}

export type ParamSpec<T = unknown> = NumberSpec<T> | BooleanSpec<T> | ChoiceSpec<T> | IntegerListSpec<T>;

/** A constraint between fields: returns the offending field and why, or undefined. */
export type CrossCheck<P> = (p: Readonly<P>) => { field: keyof P & string; message: string } | undefined;

export interface ParamTable<P extends object> {
  /** Every parameter, in the order editors and help list them. */
  readonly fields: { readonly [K in keyof P]-?: ParamSpec<P[K]> };
  readonly checks: readonly CrossCheck<P>[];
  /** The defaults, frozen. */
  readonly defaults: Readonly<P>;
}

/** A table whatever its params type: how the catalog and editors see every table alike. */
export interface AnyParamTable {
  readonly fields: Readonly<Record<string, ParamSpec>>;
  readonly checks: readonly CrossCheck<never>[];
  readonly defaults: Readonly<Record<string, unknown>>;
}

export function defineParams<P extends object>(
  fields: { [K in keyof P]-?: ParamSpec<P[K]> },
  checks: CrossCheck<P>[] = [],
): ParamTable<P> {
  const defaults = {} as P;
  for (const [k, s] of Object.entries(fields) as [keyof P & string, ParamSpec][]) (defaults as Record<string, unknown>)[k] = copy(s.default);
  return Object.freeze({ fields: Object.freeze({ ...fields }), checks: Object.freeze([...checks]), defaults: Object.freeze(defaults) });
}

/** The field names of a table, in order. */
export function paramNames<P extends object>(table: ParamTable<P>): (keyof P & string)[] {
  return Object.keys(table.fields) as (keyof P & string)[];
}

/** The seed parameter every seeded estimator shares: one range, one message. */
export function seedParam(help = 'seed of every random choice in the fit; the same seed gives the same model'): NumberSpec<number> {
  return { kind: 'integer', min: 0, max: 0xffffffff, default: 0, help, basic: true, search: null };
}

function copy<T>(v: T): T {
  return (Array.isArray(v) ? [...v] : v) as T;
}

function bad(field: string, message: string): never {
  throw new InvalidParamsError('bad-param', `${field} ${message}`, { field });
}

const fmt = (x: number): string => (Math.abs(x) >= 1e6 && Number.isInteger(x) ? x.toExponential().replace('e+', 'e') : String(x));

/** The allowed values in words, e.g. "a number in (0, 1]" or "a whole number ≥ 1, or empty for no limit". */
export function describeAllowed(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'boolean':
      return 'true or false';
    case 'choice':
      return `one of ${spec.choices.map((c) => (typeof c === 'string' ? `"${c}"` : String(c))).join(', ')}`;
    case 'integer-list':
      return `a list of ${spec.minLength === spec.maxLength ? spec.minLength : `${spec.minLength}–${spec.maxLength}`} whole numbers in [${fmt(spec.min)}, ${fmt(spec.max)}]`;
    default: {
      const what = spec.fractionOrCount ? 'a fraction in (0, 1] or a whole count ≥ 2' : spec.kind === 'integer' ? 'a whole number' : 'a number';
      let range = '';
      if (!spec.fractionOrCount) {
        if (spec.min !== undefined && spec.max !== undefined)
          range = ` in ${spec.minExclusive ? '(' : '['}${fmt(spec.min)}, ${fmt(spec.max)}${spec.maxExclusive ? ')' : ']'}`;
        else if (spec.min !== undefined) range = ` ${spec.minExclusive ? '>' : '≥'} ${fmt(spec.min)}`;
        else if (spec.max !== undefined) range = ` ${spec.maxExclusive ? '<' : '≤'} ${fmt(spec.max)}`;
      }
      const alts = [...(spec.names ?? []).map((n) => `"${n}"`), ...(spec.nullable !== undefined ? [`null (${spec.nullable})`] : [])];
      return `${what}${range}${alts.length ? `, or ${alts.join(' or ')}` : ''}`;
    }
  }
}

/** Checks one value against its spec and returns it (a copy for lists); throws InvalidParamsError naming `field`. */
export function checkParam(field: string, spec: ParamSpec, v: unknown): ParamValue {
  const allowed = (): never => bad(field, `must be ${describeAllowed(spec)}; got ${show(v)}.`);
  switch (spec.kind) {
    case 'boolean':
      return typeof v === 'boolean' ? v : allowed();
    case 'choice':
      return (typeof v === 'string' || typeof v === 'boolean') && spec.choices.includes(v) ? v : allowed();
    case 'integer-list': {
      if (!Array.isArray(v) || v.length < spec.minLength || v.length > spec.maxLength) return allowed();
      return v.map((x, i) => {
        if (typeof x !== 'number' || !Number.isInteger(x) || x < spec.min || x > spec.max)
          bad(`${field}[${i}]`, `must be a whole number in [${fmt(spec.min)}, ${fmt(spec.max)}]; got ${show(x)}.`);
        return x as number;
      });
    }
    default: {
      if (v === null) return spec.nullable !== undefined ? null : allowed();
      if (typeof v === 'string') return spec.names?.includes(v) ? v : allowed();
      if (typeof v !== 'number' || !Number.isFinite(v)) return allowed();
      if (spec.kind === 'integer' && !Number.isInteger(v)) return allowed();
      if (spec.fractionOrCount) return v > 0 && (v <= 1 || Number.isInteger(v)) ? v : allowed();
      if (spec.min !== undefined && (spec.minExclusive ? v <= spec.min : v < spec.min)) return allowed();
      if (spec.max !== undefined && (spec.maxExclusive ? v >= spec.max : v > spec.max)) return allowed();
      return v;
    }
  }
}

function show(v: unknown): string {
  if (typeof v === 'string') return `"${v}"`;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (v !== null && typeof v === 'object') return 'an object';
  return String(v);
}

/**
 * The one validator: fills defaults and checks every field and cross-field constraint. Rejects a
 * non-object and unknown (or inherited) keys; `undefined` means "the default". Every failure is
 * an InvalidParamsError whose `where.field` names the parameter. `what` names the model in messages.
 */
export function resolveParams<P extends object>(table: ParamTable<P>, given: unknown, what: string): Readonly<P>;
export function resolveParams(table: AnyParamTable, given: unknown, what: string): Readonly<Record<string, unknown>>;
export function resolveParams(table: AnyParamTable, given: unknown, what: string): Readonly<Record<string, unknown>> {
  if (given === null || typeof given !== 'object' || Array.isArray(given))
    throw new InvalidParamsError('bad-params', `The parameters of ${what} must be an object of name → value; got ${show(given)}.`, { field: 'params' });
  const out: Record<string, unknown> = {};
  const fields = table.fields;
  for (const k of Object.keys(given))
    if (!Object.hasOwn(fields, k))
      throw new InvalidParamsError('unknown-param', `${what} has no parameter "${k}"; its parameters are ${Object.keys(fields).join(', ')}.`, { field: k });
  for (const [k, spec] of Object.entries(fields)) {
    const v = (given as Record<string, unknown>)[k];
    out[k] = v === undefined ? copy(spec.default) : checkParam(k, spec, v);
  }
  for (const check of table.checks as readonly CrossCheck<Record<string, unknown>>[]) {
    const problem = check(out);
    if (problem) bad(problem.field, problem.message);
  }
  return Object.freeze(out);
}

/** A value as the editor shows it: '' for null, "64, 64" for a list. */
export function paramText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

/**
 * Reads what a person typed into a value for `spec`: numbers, true/false, a named choice, a
 * list of whole numbers, or empty for null. Returns the value or a plain-words problem; the
 * value still goes through `resolveParams` (ranges, cross-field checks).
 */
export function parseParamText(spec: ParamSpec, text: string): { value: ParamValue } | { error: string } {
  const raw = text.trim();
  const need = `Enter ${describeAllowed(spec)}.`;
  switch (spec.kind) {
    case 'boolean':
      return raw === 'true' ? { value: true } : raw === 'false' ? { value: false } : { error: need };
    case 'choice': {
      const c = spec.choices.find((x) => String(x) === raw);
      return c === undefined ? { error: need } : { value: c };
    }
    case 'integer-list': {
      const parts = raw.split(/[\s,;]+/).filter(Boolean).map(Number);
      if (parts.length === 0) return { error: need };
      return { value: parts };
    }
    default: {
      if (raw === '') return spec.nullable !== undefined ? { value: null } : { error: 'Needs a value.' };
      if (spec.names?.includes(raw)) return { value: raw };
      const x = Number(raw);
      return Number.isFinite(x) ? { value: x } : { error: `"${raw}" is not a number. ${need}` };
    }
  }
}

/**
 * The class-weight parameter classifiers share where scikit-learn offers `class_weight`: 'balanced'
 * weighs each row by n / (K · count of its class), so every class counts as much in the fit.
 */
export function classWeightParam(): ChoiceSpec<'none' | 'balanced'> {
  return { kind: 'choice', choices: ['none', 'balanced'], default: 'none', help: 'balanced: weigh rows so that every class counts as much, however rare', basic: true, search: { type: 'choice', values: ['none', 'balanced'] } };
}
