/**
 * The fitted recipe as ONNX nodes: one graph input per input column (numbers and numbers with a
 * unit as double [N, 1], categories as string [N, 1]) → the model's feature matrix [N, p],
 * double, column for column what `FittedRecipe.transformTable` computes:
 * - a number that is NaN or ±∞ is missing (the CSV loader reads both as missing);
 * - derived features are computed from the numbers before imputation (a missing input, a zero
 *   denominator, a log of a non-positive number or a non-finite result gives a missing value);
 * - missing values take the training fill value; scalers apply the same double operations;
 * - categories are matched by exact string (ai.onnx.ml LabelEncoder); the loader's missing
 *   markers ('', NA, N/A, null, NaN, ?, -, also in lower, upper and capitalized case) read as missing;
 *   unseen categories are imputed (ordinal, unknown 'nan'), encoded as all zeros (one-hot),
 *   or make the row's prediction NaN (ordinal, unknown 'error'), as Loupe does.
 * Unlike Loupe's own readers, labels are not trimmed of surrounding blanks.
 */
import { DEFAULT_MISSING_MARKERS } from '../data/missing';
import { ColumnTransformer } from '../preprocess/column-transformer';
import { MinMaxScaler, StandardScaler } from '../preprocess/scalers';
import type { FittedRecipe } from '../recipe';
import type { DerivedFeature } from '../recipe/types';
import { ML_DOMAIN, type GraphBuilder } from './graph-builder';
import { DataType, type ValueInfo } from './onnx-proto';

export interface RecipeGraph {
  /** One graph input per input column of the recipe. */
  inputs: ValueInfo[];
  /** The feature matrix [N, p], double. */
  features: string;
  /** Number of feature columns. */
  width: number;
  /** bool [N, 1]: the row cannot be predicted (an unseen category of an ordinal column with unknown 'error'); null when no row can fail. */
  invalid: string | null;
}

const isNumberKind = (kind: string): boolean => kind === 'numeric' || kind === 'unit';

/**
 * The spellings of the missing markers an exact-match encoder knows: as listed, lower case, upper
 * case and capitalized (the loader compares without case; rarer mixes such as "nUll" are not listed).
 */
function missingMarkers(): string[] {
  const out = new Set<string>();
  for (const m of DEFAULT_MISSING_MARKERS)
    for (const s of [m, m.toLowerCase(), m.toUpperCase(), m.charAt(0).toUpperCase() + m.slice(1).toLowerCase()]) out.add(s);
  return [...out];
}

export function buildRecipeGraph(g: GraphBuilder, fitted: FittedRecipe): RecipeGraph {
  const nan = g.scalar('nan', NaN);
  const values = new Map<string, string>();
  const inputs: ValueInfo[] = [];
  for (const s of fitted.inputSchema()) {
    if (isNumberKind(s.kind)) {
      inputs.push({ name: s.name, type: 'double', dims: ['N', 1], doc: s.unit ? `the number, in ${s.unit}` : undefined });
      values.set(s.name, g.op('Where', [g.op('IsInf', [s.name]), nan, s.name]));
    } else {
      inputs.push({ name: s.name, type: 'string', dims: ['N', 1] });
      values.set(s.name, s.name);
    }
  }
  for (const f of fitted.recipe.features) values.set(f.name, derived(g, f, f.columns.map((c) => values.get(c)!), nan));

  const ct = ColumnTransformer.fromJSON(fitted.toJSON().transformer, 'transformer');
  const blocks: string[] = [];
  const failures: string[] = [];
  let width = 0;
  ct.params.columns.forEach((spec, j) => {
    const f = ct.fitted(j);
    const x = values.get(spec.column)!;
    if (spec.input === 'number') {
      const filled = g.op('Where', [g.op('IsNaN', [x]), g.scalar('fill', f.imputer.fill as number), x]);
      blocks.push(scale(g, filled, f.scaler));
      width += 1;
      return;
    }
    const fill = String(f.imputer.fill);
    const markers = missingMarkers();
    if (f.ordinal) {
      const cats = [...f.ordinal.categories];
      const fillCode = f.ordinal.code(fill);
      const failOnUnseen = (spec.unknown ?? 'nan') === 'error';
      const code = labelEncoder(g, x, cats, cats.map((_, k) => k), markers, fillCode, failOnUnseen ? -1 : fillCode);
      if (failOnUnseen) failures.push(g.op('Less', [code, g.constant('zero', [1, 1], { type: 'int64', values: [0] })]));
      blocks.push(scale(g, g.op('Cast', [code], { to: DataType.double }), f.scaler));
      width += 1;
      return;
    }
    const onehot = f.onehot!;
    const { categories, infrequent } = onehot.fittedState;
    const slots = [...categories.map((_, k) => k), ...infrequent.map(() => categories.length)];
    const slot = labelEncoder(g, x, [...categories, ...infrequent], slots, markers, onehot.slot(fill), -1);
    const range = g.constant('slots', [1, onehot.width], { type: 'int64', values: Array.from({ length: onehot.width }, (_, k) => k) });
    blocks.push(g.op('Cast', [g.op('Equal', [slot, range])], { to: DataType.double }));
    width += onehot.width;
  });
  const features = blocks.length === 1 ? blocks[0] : g.op('Concat', blocks, { axis: 1 });
  const invalid = failures.length === 0 ? null : failures.reduce((a, b) => g.op('Or', [a, b]));
  return { inputs, features, width, invalid };
}

/** Strings → int64 codes: `keys[k]` → `codes[k]`, a missing marker → `missingCode`, anything else → `unseenCode`. */
function labelEncoder(g: GraphBuilder, x: string, keys: string[], codes: number[], markers: string[], missingCode: number, unseenCode: number): string {
  const known = new Set(keys);
  const extra = markers.filter((m) => !known.has(m));
  return g.op(
    'LabelEncoder',
    [x],
    {
      keys_strings: { kind: 'strings', value: [...keys, ...extra] },
      values_int64s: { kind: 'ints', value: [...codes, ...extra.map(() => missingCode)] },
      default_int64: unseenCode,
    },
    { domain: ML_DOMAIN },
  );
}

/** The scaler's arithmetic, in the order its `apply` does it (so the doubles agree bit for bit). */
function scale(g: GraphBuilder, x: string, scaler: StandardScaler | MinMaxScaler | undefined): string {
  if (!scaler) return x;
  if (scaler instanceof StandardScaler) {
    let y = x;
    if (scaler.params.withMean) y = g.op('Sub', [y, g.scalar('mean', scaler.mean)]);
    if (scaler.params.withStd) y = g.op('Div', [y, g.scalar('scale', scaler.scale)]);
    return y;
  }
  const s = scaler.toJSON().state as { scale: number; min: number };
  return g.op('Add', [g.op('Mul', [x, g.scalar('scale', s.scale)]), g.scalar('min', s.min)]);
}

/** A derived feature (recipe/derived.ts `computeDerived`) over NaN-for-missing doubles. */
function derived(g: GraphBuilder, f: DerivedFeature, ins: string[], nan: string): string {
  const [a, b] = ins;
  let r: string;
  switch (f.op) {
    case 'product':
      r = ins.slice(1).reduce((acc, c) => g.op('Mul', [acc, c]), a);
      break;
    case 'sum':
      r = ins.slice(1).reduce((acc, c) => g.op('Add', [acc, c]), a);
      break;
    case 'ratio':
      r = g.op('Where', [g.op('Equal', [b, g.scalar('zero', 0)]), nan, g.op('Div', [a, b])]);
      break;
    case 'difference':
      r = g.op('Sub', [a, b]);
      break;
    case 'log':
      r = g.op('Where', [g.op('Greater', [a, g.scalar('zero', 0)]), g.op('Log', [a]), nan]);
      break;
    case 'log1p':
      r = g.op('Where', [g.op('Greater', [a, g.scalar('minus_one', -1)]), log1p(g, a), nan]);
      break;
    case 'power':
      r = g.op('Pow', [a, g.scalar('exponent', f.exponent!)]);
      break;
  }
  return g.op('Where', [g.op('IsInf', [r]), nan, r]);
}

/**
 * log(1 + a) without ONNX's missing Log1p: u = 1 + a, then a when u rounds to 1, else
 * log(u)·a/(u − 1), which cancels the rounding of u (Goldberg, "What every computer scientist
 * should know about floating-point arithmetic", theorem 4): a few ulps from Math.log1p.
 */
export function log1p(g: GraphBuilder, a: string): string {
  const one = g.scalar('one', 1);
  const u = g.op('Add', [one, a]);
  const um1 = g.op('Sub', [u, one]);
  return g.op('Where', [g.op('Equal', [um1, g.scalar('zero', 0)]), a, g.op('Div', [g.op('Mul', [g.op('Log', [u]), a]), um1])]);
}

/**
 * exp(a) − 1 without ONNX's missing Expm1: u = exp(a); a when u rounds to 1, −1 when u − 1 is −1,
 * u itself when it overflows, else (u − 1)·a/log(u) (Kahan's formula): a few ulps from Math.expm1.
 */
export function expm1(g: GraphBuilder, a: string): string {
  const one = g.scalar('one', 1);
  const u = g.op('Exp', [a]);
  const um1 = g.op('Sub', [u, one]);
  const general = g.op('Div', [g.op('Mul', [um1, a]), g.op('Log', [u])]);
  const small = g.op('Where', [g.op('Equal', [um1, g.scalar('zero', 0)]), a, general]);
  const low = g.op('Where', [g.op('Equal', [um1, g.scalar('minus_one', -1)]), um1, small]);
  return g.op('Where', [g.op('IsInf', [u]), u, low]);
}
