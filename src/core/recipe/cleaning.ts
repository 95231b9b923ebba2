/**
 * Training-time cleaning: the recipe's steps applied in order to the training table. Predictions
 * never go through cleaning: every row of a file to predict gets an answer or a stated problem.
 */
import { RecipeError } from '../errors';
import type { Column, Table } from '../data/types';
import { columnByName, takeRows } from '../data/table';
import { isMissing } from './table';
import { recipeInputs } from './inputs';
import type { CleaningStep, Comparison, Recipe } from './types';

export interface CleaningReport {
  step: CleaningStep;
  description: string;
  removed: number;
}

export interface CleaningResult {
  table: Table;
  /** Original row indices (0-based) of the rows kept, ascending. */
  kept: Uint32Array;
  steps: CleaningReport[];
}

function need(table: Table, name: string, field: string): Column {
  const c = columnByName(table, name);
  if (!c) throw new RecipeError('missing-column', `${field}: column "${name}" is not in the table.`, { column: name, field, stage: 'transformation' });
  return c;
}

function compare(a: number, cmp: Comparison, b: number): boolean {
  switch (cmp) {
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
}

/** Default column set of drop-duplicates and drop-missing: the features' sources and the target. */
function usedColumns(table: Table, recipe: Recipe): string[] {
  const names = [...recipeInputs(recipe), recipe.target];
  return names.filter((n) => columnByName(table, n));
}

/** Which rows (of `rows`, indices into table) a step keeps, and its description. */
function runStep(table: Table, recipe: Recipe, step: CleaningStep, i: number, rows: Uint32Array): { keep: Uint32Array; description: string } {
  const at = `cleaning[${i}]`;
  const out: number[] = [];
  switch (step.op) {
    case 'drop-duplicates': {
      const names = step.columns ?? usedColumns(table, recipe);
      const cols = names.map((n, k) => need(table, n, step.columns ? `${at}.columns[${k}]` : at));
      const seen = new Set<string>();
      for (const r of rows) {
        let key = '';
        for (const c of cols) key += (c.type === 'numeric' ? String(c.values[r]) : c.codes[r] < 0 ? '\u0001' : c.levels[c.codes[r]]) + '\u0000';
        if (!seen.has(key)) {
          seen.add(key);
          out.push(r);
        }
      }
      return { keep: Uint32Array.from(out), description: `Drop duplicate rows (compared over ${cols.length === table.columns.length ? 'all columns' : cols.map((c) => c.name).join(', ')})` };
    }
    case 'filter': {
      const c = need(table, step.column, `${at}.column`);
      const description = `Keep rows where ${step.column} ${step.cmp} ${typeof step.value === 'string' ? JSON.stringify(step.value) : step.value}`;
      if (c.type === 'numeric') {
        const b = typeof step.value === 'number' ? step.value : Number(step.value);
        if (typeof step.value === 'string' && (step.value.trim() === '' || !Number.isFinite(b)))
          throw new RecipeError('bad-filter', `${at}.value: ${step.column} holds numbers; "${step.value}" is not a number.`, { field: `${at}.value`, column: step.column });
        for (const r of rows) if (compare(c.values[r], step.cmp, b)) out.push(r);
      } else {
        if (step.cmp !== '==' && step.cmp !== '!=')
          throw new RecipeError('bad-filter', `${at}.cmp: ${step.column} holds labels, which compare with == or != only.`, { field: `${at}.cmp`, column: step.column });
        const label = String(step.value);
        const eq = step.cmp === '==';
        for (const r of rows) {
          const code = c.codes[r];
          const same = code >= 0 && c.levels[code] === label;
          if (same === eq) out.push(r);
        }
      }
      return { keep: Uint32Array.from(out), description };
    }
    case 'drop-missing': {
      const cols = step.column !== undefined ? [need(table, step.column, `${at}.column`)] : usedColumns(table, recipe).map((n) => need(table, n, at));
      for (const r of rows) if (!cols.some((c) => isMissing(c, r))) out.push(r);
      const description = step.column !== undefined ? `Drop rows with ${step.column} missing` : `Drop rows with a missing value in ${cols.map((c) => c.name).join(', ')}`;
      return { keep: Uint32Array.from(out), description };
    }
  }
}

/**
 * Applies the recipe's cleaning steps in order. Throws RecipeError (naming the step) when a step
 * would leave no row, or refers to a column the table lacks.
 */
export function applyCleaning(table: Table, recipe: Recipe): CleaningResult {
  let rows: Uint32Array = new Uint32Array(table.rowCount);
  for (let i = 0; i < rows.length; i++) rows[i] = i;
  const steps: CleaningReport[] = [];
  recipe.cleaning.forEach((step, i) => {
    const { keep, description } = runStep(table, recipe, step, i, rows);
    if (keep.length === 0 && rows.length > 0)
      throw new RecipeError('no-rows-left', `cleaning[${i}] (${description}) removes every remaining row (${rows.length}).`, {
        field: `cleaning[${i}]`,
        stage: 'transformation',
      });
    steps.push({ step, description, removed: rows.length - keep.length });
    rows = keep;
  });
  return { table: recipe.cleaning.length ? takeRows(table, rows) : table, kept: rows, steps };
}
