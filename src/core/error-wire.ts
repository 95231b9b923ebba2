/**
 * Loupe's typed errors as plain data, to cross a thread: a structured clone keeps only an Error's
 * name, message and stack, not `code` and `where` (row, column, field), which the UI and the CLI
 * show. Used by the browser workers' comlink handler and by the CLI's read worker.
 */
import {
  BundleError,
  CancelledError,
  CsvError,
  ExportError,
  ExplainError,
  InvalidInputError,
  InvalidParamsError,
  LoupeError,
  PipelineError,
  RecipeError,
  RowError,
  type ErrorLocation,
} from './errors';

export interface SerializedLoupeError {
  loupe: true;
  /** Stable class tag. Not `e.name`: a production build minifies class names. */
  kind: string;
  name: string;
  code: string;
  message: string;
  where: ErrorLocation;
  stack?: string;
}

type LoupeErrorClass = new (code: string, message: string, where?: ErrorLocation) => LoupeError;

/** Most specific first; LoupeError last catches any other subclass. */
const CLASSES: ReadonlyArray<readonly [string, LoupeErrorClass]> = [
  ['CsvError', CsvError],
  ['InvalidInputError', InvalidInputError],
  ['InvalidParamsError', InvalidParamsError],
  ['RecipeError', RecipeError],
  ['BundleError', BundleError],
  ['ExportError', ExportError],
  ['RowError', RowError],
  ['PipelineError', PipelineError],
  ['ExplainError', ExplainError],
  ['LoupeError', LoupeError],
];

function kindOf(e: LoupeError): string {
  if (e instanceof CancelledError) return 'CancelledError';
  return CLASSES.find(([, C]) => e instanceof C)?.[0] ?? 'LoupeError';
}

export function serializeLoupeError(e: LoupeError): SerializedLoupeError {
  return { loupe: true, kind: kindOf(e), name: e.name, code: e.code, message: e.message, where: e.where, stack: e.stack };
}

/** The error of the same class, code, message and location. */
export function reviveLoupeError(s: SerializedLoupeError): LoupeError {
  if (s.kind === 'CancelledError') return new CancelledError(s.message);
  const Cls = CLASSES.find(([k]) => k === s.kind)?.[1] ?? LoupeError;
  const e = new Cls(s.code, s.message, s.where);
  if (s.stack) e.stack = s.stack;
  return e;
}

/** Any thrown value as something a structured clone keeps: a Loupe error whole, others as an Error's message. */
export function errorToWire(e: unknown): SerializedLoupeError | { loupe: false; message: string; stack?: string } {
  if (e instanceof LoupeError) return serializeLoupeError(e);
  return e instanceof Error ? { loupe: false, message: e.message, ...(e.stack ? { stack: e.stack } : {}) } : { loupe: false, message: String(e) };
}

/** The error errorToWire sent. */
export function errorFromWire(w: SerializedLoupeError | { loupe: false; message: string; stack?: string }): Error {
  if (w.loupe) return reviveLoupeError(w);
  const e = new Error(w.message);
  if (w.stack) e.stack = w.stack;
  return e;
}
