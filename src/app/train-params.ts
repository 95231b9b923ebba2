/**
 * The Train screen's hyperparameter editor, derived from each model's parameter table in core
 * (src/core/models/*\/params.ts through the catalog): the fields, their help, what values are
 * allowed, the defaults and the validation are the tables' — nothing is restated here. Values
 * are edited as text and read back with `readParams` (the same validator as the CLI's --params
 * and bundles). Only tables are imported, never model code.
 */
import { MODEL_CATALOG, MODEL_TYPES } from '../core/models/catalog';
import { describeAllowed, paramText, parseParamText, resolveParams, type ParamSpec } from '../core/models/params';
import type { ModelType } from '../core/models/types';
import { InvalidParamsError } from '../core/errors';

export interface ParamField {
  name: string;
  spec: ParamSpec;
  /** The allowed values in words, e.g. "a number in (0, 1]". */
  allowed: string;
  /** Shown without opening "more parameters". */
  basic: boolean;
}

/** Every parameter of a model, in its table's order. */
export function paramFields(type: ModelType): ParamField[] {
  return Object.entries(MODEL_CATALOG[type].params.fields).map(([name, spec]) => ({ name, spec, allowed: describeAllowed(spec), basic: spec.basic === true }));
}

/** Ticked at first, of both tasks: a run trains the ticked models of its recipe's task only. */
export const DEFAULT_SELECTION: readonly ModelType[] = MODEL_TYPES.filter((t) => MODEL_CATALOG[t].selectedByDefault);

/** Editable values as text, per field. */
export type ParamDraft = Record<string, string>;

/** The default draft of a model: its table's defaults as text. */
export function defaultDraft(type: ModelType): ParamDraft {
  return Object.fromEntries(paramFields(type).map((f) => [f.name, paramText(f.spec.default)]));
}

export function defaultDrafts(): Record<ModelType, ParamDraft> {
  return Object.fromEntries(MODEL_TYPES.map((t) => [t, defaultDraft(t)])) as Record<ModelType, ParamDraft>;
}

export interface ReadParams {
  /** Params to pass to the model (every field; unchanged ones equal the defaults). */
  params: Record<string, unknown>;
  /** Plain-words problems by field ('_' for one that names no field). */
  errors: Record<string, string>;
}

/** Reads a draft into params: each field's text parsed by its spec, then the table's validator. */
export function readParams(type: ModelType, draft: ParamDraft): ReadParams {
  const params: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of paramFields(type)) {
    const r = parseParamText(f.spec, draft[f.name] ?? paramText(f.spec.default));
    if ('error' in r) errors[f.name] = r.error;
    else params[f.name] = r.value;
  }
  if (Object.keys(errors).length === 0) {
    try {
      resolveParams(MODEL_CATALOG[type].params, params, MODEL_CATALOG[type].label);
    } catch (e) {
      if (!(e instanceof InvalidParamsError)) throw e;
      const field = (e.where.field ?? '').replace(/\[\d+\]$/, '');
      errors[Object.hasOwn(params, field) ? field : '_'] = e.message;
    }
  }
  return { params, errors };
}
