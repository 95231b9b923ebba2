/**
 * Strict checks for params and state read back from a bundle (shared by the linear, knn and
 * mlp models): every failure is a BundleError whose `where.field` names the offending path.
 */
import { BundleError, InvalidParamsError } from '../../errors';
import type { ModelType, SerializedModel, StateValue } from '../types';

export function expectType(s: SerializedModel, type: ModelType): void {
  if (!s || typeof s !== 'object') throw new BundleError('bad-model', 'Model entry is not an object.', { field: 'model' });
  if (s.type !== type) throw new BundleError('bad-model', `Expected a model of type "${type}", got "${String(s.type)}".`, { field: 'type' });
  if (!s.params || typeof s.params !== 'object') throw new BundleError('bad-model', 'Model params are missing.', { field: 'params' });
  if (!s.state || typeof s.state !== 'object') throw new BundleError('bad-model', 'Model state is missing.', { field: 'state' });
}

/** Builds the model from bundle params, turning InvalidParamsError into BundleError on `params.<field>`. */
export function paramsFromBundle<T>(build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof InvalidParamsError)
      throw new BundleError('bad-params', e.message, { field: `params.${e.where.field ?? ''}` }, { cause: e });
    throw e;
  }
}

export function stateNumber(state: Record<string, StateValue>, key: string, opts: { integer?: boolean; min?: number } = {}): number {
  const v = state[key];
  const field = `state.${key}`;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new BundleError('bad-state', `${field} must be a finite number.`, { field });
  if (opts.integer && !Number.isInteger(v)) throw new BundleError('bad-state', `${field} must be an integer.`, { field });
  if (opts.min !== undefined && v < opts.min) throw new BundleError('bad-state', `${field} must be at least ${opts.min}.`, { field });
  return v;
}

type TypedCtor<T> = { new (n: number): T; name: string };

export function stateArray<T extends Float64Array | Float32Array | Int32Array>(
  state: Record<string, StateValue>,
  key: string,
  ctor: TypedCtor<T>,
  length: number,
  opts: { finite?: boolean } = { finite: true },
): T {
  const v = state[key];
  const field = `state.${key}`;
  if (!(v instanceof (ctor as unknown as new () => T)))
    throw new BundleError('bad-state', `${field} must be a ${ctor.name}.`, { field });
  const a = v as T;
  if (a.length !== length) throw new BundleError('bad-state', `${field} has ${a.length} values; ${length} expected.`, { field });
  if (opts.finite !== false)
    for (let i = 0; i < a.length; i++)
      if (!Number.isFinite(a[i])) throw new BundleError('bad-state', `${field}[${i}] is ${a[i]}; it must be finite.`, { field: `${field}[${i}]` });
  return a;
}

/** Validation helpers for options objects: each throws InvalidParamsError naming the field. */
export function rejectUnknown(params: object, known: readonly string[]): void {
  for (const k of Object.keys(params))
    if (!known.includes(k)) throw new InvalidParamsError('unknown-param', `Unknown option "${k}".`, { field: k });
}

export function checkNumber(field: string, v: unknown, opts: { min?: number; max?: number; minExclusive?: boolean; integer?: boolean }): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidParamsError('bad-param', `${field} must be a finite number; got ${String(v)}.`, { field });
  if (opts.integer && !Number.isInteger(v)) throw new InvalidParamsError('bad-param', `${field} must be an integer; got ${v}.`, { field });
  if (opts.min !== undefined && (opts.minExclusive ? v <= opts.min : v < opts.min))
    throw new InvalidParamsError('bad-param', `${field} must be ${opts.minExclusive ? 'greater than' : 'at least'} ${opts.min}; got ${v}.`, { field });
  if (opts.max !== undefined && v > opts.max) throw new InvalidParamsError('bad-param', `${field} must be at most ${opts.max}; got ${v}.`, { field });
  return v;
}

export function checkBoolean(field: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new InvalidParamsError('bad-param', `${field} must be true or false; got ${String(v)}.`, { field });
  return v;
}

export function checkChoice<T extends string>(field: string, v: unknown, choices: readonly T[]): T {
  if (typeof v !== 'string' || !choices.includes(v as T))
    throw new InvalidParamsError('bad-param', `${field} must be one of ${choices.map((c) => `"${c}"`).join(', ')}; got ${String(v)}.`, { field });
  return v as T;
}
