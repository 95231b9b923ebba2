/** Reading typed values (forms, CSV chunks) by the rules the CSV loader uses (data/missing, data/number-cell). */
import { isMissingMarker } from '../data/missing';
import { readNumberCell } from '../data/number-cell';

/**
 * A number from a typed value: NaN when missing, undefined when it is not a number (in the
 * column's unit, for a unit column: "23.4 kmpl") — a cell the loader would read as missing.
 */
export function readNumber(raw: string | number | null | undefined, unit?: string): number | undefined {
  if (raw === null || raw === undefined) return NaN;
  if (typeof raw === 'number') return Number.isNaN(raw) ? NaN : Number.isFinite(raw) ? raw : undefined;
  return readNumberCell(raw, unit);
}

/** A label from a typed value, or undefined when missing. Numbers are written as JavaScript prints them. */
export function readLabel(raw: string | number | null | undefined): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw === 'number') return Number.isNaN(raw) ? undefined : String(raw);
  const s = raw.trim();
  return isMissingMarker(s) ? undefined : s;
}
