/**
 * Reading fitted state back from a bundle or a stored run: the one reader every model's
 * restore uses. State arrives decoded (codec.ts: typed arrays rebuilt) but untrusted, so every
 * read checks the value's type, range and length, and only ever looks at the object's own
 * properties (never the prototype chain). Every failure is a BundleError whose `where.field` is
 * the path of the offending value, e.g. `state.trees[3].left`. The reader remembers what was
 * read, so `rejectUnread` can refuse fields the model does not know (nothing unknown is stored).
 */
import { BundleError } from '../errors';
import type { StateValue } from './types';

/** A record of fitted state as models write it (`toJSON().state`). */
export type StateRecord = { [key: string]: StateValue };

type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;
type TypedCtor<T extends TypedArray> = { new (n: number): T; readonly name: string; prototype: T };

export interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
  /** Allow NaN and ±Infinity (default: finite only). */
  nonFinite?: boolean;
}

function isRecord(v: unknown): v is StateRecord {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

export class StateReader {
  readonly #read = new Set<string>();
  readonly #children: StateReader[] = [];

  private constructor(
    private readonly record: StateRecord,
    /** Path of this record, e.g. `state` or `state.forest`. */
    readonly path: string,
  ) {}

  /** A reader over `value`, which must be a plain object. */
  static of(value: unknown, path = 'state'): StateReader {
    if (!isRecord(value)) throw new BundleError('bad-state', `${path}: must be an object.`, { field: path });
    return new StateReader(value, path);
  }

  /** Throws the BundleError for `key` (or this record when key is ''). */
  fail(key: string, message: string): never {
    const field = key === '' ? this.path : key.startsWith('[') ? `${this.path}${key}` : `${this.path}.${key}`;
    throw new BundleError('bad-state', `${field}: ${message}`, { field });
  }

  has(key: string): boolean {
    this.#read.add(key);
    return Object.hasOwn(this.record, key) && this.record[key] !== undefined;
  }

  /** Throws for the first field of this record (or a nested one read through it) that was never read. */
  rejectUnread(): void {
    for (const key of Object.keys(this.record))
      if (!this.#read.has(key)) this.fail(key, 'is not a field this model knows (a newer Loupe, or a damaged file?).');
    for (const c of this.#children) c.rejectUnread();
  }

  /** The raw value of an own property; missing → BundleError. */
  value(key: string): StateValue {
    if (!this.has(key)) this.fail(key, 'is missing.');
    return this.record[key];
  }

  number(key: string, rule: NumberRule = {}): number {
    return checkNumber(this.value(key), rule, (m) => this.fail(key, m));
  }

  /** A number or null (absent counts as null). */
  nullableNumber(key: string, rule: NumberRule = {}): number | null {
    if (!this.has(key) || this.record[key] === null) return null;
    return this.number(key, rule);
  }

  boolean(key: string): boolean {
    const v = this.value(key);
    if (typeof v !== 'boolean') this.fail(key, `must be true or false; got ${describe(v)}.`);
    return v;
  }

  string<T extends string>(key: string, choices?: readonly T[]): T {
    const v = this.value(key);
    if (typeof v !== 'string' || (choices && !choices.includes(v as T)))
      this.fail(key, choices ? `must be one of ${choices.map((c) => `"${c}"`).join(', ')}; got ${describe(v)}.` : `must be text; got ${describe(v)}.`);
    return v as T;
  }

  /** A typed array of the given class; with `length`, exactly that long; finite values unless `nonFinite`. */
  typed<T extends TypedArray>(key: string, ctor: TypedCtor<T>, opts: { length?: number; nonFinite?: boolean } = {}): T {
    return checkTyped(this.value(key), ctor, opts, (i, m) => this.fail(i === null ? key : `${key}[${i}]`, m));
  }

  /** A list of plain numbers (JSON array). */
  numbers(key: string, rule: NumberRule = {}, length?: number): number[] {
    const v = this.value(key);
    if (!Array.isArray(v)) this.fail(key, `must be a list of numbers; got ${describe(v)}.`);
    if (length !== undefined && v.length !== length) this.fail(key, `has ${v.length} entries; ${length} expected.`);
    return v.map((x, i) => checkNumber(x, rule, (m) => this.fail(`${key}[${i}]`, m)));
  }

  /** A nested record. */
  object(key: string): StateReader {
    const v = this.value(key);
    if (!isRecord(v)) this.fail(key, `must be an object; got ${describe(v)}.`);
    return this.child(v, `${this.path}.${key}`);
  }

  /** A list of nested records. */
  objects(key: string, length?: number): StateReader[] {
    const v = this.list(key, length);
    return v.map((x, i) => {
      if (!isRecord(x)) this.fail(`${key}[${i}]`, `must be an object; got ${describe(x)}.`);
      return this.child(x, `${this.path}.${key}[${i}]`);
    });
  }

  private child(record: StateRecord, path: string): StateReader {
    const c = new StateReader(record, path);
    this.#children.push(c);
    return c;
  }

  /** A list of typed arrays, the i-th of `lengths[i]` values when given. */
  typedList<T extends TypedArray>(key: string, ctor: TypedCtor<T>, lengths: readonly (number | undefined)[]): T[] {
    const v = this.list(key, lengths.length);
    return v.map((x, l) => checkTyped(x, ctor, { length: lengths[l] }, (i, m) => this.fail(i === null ? `${key}[${l}]` : `${key}[${l}][${i}]`, m)));
  }

  private list(key: string, length?: number): StateValue[] {
    const v = this.value(key);
    if (!Array.isArray(v)) this.fail(key, `must be a list; got ${describe(v)}.`);
    if (length !== undefined && v.length !== length) this.fail(key, `holds ${v.length} entries; ${length} expected.`);
    return v;
  }
}

function checkNumber(v: unknown, rule: NumberRule, fail: (m: string) => never): number {
  if (typeof v !== 'number') return fail(`must be a number; got ${describe(v)}.`);
  if (!rule.nonFinite && !Number.isFinite(v)) return fail(`must be a finite number; got ${v}.`);
  if (rule.integer && !Number.isInteger(v)) return fail(`must be a whole number; got ${v}.`);
  if (rule.min !== undefined && v < rule.min) return fail(`must be at least ${rule.min}; got ${v}.`);
  if (rule.max !== undefined && v > rule.max) return fail(`must be at most ${rule.max}; got ${v}.`);
  return v;
}

/** `fail(index, message)`: index of the offending value, or null for the array as a whole. */
function checkTyped<T extends TypedArray>(v: unknown, ctor: TypedCtor<T>, opts: { length?: number; nonFinite?: boolean }, fail: (index: number | null, m: string) => never): T {
  if (!(v instanceof ctor)) return fail(null, `must be a ${ctor.name}; got ${describe(v)}.`);
  if (opts.length !== undefined && v.length !== opts.length) return fail(null, `has ${v.length} values; ${opts.length} expected (truncated or corrupted).`);
  if (!opts.nonFinite && (v instanceof Float64Array || v instanceof Float32Array))
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return fail(i, `is ${v[i]}; it must be finite.`);
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `"${v.length > 40 ? v.slice(0, 40) + '…' : v}"`;
  return String(v);
}
