/**
 * Cells of every CSV file Loupe writes (predictions, run exports). A spreadsheet runs a cell that
 * starts with =, +, -, @, a tab or a carriage return as a formula, so text taken from the input
 * (or from anywhere) could make Excel or LibreOffice fetch URLs or run commands when the file is
 * opened (CSV injection). Such text cells get OWASP's fix, a leading single quote, and are then
 * quoted as CSV needs. Numbers stay numbers: "-5", "+1.5" and "-2e-3" are written as they are.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The text a spreadsheet shows as text: a formula-looking cell gets a leading `'`. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** Rows of text cells, each neutralised (for writers that quote with papaparse). */
export function neutraliseRows(rows: readonly (readonly string[])[]): string[][] {
  return rows.map((r) => r.map(neutraliseFormula));
}

function cellText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** One CSV field from any value: numbers and booleans as they print, objects as JSON, text neutralised and quoted when needed. */
export function csvCell(v: unknown): string {
  const s = neutraliseFormula(cellText(v));
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
