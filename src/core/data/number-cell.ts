/**
 * How a cell of a number column reads — one rule for loading the training file (schema
 * conversion) and for rows to predict, so that a value gets the same treatment in both:
 * - a missing marker is missing;
 * - a decimal number is that number;
 * - in a column with a unit, the number followed by that unit ("23.4 kmpl") is the number;
 * - anything else (another unit such as "17.3 km/kg", stray text) is read as missing. Schema
 *   inference counts these cells in its reason ("… will be read as missing"); prediction reports
 *   each one as a warning and imputes it, as training did.
 */
import { parseNumber } from './column-builder';
import { isMissingMarker } from './missing';

/** "23.4 kmpl", "1248 CC", "74 bhp", "12%": the number and the unit. */
const UNIT_RE = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z%°µ][A-Za-z%°µ/.²³ ]*)$/;

export function splitUnit(s: string): { value: number; unit: string } | null {
  const m = UNIT_RE.exec(s.trim());
  if (!m) return null;
  const value = Number(m[1]);
  if (!Number.isFinite(value)) return null;
  return { value, unit: m[2].trim() };
}

/**
 * The number in a cell of a number column (with `unit`, a unit column): NaN when the cell is
 * missing, undefined when it is not a number in that unit — which loading reads as missing too.
 */
export function readNumberCell(text: string, unit?: string): number | undefined {
  const s = text.trim();
  if (isMissingMarker(s)) return NaN;
  const v = parseNumber(s);
  if (v === v) return v;
  if (unit !== undefined) {
    const u = splitUnit(s);
    if (u && u.unit === unit) return u.value;
  }
  return undefined;
}
