/**
 * The rows a retrain learns from and is scored on, drawn from the champion's recipe and the data
 * given: the new labelled file (always) and the rows the champion was trained on (optional).
 *
 * Each table is first made to hold the recipe's columns in the storage the recipe reads (numbers
 * for numeric and unit columns and the target, labels for categories), so a file whose schema
 * was inferred differently (a grade read as numbers in a small file) joins the others. Then the
 * new rows are split once, seeded: the held-out part scores champion and challenger alike; the
 * rest, after the base rows when there are any, is the training pool; a window keeps its last N.
 */
import { applySchema, concatTables, columnByName, takeRows, trainTestSplit } from '../data';
import type { ColumnKind, ColumnSchema, Table } from '../data/types';
import { PipelineError } from '../errors';
import { recipeInputs } from '../recipe/inputs';
import type { Recipe } from '../recipe';

import { RETRAIN_MODES, type RetrainMode } from './retrain-modes';

export { DEFAULT_HOLDOUT_SHARE, RETRAIN_MODES, type RetrainMode } from './retrain-modes';

export interface RetrainDataRequest {
  recipe: Recipe;
  newTable: Table;
  baseTable?: Table;
  mode: RetrainMode;
  /** mode 'window': rows kept, counted from the newest. */
  window?: number;
  holdoutShare: number;
  seed: number;
  /** Names of the two sources in messages (file names in the CLI). */
  newLabel?: string;
  baseLabel?: string;
}

export interface RetrainData {
  /** The rows the challenger is trained on, oldest first. */
  training: Table;
  /** The held-out new rows, before cleaning (both models are scored on them). */
  holdout: Table;
  /** Of the training rows: from the base data and from the new data. */
  baseRows: number;
  newRows: number;
  /** Set when a window asked for more rows than there were (all were used). */
  windowClipped?: { asked: number; available: number };
}

/** The columns a retrain needs in every part: the recipe's inputs, the target and what cleaning reads. */
export function requiredColumns(recipe: Recipe): string[] {
  const out = new Set([...recipeInputs(recipe), recipe.target]);
  for (const s of recipe.cleaning) {
    if (s.op === 'filter') out.add(s.column);
    else if (s.op === 'drop-missing' && s.column) out.add(s.column);
    else if (s.op === 'drop-duplicates' && s.columns) for (const c of s.columns) out.add(c);
  }
  return [...out];
}

/**
 * `table` reduced to the recipe's columns (the target, then every column the recipe lists that is
 * present), each in the storage the recipe reads. A needed column that is absent is a
 * PipelineError naming it and the source.
 */
export function conformToRecipe(table: Table, recipe: Recipe, label: string): Table {
  for (const name of requiredColumns(recipe))
    if (!columnByName(table, name))
      throw new PipelineError('missing-column', `${label} has no column "${name}", which the model ${name === recipe.target ? 'predicts' : 'needs'}.`, { column: name, stage: 'transformation' });
  // A regression target is read as numbers; a classification target's labels stay as they were
  // read (the training run reads its classes from the column as the loader gave it).
  const classifying = recipe.task === 'classification';
  const schema: ColumnSchema[] = classifying ? [] : [{ name: recipe.target, kind: 'numeric', reason: 'the target', storage: 'numeric' }];
  for (const c of recipe.columns) {
    if (!columnByName(table, c.name)) continue;
    const numeric = c.kind === 'numeric' || c.kind === 'unit';
    const kind: ColumnKind = c.kind === 'unit' ? 'unit' : numeric ? 'numeric' : 'categorical';
    schema.push({ name: c.name, kind, reason: 'the recipe', storage: numeric ? 'numeric' : 'categorical', ...(c.unit ? { unit: c.unit } : {}) });
  }
  const columns = schema.map((s) => columnByName(table, s.name)!);
  const conformed = applySchema({ rowCount: table.rowCount, columns }, schema);
  return classifying ? { rowCount: table.rowCount, columns: [columnByName(table, recipe.target)!, ...conformed.columns] } : conformed;
}

/** Keeps only the columns every table holds, in the first table's order. */
function commonColumns(tables: Table[]): Table[] {
  const names = tables[0].columns.map((c) => c.name).filter((n) => tables.every((t) => columnByName(t, n)));
  return tables.map((t) => ({ rowCount: t.rowCount, columns: names.map((n) => columnByName(t, n)!) }));
}

/** Counts rows whose target is a finite number, or (a classification target) any label. */
function labelledRows(table: Table, target: string): number {
  const y = columnByName(table, target);
  if (!y) return 0;
  let n = 0;
  if (y.type === 'numeric') for (const v of y.values) n += Number.isFinite(v) ? 1 : 0;
  else for (const c of y.codes) n += c >= 0 ? 1 : 0;
  return n;
}

export function assembleRetrainData(req: RetrainDataRequest): RetrainData {
  const { recipe, mode } = req;
  const newLabel = req.newLabel ?? 'The new data';
  const baseLabel = req.baseLabel ?? 'The base data';
  if (!(RETRAIN_MODES as readonly string[]).includes(mode))
    throw new PipelineError('bad-mode', `Unknown retraining mode "${mode}"; choose ${RETRAIN_MODES.join(', ')}.`, { field: 'mode', stage: 'transformation' });
  if (mode === 'all' && !req.baseTable)
    throw new PipelineError('no-base-data', 'Training on old and new rows needs the rows the champion was trained on (a base file or its stored dataset).', { field: 'base', stage: 'transformation' });
  if (mode === 'window' && !(Number.isInteger(req.window) && req.window! >= 2))
    throw new PipelineError('bad-window', `The window must be a whole number of rows, at least 2; got ${req.window}.`, { field: 'window', stage: 'transformation' });
  if (!(req.holdoutShare > 0 && req.holdoutShare < 1))
    throw new PipelineError('bad-split', `The held-out share must be between 0 and 1; got ${req.holdoutShare}.`, { field: 'testSize', stage: 'transformation' });

  const fresh = conformToRecipe(req.newTable, recipe, newLabel);
  const labelled = labelledRows(fresh, recipe.target);
  if (labelled === 0)
    throw new PipelineError('unlabelled', `${newLabel} has no values in the target column "${recipe.target}": retraining needs labelled rows.`, { column: recipe.target, stage: 'transformation' });
  const split = trainTestSplit(fresh.rowCount, { testSize: req.holdoutShare, seed: req.seed });
  const holdout = takeRows(fresh, split.test);
  const newTrain = takeRows(fresh, split.train);

  const useBase = req.baseTable !== undefined && mode !== 'new';
  const parts = useBase ? commonColumns([conformToRecipe(req.baseTable!, recipe, baseLabel), newTrain]) : [newTrain];
  let training = parts.length === 1 ? parts[0] : concatTables(parts);
  let baseRows = useBase ? parts[0].rowCount : 0;
  let newRows = newTrain.rowCount;
  let windowClipped: RetrainData['windowClipped'];
  if (mode === 'window') {
    const n = req.window!;
    if (n >= training.rowCount) windowClipped = { asked: n, available: training.rowCount };
    else {
      const from = training.rowCount - n;
      training = takeRows(training, Uint32Array.from({ length: n }, (_, i) => from + i));
      newRows = Math.min(newRows, n);
      baseRows = n - newRows;
    }
  }
  return { training, holdout, baseRows, newRows, ...(windowClipped ? { windowClipped } : {}) };
}
