/**
 * Strict validation of a Recipe read from JSON: structure with valibot, then the rules that tie
 * fields together (kind ↔ encoding, op ↔ number of columns). Every failure is a RecipeError whose
 * `where.field` names the offending path, e.g. `columns[2].encode`.
 */
import * as v from 'valibot';
import { RecipeError } from '../errors';
import { parseOrThrow } from '../preprocess/types';
import type { ColumnRecipe, DerivedFeature, Recipe } from './types';

const finite = v.pipe(v.number(), v.finite());
const name = v.pipe(v.string(), v.minLength(1, 'must not be empty'));
const strategy = v.picklist(['mean', 'median', 'most_frequent', 'constant']);
const impute = v.strictObject({ strategy, fill: v.optional(v.union([finite, v.string()])) });
const scale = v.picklist(['standard', 'minmax', 'none']);

const columnSchema = v.strictObject({
  name,
  role: v.picklist(['feature', 'ignore']),
  kind: v.picklist(['numeric', 'categorical', 'ordinal', 'unit']),
  impute,
  encode: v.picklist(['standard', 'minmax', 'none', 'ordinal', 'onehot']),
  order: v.optional(v.array(v.string())),
  scale: v.optional(scale),
  unknown: v.optional(v.picklist(['nan', 'error'])),
  maxCategories: v.optional(v.pipe(v.number(), v.integer(), v.minValue(2))),
  range: v.optional(v.tuple([finite, finite])),
  unit: v.optional(v.string()),
});

const cleaningSchema = v.variant('op', [
  v.strictObject({ op: v.literal('drop-duplicates'), columns: v.optional(v.array(name)) }),
  v.strictObject({
    op: v.literal('filter'),
    column: name,
    cmp: v.picklist(['>', '>=', '<', '<=', '==', '!=']),
    value: v.union([finite, v.string()]),
  }),
  v.strictObject({ op: v.literal('drop-missing'), column: v.optional(name) }),
]);

const derivedSchema = v.strictObject({
  name,
  op: v.picklist(['product', 'ratio', 'sum', 'difference', 'log', 'log1p', 'power']),
  columns: v.array(name),
  exponent: v.optional(finite),
  impute: v.optional(impute),
  scale: v.optional(scale),
});

const recipeSchema = v.strictObject({
  version: v.literal(1),
  target: name,
  task: v.optional(v.picklist(['auto', 'regression', 'classification'])),
  targetTransform: v.picklist(['none', 'log1p']),
  columns: v.array(columnSchema),
  cleaning: v.array(cleaningSchema),
  features: v.array(derivedSchema),
});

function fail(field: string, message: string, column?: string): never {
  throw new RecipeError('invalid-recipe', `${field}: ${message}`, { field, column });
}

function checkColumn(c: ColumnRecipe, i: number): void {
  const at = `columns[${i}]`;
  const numeric = c.kind === 'numeric' || c.kind === 'unit';
  if (numeric) {
    if (!['standard', 'minmax', 'none'].includes(c.encode))
      fail(`${at}.encode`, `a ${c.kind} column is encoded as standard, minmax or none, not ${c.encode}.`, c.name);
    if (c.impute.fill !== undefined && typeof c.impute.fill !== 'number') fail(`${at}.impute.fill`, 'the fill value of a number column must be a number.', c.name);
  } else {
    if (c.encode !== 'ordinal' && c.encode !== 'onehot')
      fail(`${at}.encode`, `a ${c.kind} column is encoded as ordinal or onehot, not ${c.encode}.`, c.name);
    if (c.impute.strategy === 'mean' || c.impute.strategy === 'median')
      fail(`${at}.impute.strategy`, `${c.impute.strategy} needs numbers; use most_frequent or constant for categories.`, c.name);
    if (c.impute.fill !== undefined && typeof c.impute.fill !== 'string') fail(`${at}.impute.fill`, 'the fill value of a category column must be a label (a string).', c.name);
  }
  if (c.impute.strategy === 'constant' && c.impute.fill === undefined) fail(`${at}.impute.fill`, 'strategy constant needs a fill value.', c.name);
  if (c.encode === 'ordinal') {
    if (!c.order || c.order.length === 0) fail(`${at}.order`, 'ordinal encoding needs the order of the levels.', c.name);
    const dup = c.order.find((l, k) => c.order!.indexOf(l) !== k);
    if (dup !== undefined) fail(`${at}.order`, `"${dup}" is listed twice.`, c.name);
  } else {
    if (c.order !== undefined) fail(`${at}.order`, 'an order is only used with ordinal encoding.', c.name);
    if (c.scale !== undefined) fail(`${at}.scale`, 'scale applies to ordinal codes; numbers are scaled through encode.', c.name);
    if (c.unknown !== undefined) fail(`${at}.unknown`, 'unknown applies to ordinal encoding only.', c.name);
  }
  if (c.maxCategories !== undefined && c.encode !== 'onehot') fail(`${at}.maxCategories`, 'maxCategories applies to one-hot encoding only.', c.name);
  if (c.range !== undefined) {
    if (c.encode !== 'minmax' && c.scale !== 'minmax') fail(`${at}.range`, 'range applies to min-max scaling only.', c.name);
    if (!(c.range[0] < c.range[1])) fail(`${at}.range`, 'the range must be [low, high] with low < high.', c.name);
  }
  if (c.unit !== undefined && c.kind !== 'unit') fail(`${at}.unit`, 'a unit is only given for unit columns.', c.name);
}

const ARITY: Record<DerivedFeature['op'], [number, number]> = {
  product: [2, Infinity],
  sum: [2, Infinity],
  ratio: [2, 2],
  difference: [2, 2],
  log: [1, 1],
  log1p: [1, 1],
  power: [1, 1],
};

function checkDerived(f: DerivedFeature, i: number): void {
  const at = `features[${i}]`;
  const [lo, hi] = ARITY[f.op];
  const n = f.columns.length;
  if (n < lo || n > hi) {
    const want = lo === hi ? `exactly ${lo}` : `at least ${lo}`;
    fail(`${at}.columns`, `${f.op} takes ${want} column${lo === 1 && hi === 1 ? '' : 's'}; got ${n}.`, f.name);
  }
  if (f.op === 'power' && f.exponent === undefined) fail(`${at}.exponent`, 'power needs an exponent.', f.name);
  if (f.op !== 'power' && f.exponent !== undefined) fail(`${at}.exponent`, 'only power takes an exponent.', f.name);
  if (f.impute) {
    if (f.impute.fill !== undefined && typeof f.impute.fill !== 'number') fail(`${at}.impute.fill`, 'the fill value of a derived feature must be a number.', f.name);
    if (f.impute.strategy === 'constant' && f.impute.fill === undefined) fail(`${at}.impute.fill`, 'strategy constant needs a fill value.', f.name);
  }
}

/** Throws RecipeError naming the field when `recipe` is inconsistent. */
export function validateRecipe(recipe: Recipe): void {
  if (recipe.task === 'classification' && recipe.targetTransform !== 'none')
    fail('targetTransform', `a classification target is a class, not a number: it takes no ${recipe.targetTransform} transform.`, recipe.target);
  const names = new Map<string, string>();
  recipe.columns.forEach((c, i) => {
    if (names.has(c.name)) fail(`columns[${i}].name`, `column "${c.name}" is listed twice.`, c.name);
    names.set(c.name, `columns[${i}]`);
    if (c.name === recipe.target && c.role === 'feature') fail(`columns[${i}].role`, `"${c.name}" is the target and cannot be a feature.`, c.name);
    checkColumn(c, i);
  });
  recipe.features.forEach((f, i) => {
    if (names.has(f.name) || f.name === recipe.target)
      fail(`features[${i}].name`, `"${f.name}" is already the name of a column or feature.`, f.name);
    names.set(f.name, `features[${i}]`);
    checkDerived(f, i);
  });
  recipe.cleaning.forEach((s, i) => {
    if (s.op === 'filter' && typeof s.value === 'string' && s.cmp !== '==' && s.cmp !== '!=')
      fail(`cleaning[${i}].cmp`, `a label can only be compared with == or !=; got ${s.cmp}.`, s.column);
  });
}

/** Validates JSON (structure and cross-field rules) into a Recipe; RecipeError names the bad field. */
export function parseRecipe(json: unknown): Recipe {
  const r = parseOrThrow(recipeSchema, json, '', (m, f) => new RecipeError('invalid-recipe', m, { field: f }));
  const recipe = r as Recipe;
  validateRecipe(recipe);
  return recipe;
}

/** A deep, JSON-safe copy of the recipe (fields in a stable order, undefined ones left out). */
export function recipeToJSON(recipe: Recipe): Recipe {
  return JSON.parse(JSON.stringify(recipe)) as Recipe;
}
