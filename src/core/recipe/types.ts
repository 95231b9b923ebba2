/**
 * The Recipe: how a table becomes a model's input, declared as data (never code). A person edits
 * it in the UI; it is stored as JSON with a run and, fitted, inside a model bundle.
 */
import type { TaskChoice } from '../data/task';
import type { ImputeStrategy } from '../preprocess/simple-imputer';

/** What a column holds, as far as the recipe is concerned. */
export type RecipeColumnKind = 'numeric' | 'categorical' | 'ordinal' | 'unit';

/** Encoding of a column: numbers 'standard' | 'minmax' | 'none'; categories 'ordinal' | 'onehot'. */
export type ColumnEncoding = 'standard' | 'minmax' | 'none' | 'ordinal' | 'onehot';

export interface ImputeRecipe {
  /** numbers: mean | median | most_frequent | constant; categories: most_frequent | constant. */
  strategy: ImputeStrategy;
  /** Fill value for 'constant' (a number for numbers, a label for categories). */
  fill?: number | string;
}

export interface ColumnRecipe {
  /** Column name in the table. */
  name: string;
  /** 'feature' feeds the model; 'ignore' does not (the column may still feed a derived feature). */
  role: 'feature' | 'ignore';
  kind: RecipeColumnKind;
  impute: ImputeRecipe;
  encode: ColumnEncoding;
  /** encode 'ordinal': the levels in order, lowest first (code 0). Required for 'ordinal'. */
  order?: string[];
  /** encode 'ordinal': scaling of the codes after encoding. Default 'none' (codes stay 0..k-1). */
  scale?: 'standard' | 'minmax' | 'none';
  /** encode 'ordinal': an unseen category is imputed ('nan', a warning) or makes the row fail ('error'). Default 'nan'. */
  unknown?: 'nan' | 'error';
  /** encode 'onehot': cap on indicator columns; the rarest levels share one `(other)` column. */
  maxCategories?: number;
  /** encode 'minmax' (or scale 'minmax'): output range [low, high]. Default [0, 1]. */
  range?: [number, number];
  /** kind 'unit': the unit stripped from typed values such as "23.4 kmpl". */
  unit?: string;
}

export type Comparison = '>' | '>=' | '<' | '<=' | '==' | '!=';

/**
 * Training-time cleaning, applied in order. Comparisons follow IEEE/pandas: a missing value fails
 * every comparison except '!=' (so a filter `x > 0` also removes rows where x is missing).
 */
export type CleaningStep =
  /** Keep the first of identical rows, compared over `columns` (default: the features' source columns and the target). */
  | { op: 'drop-duplicates'; columns?: string[] }
  /** Keep rows where `column cmp value`. A string value compares labels (== and != only). */
  | { op: 'filter'; column: string; cmp: Comparison; value: number | string }
  /** Drop rows where `column` is missing (default: any source column of a feature, or the target). */
  | { op: 'drop-missing'; column?: string };

export type DerivedOp = 'product' | 'ratio' | 'sum' | 'difference' | 'log' | 'log1p' | 'power';

/**
 * A feature computed from numeric columns (or earlier derived features) before imputation:
 * product/sum of ≥ 2 columns, ratio/difference of exactly 2 (a / b, a − b), log/log1p/power of 1.
 * A missing input, a zero denominator, a log of a non-positive number or any non-finite result
 * gives a missing value, which the feature's imputer then fills (a warning per row).
 */
export interface DerivedFeature {
  name: string;
  op: DerivedOp;
  columns: string[];
  /** op 'power': the exponent. */
  exponent?: number;
  /** Imputation of missing results. Default median. */
  impute?: ImputeRecipe;
  /** Scaling. Default 'standard'. */
  scale?: 'standard' | 'minmax' | 'none';
}

export interface Recipe {
  version: 1;
  /** The column to predict: numbers (regression) or classes (classification). Never a feature. */
  target: string;
  /**
   * Regression or classification, or 'auto': inferred from the target (data/task.ts, with the
   * reason). Absent in recipes written before classification: numbers are regression, labels
   * classification.
   */
  task?: TaskChoice;
  /** 'log1p': the model learns log(1 + y); predictions are mapped back with expm1. Regression only. */
  targetTransform: 'none' | 'log1p';
  /** Every non-target column, in table order. */
  columns: ColumnRecipe[];
  cleaning: CleaningStep[];
  features: DerivedFeature[];
}

/** A recipe choice that does not fit the data, explained in plain words next to the field. */
export interface RecipeIssue {
  severity: 'error' | 'warning';
  /** Path of the offending field, e.g. `features[1].columns[0]` or `columns[3].order`. */
  field: string;
  column?: string;
  message: string;
}

/** One problem with one row while encoding it for a model. */
export interface RowProblem {
  /** 1-based data row number (header = row 0) or the record number given by the caller. */
  row: number;
  column: string;
  /** 'out-of-range' is an input outside its training range; 'out-of-range-prediction' a prediction outside the target's. */
  reason: 'missing-column' | 'missing-value' | 'unseen-category' | 'not-a-number' | 'out-of-range' | 'out-of-range-prediction';
  /** 'warning': the value was imputed (or is unusual) and the row still gets a prediction; 'error': it cannot. */
  severity: 'error' | 'warning';
  message: string;
}

/** One input column a fitted recipe needs, for the predict form and bundle metadata. */
export interface InputColumn {
  name: string;
  kind: RecipeColumnKind;
  unit?: string;
  /** Categories in order (ordinal order, or the one-hot categories). */
  levels?: string[];
  /** Training range of a number (non-missing training values). */
  min?: number;
  max?: number;
  /** Value used when the input is missing (absent for inputs that only feed derived features). */
  fill?: number | string;
}

/** Values a record may hold (a form field, a CSV cell). */
export type RecordValue = string | number | null | undefined;
