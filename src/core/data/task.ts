/**
 * What kind of prediction a target asks for — a number (regression) or one of a few classes
 * (classification) — with the reason in words, and the classes of a classification target.
 *
 * Inference (recipe `task: 'auto'`):
 * - labels (text, yes/no, categories) → classification;
 * - whole numbers with few distinct values → classification: at most MAX_INTEGER_CLASSES
 *   values and at most MAX_INTEGER_CLASS_SHARE of the rows (a 0/1 flag, a 1–5 grade in a large
 *   file); a count with many values, or a small file where every value is rare, stays regression;
 * - other numbers → regression.
 * A recipe without a `task` (written before classification existed) keeps its meaning: numbers
 * are regression, and labels, which such recipes could not train on, classification.
 *
 * Classes are ordered as scikit-learn's LabelEncoder orders them (np.unique): labels by UTF-16
 * code unit, numbers numerically (written as JavaScript prints them, "0", "1", "2.5"), so for a
 * Yes/No target code 1 is "Yes", the positive class, as in scikit-learn.
 */
import { RecipeError } from '../errors';
import { formatCount, plural } from '../format';
import type { Task } from '../models/types';
import { levelCounts } from './table';
import type { Column } from './types';

/** Whole-number targets with at most this many distinct values may be classes... */
export const MAX_INTEGER_CLASSES = 10;
/** ...when that many values are also at most this share of the rows (each class seen ≈ 20 times on average). */
export const MAX_INTEGER_CLASS_SHARE = 0.05;
/** More classes than this is not a classification Loupe trains (a near-unique label is an id or text). */
export const MAX_CLASSES = 100;

/** The recipe's choice: inferred from the target ('auto') or given. */
export type TaskChoice = 'auto' | Task;

export interface TaskProposal {
  task: Task;
  /** Why, in words that read after "classification: " or "regression: ". */
  reason: string;
}

/** The distinct non-missing values of a column, as class labels in LabelEncoder order. */
export function classLabels(column: Column): string[] {
  if (column.type === 'categorical') {
    const { counts } = levelCounts(column);
    return [...new Set(column.levels.filter((_, k) => counts[k] > 0))].sort(byCodeUnit);
  }
  const seen = new Set<number>();
  for (const x of column.values) if (x === x) seen.add(x);
  return [...seen].sort((a, b) => a - b).map(String);
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function quoteList(labels: string[], max = 4): string {
  const shown = labels.slice(0, max).map((l) => JSON.stringify(l));
  return labels.length > max ? `${shown.join(', ')}, …` : shown.join(', ');
}

/** The task a target column asks for, inferred as the header says. */
export function inferTask(column: Column): TaskProposal {
  const labels = classLabels(column);
  if (column.type === 'categorical') return { task: 'classification', reason: `"${column.name}" holds labels: ${plural(labels.length, 'class', 'classes')} (${quoteList(labels)})` };
  let present = 0;
  let integers = true;
  for (const x of column.values) {
    if (x !== x) continue;
    present++;
    if (!Number.isInteger(x)) integers = false;
  }
  const k = labels.length;
  if (integers && k >= 2 && k <= MAX_INTEGER_CLASSES && k <= MAX_INTEGER_CLASS_SHARE * present)
    return {
      task: 'classification',
      reason: `"${column.name}" holds only ${k} distinct whole numbers (${quoteList(labels, MAX_INTEGER_CLASSES).replace(/"/g, '')}) in ${plural(present, 'row')}: classes, not a quantity`,
    };
  return {
    task: 'regression',
    reason: integers
      ? `"${column.name}" holds ${formatCount(k)} distinct whole numbers: a quantity (classes would be at most ${MAX_INTEGER_CLASSES} values, each common)`
      : `"${column.name}" holds numbers`,
  };
}

/**
 * The task a recipe trains for on this target column: given, inferred ('auto'), or for a recipe
 * without a choice, regression on numbers and classification on labels. Regression on labels is
 * a RecipeError naming the column.
 */
export function resolveTask(choice: TaskChoice | undefined, column: Column): TaskProposal {
  if (choice === 'auto') return inferTask(column);
  if (choice === 'regression' || (choice === undefined && column.type === 'numeric')) {
    if (column.type !== 'numeric')
      throw new RecipeError('bad-target', `The target "${column.name}" holds labels, not numbers: regression predicts a number. Choose classification.`, {
        column: column.name,
        field: 'task',
      });
    return { task: 'regression', reason: choice === 'regression' ? 'chosen in the recipe' : `"${column.name}" holds numbers` };
  }
  if (choice === 'classification') return { task: 'classification', reason: 'chosen in the recipe' };
  return inferTask(column);
}

/**
 * Checks the classes of a classification target: at least 2 and at most MAX_CLASSES
 * (RecipeError naming the column otherwise).
 */
export function checkClasses(labels: string[], column: string): void {
  if (labels.length < 2)
    throw new RecipeError(
      'one-class',
      labels.length === 0
        ? `The target "${column}" has no values to learn classes from.`
        : `Every row of the target "${column}" is ${JSON.stringify(labels[0])}: a classifier needs at least two classes.`,
      { column, field: 'target' },
    );
  if (labels.length > MAX_CLASSES)
    throw new RecipeError(
      'too-many-classes',
      `The target "${column}" has ${formatCount(labels.length)} distinct values; classification handles at most ${MAX_CLASSES} classes. Is it an id, free text or a number to predict (regression)?`,
      { column, field: 'target' },
    );
}

/**
 * The class code (index in `classes`) of each row of a target column: NaN where the value is
 * missing. A value that is not one of the classes is a RecipeError 'unseen-class' naming its
 * row (`firstRow` numbers the first row, 1 = the first data row) and the column.
 */
export function classCodes(column: Column, classes: readonly string[], firstRow = 1): Float64Array {
  const index = new Map(classes.map((c, k) => [c, k]));
  const n = column.type === 'numeric' ? column.values.length : column.codes.length;
  const out = new Float64Array(n);
  const levelCode = column.type === 'categorical' ? column.levels.map((l) => index.get(l) ?? -1) : [];
  for (let i = 0; i < n; i++) {
    let label: string | undefined;
    let code: number;
    if (column.type === 'numeric') {
      const x = column.values[i];
      if (x !== x) {
        out[i] = NaN;
        continue;
      }
      label = String(x);
      code = index.get(label) ?? -1;
    } else {
      const c = column.codes[i];
      if (c < 0) {
        out[i] = NaN;
        continue;
      }
      label = column.levels[c];
      code = levelCode[c];
    }
    if (code < 0)
      throw new RecipeError(
        'unseen-class',
        `Row ${firstRow + i}: "${column.name}" is ${JSON.stringify(label)}, not one of the classes the model was trained on (${quoteList([...classes], 6)}).`,
        { row: firstRow + i, column: column.name, field: 'target' },
      );
    out[i] = code;
  }
  return out;
}
