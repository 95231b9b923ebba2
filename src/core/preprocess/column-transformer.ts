/**
 * scikit-learn's ColumnTransformer, restricted to what Loupe needs: per column one chain
 *   numbers:     SimpleImputer → StandardScaler | MinMaxScaler | nothing
 *   categories:  SimpleImputer → OrdinalEncoder → StandardScaler | MinMaxScaler | nothing
 *                SimpleImputer → OneHotEncoder
 * fitted on the training rows only, producing one dense row-major Matrix.
 *
 * Unseen categories of an ordinal column with unknown 'nan' become missing and are imputed with the
 * column's fill value ("imputed downstream"); with 'error' the row cannot be encoded. One-hot columns
 * encode an unseen category as all zeros.
 *
 * Feature flags for models: an ordinal column left unscaled (scale 'none') holds codes 0..k-1 and is
 * flagged `categorical: true, levels: k` so tree models may split on it natively. Scaled codes and
 * one-hot indicators are plain quantities (no flag): threshold splits already see the order.
 */
import * as v from 'valibot';
import { BundleError, InvalidInputError, InvalidParamsError, NotFittedError, RowError } from '../errors';
import type { Column, Table } from '../data/types';
import type { FeatureInfo, Matrix } from '../models/types';
import { SimpleImputer, type SimpleImputerOptions } from './simple-imputer';
import { MinMaxScaler, StandardScaler } from './scalers';
import { OneHotEncoder, OrdinalEncoder, mapLevels } from './encoders';
import { type Labels, type ProblemSink, type SerializedTransformer, finiteNumber, parseOrThrow, show } from './types';

export type ScaleKind = 'standard' | 'minmax' | 'none';

/** The chain of one input column. */
export interface ColumnSpec {
  /** Input column name; its Table column must be numeric for input 'number', categorical for 'category'. */
  column: string;
  /** What the column holds. */
  input: 'number' | 'category';
  /** Imputation of missing values (numbers: any strategy; categories: most_frequent or constant). */
  impute: SimpleImputerOptions;
  /** Category encoding; required for input 'category', absent for numbers. */
  encode?: 'ordinal' | 'onehot';
  /** Ordinal: category order, lowest first. Default: sorted training levels. */
  order?: string[];
  /** Ordinal: unseen categories become missing and are imputed ('nan') or make the row fail ('error'). Default 'nan'. */
  unknown?: 'nan' | 'error';
  /** One-hot: cap on output columns (see OneHotEncoder). */
  maxCategories?: number;
  /** Scaling of numbers and ordinal codes. Default 'none'. */
  scale?: ScaleKind;
  /** Min-max output range. Default [0, 1]. */
  featureRange?: [number, number];
}

export interface ColumnTransformerOptions {
  /** One chain per output block, in output order. */
  columns: ColumnSpec[];
}

interface FittedColumn {
  imputer: SimpleImputer;
  ordinal?: OrdinalEncoder;
  onehot?: OneHotEncoder;
  scaler?: StandardScaler | MinMaxScaler;
  /** Training range of a numeric input (non-missing values). */
  min?: number;
  max?: number;
}

export interface ColumnTransformOptions {
  /** Receives per-cell problems. Without it, an 'error' problem throws RowError and warnings are dropped. */
  onProblem?: ProblemSink;
  /** Row number of the first row for thrown errors (1-based data rows). Default 1. */
  firstRow?: number;
}

function validateSpec(s: ColumnSpec, i: number): void {
  const f = (name: string) => `columns[${i}].${name}`;
  if (typeof s.column !== 'string' || !s.column) throw new InvalidParamsError('bad-param', `${f('column')} must be a column name.`, { field: f('column') });
  if (s.input !== 'number' && s.input !== 'category')
    throw new InvalidParamsError('bad-param', `${f('input')} must be 'number' or 'category'.`, { field: f('input') });
  if (s.input === 'number' && s.encode !== undefined)
    throw new InvalidParamsError('bad-param', `${s.column}: numbers take no category encoding.`, { field: f('encode') });
  if (s.input === 'category' && s.encode !== 'ordinal' && s.encode !== 'onehot')
    throw new InvalidParamsError('bad-param', `${s.column}: categories need encode 'ordinal' or 'onehot'.`, { field: f('encode') });
  if (s.encode === 'onehot' && s.scale !== undefined && s.scale !== 'none')
    throw new InvalidParamsError('bad-param', `${s.column}: one-hot indicators are not scaled.`, { field: f('scale') });
  if (s.scale !== undefined && !['standard', 'minmax', 'none'].includes(s.scale))
    throw new InvalidParamsError('bad-param', `${f('scale')} must be standard, minmax or none.`, { field: f('scale') });
  if (s.unknown !== undefined && s.unknown !== 'nan' && s.unknown !== 'error')
    throw new InvalidParamsError('bad-param', `${f('unknown')} must be 'nan' or 'error'.`, { field: f('unknown') });
}

export class ColumnTransformer {
  readonly params: Readonly<ColumnTransformerOptions>;
  private fittedColumns?: FittedColumn[];
  private featureInfo?: FeatureInfo[];

  constructor(options: ColumnTransformerOptions) {
    if (!options || !Array.isArray(options.columns) || options.columns.length === 0)
      throw new InvalidParamsError('bad-param', 'columns must list at least one column.', { field: 'columns' });
    options.columns.forEach(validateSpec);
    const seen = new Set<string>();
    options.columns.forEach((c, i) => {
      if (seen.has(c.column)) throw new InvalidParamsError('bad-param', `Column ${c.column} is listed twice.`, { field: `columns[${i}].column` });
      seen.add(c.column);
    });
    this.params = { columns: options.columns.map((c) => ({ ...c })) };
  }

  /** Output features (names and categorical flags), after fit. */
  get features(): FeatureInfo[] {
    if (!this.featureInfo) throw new NotFittedError('ColumnTransformer');
    return this.featureInfo;
  }

  /** Fitted imputer/encoder/scaler and training range of the i-th column chain. */
  fitted(i: number): Readonly<FittedColumn> {
    if (!this.fittedColumns) throw new NotFittedError('ColumnTransformer');
    return this.fittedColumns[i];
  }

  /** Fits every chain on the rows of `table` (the training rows). */
  fit(table: Table): this {
    const fitted: FittedColumn[] = [];
    for (const spec of this.params.columns) {
      const col = findColumn(table, spec);
      const imputer = new SimpleImputer(spec.impute);
      if (spec.input === 'number') {
        const values = (col as { values: Float64Array }).values;
        imputer.fit(values, spec.column);
        let min = Infinity;
        let max = -Infinity;
        for (let i = 0; i < values.length; i++) {
          if (values[i] < min) min = values[i];
          if (values[i] > max) max = values[i];
        }
        const filled = imputer.transformNumbers(values);
        if (min > max) min = max = filled[0]; // all missing but a constant fill: the fill is the range
        fitted.push({ imputer, scaler: fitScaler(spec, filled), min, max });
      } else {
        const labels = col as Labels;
        imputer.fit(labels, spec.column);
        const filled = imputer.transformLabels(labels);
        if (spec.encode === 'ordinal') {
          const ordinal = new OrdinalEncoder({ categories: spec.order, handleUnknown: 'nan' }).fit(filled, spec.column);
          if (ordinal.code(String(imputer.fill)) < 0)
            throw new InvalidInputError('order-incomplete', `${spec.column}: the order does not list the fill value "${imputer.fill}".`, { column: spec.column });
          const codes = ordinal.transform(filled);
          fitted.push({ imputer, ordinal, scaler: fitScaler(spec, codes) });
        } else {
          const onehot = new OneHotEncoder({ maxCategories: spec.maxCategories }).fit(filled, spec.column);
          fitted.push({ imputer, onehot });
        }
      }
    }
    this.fittedColumns = fitted;
    this.featureInfo = this.describe();
    return this;
  }

  /**
   * Encodes `table` (any rows; categorical levels are matched by string). Missing values are
   * imputed (warning), numbers outside the training range pass through (warning), unseen
   * categories follow the column's rule.
   */
  transform(table: Table, options: ColumnTransformOptions = {}): Matrix {
    const fittedColumns = this.fittedColumns;
    if (!fittedColumns) throw new NotFittedError('ColumnTransformer');
    const n = table.rowCount;
    const cols = this.features.length;
    const data = new Float64Array(n * cols);
    const firstRow = options.firstRow ?? 1;
    const report =
      options.onProblem ??
      ((p) => {
        if (p.severity === 'error') throw new RowError(p.reason, `Row ${firstRow + p.row}, ${p.column}: ${p.message}`, { row: firstRow + p.row, column: p.column });
      });
    let offset = 0;
    this.params.columns.forEach((spec, j) => {
      const f = fittedColumns[j];
      const col = findColumn(table, spec);
      const name = spec.column;
      if (spec.input === 'number') {
        const values = (col as { values: Float64Array }).values;
        const fill = f.imputer.fill as number;
        const lo = f.min!;
        const hi = f.max!;
        for (let i = 0; i < n; i++) {
          let x = values[i];
          if (x !== x) {
            x = fill;
            report({ row: i, column: name, reason: 'missing-value', severity: 'warning', message: `missing; filled with ${show(fill)}.` });
          } else if (x < lo || x > hi) {
            report({ row: i, column: name, reason: 'out-of-range', severity: 'warning', message: `${show(x)} is outside the training range [${show(lo)}, ${show(hi)}].` });
          }
          data[i * cols + offset] = f.scaler ? f.scaler.apply(x) : x;
        }
        offset += 1;
        return;
      }
      const labels = col as Labels;
      const fill = String(f.imputer.fill);
      if (f.ordinal) {
        const map = mapLevels(labels.levels, f.ordinal.categories);
        const fillCode = f.ordinal.code(fill);
        for (let i = 0; i < n; i++) {
          const c = labels.codes[i];
          let code: number;
          if (c < 0) {
            code = fillCode;
            report({ row: i, column: name, reason: 'missing-value', severity: 'warning', message: `missing; filled with "${fill}".` });
          } else if (map[c] >= 0) code = map[c];
          else if ((spec.unknown ?? 'nan') === 'nan') {
            code = fillCode;
            report({ row: i, column: name, reason: 'unseen-category', severity: 'warning', message: `"${labels.levels[c]}" was not seen in training; treated as missing and filled with "${fill}".` });
          } else {
            code = NaN;
            report({ row: i, column: name, reason: 'unseen-category', severity: 'error', message: `"${labels.levels[c]}" was not seen in training.` });
          }
          data[i * cols + offset] = f.scaler ? f.scaler.apply(code) : code;
        }
        offset += 1;
        return;
      }
      const onehot = f.onehot!;
      const slots = labels.levels.map((l) => onehot.slot(l));
      const fillSlot = onehot.slot(fill);
      for (let i = 0; i < n; i++) {
        const c = labels.codes[i];
        let s: number;
        if (c < 0) {
          s = fillSlot;
          report({ row: i, column: name, reason: 'missing-value', severity: 'warning', message: `missing; filled with "${fill}".` });
        } else {
          s = slots[c];
          if (s < 0)
            report({ row: i, column: name, reason: 'unseen-category', severity: 'warning', message: `"${labels.levels[c]}" was not seen in training; encoded as none of the known categories.` });
        }
        if (s >= 0) data[i * cols + offset + s] = 1;
      }
      offset += onehot.width;
    });
    return { data, rows: n, cols, features: this.features.map((x) => ({ ...x })) };
  }

  toJSON(): SerializedTransformer {
    return {
      type: 'column-transformer',
      params: { columns: this.params.columns.map((c) => ({ ...c })) },
      state: this.fittedColumns
        ? {
            columns: this.fittedColumns.map((f) => ({
              imputer: f.imputer.toJSON(),
              encoder: f.ordinal ? f.ordinal.toJSON() : f.onehot ? f.onehot.toJSON() : null,
              scaler: f.scaler ? f.scaler.toJSON() : null,
              min: f.min ?? null,
              max: f.max ?? null,
            })),
          }
        : null,
    };
  }

  static fromJSON(s: unknown, root = 'column-transformer'): ColumnTransformer {
    const p = parseOrThrow(CT_SCHEMA, s, root);
    let ct: ColumnTransformer;
    try {
      ct = new ColumnTransformer(p.params as ColumnTransformerOptions);
    } catch (e) {
      if (e instanceof InvalidParamsError) throw new BundleError('bad-params', `${root}.params.${e.where.field}: ${e.message}`, { field: `${root}.params.${e.where.field}` });
      throw e;
    }
    if (p.state) {
      if (p.state.columns.length !== ct.params.columns.length)
        throw new BundleError('bad-state', `${root}.state.columns: one fitted chain per column is required.`, { field: `${root}.state.columns` });
      ct.fittedColumns = p.state.columns.map((c, i) => {
        const spec = ct.params.columns[i];
        const at = `${root}.state.columns[${i}]`;
        const bad = (what: string) => new BundleError('bad-state', `${at}.${what} does not match column ${spec.column}.`, { field: `${at}.${what}` });
        for (const part of ['imputer', 'encoder', 'scaler'] as const) {
          const x = c[part];
          if (x !== null && typeof x === 'object' && (x as { state?: unknown }).state === null)
            throw new BundleError('bad-state', `${at}.${part}.state: a fitted column needs fitted state.`, { field: `${at}.${part}.state` });
        }
        const f: FittedColumn = { imputer: SimpleImputer.fromJSON(c.imputer, `${at}.imputer`) };
        const fill = f.imputer.fill;
        if (spec.input === 'number') {
          if (c.min === null || c.max === null) throw bad('min');
          if (c.encoder !== null) throw bad('encoder');
          if (typeof fill !== 'number') throw bad('imputer');
          f.min = c.min;
          f.max = c.max;
        } else {
          if (typeof fill !== 'string') throw bad('imputer');
          if (spec.encode === 'ordinal') {
            f.ordinal = OrdinalEncoder.fromJSON(c.encoder, `${at}.encoder`);
            if (f.ordinal.code(fill) < 0) throw bad('encoder');
          } else f.onehot = OneHotEncoder.fromJSON(c.encoder, `${at}.encoder`);
        }
        const scale = spec.scale ?? 'none';
        if ((scale === 'none') !== (c.scaler === null)) throw bad('scaler');
        if (c.scaler) f.scaler = scale === 'standard' ? StandardScaler.fromJSON(c.scaler, `${at}.scaler`) : MinMaxScaler.fromJSON(c.scaler, `${at}.scaler`);
        return f;
      });
      ct.featureInfo = ct.describe();
    }
    return ct;
  }

  private describe(): FeatureInfo[] {
    const out: FeatureInfo[] = [];
    this.params.columns.forEach((spec, j) => {
      const f = this.fittedColumns![j];
      if (f.onehot) for (const l of f.onehot.outputLevels()) out.push({ name: `${spec.column}=${l}` });
      else if (f.ordinal && !f.scaler) out.push({ name: spec.column, categorical: true, levels: f.ordinal.categories.length });
      else out.push({ name: spec.column });
    });
    return out;
  }
}

function fitScaler(spec: ColumnSpec, values: Float64Array): StandardScaler | MinMaxScaler | undefined {
  const scale = spec.scale ?? 'none';
  if (scale === 'standard') return new StandardScaler().fit(values, spec.column);
  if (scale === 'minmax') return new MinMaxScaler({ featureRange: spec.featureRange }).fit(values, spec.column);
  return undefined;
}

function findColumn(table: Table, spec: ColumnSpec): Column {
  const col = table.columns.find((c) => c.name === spec.column);
  if (!col) throw new InvalidInputError('missing-column', `Column ${spec.column} is missing.`, { column: spec.column });
  const want = spec.input === 'number' ? 'numeric' : 'categorical';
  if (col.type !== want)
    throw new InvalidInputError('wrong-column-type', `Column ${spec.column} must be ${want} but is ${col.type}.`, { column: spec.column });
  return col;
}

const SPEC_SCHEMA = v.strictObject({
  column: v.pipe(v.string(), v.minLength(1)),
  input: v.picklist(['number', 'category']),
  impute: v.strictObject({
    strategy: v.optional(v.picklist(['mean', 'median', 'most_frequent', 'constant'])),
    fillValue: v.optional(v.union([finiteNumber, v.string()])),
  }),
  encode: v.optional(v.picklist(['ordinal', 'onehot'])),
  order: v.optional(v.array(v.string())),
  unknown: v.optional(v.picklist(['nan', 'error'])),
  maxCategories: v.optional(v.number()),
  scale: v.optional(v.picklist(['standard', 'minmax', 'none'])),
  featureRange: v.optional(v.tuple([finiteNumber, finiteNumber])),
});

const CT_SCHEMA = v.strictObject({
  type: v.literal('column-transformer'),
  params: v.strictObject({ columns: v.array(SPEC_SCHEMA) }),
  state: v.nullable(
    v.strictObject({
      columns: v.array(
        v.strictObject({
          imputer: v.unknown(),
          encoder: v.unknown(),
          scaler: v.unknown(),
          min: v.nullable(finiteNumber),
          max: v.nullable(finiteNumber),
        }),
      ),
    }),
  ),
});
