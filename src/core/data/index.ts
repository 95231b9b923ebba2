/**
 * The data core: CSV ingestion into columns, schema inference, profiling, row selection and
 * seeded splits. Everything public is named here; the other files are internal.
 */
import { sha256Hex } from '../hash';
import { readAllBytes, readCsv } from './csv';
import { PROFILE_COUNT_CAP, profileTableWith } from './profile';
import { applySchema, inferSchemaWith } from './schema';
import { scanNumeric, type NumericScan } from './numeric-scan';
import type { CsvInput, ParsedDataset, ParseOptions } from './types';

export * from './types';
export { readCsv, streamCsvRows, bytesSource, toByteSource, readAllBytes, detectDelimiter, DEFAULT_CHUNK_BYTES } from './csv';
export { DEFAULT_MISSING_MARKERS, isMissingMarker } from './missing';
export { readNumberCell, splitUnit } from './number-cell';
export type { RawDataset, CsvRowHandlers } from './csv';
export { inferSchema, applySchema, looksLikeIdName, looksLikeFlagName, isMeasurement } from './schema';
export { profileTable } from './profile';
export { checkQuality, datasetWarnings, raggedRowsFinding, QUALITY_CHECK_DEFAULTS } from './quality';
export type { Finding, FindingKind, QualityChecks, QualityCheckOptions, QualityInput } from './quality';
export { findDuplicateRows } from './duplicates';
export type { DuplicateRows } from './duplicates';
export { quantileSorted } from './quantile';
export { takeRows, concatTables, columnByName, requireColumn, levelCounts } from './table';
export { proposeTarget, isClassColumn, targetIsPositive } from './target';
export type { TargetProposal } from './target';
export { inferTask, resolveTask, classLabels, classCodes, checkClasses, MAX_CLASSES, MAX_INTEGER_CLASSES, MAX_INTEGER_CLASS_SHARE } from './task';
export type { TaskChoice, TaskProposal } from './task';
export { trainTestSplit, kFold, stratifiedTrainTestSplit, stratifiedKFold } from './split';
export type { SplitIndices, TrainTestSplitOptions } from './split';

/**
 * Reads a CSV (string, bytes or a chunked ByteSource), proposes a schema, converts columns to it
 * and profiles them. Throws CsvError (code + rows/column) for unreadable input and CancelledError
 * when `options.signal` fires.
 */
export async function parseCsv(input: CsvInput, options: ParseOptions = {}): Promise<ParsedDataset> {
  const raw = await readCsv(input, options);
  // Each numeric column is scanned once, for inference and profile alike.
  const scans = new Map<Float64Array, NumericScan>();
  for (const col of raw.table.columns) if (col.type === 'numeric') scans.set(col.values, scanNumeric(col.values, PROFILE_COUNT_CAP));
  const schema = inferSchemaWith(raw.table, scans);
  const table = applySchema(raw.table, schema);
  const { columns, warnings } = profileTableWith(table, schema, raw.ragged, scans);
  return { table, schema, profile: columns, warnings, ragged: raw.ragged, bytes: raw.bytes, delimiter: raw.delimiter };
}

/** The dataset version of an input: SHA-256 (hex) of its bytes (a string is hashed as UTF-8). */
export async function hashInput(input: CsvInput): Promise<string> {
  return sha256Hex(await readAllBytes(input));
}
