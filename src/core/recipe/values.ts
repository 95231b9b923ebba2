/** Reading typed values (forms, CSV chunks) the way the CSV parser does. */

/** Cells read as missing (case-insensitive), as ParseOptions.missingMarkers defaults. */
export const MISSING_MARKERS: readonly string[] = ['', 'na', 'n/a', 'null', 'nan', '?', '-'];

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function isMissingMarker(s: string): boolean {
  return MISSING_MARKERS.includes(s.trim().toLowerCase());
}

/**
 * A number from a typed value: NaN when missing, undefined when it is not a number. A unit
 * column accepts the number followed by its unit ("23.4 kmpl"), compared without case.
 */
export function readNumber(raw: string | number | null | undefined, unit?: string): number | undefined {
  if (raw === null || raw === undefined) return NaN;
  if (typeof raw === 'number') return Number.isNaN(raw) ? NaN : Number.isFinite(raw) ? raw : undefined;
  let s = raw.trim();
  if (isMissingMarker(s)) return NaN;
  if (unit) {
    const u = unit.trim().toLowerCase();
    if (u && s.toLowerCase().endsWith(u)) s = s.slice(0, s.length - u.length).trim();
  }
  if (!NUMBER.test(s)) return undefined;
  const x = Number(s);
  return Number.isFinite(x) ? x : undefined;
}

/** A label from a typed value, or undefined when missing. Numbers are written as JavaScript prints them. */
export function readLabel(raw: string | number | null | undefined): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw === 'number') return Number.isNaN(raw) ? undefined : String(raw);
  const s = raw.trim();
  return isMissingMarker(s) ? undefined : s;
}
