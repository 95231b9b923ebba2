/** Turns errors into what the UI shows: a title, plain words, and the rows/column concerned. */
import { CsvError, LoupeError, isCancelled } from '../core/errors';

export interface Problem {
  /** Short heading, e.g. "This file could not be read as a table". */
  title: string;
  /** The error's plain-words message. */
  message: string;
  /** Stable code of a LoupeError ('quota-exceeded', ...), or 'unexpected'. */
  code: string;
  rows?: number[];
  column?: string;
}

export function describeProblem(e: unknown, context: string): Problem {
  if (e instanceof LoupeError || (e instanceof Error && 'code' in e && 'where' in e)) {
    const le = e as LoupeError;
    const title =
      e instanceof CsvError || le.name === 'CsvError'
        ? `${context}: the file could not be read as a table`
        : le.name === 'StorageError'
          ? `${context}: the browser could not store it`
          : context;
    const rows = le.where?.rows ?? (le.where?.row !== undefined ? [le.where.row] : undefined);
    return { title, message: le.message, code: le.code, rows, column: le.where?.column };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { title: `${context}: something went wrong`, message, code: 'unexpected' };
}

export { isCancelled };
