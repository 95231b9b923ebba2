/** Turns errors into what the UI shows: a title, plain words, and the rows/column concerned. */
import { CsvError, LoupeError, isCancelled } from '../core/errors';
import { StorageError } from '../storage';

export interface Problem {
  /** Short heading, e.g. "This file could not be read as a table". */
  title: string;
  /** The error's plain-words message. */
  message: string;
  /** Stable code of a LoupeError ('quota-exceeded', ...), or 'unexpected'. */
  code: string;
  /** 1-based data rows concerned (never the header). */
  rows?: number[];
  column?: string;
  /** The problem is in the header row. */
  inHeader?: boolean;
}

export function describeProblem(e: unknown, context: string): Problem {
  // instanceof, not `name`: production builds minify class names.
  if (e instanceof LoupeError) {
    const le = e;
    const title =
      e instanceof CsvError
        ? `${context}: the file could not be read as a table`
        : e instanceof StorageError && e.code === 'quota-exceeded'
          ? `${context}: this browser's storage is full`
          : context;
    const row = le.where?.row;
    const rows = le.where?.rows ?? (row !== undefined && row > 0 ? [row] : undefined);
    return { title, message: le.message, code: le.code, rows, column: le.where?.column, inHeader: row === 0 };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { title: `${context}: something went wrong`, message, code: 'unexpected' };
}

export { isCancelled };
