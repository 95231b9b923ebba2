/**
 * Errors a person can meet. Every one has a stable `code`, a plain-words message, and the
 * row / column / field / stage it concerns where there is one, so the UI and the CLI can show
 * it without parsing text. Internal bugs stay plain `Error`s.
 */

export interface ErrorLocation {
  /** 1-based data row number (the header is row 0), as a person counts rows in a spreadsheet. */
  row?: number;
  /** Several rows, e.g. the ragged ones. */
  rows?: number[];
  column?: string;
  /** A field of a structured input (a bundle path such as `model.state.left[12]`, an option name). */
  field?: string;
  /** Pipeline stage: ingestion, transformation, training, evaluation, prediction. */
  stage?: PipelineStage;
}

export type PipelineStage = 'ingestion' | 'transformation' | 'training' | 'evaluation' | 'prediction';

export class LoupeError extends Error {
  readonly code: string;
  readonly where: ErrorLocation;
  constructor(code: string, message: string, where: ErrorLocation = {}, options?: { cause?: unknown }) {
    super(message, options);
    // Not new.target.name: minified builds rename classes, and the UI and worker transfer rely on names.
    this.name = 'LoupeError';
    this.code = code;
    this.where = where;
  }
  toJSON(): { name: string; code: string; message: string; where: ErrorLocation } {
    return { name: this.name, code: this.code, message: this.message, where: this.where };
  }
}

/** The CSV could not be read as a table: empty, header only, bad encoding, duplicate names, not a CSV. */
export class CsvError extends LoupeError {
  override name = 'CsvError';
}

/** Input values a model or transformer cannot accept: NaN/Infinity, empty input, shape mismatch. */
export class InvalidInputError extends LoupeError {
  override name = 'InvalidInputError';
}

/** A hyperparameter or option outside its allowed range; `where.field` names it. */
export class InvalidParamsError extends LoupeError {
  override name = 'InvalidParamsError';
}

/** A model or column transformer was used (predict, transform, inspect) before `fit`; `where.field` is unset. */
export class NotFittedError extends LoupeError {
  override name = 'NotFittedError';
  constructor(what: string) {
    super('not-fitted', `This ${what} is not fitted yet: call fit() first.`);
  }
}

/** A recipe that cannot be applied: unknown column, a filter that removes every row, ... */
export class RecipeError extends LoupeError {
  override name = 'RecipeError';
}

/**
 * Why a bundle was refused — the one set of codes every bundle check uses:
 * not-json / too-large / wrong-format / wrong-version (the file itself), invalid-bundle (the
 * envelope: a required field missing or of the wrong type), unknown-model-type, bad-model (the
 * model entry's shape), bad-params (a hyperparameter), bad-state / truncated-array (fitted
 * state), bad-recipe (the fitted recipe), bad-intervals (the interval calibration).
 */
export type BundleErrorCode =
  | 'not-json'
  | 'too-large'
  | 'wrong-format'
  | 'wrong-version'
  | 'invalid-bundle'
  | 'unknown-model-type'
  | 'bad-model'
  | 'bad-params'
  | 'bad-state'
  | 'truncated-array'
  | 'bad-recipe'
  | 'bad-intervals'
  | 'bad-calibration'
  | 'bad-sets';

/** A model bundle that fails validation; `where.field` names the offending path. */
export class BundleError extends LoupeError {
  override name = 'BundleError';
  declare readonly code: BundleErrorCode;
  constructor(code: BundleErrorCode, message: string, where: ErrorLocation = {}, options?: { cause?: unknown }) {
    super(code, message, where, options);
  }
}

/** A model that cannot leave Loupe in the format asked for (KNN as ONNX, ...); the message says why. */
export class ExportError extends LoupeError {
  override name = 'ExportError';
}

/** A problem with one row during prediction (missing column, unseen category, not a number). */
export class RowError extends LoupeError {
  override name = 'RowError';
}

/** A pipeline stage failed; `where.stage` names it and `cause` holds the underlying error. */
export class PipelineError extends LoupeError {
  override name = 'PipelineError';
}

/**
 * A model that cannot be explained as asked: saved before Loupe kept what its explanation needs
 * ('no-cover', 'no-training-mean', 'no-background'), or a request outside what it supports.
 */
export class ExplainError extends LoupeError {
  override name = 'ExplainError';
}

/** The work was cancelled through its AbortSignal. */
export class CancelledError extends LoupeError {
  override name = 'CancelledError';
  constructor(message = 'Cancelled.') {
    super('cancelled', message);
  }
}

export function isCancelled(e: unknown): e is CancelledError {
  return e instanceof CancelledError || (e instanceof Error && e.name === 'AbortError');
}
