/**
 * The hyperparameters the Train screen lets a person edit, per model: kind, range and a one-line
 * explanation. Defaults come from each model's defaults constant (src/core/models); fields not
 * listed here keep those defaults. Values are edited as text and read back with `readParams`;
 * the model class itself validates them (InvalidParamsError naming the field).
 */
import { createModel, MODEL_TYPES } from '../core/models/registry';
import { ELASTIC_NET_DEFAULTS, LASSO_DEFAULTS, LINEAR_REGRESSION_DEFAULTS, RIDGE_DEFAULTS } from '../core/models/linear';
import { K_NEIGHBORS_DEFAULTS } from '../core/models/knn';
import { TREE_DEFAULTS } from '../core/models/tree';
import { FOREST_DEFAULTS } from '../core/models/forest';
import { GBDT_DEFAULTS } from '../core/models/gbdt';
import { MLP_DEFAULTS } from '../core/models/mlp';
import type { ModelType } from '../core/models/types';

export type ParamSpec =
  | { name: string; kind: 'number' | 'int'; min: number; max: number; /** Empty means null (no limit). */ nullable?: boolean; help: string }
  | { name: string; kind: 'boolean'; help: string }
  | { name: string; kind: 'choice'; options: readonly string[]; help: string }
  | { name: string; kind: 'int-list'; min: number; max: number; help: string };

const intercept: ParamSpec = { name: 'fitIntercept', kind: 'boolean', help: 'fit an intercept rather than forcing the fit through the origin' };
const seed: ParamSpec = { name: 'seed', kind: 'int', min: 0, max: 4294967295, help: 'seed of every random choice; same seed, same model' };

export const PARAM_SPECS: Record<ModelType, readonly ParamSpec[]> = {
  linear: [intercept],
  ridge: [{ name: 'alpha', kind: 'number', min: 0, max: 1e9, help: 'L2 penalty on the coefficients; 0 is ordinary least squares' }, intercept],
  lasso: [
    { name: 'alpha', kind: 'number', min: 0, max: 1e9, help: 'L1 penalty; larger sets more coefficients to exactly 0' },
    { name: 'maxIter', kind: 'int', min: 1, max: 1e6, help: 'most coordinate-descent sweeps' },
    { name: 'tol', kind: 'number', min: 0, max: 1, help: 'convergence tolerance (duality gap, relative)' },
  ],
  elasticnet: [
    { name: 'alpha', kind: 'number', min: 0, max: 1e9, help: 'overall penalty strength' },
    { name: 'l1Ratio', kind: 'number', min: 0, max: 1, help: 'mix of L1 (1) and L2 (0) penalties' },
    { name: 'maxIter', kind: 'int', min: 1, max: 1e6, help: 'most coordinate-descent sweeps' },
    { name: 'tol', kind: 'number', min: 0, max: 1, help: 'convergence tolerance (duality gap, relative)' },
  ],
  knn: [
    { name: 'k', kind: 'int', min: 1, max: 1000, help: 'neighbours averaged; more = smoother' },
    { name: 'weights', kind: 'choice', options: ['uniform', 'distance'], help: 'plain mean, or weighted by 1/distance' },
  ],
  tree: [
    { name: 'maxDepth', kind: 'int', min: 1, max: 1000, nullable: true, help: 'deepest level; empty = grow until leaves are pure' },
    { name: 'minSamplesSplit', kind: 'int', min: 2, max: 1e9, help: 'a node with fewer rows is not split' },
    { name: 'minSamplesLeaf', kind: 'int', min: 1, max: 1e9, help: 'rows every leaf keeps at least; more = simpler' },
    seed,
  ],
  forest: [
    { name: 'nEstimators', kind: 'int', min: 1, max: 5000, help: 'trees in the forest; more = steadier but slower' },
    { name: 'maxDepth', kind: 'int', min: 1, max: 1000, nullable: true, help: 'deepest level of each tree; empty = no limit' },
    { name: 'minSamplesLeaf', kind: 'int', min: 1, max: 1e9, help: 'rows every leaf keeps at least; more = smaller, faster trees' },
    { name: 'maxFeatures', kind: 'number', min: 0, max: 1, nullable: true, help: 'share of features tried per split; empty = all' },
    { name: 'bootstrap', kind: 'boolean', help: 'train each tree on a bootstrap sample of the rows' },
    seed,
  ],
  gbdt: [
    { name: 'learningRate', kind: 'number', min: 0, max: 1, help: 'shrinkage of every tree; smaller needs more trees' },
    { name: 'maxIterations', kind: 'int', min: 1, max: 1e6, help: 'most boosting iterations (trees); early stopping may keep fewer' },
    { name: 'numLeaves', kind: 'int', min: 2, max: 65536, help: 'leaves per tree; more = more complex' },
    { name: 'maxDepth', kind: 'int', min: 1, max: 1000, nullable: true, help: 'deepest level of a tree; empty = limited by numLeaves only' },
    { name: 'minSamplesLeaf', kind: 'int', min: 1, max: 1e9, help: 'rows every leaf keeps at least' },
    { name: 'l2Regularization', kind: 'number', min: 0, max: 1e12, help: 'L2 penalty on leaf values' },
    { name: 'rowSubsample', kind: 'number', min: 0, max: 1, help: 'share of rows sampled per tree' },
    { name: 'colSubsample', kind: 'number', min: 0, max: 1, help: 'share of features sampled per tree' },
    { name: 'earlyStopping', kind: 'choice', options: ['auto', 'true', 'false'], help: 'stop when a held-out loss stops improving (auto: over 10,000 rows)' },
    seed,
  ],
  mlp: [
    { name: 'hiddenLayers', kind: 'int-list', min: 1, max: 4096, help: 'units per hidden layer, e.g. "64, 64"' },
    { name: 'learningRate', kind: 'number', min: 0, max: 10, help: "Adam's initial step size" },
    { name: 'batchSize', kind: 'int', min: 1, max: 1e6, help: 'rows per Adam step' },
    { name: 'maxEpochs', kind: 'int', min: 1, max: 1e5, help: 'passes over the training rows' },
    { name: 'alpha', kind: 'number', min: 0, max: 1e3, help: 'L2 penalty on the weights' },
    { name: 'earlyStopping', kind: 'boolean', help: 'keep the best epoch on a held-out share and stop when it stops improving' },
    seed,
  ],
};

export const MODEL_DEFAULTS: Record<ModelType, Readonly<object>> = {
  linear: LINEAR_REGRESSION_DEFAULTS,
  ridge: RIDGE_DEFAULTS,
  lasso: LASSO_DEFAULTS,
  elasticnet: ELASTIC_NET_DEFAULTS,
  knn: K_NEIGHBORS_DEFAULTS,
  tree: TREE_DEFAULTS,
  forest: FOREST_DEFAULTS,
  gbdt: GBDT_DEFAULTS,
  mlp: MLP_DEFAULTS,
};

/** Short notes shown beside a model's checkbox. */
export const MODEL_NOTES: Partial<Record<ModelType, string>> = {
  forest: 'slow with many deep trees',
  mlp: 'slower; trains on tfjs',
  knn: 'predicting is the slow part',
};

export const DEFAULT_SELECTION: readonly ModelType[] = ['linear', 'ridge', 'tree', 'forest', 'gbdt', 'knn', 'mlp'];

/** Editable values as text, per field. */
export type ParamDraft = Record<string, string>;

function toText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

/** The default draft of a model: its defaults constant as text. */
export function defaultDraft(type: ModelType): ParamDraft {
  const d = MODEL_DEFAULTS[type] as Record<string, unknown>;
  const out: ParamDraft = {};
  for (const s of PARAM_SPECS[type]) out[s.name] = toText(d[s.name]);
  return out;
}

export function defaultDrafts(): Record<ModelType, ParamDraft> {
  return Object.fromEntries(MODEL_TYPES.map((t) => [t, defaultDraft(t)])) as Record<ModelType, ParamDraft>;
}

export interface ReadParams {
  /** Params to pass to the model (only the edited fields; the rest keep the defaults). */
  params: Record<string, unknown>;
  /** Plain-words problems by field. */
  errors: Record<string, string>;
}

function rangeText(s: { min: number; max: number }): string {
  return `${s.min.toLocaleString('en-US')}–${s.max.toLocaleString('en-US')}`;
}

/**
 * Reads a draft into params: text → number/boolean/null/list, checked against the spec's range,
 * then validated by constructing the model (cheap: constructors only validate).
 */
export function readParams(type: ModelType, draft: ParamDraft): ReadParams {
  const params: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const s of PARAM_SPECS[type]) {
    const raw = (draft[s.name] ?? '').trim();
    if (s.kind === 'boolean') params[s.name] = raw === 'true';
    else if (s.kind === 'choice') params[s.name] = raw === 'true' ? true : raw === 'false' ? false : raw;
    else if (s.kind === 'int-list') {
      const parts = raw.split(/[\s,;]+/).filter(Boolean).map(Number);
      if (parts.length === 0 || parts.some((x) => !Number.isInteger(x) || x < s.min || x > s.max))
        errors[s.name] = `Give whole numbers from ${rangeText(s)}, separated by commas.`;
      else params[s.name] = parts;
    } else if (raw === '') {
      if (s.nullable) params[s.name] = null;
      else errors[s.name] = 'Needs a value.';
    } else {
      const x = Number(raw);
      if (!Number.isFinite(x)) errors[s.name] = `"${raw}" is not a number.`;
      else if (s.kind === 'int' && !Number.isInteger(x)) errors[s.name] = `Must be a whole number (${rangeText(s)}).`;
      else if (x < s.min || x > s.max) errors[s.name] = `Must be in ${rangeText(s)}.`;
      else params[s.name] = x;
    }
  }
  if (Object.keys(errors).length === 0) {
    try {
      createModel(type, params);
    } catch (e) {
      const field = (e as { where?: { field?: string } }).where?.field ?? '';
      const key = PARAM_SPECS[type].some((s) => s.name === field) ? field : field.replace(/\[\d+\]$/, '') || '_';
      errors[key] = e instanceof Error ? e.message : String(e);
    }
  }
  return { params, errors };
}
