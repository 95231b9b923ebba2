/**
 * What reads as a missing value: one list for loading a file (ParseOptions.missingMarkers
 * defaults to it) and for reading rows to predict (forms, CSV chunks), so a cell is missing in
 * both or in neither.
 */
import { MissingMarkers } from './column-builder';

/** Cells read as missing, compared trimmed and without case. */
export const DEFAULT_MISSING_MARKERS: readonly string[] = ['', 'NA', 'N/A', 'null', 'NaN', '?', '-'];

const DEFAULT_MARKERS = new MissingMarkers(DEFAULT_MISSING_MARKERS);

/** Whether `s` is one of the default missing markers (surrounding blanks ignored). */
export function isMissingMarker(s: string): boolean {
  return DEFAULT_MARKERS.isMissing(s.trim());
}
