/**
 * Sensible starting recipe from the inferred schema (and, when given, the table to see levels):
 * - id, constant and text columns are ignored; the target is never a feature;
 * - numbers and numbers-with-unit: median imputation, standard scaling;
 * - ordinal columns, and categorical columns whose levels fit a well-known scale (gemstone cut,
 *   colour, clarity; low/medium/high; ...): most-frequent imputation, ordinal codes in that order,
 *   standard scaling (scikit-learn's reference pipeline);
 * - other categorical columns: one-hot when they have at most ONEHOT_MAX_LEVELS levels, else
 *   ordinal codes by descending frequency left unscaled (flagged categorical for tree models);
 *   without the table (levels unknown), one-hot capped at ONEHOT_CAP columns;
 * - a target with missing values gets a drop-missing cleaning step;
 * - the task is 'auto': regression or classification as the target's values say (data/task.ts).
 */
import { RecipeError } from '../errors';
import type { ColumnSchema, Table } from '../data/types';
import { matchKnownScale } from './known-scales';
import { columnByName, levelCounts } from '../data/table';
import type { CleaningStep, ColumnRecipe, Recipe } from './types';

/** Categorical columns with at most this many levels are one-hot encoded by default. */
export const ONEHOT_MAX_LEVELS = 10;
/** Cap on one-hot columns when the levels are not known. */
export const ONEHOT_CAP = 20;

function numberColumn(s: ColumnSchema, role: ColumnRecipe['role']): ColumnRecipe {
  const c: ColumnRecipe = { name: s.name, role, kind: s.kind === 'unit' ? 'unit' : 'numeric', impute: { strategy: 'median' }, encode: 'standard' };
  if (s.kind === 'unit' && s.unit) c.unit = s.unit;
  return c;
}

function categoryColumn(s: ColumnSchema, role: ColumnRecipe['role'], table: Table | undefined): ColumnRecipe {
  const base = { name: s.name, role, impute: { strategy: 'most_frequent' as const } };
  const col = table && columnByName(table, s.name);
  let observed: string[] | undefined;
  let byFrequency: string[] | undefined;
  if (col && col.type === 'categorical') {
    const { counts } = levelCounts(col);
    observed = col.levels.filter((_, k) => counts[k] > 0);
    byFrequency = col.levels
      .map((l, k) => ({ l, n: counts[k] }))
      .filter((x) => x.n > 0)
      .sort((a, b) => b.n - a.n || (a.l < b.l ? -1 : a.l > b.l ? 1 : 0))
      .map((x) => x.l);
  }
  const ordered = s.order && s.order.length ? s.order : observed ? matchKnownScale(observed)?.order : undefined;
  if (ordered && (!observed || observed.every((l) => ordered.includes(l)))) {
    const binary = ordered.length === 2;
    return { ...base, kind: 'ordinal', encode: 'ordinal', order: [...ordered], scale: binary ? 'none' : 'standard', unknown: 'nan' };
  }
  if (!observed) return { ...base, kind: 'categorical', encode: 'onehot', maxCategories: ONEHOT_CAP };
  if (observed.length <= ONEHOT_MAX_LEVELS) return { ...base, kind: 'categorical', encode: 'onehot' };
  return { ...base, kind: 'categorical', encode: 'ordinal', order: byFrequency!, scale: 'none', unknown: 'nan' };
}

export function defaultRecipe(schema: ColumnSchema[], target: string, table?: Table): Recipe {
  const t = schema.find((s) => s.name === target);
  if (!t) throw new RecipeError('missing-column', `The target "${target}" is not a column of the table.`, { column: target, field: 'target' });
  const columns: ColumnRecipe[] = [];
  for (const s of schema) {
    if (s.name === target) continue;
    const usable = s.kind !== 'id' && s.kind !== 'constant' && s.kind !== 'text';
    const role = usable ? 'feature' : 'ignore';
    columns.push(s.storage === 'numeric' ? numberColumn(s, role) : categoryColumn(s, role, usable ? table : undefined));
  }
  const cleaning: CleaningStep[] = [];
  const y = table && columnByName(table, target);
  if (y && (y.type === 'numeric' ? y.values.some((x) => x !== x) : y.codes.some((c) => c < 0))) cleaning.push({ op: 'drop-missing', column: target });
  return { version: 1, target, task: 'auto', targetTransform: 'none', columns, cleaning, features: [] };
}
