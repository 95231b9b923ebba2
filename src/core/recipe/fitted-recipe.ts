/**
 * A recipe fitted on training rows: derived features, imputers, encoders and scalers with their
 * learned state. It turns a table (another file, a CSV chunk) or typed records (a form) into the
 * model's Matrix, reporting per-row problems instead of dropping rows.
 *
 * Rules when encoding rows to predict:
 * - categorical levels are matched BY STRING to the training levels (level codes of the input do
 *   not matter); a number where labels are expected is read as its text ("3" for 3);
 * - missing value → imputed with the training fill value: warning;
 * - unseen category → ordinal 'nan': imputed (warning); ordinal 'error': the row fails (error);
 *   one-hot: all indicators zero (warning);
 * - text where a number is expected (a stray label, a number in another unit such as "17.3 km/kg"
 *   in a kmpl column) → read as missing, by the rule the CSV loader applied to the training file
 *   (data/number-cell), and imputed: warning 'not-a-number'. Only fitting refuses it (an error):
 *   a training table holding text in a number column contradicts its schema;
 * - number outside the training range → warning (predicted anyway);
 * - a required column absent from a table → RecipeError 'missing-column' (the whole file);
 *   absent from a record → imputed with a 'missing-column' warning.
 */
import * as v from 'valibot';
import { BundleError, LoupeError, RecipeError } from '../errors';
import type { CategoricalColumn, Column, NumericColumn, Table } from '../data/types';
import { numbersAsLabels } from '../data/number-labels';
import type { FeatureInfo, Matrix, Task } from '../models/types';
import { checkClasses, classCodes, classLabels, resolveTask } from '../data/task';
import { ColumnTransformer, type ColumnSpec } from '../preprocess/column-transformer';
import { MinMaxScaler, StandardScaler } from '../preprocess/scalers';
import { type CellProblem, type SerializedTransformer, parseOrThrow, finiteNumber } from '../preprocess/types';
import { computeDerived, describeDerived } from './derived';
import { recipeInputs } from './inputs';
import { parseRecipe, recipeToJSON, validateRecipe } from './schema';
import { columnByName } from './table';
import { readLabel, readNumber } from './values';
import type { InputColumn, Recipe, RecipeColumnKind, RecordValue, RowProblem } from './types';

interface InputState {
  name: string;
  kind: RecipeColumnKind;
  unit?: string;
  /** Training range of a number input. */
  min?: number;
  max?: number;
}

export interface FitRecipeOptions {
  /**
   * Classification: the classes, in code order (LabelEncoder's, data/task.ts). The training run
   * passes those of every row before the split, so that a class absent from one fold's training
   * rows keeps its code; default: the classes of `table`'s target.
   */
  classes?: readonly string[];
}

export interface TransformOptions {
  /** Row number of the first row in problems. Default 1 (the first data row of a file). */
  firstRowNumber?: number;
  /** Problems kept in the list (all are counted in problemCount). Default 10,000. */
  maxProblems?: number;
}

export interface TableTransform {
  X: Matrix;
  /**
   * The target in its original units, when the table has it (NaN where missing or not a number);
   * for classification, its class codes (NaN where missing or not one of the classes; see
   * `targetCodes` for the strict reading).
   */
  y?: Float64Array;
  problems: RowProblem[];
  /** Total problems found (the list stops at maxProblems). */
  problemCount: number;
  /** 1 when the row can be predicted, 0 when it has an error problem. */
  valid: Uint8Array;
}

export interface RecordsTransform {
  X: Matrix;
  problems: RowProblem[];
  problemCount: number;
  valid: Uint8Array;
  /** The input columns as read (see inputTable), before imputation: what drift is measured on. */
  inputs: Table;
}

/**
 * The model's input columns of a batch of CSV rows, already read cell by cell by the rules of
 * transformRecords (readNumber / readLabel): what the streamed prediction engine hands over
 * instead of one object per row.
 */
export interface ReadInputs {
  rows: number;
  /** Every input column by name: numbers (NaN where missing or unreadable) for number inputs, labels (−1 missing) otherwise. */
  columns: ReadonlyMap<string, Column>;
  /** Cells of number inputs that are not numbers (read as missing): row index and the cell's text, by column, rows ascending. */
  unreadable: ReadonlyMap<string, readonly { row: number; text: string }[]>;
  /** Rows (indices, ascending) whose line ends before the column, by column: the cell is absent, as a record without the key. */
  absent: ReadonlyMap<string, readonly number[]>;
}

/** Statistics learned for one feature column. */
export interface LearnedColumn {
  column: string;
  /** Imputation fill value. */
  fill: number | string;
  /** StandardScaler mean and scale. */
  mean?: number;
  scale?: number;
  /** MinMaxScaler training minimum and maximum. */
  dataMin?: number;
  dataMax?: number;
  /** Ordinal order, or one-hot output categories. */
  categories?: string[];
}

/** Serialized form, stored in bundles. */
export interface FittedRecipeJSON {
  type: 'fitted-recipe';
  version: 1;
  recipe: Recipe;
  /** The task the recipe resolved to on its training rows; absent = regression (bundles before classification). */
  task?: Task;
  /** Classification: the class labels, code 0 first (LabelEncoder order). */
  classes?: string[];
  inputs: InputState[];
  transformer: SerializedTransformer;
}

const isNumberKind = (k: RecipeColumnKind): boolean => k === 'numeric' || k === 'unit';

/** Collects problems with a cap, and the per-cell flags that silence follow-up problems. */
class ProblemLog {
  readonly list: RowProblem[] = [];
  count = 0;
  readonly valid: Uint8Array;
  private readonly flagged = new Map<string, Uint8Array>();
  constructor(
    private readonly n: number,
    private readonly firstRow: number,
    private readonly cap: number,
  ) {
    this.valid = new Uint8Array(n).fill(1);
  }
  add(p: CellProblem): void {
    if (p.severity === 'error') this.valid[p.row] = 0;
    this.count++;
    if (this.list.length < this.cap)
      this.list.push({ row: this.firstRow + p.row, column: p.column, reason: p.reason, severity: p.severity, message: `${p.column}: ${p.message}` });
  }
  /** Reports a problem found while reading a cell; later problems for that cell are dropped. */
  addFirst(p: CellProblem): void {
    let f = this.flagged.get(p.column);
    if (!f) this.flagged.set(p.column, (f = new Uint8Array(this.n)));
    f[p.row] = 1;
    this.add(p);
  }
  isFlagged(column: string, row: number): boolean {
    return this.flagged.get(column)?.[row] === 1;
  }
}

export class FittedRecipe {
  private constructor(
    /** The recipe as declared (validated). */
    readonly recipe: Recipe,
    private readonly inputs: InputState[],
    private readonly transformer: ColumnTransformer,
    /** What the model predicts: a number, or one of `classes`. */
    readonly task: Task = 'regression',
    /** Classification: the class labels, code 0 first (LabelEncoder order); empty for regression. */
    readonly classes: readonly string[] = [],
  ) {}

  /** Fits on `table`, the training rows after cleaning. */
  static fit(recipe: Recipe, table: Table, options: FitRecipeOptions = {}): FittedRecipe {
    validateRecipe(recipe);
    const y = columnByName(table, recipe.target);
    if (!y) throw new RecipeError('missing-column', `The target "${recipe.target}" is not in the training table.`, { column: recipe.target, field: 'target' });
    const { task } = resolveTask(recipe.task, y);
    let classes: string[] = [];
    if (task === 'classification') {
      if (recipe.targetTransform !== 'none')
        throw new RecipeError('bad-target', `"${recipe.target}" is a classification target (classes, not a number): it takes no ${recipe.targetTransform} transform.`, {
          column: recipe.target,
          field: 'targetTransform',
        });
      classes = options.classes ? [...options.classes] : classLabels(y);
      checkClasses(classes, recipe.target);
    }
    const yValues = task === 'classification' ? classCodes(y, classes) : (y as NumericColumn).values;
    const nanAt = yValues.findIndex((x) => x !== x);
    if (nanAt >= 0) {
      const count = yValues.reduce((s, x) => s + (x !== x ? 1 : 0), 0);
      throw new RecipeError(
        'missing-target',
        `The target "${recipe.target}" is missing in ${count} training row(s) (first: row ${nanAt + 1}); add a drop-missing cleaning step for it.`,
        { column: recipe.target, row: nanAt + 1, field: 'cleaning' },
      );
    }
    if (recipe.targetTransform === 'log1p') {
      const bad = yValues.findIndex((x) => x <= -1);
      if (bad >= 0)
        throw new RecipeError('bad-target', `log1p needs target values above −1; row ${bad + 1} has ${yValues[bad]}.`, { column: recipe.target, row: bad + 1, field: 'targetTransform' });
    }
    const derivedNames = new Set(recipe.features.map((f) => f.name));
    recipe.features.forEach((f, i) =>
      f.columns.forEach((c, k) => {
        if (c === recipe.target)
          throw new RecipeError('target-leak', `features[${i}] "${f.name}" is computed from the target "${c}".`, { field: `features[${i}].columns[${k}]`, column: c });
        if (derivedNames.has(c) && recipe.features.findIndex((g) => g.name === c) >= i)
          throw new RecipeError('invalid-recipe', `features[${i}] "${f.name}" uses "${c}" before it is defined.`, { field: `features[${i}].columns[${k}]`, column: c });
      }),
    );
    const byName = new Map(recipe.columns.map((c) => [c.name, c]));
    const inputs: InputState[] = recipeInputs(recipe).map((name) => {
      const c = byName.get(name);
      const s: InputState = { name, kind: c ? c.kind : 'numeric' };
      if (c?.unit) s.unit = c.unit;
      if (c && !isNumberKind(c.kind) && recipe.features.some((f) => f.columns.includes(name)))
        throw new RecipeError('not-numeric', `"${name}" is a ${c.kind} column; derived features need numbers.`, { column: name, field: 'features' });
      return s;
    });
    const specs = buildSpecs(recipe);
    if (specs.length === 0) throw new RecipeError('no-features', 'No column is a feature: the model would have nothing to learn from.', { field: 'columns' });
    const transformer = new ColumnTransformer({ columns: specs });
    const fitted = new FittedRecipe(recipe, inputs, transformer, task, classes);
    const log = new ProblemLog(table.rowCount, 1, 1);
    const resolved = fitted.resolveTable(table, log, 'fit');
    if (log.count) {
      const p = log.list[0];
      throw new RecipeError(p.reason, `Training ${p.message} (row ${p.row}; ${log.count} such value(s)).`, { column: p.column, row: p.row });
    }
    const full = fitted.addDerived(resolved);
    for (const s of inputs) {
      if (!isNumberKind(s.kind)) continue;
      const x = (full.get(s.name) as NumericColumn).values;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < x.length; i++) {
        if (x[i] < lo) lo = x[i];
        if (x[i] > hi) hi = x[i];
      }
      if (lo <= hi) {
        s.min = lo;
        s.max = hi;
      }
    }
    try {
      transformer.fit(fitted.transformerTable(full, table.rowCount));
    } catch (e) {
      if (e instanceof LoupeError && !(e instanceof RecipeError)) throw new RecipeError(e.code, e.message, e.where, { cause: e });
      throw e;
    }
    return fitted;
  }

  get target(): string {
    return this.recipe.target;
  }

  /** Output feature names, in matrix column order (one-hot columns as `color=D`). */
  get featureNames(): string[] {
    return this.transformer.features.map((f) => f.name);
  }

  /** Output features with their categorical flags (see ColumnTransformer). */
  get features(): FeatureInfo[] {
    return this.transformer.features.map((f) => ({ ...f }));
  }

  /**
   * Provenance of each output feature, in matrix column order: the input columns it is computed
   * from (one for a number, an ordinal code or a one-hot indicator; every input a derived
   * feature reads, through other derived features, in input order). Explanations fold feature
   * contributions back to input columns with it.
   */
  featureSources(): string[][] {
    const inputOrder = new Map(this.inputs.map((s, i) => [s.name, i]));
    const sources = new Map<string, Set<string>>();
    const of = (name: string): Set<string> => sources.get(name) ?? new Set([name]);
    for (const f of this.recipe.features) sources.set(f.name, new Set(f.columns.flatMap((c) => [...of(c)])));
    const out: string[][] = [];
    this.transformer.params.columns.forEach((spec, j) => {
      const fitted = this.transformer.fitted(j);
      const width = fitted.onehot ? fitted.onehot.outputLevels().length : 1;
      const cols = [...of(spec.column)].sort((a, b) => (inputOrder.get(a) ?? 0) - (inputOrder.get(b) ?? 0));
      for (let k = 0; k < width; k++) out.push(cols);
    });
    return out;
  }

  /** Encodes every row of `table`. Throws RecipeError 'missing-column' when a needed column is absent. */
  transformTable(table: Table, options: TransformOptions = {}): TableTransform {
    const n = table.rowCount;
    const log = new ProblemLog(n, options.firstRowNumber ?? 1, options.maxProblems ?? 10_000);
    for (const s of this.inputs)
      if (!columnByName(table, s.name))
        throw new RecipeError('missing-column', `Column "${s.name}" is missing from the table; the model needs it.`, { column: s.name, stage: 'prediction' });
    const X = this.encode(this.resolveTable(table, log, 'predict'), n, log);
    const out: TableTransform = { X, problems: this.sortProblems(log.list), problemCount: log.count, valid: log.valid };
    const yc = columnByName(table, this.recipe.target);
    if (yc && this.task === 'classification') out.y = this.lenientCodes(yc);
    else if (yc) out.y = yc.type === 'numeric' ? Float64Array.from(yc.values) : toNumbers(yc, undefined).values;
    return out;
  }

  /**
   * Classification: the class code of each row's target (NaN where missing). A label that is not
   * one of the classes is a RecipeError 'unseen-class' naming its row and the target column;
   * so is a table without the target ('missing-column').
   */
  targetCodes(table: Table, firstRowNumber = 1): Float64Array {
    if (this.task !== 'classification') throw new RecipeError('not-classification', `"${this.recipe.target}" is a regression target; it has no classes.`, { column: this.recipe.target, field: 'task' });
    const yc = columnByName(table, this.recipe.target);
    if (!yc) throw new RecipeError('missing-column', `The target "${this.recipe.target}" is not in the table.`, { column: this.recipe.target, field: 'target' });
    return classCodes(yc, this.classes, firstRowNumber);
  }

  /** Class codes with NaN for a missing value or a label outside the classes. */
  private lenientCodes(yc: Column): Float64Array {
    const index = new Map(this.classes.map((c, k) => [c, k]));
    if (yc.type === 'numeric') return yc.values.map((x) => (x === x ? (index.get(String(x)) ?? NaN) : NaN));
    const byLevel = yc.levels.map((l) => index.get(l) ?? NaN);
    return Float64Array.from(yc.codes, (c) => (c < 0 ? NaN : byLevel[c]));
  }

  /**
   * Encodes typed records (a form, CSV chunks as objects). Strings are read as the CSV loader
   * reads cells: its missing markers ('', NA, N/A, null, NaN, ?, -), numbers, and for unit
   * columns the number with that unit; anything else in a number column is read as missing.
   */
  transformRecords(records: Array<Record<string, RecordValue>>, firstRowNumber = 1): RecordsTransform {
    const log = new ProblemLog(records.length, firstRowNumber, Infinity);
    const resolved = this.resolveRecords(records, log);
    const X = this.encode(resolved, records.length, log);
    const inputs: Table = { rowCount: records.length, columns: this.inputs.map((s) => resolved.get(s.name)!) };
    return { X, problems: this.sortProblems(log.list), problemCount: log.count, valid: log.valid, inputs };
  }

  /**
   * Encodes input columns read from CSV cells (ReadInputs): the same matrix, problems and
   * validity as transformRecords gives for those rows as records, without the records.
   */
  transformRead(read: ReadInputs, firstRowNumber = 1): RecordsTransform {
    const log = new ProblemLog(read.rows, firstRowNumber, Infinity);
    const resolved = new Map<string, Column>();
    for (const s of this.inputs) {
      const c = read.columns.get(s.name);
      if (!c) throw new RecipeError('missing-column', `Column "${s.name}" is missing from the table; the model needs it.`, { column: s.name, stage: 'prediction' });
      resolved.set(s.name, c);
      for (const u of read.unreadable.get(s.name) ?? []) this.reportUnreadable(log, s, u.row, u.text);
      for (const i of read.absent.get(s.name) ?? []) this.reportAbsent(log, s, i);
    }
    const X = this.encode(resolved, read.rows, log);
    const inputs: Table = { rowCount: read.rows, columns: this.inputs.map((s) => resolved.get(s.name)!) };
    return { X, problems: this.sortProblems(log.list), problemCount: log.count, valid: log.valid, inputs };
  }

  /**
   * The input columns of `table` as the model reads them — numbers for number inputs (text read
   * as missing), labels otherwise — before imputation or encoding: what drift is measured on.
   * Throws RecipeError 'missing-column' when an input is absent.
   */
  inputTable(table: Table): Table {
    for (const s of this.inputs)
      if (!columnByName(table, s.name))
        throw new RecipeError('missing-column', `Column "${s.name}" is missing from the table; the model needs it.`, { column: s.name, stage: 'prediction' });
    const resolved = this.resolveTable(table, new ProblemLog(table.rowCount, 1, 0), 'predict');
    return { rowCount: table.rowCount, columns: this.inputs.map((s) => resolved.get(s.name)!) };
  }

  /** The target as the model learns it (log1p when the recipe says so; NaN for values ≤ −1). Class codes stay codes. */
  encodeTarget(y: Float64Array): Float64Array {
    if (this.recipe.targetTransform === 'none' || this.task === 'classification') return Float64Array.from(y);
    return y.map((x) => (x > -1 ? Math.log1p(x) : NaN));
  }

  /** Model outputs back in the target's units (expm1 for log1p). Class codes stay codes (`classes` names them). */
  decodeTarget(yhat: Float64Array): Float64Array {
    if (this.recipe.targetTransform === 'none' || this.task === 'classification') return Float64Array.from(yhat);
    return yhat.map(Math.expm1);
  }

  /** The input columns the model needs, with their levels, training ranges and fill values. */
  inputSchema(): InputColumn[] {
    const specs = this.transformer.params.columns;
    return this.inputs.map((s) => {
      const out: InputColumn = { name: s.name, kind: s.kind };
      if (s.unit) out.unit = s.unit;
      if (s.min !== undefined) out.min = s.min;
      if (s.max !== undefined) out.max = s.max;
      const j = specs.findIndex((c) => c.column === s.name);
      if (j >= 0) {
        const f = this.transformer.fitted(j);
        out.fill = f.imputer.fill;
        if (f.ordinal) out.levels = [...f.ordinal.categories];
        else if (f.onehot) out.levels = [...f.onehot.fittedState.categories, ...f.onehot.fittedState.infrequent];
      }
      return out;
    });
  }

  /** What was learned per feature column (fill value, scaler statistics, categories), in output order. */
  learned(): LearnedColumn[] {
    return this.transformer.params.columns.map((spec, j) => {
      const f = this.transformer.fitted(j);
      const out: LearnedColumn = { column: spec.column, fill: f.imputer.fill };
      if (f.scaler instanceof StandardScaler) {
        out.mean = f.scaler.mean;
        out.scale = f.scaler.scale;
      } else if (f.scaler instanceof MinMaxScaler) {
        out.dataMin = f.scaler.dataMin;
        out.dataMax = f.scaler.dataMax;
      }
      if (f.ordinal) out.categories = [...f.ordinal.categories];
      if (f.onehot) out.categories = f.onehot.outputLevels();
      return out;
    });
  }

  toJSON(): FittedRecipeJSON {
    return {
      type: 'fitted-recipe',
      version: 1,
      recipe: recipeToJSON(this.recipe),
      ...(this.task === 'classification' ? { task: this.task, classes: [...this.classes] } : {}),
      inputs: this.inputs.map((s) => ({ ...s })),
      transformer: this.transformer.toJSON(),
    };
  }

  /** Rebuilds a fitted recipe from `toJSON()` output, validating every part (BundleError / RecipeError name the field). */
  static fromJSON(json: unknown): FittedRecipe {
    const p = parseOrThrow(FITTED_SCHEMA, json, '');
    let recipe: Recipe;
    try {
      recipe = parseRecipe(p.recipe);
    } catch (e) {
      if (e instanceof RecipeError) throw new BundleError('bad-recipe', `recipe.${e.message}`, { ...e.where, field: `recipe.${e.where.field ?? ''}` }, { cause: e });
      throw e;
    }
    const transformer = ColumnTransformer.fromJSON(p.transformer, 'transformer');
    const want = buildSpecs(recipe).map((s) => s.column);
    const got = transformer.params.columns.map((s) => s.column);
    if (want.join('\u0000') !== got.join('\u0000'))
      throw new BundleError('bad-state', 'transformer.params.columns: the fitted columns do not match the recipe.', { field: 'transformer.params.columns' });
    try {
      void transformer.features;
    } catch {
      throw new BundleError('bad-state', 'transformer.state: the recipe was never fitted.', { field: 'transformer.state' });
    }
    const wantInputs = recipeInputs(recipe);
    if (wantInputs.join('\u0000') !== p.inputs.map((s) => s.name).join('\u0000'))
      throw new BundleError('bad-state', 'inputs: the input columns do not match the recipe.', { field: 'inputs' });
    const byName = new Map(recipe.columns.map((c) => [c.name, c]));
    p.inputs.forEach((s, i) => {
      const c = byName.get(s.name);
      if (s.kind !== (c ? c.kind : 'numeric') || (s.unit ?? '') !== (c?.unit || ''))
        throw new BundleError('bad-state', `inputs[${i}]: the kind or unit of "${s.name}" does not match the recipe.`, { field: `inputs[${i}]`, column: s.name });
    });
    const inputs: InputState[] = p.inputs.map((s) => {
      const o: InputState = { name: s.name, kind: s.kind };
      if (s.unit !== undefined) o.unit = s.unit;
      if (s.min !== undefined) o.min = s.min;
      if (s.max !== undefined) o.max = s.max;
      return o;
    });
    const task = p.task ?? 'regression';
    if (task === 'classification') {
      const classes = p.classes;
      if (!classes || classes.length < 2)
        throw new BundleError('bad-state', 'classes: a classification recipe needs its class labels, at least two.', { field: 'classes' });
      const dup = classes.findIndex((c, k) => classes.indexOf(c) !== k);
      if (dup >= 0) throw new BundleError('bad-state', `classes[${dup}]: ${JSON.stringify(classes[dup])} is listed twice.`, { field: `classes[${dup}]` });
      if (recipe.targetTransform !== 'none')
        throw new BundleError('bad-state', 'recipe.targetTransform: a classification target takes no transform.', { field: 'recipe.targetTransform' });
      if (recipe.task === 'regression') throw new BundleError('bad-state', 'task: the recipe asks for regression but was fitted for classification.', { field: 'task' });
    } else {
      if (p.classes !== undefined) throw new BundleError('bad-state', 'classes: a regression recipe has no classes.', { field: 'classes' });
      if (recipe.task === 'classification') throw new BundleError('bad-state', 'task: the recipe asks for classification but was fitted for regression.', { field: 'task' });
    }
    return new FittedRecipe(recipe, inputs, transformer, task, p.classes ?? []);
  }

  // ---- internals ----

  /** By row, then column (inputs, then derived features), then discovery order. */
  private sortProblems(list: RowProblem[]): RowProblem[] {
    const order = new Map<string, number>();
    for (const s of this.inputs) order.set(s.name, order.size);
    for (const f of this.recipe.features) order.set(f.name, order.size);
    const rank = (c: string) => order.get(c) ?? order.size;
    return list
      .map((p, i) => ({ p, i }))
      .sort((a, b) => a.p.row - b.p.row || rank(a.p.column) - rank(b.p.column) || a.i - b.i)
      .map((x) => x.p);
  }

  /** The imputer's fill value for an input, as a message writes it (undefined when it only feeds derived features). */
  private fillText(s: InputState): string | undefined {
    const j = this.transformer.params.columns.findIndex((c) => c.column === s.name);
    if (j < 0) return undefined;
    const fill = this.transformer.fitted(j).imputer.fill;
    return typeof fill === 'number' ? String(fill) : JSON.stringify(fill);
  }

  private reportAbsent(log: ProblemLog, s: InputState, i: number): void {
    const fill = this.fillText(s);
    log.addFirst({ row: i, column: s.name, reason: 'missing-column', severity: 'warning', message: fill === undefined ? 'not given.' : `not given; filled with ${fill}.` });
  }

  /** A number input's cell that is not a number: missing, as training read such cells, and imputed. */
  private reportUnreadable(log: ProblemLog, s: InputState, i: number, raw: RecordValue): void {
    const fill = this.fillText(s);
    log.addFirst({
      row: i,
      column: s.name,
      reason: 'not-a-number',
      severity: 'warning',
      message: `${typeof raw === 'string' ? JSON.stringify(raw) : String(raw)} is not a number${s.unit ? ` in ${s.unit}` : ''}; read as missing, as in training${fill === undefined ? '' : `, and filled with ${fill}`}.`,
    });
  }

  /** Each input column of `records`, read by the CSV loader's rules; problems reading a cell go to `log`. */
  private resolveRecords(records: Array<Record<string, RecordValue>>, log: ProblemLog): Map<string, Column> {
    const n = records.length;
    const resolved = new Map<string, Column>();
    for (const s of this.inputs) {
      const absent = (i: number) => !(s.name in records[i]);
      if (isNumberKind(s.kind)) {
        const values = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const raw = records[i][s.name];
          const x = readNumber(raw, s.unit);
          if (x === undefined) {
            values[i] = NaN;
            this.reportUnreadable(log, s, i, raw);
          } else {
            values[i] = x;
            if (x !== x && absent(i)) this.reportAbsent(log, s, i);
          }
        }
        resolved.set(s.name, { type: 'numeric', name: s.name, values });
      } else {
        const levels: string[] = [];
        const index = new Map<string, number>();
        const codes = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          const l = readLabel(records[i][s.name]);
          if (l === undefined) {
            codes[i] = -1;
            if (absent(i)) this.reportAbsent(log, s, i);
            continue;
          }
          let k = index.get(l);
          if (k === undefined) {
            k = levels.length;
            levels.push(l);
            index.set(l, k);
          }
          codes[i] = k;
        }
        resolved.set(s.name, { type: 'categorical', name: s.name, codes, levels });
      }
    }
    return resolved;
  }

  /**
   * Each input column in the storage the recipe expects, converting numbers ↔ labels by string.
   * Text in a number column is read as missing when predicting, and refused when fitting.
   */
  private resolveTable(table: Table, log: ProblemLog, stage: 'fit' | 'predict'): Map<string, Column> {
    const out = new Map<string, Column>();
    for (const s of this.inputs) {
      const c = columnByName(table, s.name)!;
      if (!c) throw new RecipeError('missing-column', `Column "${s.name}" is missing from the table.`, { column: s.name });
      if (isNumberKind(s.kind)) {
        if (c.type === 'numeric') out.set(s.name, c);
        else {
          const r = toNumbers(c, s.unit);
          for (let i = 0; i < table.rowCount; i++) {
            const k = c.codes[i];
            if (k < 0 || !r.bad[k]) continue;
            if (stage === 'predict') this.reportUnreadable(log, s, i, c.levels[k]);
            else log.addFirst({ row: i, column: s.name, reason: 'not-a-number', severity: 'error', message: `"${c.levels[k]}" is not a number.` });
          }
          out.set(s.name, { type: 'numeric', name: s.name, values: r.values });
        }
      } else out.set(s.name, c.type === 'categorical' ? c : numbersAsLabels(c));
    }
    return out;
  }

  private addDerived(resolved: Map<string, Column>): Map<string, Column> {
    const all = new Map(resolved);
    for (const f of this.recipe.features) {
      const ins = f.columns.map((c) => (all.get(c) as NumericColumn).values);
      all.set(f.name, { type: 'numeric', name: f.name, values: computeDerived(f, ins) });
    }
    return all;
  }

  private transformerTable(all: Map<string, Column>, n: number): Table {
    return { rowCount: n, columns: this.transformer.params.columns.map((s) => all.get(s.column)!) };
  }

  private encode(resolved: Map<string, Column>, n: number, log: ProblemLog): Matrix {
    const all = this.addDerived(resolved);
    const derived = new Map(this.recipe.features.map((f) => [f.name, f]));
    return this.transformer.transform(this.transformerTable(all, n), {
      onProblem: (p) => {
        if (log.isFlagged(p.column, p.row)) return;
        const f = derived.get(p.column);
        if (f && f.columns.some((c) => log.isFlagged(c, p.row))) return; // its source already has a problem
        if (f && p.reason === 'missing-value') {
          const fill = p.message.replace(/^missing; /, '');
          log.add({ ...p, message: `could not be computed as ${describeDerived(f)}; ${fill}` });
        } else log.add(p);
      },
    });
  }
}

/** Fits `recipe` on `table`, the training rows after cleaning. */
export function fitRecipe(recipe: Recipe, table: Table, options: FitRecipeOptions = {}): FittedRecipe {
  return FittedRecipe.fit(recipe, table, options);
}

function buildSpecs(recipe: Recipe): ColumnSpec[] {
  const specs: ColumnSpec[] = [];
  for (const c of recipe.columns) {
    if (c.role !== 'feature') continue;
    const impute = c.impute.fill === undefined ? { strategy: c.impute.strategy } : { strategy: c.impute.strategy, fillValue: c.impute.fill };
    const s: ColumnSpec = { column: c.name, input: isNumberKind(c.kind) ? 'number' : 'category', impute };
    if (isNumberKind(c.kind)) s.scale = c.encode as 'standard' | 'minmax' | 'none';
    else {
      s.encode = c.encode as 'ordinal' | 'onehot';
      if (c.encode === 'ordinal') {
        s.order = c.order;
        s.unknown = c.unknown ?? 'nan';
        s.scale = c.scale ?? 'none';
      }
      if (c.maxCategories !== undefined) s.maxCategories = c.maxCategories;
    }
    if (c.range) s.featureRange = [c.range[0], c.range[1]];
    specs.push(s);
  }
  for (const f of recipe.features) {
    const imp = f.impute ?? { strategy: 'median' as const };
    specs.push({
      column: f.name,
      input: 'number',
      impute: imp.fill === undefined ? { strategy: imp.strategy } : { strategy: imp.strategy, fillValue: imp.fill },
      scale: f.scale ?? 'standard',
    });
  }
  return specs;
}

/** Levels parsed as numbers (NaN where not a number, flagged in `bad`). */
function toNumbers(c: CategoricalColumn, unit: string | undefined): { values: Float64Array; bad: Uint8Array } {
  const parsed = c.levels.map((l) => readNumber(l, unit));
  const bad = Uint8Array.from(parsed, (x) => (x === undefined ? 1 : 0));
  const values = new Float64Array(c.codes.length);
  for (let i = 0; i < values.length; i++) {
    const k = c.codes[i];
    values[i] = k < 0 ? NaN : (parsed[k] ?? NaN);
  }
  return { values, bad };
}

const FITTED_SCHEMA = v.strictObject({
  type: v.literal('fitted-recipe'),
  version: v.literal(1),
  recipe: v.unknown(),
  task: v.optional(v.picklist(['regression', 'classification'])),
  classes: v.optional(v.array(v.string())),
  inputs: v.array(
    v.strictObject({
      name: v.pipe(v.string(), v.minLength(1)),
      kind: v.picklist(['numeric', 'categorical', 'ordinal', 'unit']),
      unit: v.optional(v.string()),
      min: v.optional(finiteNumber),
      max: v.optional(finiteNumber),
    }),
  ),
  transformer: v.unknown(),
});
