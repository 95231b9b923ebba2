/**
 * Explains recipe choices that do not fit the data, inline, before anything is fitted. Structural
 * mistakes (wrong encoding for a kind, wrong number of columns for an op) are reported here too,
 * so the editor can show every problem at once instead of the first thrown one.
 */
import { RecipeError } from '../errors';
import type { ColumnSchema, Table } from '../data/types';
import { validateRecipe } from './schema';
import { resolveTask } from '../data/task';
import type { Column } from '../data/types';
import { columnByName, levelCounts } from '../data/table';
import type { Recipe, RecipeIssue } from './types';

export function checkRecipe(recipe: Recipe, schema: ColumnSchema[], table?: Table): RecipeIssue[] {
  const issues: RecipeIssue[] = [];
  const add = (severity: RecipeIssue['severity'], field: string, message: string, column?: string) =>
    issues.push(column === undefined ? { severity, field, message } : { severity, field, message, column });
  const bySchema = new Map(schema.map((s) => [s.name, s]));

  try {
    validateRecipe(recipe);
  } catch (e) {
    if (!(e instanceof RecipeError)) throw e;
    add('error', e.where.field ?? '', e.message, e.where.column);
  }

  const t = bySchema.get(recipe.target);
  const yColumn = table && columnByName(table, recipe.target);
  // The task as training will resolve it; without the table, labels mean classification.
  const task = yColumn ? resolveTaskOrNull(recipe, yColumn) : t && (recipe.task === 'auto' || recipe.task === undefined) ? (t.storage === 'numeric' ? null : 'classification') : recipe.task;
  if (!t) add('error', 'target', `The target "${recipe.target}" is not a column of the table.`, recipe.target);
  else if (t.storage !== 'numeric' && recipe.task === 'regression')
    add('error', 'task', `The target "${recipe.target}" holds labels, not numbers: regression predicts a number. Choose classification.`, recipe.target);
  if (t && task === 'classification' && recipe.targetTransform !== 'none' && recipe.task !== 'classification')
    add('error', 'targetTransform', `"${recipe.target}" is a classification target (classes, not a number): it takes no ${recipe.targetTransform} transform.`, recipe.target);
  if (t && table && task !== 'classification' && recipe.targetTransform === 'log1p') {
    const y = columnByName(table, recipe.target);
    if (y?.type === 'numeric' && y.values.some((x) => x <= -1))
      add('error', 'targetTransform', `log1p needs target values above −1; "${recipe.target}" has smaller ones.`, recipe.target);
  }

  const listed = new Set<string>();
  recipe.columns.forEach((c, i) => {
    listed.add(c.name);
    const s = bySchema.get(c.name);
    const at = `columns[${i}]`;
    if (!s) {
      if (c.role === 'feature') add('error', `${at}.name`, `Column "${c.name}" is not in the table.`, c.name);
      return;
    }
    if (c.role !== 'feature') return;
    if (c.name === recipe.target) return; // reported by validateRecipe
    if ((c.kind === 'numeric' || c.kind === 'unit') && s.storage !== 'numeric')
      add('error', `${at}.kind`, `"${c.name}" holds text labels; it cannot be used as a number. Encode it as a category.`, c.name);
    if (s.kind === 'id') add('warning', `${at}.role`, `"${c.name}" looks like a row identifier (${s.reason}); as a feature it rarely helps and may mislead.`, c.name);
    if (s.kind === 'constant') add('warning', `${at}.role`, `"${c.name}" has a single value; it carries no information.`, c.name);
    if (c.encode === 'ordinal' && c.order && table) {
      const col = columnByName(table, c.name);
      if (col?.type === 'categorical') {
        const { counts } = levelCounts(col);
        const missing = col.levels.filter((l, k) => counts[k] > 0 && !c.order!.includes(l));
        if (missing.length)
          add('error', `${at}.order`, `The order of "${c.name}" does not list ${missing.map((m) => `"${m}"`).join(', ')}, found in the data.`, c.name);
      }
    }
  });
  for (const s of schema)
    if (s.name !== recipe.target && !listed.has(s.name))
      add('warning', 'columns', `Column "${s.name}" is not in the recipe; it will not be used.`, s.name);

  const derivedSoFar = new Set<string>();
  recipe.features.forEach((f, i) => {
    f.columns.forEach((name, k) => {
      const at = `features[${i}].columns[${k}]`;
      if (derivedSoFar.has(name)) return;
      if (name === recipe.target) {
        add('error', at, `"${f.name}" would be computed from the target "${name}": the model would see the answer.`, name);
        return;
      }
      const s = bySchema.get(name);
      if (!s) add('error', at, `"${f.name}" uses "${name}", which is neither a column nor an earlier derived feature.`, name);
      else if (s.storage !== 'numeric') add('error', at, `"${f.name}" uses "${name}", which holds labels, not numbers.`, name);
    });
    derivedSoFar.add(f.name);
  });
  if (!recipe.columns.some((c) => c.role === 'feature') && recipe.features.length === 0)
    add('error', 'columns', 'No column is a feature: the model would have nothing to learn from.');

  recipe.cleaning.forEach((step, i) => {
    const at = `cleaning[${i}]`;
    if (step.op === 'filter' || (step.op === 'drop-missing' && step.column !== undefined)) {
      const name = step.column!;
      const s = bySchema.get(name);
      if (!s) {
        add('error', `${at}.column`, `The ${step.op} step uses "${name}", which is not in the table.`, name);
        return;
      }
      if (step.op === 'filter') {
        if (s.storage === 'numeric' && typeof step.value === 'string' && !Number.isFinite(Number(step.value)))
          add('error', `${at}.value`, `"${name}" holds numbers; "${step.value}" is not a number.`, name);
        if (s.storage === 'categorical' && step.cmp !== '==' && step.cmp !== '!=')
          add('error', `${at}.cmp`, `"${name}" holds labels, which compare with == or != only.`, name);
      }
    }
    if (step.op === 'drop-duplicates')
      step.columns?.forEach((name, k) => {
        if (!bySchema.has(name)) add('error', `${at}.columns[${k}]`, `"${name}" is not in the table.`, name);
      });
  });
  return issues;
}

/** The task training would resolve for this target column, or null where it would refuse the choice (reported apart). */
function resolveTaskOrNull(recipe: Recipe, y: Column): 'regression' | 'classification' | null {
  try {
    return resolveTask(recipe.task, y).task;
  } catch (e) {
    if (e instanceof RecipeError) return null;
    throw e;
  }
}
