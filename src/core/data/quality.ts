/**
 * Data-quality checks, each computed and worded once: what looks wrong or risky in a table, how
 * many rows or columns it touches, and what to do about it. The profile (parseCsv, at ingest)
 * turns them into the Data page's warnings; EDA's dataQualityFindings (Explore) adds the findings
 * that need more statistics (near-constant and skewed columns, correlated pairs, rows with zeros
 * in several columns) and orders all by severity.
 *
 * A column's kind is the schema's (inferred, possibly edited by the person); a column the schema
 * does not list is judged by schema inference, so an id or a constant is recognised by one rule.
 */
import { formatCount, formatPercent, formatValue, listRows, plural } from '../format';
import { findDuplicateRows } from './duplicates';
import { scanNumeric, type NumericScan } from './numeric-scan';
import { inferSchemaWith, isMeasurement } from './schema';
import { levelCounts } from './table';
import type { CategoricalColumn, Column, ColumnProfile, ColumnSchema, DatasetWarning, NumericColumn, RaggedRows, Severity, Table, WarningKind } from './types';

export type FindingKind =
  | 'ragged-rows'
  | 'duplicate-rows'
  | 'duplicate-rows-except-id'
  | 'implausible-zeros'
  | 'id-column'
  | 'constant-column'
  | 'near-constant-column'
  | 'high-cardinality'
  | 'skewed'
  | 'missing-values'
  | 'high-correlation'
  // A class target's (eda/class-findings.ts): its rarest class is rare; the features most associated with it.
  | 'class-imbalance'
  | 'class-association';

export interface Finding {
  kind: FindingKind;
  severity: Severity;
  /** Columns concerned (empty for whole-row findings such as duplicates). */
  columns: string[];
  /** Rows affected, or for column findings the number of values concerned (the pair count for correlations). */
  count: number;
  /** First affected 1-based data rows (at most `maxRows`); absent when rows do not apply. */
  rows?: number[];
  /** The number behind the finding where there is one: skewness, r, the top value's share, distinct labels. */
  value?: number;
  /** One or two plain sentences naming the columns and counts. */
  message: string;
  /** What a person could do about it. */
  suggestion: string;
}

export interface QualityCheckOptions {
  /** Most example row numbers per finding. Default 20. */
  maxRows?: number;
  /** Distinct labels above which a categorical column has high cardinality. Default 50. */
  highCardinality?: number;
  /** Largest share of zeros that still counts as "a few" for a positive-only measurement. Default 0.05. */
  zeroShare?: number;
}

export const QUALITY_CHECK_DEFAULTS: Required<QualityCheckOptions> = { maxRows: 20, highCardinality: 50, zeroShare: 0.05 };

/** What the checks may reuse instead of reading the columns again. */
export interface QualityInput {
  /** Kinds per column; columns it does not list get the kind schema inference proposes. */
  schema?: readonly ColumnSchema[];
  /** Column profiles, in table order. */
  profile?: readonly ColumnProfile[];
  /** Numeric columns already scanned (parseCsv's scans). */
  scans?: ReadonlyMap<Float64Array, NumericScan> | null;
  /** Rows the reader padded or cut (reported first). */
  ragged?: RaggedRows;
}

export interface QualityChecks {
  /** In reading order: ragged rows, then each column's findings in table order, then duplicate rows. */
  findings: Finding[];
  /** The kind each column was judged as, in table order. */
  kinds: ColumnSchema[];
  idColumns: Set<string>;
  constantColumns: Set<string>;
  /** Numeric columns with implausible zeros, in table order. */
  zeroColumns: NumericColumn[];
}

/** Names of dimensions and physical amounts for which 0 means "not measured". */
const DIMENSION_NAME = /^(x|y|z|length|width|height|depth|thickness|diameter|radius|carats?|weight|mass|size|area|volume|price|cost)$|_(mm|cm|m|kg|g|lbs?)$/i;

/** What a check needs to know of a numeric column (from its profile, a scan, or one pass). */
interface NumericFacts {
  present: number;
  min: number;
  max: number;
  zeros: number;
  sum: number;
  /** Every value is an integer; null when not known yet. */
  integers: boolean | null;
}

function numericFacts(col: NumericColumn, p: ColumnProfile | undefined, scan: NumericScan | undefined): NumericFacts {
  if (!scan && p) {
    const s = p.numeric;
    if (!s) return { present: p.count, min: NaN, max: NaN, zeros: 0, sum: 0, integers: null };
    return { present: p.count, min: s.min, max: s.max, zeros: s.zeros, sum: s.mean * p.count, integers: null };
  }
  const s = scan ?? scanNumeric(col.values, 0);
  return { present: s.present, min: s.min, max: s.max, zeros: s.zeros, sum: s.sum, integers: s.integers };
}

function labelFacts(col: CategoricalColumn): { present: number; distinct: number; top: string | undefined } {
  const { counts, missing } = levelCounts(col);
  let distinct = 0;
  let top = -1;
  for (let c = 0; c < counts.length; c++) {
    if (counts[c] > 0) distinct++;
    if (top < 0 || counts[c] > counts[top]) top = c;
  }
  return { present: col.codes.length - missing, distinct, top: top >= 0 ? col.levels[top] : undefined };
}

/** Runs the checks over every column and the rows. */
export function checkQuality(table: Table, input: QualityInput = {}, options: QualityCheckOptions = {}): QualityChecks {
  const o = { ...QUALITY_CHECK_DEFAULTS, ...options };
  const n = table.rowCount;
  const listed = new Map((input.schema ?? []).map((s) => [s.name, s]));
  const profiles = new Map((input.profile ?? []).map((p) => [p.name, p]));
  const findings: Finding[] = [];
  if (input.ragged && input.ragged.count > 0) findings.push(raggedRowsFinding(input.ragged, o.maxRows));
  const kinds: ColumnSchema[] = [];
  const idColumns = new Set<string>();
  const constantColumns = new Set<string>();
  const zeroColumns: NumericColumn[] = [];

  for (const col of table.columns) {
    const scan = col.type === 'numeric' ? (input.scans?.get(col.values) ?? undefined) : undefined;
    const kind = listed.get(col.name) ?? inferSchemaWith({ rowCount: n, columns: [col] }, input.scans ?? null)[0];
    kinds.push(kind);
    const p = profiles.get(col.name);
    if (col.type === 'numeric') {
      const f = numericFacts(col, p, scan);
      if (f.present < n) findings.push(missingFinding(col, n - f.present, n, o.maxRows));
      if (kind.kind === 'id') {
        idColumns.add(col.name);
        findings.push(idFinding(col.name, n, kind.reason));
      } else if (kind.kind === 'constant' || f.present === 0 || f.min === f.max) {
        constantColumns.add(col.name);
        findings.push(constantFinding(col.name, f.present, f.present ? formatValue(f.min) : null));
      } else if (isMeasurement(kind)) {
        const z = zerosFinding(col, f, o);
        if (z) {
          findings.push(z);
          zeroColumns.push(col);
        }
      }
    } else {
      const { present, distinct, top } = p ? { present: p.count, distinct: p.distinct, top: p.top?.[0]?.level } : labelFacts(col);
      if (present < n) findings.push(missingFinding(col, n - present, n, o.maxRows));
      if (kind.kind === 'id') {
        idColumns.add(col.name);
        findings.push(idFinding(col.name, n, kind.reason));
      } else if (kind.kind === 'constant' || distinct <= 1) {
        constantColumns.add(col.name);
        findings.push(constantFinding(col.name, present, top !== undefined && distinct > 0 ? `"${top}"` : null));
      } else if (kind.kind === 'text') findings.push(textFinding(col.name, distinct, present));
      else if (distinct > o.highCardinality) findings.push(highCardinalityFinding(col.name, distinct, present));
    }
  }
  findings.push(...duplicateFindings(table, idColumns, profiles, o.maxRows));
  return { findings, kinds, idColumns, constantColumns, zeroColumns };
}

/** The first `max` 1-based rows i (0-based) for which `test(i)` holds. */
export function firstRows(n: number, max: number, test: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < n && out.length < max; i++) if (test(i)) out.push(i + 1);
  return out;
}

/** " (row 7)" / " (rows 3, 5 and 12 more)" after a count of `total` rows, or "" without rows. */
export function rowList(rows: readonly number[], total: number): string {
  if (rows.length === 0) return '';
  return total === 1 ? ` (row ${rows[0]})` : ` (rows ${listRows(rows, total)})`;
}

const q = (name: string): string => `"${name}"`;

/** The reader's ragged rows as a finding. */
export function raggedRowsFinding(ragged: RaggedRows, maxRows = QUALITY_CHECK_DEFAULTS.maxRows): Finding {
  return {
    kind: 'ragged-rows',
    severity: 'warning',
    columns: [],
    count: ragged.count,
    rows: ragged.rows.slice(0, maxRows),
    message: `${plural(ragged.count, 'row')} had a different number of fields than the header (rows ${listRows(ragged.rows, ragged.count, maxRows)}); they were kept, padded with missing values or cut to the header's length.`,
    suggestion: 'Check the delimiter and the quoting of those rows: a field that holds the delimiter must be in quotes.',
  };
}

function missingFinding(col: Column, missing: number, rows: number, maxRows: number): Finding {
  const share = missing / rows;
  const isMissing = col.type === 'numeric' ? (i: number) => col.values[i] !== col.values[i] : (i: number) => col.codes[i] < 0 || col.codes[i] >= col.levels.length;
  const list = firstRows(rows, maxRows, isMissing);
  return {
    kind: 'missing-values',
    severity: share > 0.05 ? 'warning' : 'info',
    columns: [col.name],
    count: missing,
    rows: list,
    value: share,
    message:
      missing === rows
        ? `${q(col.name)} is empty: all ${formatCount(rows)} values are missing.`
        : `${q(col.name)} has ${plural(missing, 'missing value')}, ${formatPercent(share)} of ${formatCount(rows)} rows${rowList(list, missing)}.`,
    suggestion:
      share > 0.5
        ? `Consider dropping ${q(col.name)}: most of it is missing.`
        : `Impute them (median for numbers, most frequent label for categories) or drop those rows.`,
  };
}

function idFinding(name: string, rows: number, reason: string): Finding {
  return {
    kind: 'id-column',
    severity: 'info',
    columns: [name],
    count: rows,
    message: `${q(name)} looks like a row identifier: ${reason}.`,
    suggestion: `Leave ${q(name)} out of the features: a model can only memorise it, and it says nothing about new rows.`,
  };
}

function constantFinding(name: string, present: number, value: string | null): Finding {
  return {
    kind: 'constant-column',
    severity: 'warning',
    columns: [name],
    count: present,
    message:
      value === null
        ? `${q(name)} has no values at all.`
        : `${q(name)} holds a single value, ${value}, in all ${plural(present, 'non-missing row')}.`,
    suggestion: `Drop ${q(name)}: a column that never changes cannot help predict anything.`,
  };
}

function highCardinalityFinding(name: string, distinct: number, present: number): Finding {
  return {
    kind: 'high-cardinality',
    severity: 'warning',
    columns: [name],
    count: distinct,
    value: distinct,
    message: `${q(name)} has ${formatCount(distinct)} different labels among ${formatCount(present)} values; one-hot encoding would add ${formatCount(distinct)} columns.`,
    suggestion: `Group rare labels into "other", use an ordinal or target encoding, or treat ${q(name)} as text.`,
  };
}

function textFinding(name: string, distinct: number, present: number): Finding {
  return {
    kind: 'high-cardinality',
    severity: 'info',
    columns: [name],
    count: distinct,
    value: distinct,
    message: `${q(name)} reads as free text: ${formatCount(distinct)} different values among ${formatCount(present)}, too many to encode as categories.`,
    suggestion: `The default recipe leaves text out of the features; to use ${q(name)}, group its values into a few categories or derive a feature from it.`,
  };
}

/** Zeros in a positive-only measurement: by its name (a size, a weight, a price) or because a few zeros sit far below every other value. */
function zerosFinding(col: NumericColumn, f: NumericFacts, o: Required<QualityCheckOptions>): Finding | null {
  if (f.zeros === 0 || f.min < 0) return null;
  const v = col.values;
  const byName = DIMENSION_NAME.test(col.name);
  let detached = false;
  let minPositive = Infinity;
  for (let i = 0; i < v.length; i++) if (v[i] > 0 && v[i] < minPositive) minPositive = v[i];
  const positives = f.present - f.zeros;
  if (!byName && f.zeros / f.present <= o.zeroShare && positives >= 10 && minPositive >= (0.05 * f.sum) / positives) {
    let integers = f.integers;
    if (integers === null) {
      integers = true;
      for (let i = 0; i < v.length && integers; i++) if (v[i] === v[i] && Math.floor(v[i]) !== v[i]) integers = false;
    }
    // Small counts (children, rooms) are 0 for real.
    detached = !(integers && f.max <= 20);
  }
  if (!byName && !detached) return null;
  const rows = firstRows(v.length, o.maxRows, (i) => v[i] === 0);
  return {
    kind: 'implausible-zeros',
    severity: 'warning',
    columns: [col.name],
    count: f.zeros,
    rows,
    message: `${q(col.name)} is 0 in ${plural(f.zeros, 'row')}${rowList(rows, f.zeros)}, but its other values are all positive (smallest ${formatValue(minPositive)}): a ${byName ? 'dimension' : 'measurement'} of 0 is most likely a data error.`,
    suggestion: `Treat the zeros in ${q(col.name)} as missing (then impute), or drop those rows.`,
  };
}

/**
 * Rows that repeat an earlier row: exact copies, and (when there are id columns, which differ
 * from row to row by design) copies in every other column. One pass over the rows when the ids
 * are unique, as ids usually are: then no two rows can be exact copies.
 */
function duplicateFindings(table: Table, ids: ReadonlySet<string>, profiles: ReadonlyMap<string, ColumnProfile>, maxRows: number): Finding[] {
  const n = table.rowCount;
  if (ids.size === 0) {
    const exact = findDuplicateRows(table.columns, n, maxRows);
    return exact.count > 0 ? [duplicateFinding(exact.count, exact.examples, n, [])] : [];
  }
  const rest = table.columns.filter((c) => !ids.has(c.name));
  const exceptId = findDuplicateRows(rest, n, maxRows);
  if (exceptId.count === 0) return [];
  const idCols = table.columns.filter((c) => ids.has(c.name));
  const unique = idCols.some((c) => {
    const p = profiles.get(c.name);
    return p ? p.missing === 0 && p.distinct === n : findDuplicateRows([c], n, 0).count === 0;
  });
  const exact = unique ? { count: 0, examples: [] } : findDuplicateRows(table.columns, n, maxRows);
  const out: Finding[] = [];
  if (exact.count > 0) out.push(duplicateFinding(exact.count, exact.examples, n, []));
  if (exceptId.count > exact.count) out.push(duplicateFinding(exceptId.count, exceptId.examples, n, [...ids]));
  return out;
}

function duplicateFinding(count: number, examples: [number, number][], rows: number, ids: string[]): Finding {
  const ex = examples
    .slice(0, 3)
    .map(([r, f]) => `row ${formatCount(r)} repeats row ${formatCount(f)}`)
    .join('; ');
  const what = ids.length ? `identical to an earlier row in every column except ${ids.map(q).join(', ')}` : 'exact copies of an earlier row';
  return {
    kind: ids.length ? 'duplicate-rows-except-id' : 'duplicate-rows',
    severity: 'warning',
    columns: ids,
    count,
    rows: examples.map(([r]) => r),
    value: count / rows,
    message: `${plural(count, 'row is', 'rows are')} ${what} (${formatPercent(count / rows)} of ${formatCount(rows)}); e.g. ${ex}.`,
    suggestion: `Remove the duplicates before splitting: copies that land in both training and test data make test scores look better than they are.`,
  };
}

/** The warning kind a finding is stored and reported under (the Data page, `loupe profile`). */
const WARNING_KIND: Partial<Record<FindingKind, WarningKind>> = {
  'ragged-rows': 'ragged-rows',
  'id-column': 'id-column',
  'constant-column': 'constant-column',
  'implausible-zeros': 'zeros',
  'high-cardinality': 'high-cardinality',
  'missing-values': 'missing-values',
  'duplicate-rows': 'duplicate-rows',
  // Reported as duplicate rows (ignoring the id columns), as the profile always has.
  'duplicate-rows-except-id': 'duplicate-rows',
};

/**
 * The dataset warnings of a profile (stored with the dataset, shown on the Data page, printed by
 * `loupe profile`). When rows repeat each other except for their ids, that one warning counts
 * them (it includes any exact copies).
 */
export function datasetWarnings(findings: readonly Finding[]): DatasetWarning[] {
  const exceptId = findings.some((f) => f.kind === 'duplicate-rows-except-id');
  const out: DatasetWarning[] = [];
  for (const f of findings) {
    const kind = WARNING_KIND[f.kind];
    if (!kind || (exceptId && f.kind === 'duplicate-rows')) continue;
    const column = kind === 'ragged-rows' || kind === 'duplicate-rows' ? undefined : f.columns[0];
    out.push({
      kind,
      ...(column !== undefined ? { column } : {}),
      ...(f.rows ? { rows: f.rows } : {}),
      count: f.count,
      message: f.message,
      severity: f.severity,
      suggestion: f.suggestion,
    });
  }
  return out;
}
