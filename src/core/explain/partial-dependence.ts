/**
 * Partial dependence and ICE curves (Friedman 2001; Goldstein et al. 2015) for one input
 * column: a seeded sample of rows is predicted again with that column set to each value of a
 * grid, through the fitted recipe (so derived features follow). Each row's curve is an ICE
 * curve; their mean is the partial dependence. Values are in the target's units (a classifier's:
 * the probability of one class, `classProbability`).
 */
import { RecipeError } from '../errors';
import { columnOf } from '../metrics/curves';
import { takeRows } from '../data/table';
import type { Column, Table } from '../data/types';
import type { Classifier, Matrix } from '../models/types';
import { permutation, Rng } from '../random';
import type { FittedRecipe } from '../recipe';

export interface PartialDependence {
  column: string;
  /** Numbers: grid values ascending; categories: the training levels. */
  grid: number[] | string[];
  categorical: boolean;
  /** Per grid value: the mean prediction over the sampled rows. */
  pd: Float64Array;
  /** curves × grid values: each sampled row's prediction at each grid value (NaN where it could not be predicted). */
  ice: Float64Array;
  curves: number;
  /** A classifier's: the class code whose probability the curves show. */
  classCode?: number;
}

export interface PartialDependenceOptions {
  /** Rows (ICE curves) sampled from the table. Default 100. */
  maxRows?: number;
  /** Grid values for a number column, between its 2nd and 98th percentile. Default 24. */
  gridPoints?: number;
  seed?: number;
}

/** `predict`: the model's predictions for the recipe's matrix, in the target's units. */
export function partialDependence(predict: (X: Matrix) => Float64Array, recipe: FittedRecipe, table: Table, column: string, options: PartialDependenceOptions = {}): PartialDependence {
  const input = recipe.inputSchema().find((c) => c.name === column);
  if (!input) throw new RecipeError('missing-column', `"${column}" is not an input column of this model.`, { column });
  const n = Math.min(table.rowCount, options.maxRows ?? 100);
  const sample = takeRows(table, permutation(table.rowCount, new Rng(options.seed ?? 0)).slice(0, n).sort());
  const categorical = input.kind === 'categorical' || input.kind === 'ordinal';
  const grid: number[] | string[] = categorical ? [...(input.levels ?? [])] : numberGrid(recipe, table, column, options.gridPoints ?? 24);
  const ice = new Float64Array(n * grid.length);
  grid.forEach((g, k) => {
    const col: Column = typeof g === 'string' ? { type: 'categorical', name: column, codes: new Int32Array(n), levels: [g] } : { type: 'numeric', name: column, values: new Float64Array(n).fill(g) };
    const t: Table = { rowCount: n, columns: [...sample.columns.filter((c) => c.name !== column), col] };
    const { X, valid } = recipe.transformTable(t);
    const y = predict(X);
    for (let r = 0; r < n; r++) ice[r * grid.length + k] = valid[r] ? y[r] : NaN;
  });
  const pd = new Float64Array(grid.length);
  for (let k = 0; k < grid.length; k++) {
    let s = 0;
    let m = 0;
    for (let r = 0; r < n; r++) {
      const v = ice[r * grid.length + k];
      if (v === v) {
        s += v;
        m++;
      }
    }
    pd[k] = m ? s / m : NaN;
  }
  return { column, grid, categorical, pd, ice, curves: n };
}

/** Evenly spaced values between the column's 2nd and 98th percentile in the table (its training range when it has no numbers). */
function numberGrid(recipe: FittedRecipe, table: Table, column: string, points: number): number[] {
  const c = table.columns.find((x) => x.name === column);
  const values = c && c.type === 'numeric' ? Array.from(c.values).filter((v) => v === v).sort((a, b) => a - b) : [];
  const input = recipe.inputSchema().find((x) => x.name === column)!;
  let lo = values.length ? values[Math.floor(0.02 * (values.length - 1))] : (input.min ?? 0);
  let hi = values.length ? values[Math.ceil(0.98 * (values.length - 1))] : (input.max ?? 1);
  if (!(hi > lo)) {
    lo = input.min ?? lo;
    hi = input.max ?? lo + 1;
  }
  if (!(hi > lo)) return [lo];
  return Array.from({ length: points }, (_, k) => lo + ((hi - lo) * k) / (points - 1));
}

/** A classifier's predictions as the probability of class `k`: what its partial dependence shows. */
export function classProbability(model: Classifier, k: number): (X: Matrix) => Float64Array {
  return (X) => columnOf(model.predictProba(X), model.classCount, k);
}
