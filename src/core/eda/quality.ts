/**
 * Data-quality findings in plain words for the Explore screen: what looks wrong or risky in a
 * table, how many rows or columns it touches, and what to do about it. Every numeric column is
 * read in a few linear passes (no sorting, except to check that an id-like column is unique when
 * no profile says so); duplicate rows are found by hashing.
 */
import type { CategoricalColumn, Column, ColumnProfile, ColumnSchema, NumericColumn, Table } from '../data/types';
import { InvalidParamsError } from '../errors';
import { pearson } from './correlation';
import { findDuplicateRows } from './duplicates';
import { levelCounts } from '../data/table';
import { formatCount, plural } from '../format';
import { checkInt, finiteSorted, formatFixed, formatPercent, moments, withDefaults } from './stats';

export type FindingKind =
  | 'duplicate-rows'
  | 'duplicate-rows-except-id'
  | 'implausible-zeros'
  | 'id-column'
  | 'constant-column'
  | 'near-constant-column'
  | 'high-cardinality'
  | 'skewed'
  | 'missing-values'
  | 'high-correlation';

export type Severity = 'error' | 'warning' | 'info';

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

export interface DataQualityOptions {
  /** Target column: it is left out of feature–feature correlation pairs. Default: none. */
  target?: string;
  /** Most example row numbers per finding (0–1,000). Default 20. */
  maxRows?: number;
  /** |Pearson r| above which two numeric features are reported as redundant. Default 0.95. */
  correlationThreshold?: number;
  /** Share of the most common value at or above which a column is near-constant. Default 0.99. */
  nearConstantShare?: number;
  /** |skewness| above which a numeric column is reported as strongly skewed. Default 1. */
  skewThreshold?: number;
  /** Distinct labels above which a categorical column has high cardinality. Default 50. */
  highCardinality?: number;
  /** Largest share of zeros that still counts as "a few" for a positive-only measurement. Default 0.05. */
  zeroShare?: number;
}

export const DATA_QUALITY_DEFAULTS: Required<DataQualityOptions> = {
  target: '',
  maxRows: 20,
  correlationThreshold: 0.95,
  nearConstantShare: 0.99,
  skewThreshold: 1,
  highCardinality: 50,
  zeroShare: 0.05,
};

function resolveOptions(o: DataQualityOptions): Required<DataQualityOptions> {
  const r = withDefaults(DATA_QUALITY_DEFAULTS, o);
  checkInt('maxRows', r.maxRows, 0, 1000);
  checkInt('highCardinality', r.highCardinality, 2, 1e9);
  const share = (field: keyof DataQualityOptions, v: number, lo: number, hi: number): void => {
    if (!(typeof v === 'number' && v >= lo && v <= hi))
      throw new InvalidParamsError('invalid-param', `${field}: must be a number from ${lo} to ${hi}; got ${String(v)}.`, { field });
  };
  share('correlationThreshold', r.correlationThreshold, 0, 1);
  share('nearConstantShare', r.nearConstantShare, 0.5, 1);
  share('skewThreshold', r.skewThreshold, 0, 1e6);
  share('zeroShare', r.zeroShare, 0, 1);
  return r;
}

/** Names of dimensions and physical amounts for which 0 means "not measured". */
const DIMENSION_NAME = /^(x|y|z|length|width|height|depth|thickness|diameter|radius|carats?|weight|mass|size|area|volume|price|cost)$|_(mm|cm|m|kg|g|lbs?)$/i;
const ID_NAME = /(^|[_\s-])(id|key|uuid|index)$|^(id|row|rowid|row_id|index)$|Id$|ID$/;

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** One pass over a numeric column. */
interface NumericScan {
  rows: number;
  present: number;
  min: number;
  max: number;
  zeros: number;
  negatives: number;
  minPositive: number;
  positives: number;
  sumPositive: number;
  integers: boolean;
  increasing: boolean;
}

function scanNumeric(v: Float64Array): NumericScan {
  const s: NumericScan = {
    rows: v.length,
    present: 0,
    min: Infinity,
    max: -Infinity,
    zeros: 0,
    negatives: 0,
    minPositive: Infinity,
    positives: 0,
    sumPositive: 0,
    integers: true,
    increasing: true,
  };
  let prev = -Infinity;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x - x !== 0) {
      s.increasing = false;
      continue;
    }
    s.present++;
    if (x < s.min) s.min = x;
    if (x > s.max) s.max = x;
    if (x === 0) s.zeros++;
    else if (x < 0) s.negatives++;
    else {
      s.positives++;
      s.sumPositive += x;
      if (x < s.minPositive) s.minPositive = x;
    }
    if (s.integers && Math.floor(x) !== x) s.integers = false;
    if (x <= prev) s.increasing = false;
    prev = x;
  }
  return s;
}

/** The most common value when it holds more than half the present values (Boyer–Moore vote + count). */
function majorityValue(v: Float64Array): { value: number; count: number } | null {
  let cand = NaN;
  let votes = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x - x !== 0) continue;
    if (votes === 0) {
      cand = x;
      votes = 1;
    } else if (x === cand) votes++;
    else votes--;
  }
  if (votes === 0) return null;
  let count = 0;
  for (let i = 0; i < v.length; i++) if (v[i] === cand) count++;
  return { value: cand, count };
}

function firstRows(n: number, max: number, pred: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < n && out.length < max; i++) if (pred(i)) out.push(i + 1);
  return out;
}

function q(name: string): string {
  return `"${name}"`;
}

function rowList(rows: number[], total: number): string {
  if (rows.length === 0) return '';
  const shown = rows.slice(0, 5).map(formatCount).join(', ');
  return total > 5 ? ` (rows ${shown}, …)` : rows.length === 1 ? ` (row ${shown})` : ` (rows ${shown})`;
}

/**
 * Findings about `table`, most severe first. `schema` (from schema inference, possibly edited by
 * the person) says which columns are ids or constants; columns it does not list are judged from
 * their values. `profile`, when given, supplies distinct counts so that id checks need no sort.
 */
export function dataQualityFindings(
  table: Table,
  schema: readonly ColumnSchema[] = [],
  profile?: readonly ColumnProfile[],
  opts: DataQualityOptions = {},
): Finding[] {
  const o = resolveOptions(opts);
  const rows = table.rowCount;
  const kindOf = new Map(schema.map((s) => [s.name, s]));
  const distinctOf = new Map((profile ?? []).map((p) => [p.name, p.distinct]));
  const findings: Finding[] = [];
  const idColumns = new Set<string>();
  const constantColumns = new Set<string>();
  const zeroColumns: NumericColumn[] = [];

  for (const col of table.columns) {
    const s = kindOf.get(col.name);
    const missing = col.type === 'numeric' ? missingRows(col.values) : missingCodes(col);
    if (missing > 0) findings.push(missingFinding(col, missing, rows, o));
    if (col.type === 'numeric') {
      const scan = scanNumeric(col.values);
      const idReason = s?.kind === 'id' ? s.reason : numericIdReason(col, scan, distinctOf.get(col.name));
      if (idReason !== null) {
        idColumns.add(col.name);
        findings.push(idFinding(col.name, rows, idReason));
        continue;
      }
      if (scan.present === 0 || scan.min === scan.max || s?.kind === 'constant') {
        constantColumns.add(col.name);
        findings.push(constantFinding(col.name, scan.present, scan.present ? fmtValue(scan.min) : null));
        continue;
      }
      const major = majorityValue(col.values);
      if (major && major.count / scan.present >= o.nearConstantShare)
        findings.push(nearConstantFinding(col.name, fmtValue(major.value), major.count, scan.present));
      // Codes of labels stored as numbers (schema: categorical, ordinal, boolean) are not measurements.
      if (!measured(s)) continue;
      const zf = zerosFinding(col, scan, o);
      if (zf) {
        findings.push(zf);
        zeroColumns.push(col);
      }
      const m = moments(col.values);
      if (Math.abs(m.skewness) > o.skewThreshold) findings.push(skewFinding(col, m.skewness, scan));
    } else {
      const { counts } = levelCounts(col);
      const present = rows - missing;
      let distinct = 0;
      let top = -1;
      for (let c = 0; c < counts.length; c++) {
        if (counts[c] > 0) distinct++;
        if (top < 0 || counts[c] > counts[top]) top = c;
      }
      const idReason =
        s?.kind === 'id'
          ? s.reason
          : ID_NAME.test(col.name) && missing === 0 && distinct === rows && rows > 1
            ? `all ${formatCount(rows)} labels are different`
            : null;
      if (idReason !== null) {
        idColumns.add(col.name);
        findings.push(idFinding(col.name, rows, idReason));
        continue;
      }
      if (distinct <= 1 || s?.kind === 'constant') {
        constantColumns.add(col.name);
        findings.push(constantFinding(col.name, present, distinct ? q(col.levels[top]) : null));
        continue;
      }
      if (counts[top] / present >= o.nearConstantShare)
        findings.push(nearConstantFinding(col.name, q(col.levels[top]), counts[top], present));
      if (distinct > o.highCardinality && s?.kind !== 'text') findings.push(highCardinalityFinding(col.name, distinct, present));
    }
  }

  if (zeroColumns.length >= 2) findings.push(zeroRowsFinding(zeroColumns, rows, o.maxRows));

  const dup = findDuplicateRows(table.columns, rows, o.maxRows);
  if (dup.count > 0) findings.push(duplicateFinding(dup.count, dup.examples, rows, false, []));
  if (idColumns.size > 0) {
    const rest = table.columns.filter((c) => !idColumns.has(c.name));
    const d2 = findDuplicateRows(rest, rows, o.maxRows);
    if (d2.count > dup.count) findings.push(duplicateFinding(d2.count, d2.examples, rows, true, [...idColumns]));
  }

  const candidates = table.columns.filter(
    (c): c is NumericColumn =>
      c.type === 'numeric' && measured(kindOf.get(c.name)) && !idColumns.has(c.name) && !constantColumns.has(c.name) && c.name !== o.target,
  );
  for (let i = 0; i < candidates.length; i++)
    for (let j = i + 1; j < candidates.length; j++) {
      const { r, count } = pearson(candidates[i].values, candidates[j].values);
      if (Math.abs(r) > o.correlationThreshold) findings.push(correlationFinding(candidates[i].name, candidates[j].name, r, count));
    }

  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_RANK[a.f.severity] - SEVERITY_RANK[b.f.severity] || a.i - b.i)
    .map(({ f }) => f);
}

/** A numeric column the schema does not call something else (a label code, a flag). */
function measured(s: ColumnSchema | undefined): boolean {
  return s === undefined || s.kind === 'numeric' || s.kind === 'unit';
}

function missingRows(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) if (v[i] - v[i] !== 0) m++;
  return m;
}

function missingCodes(col: CategoricalColumn): number {
  let m = 0;
  const k = col.levels.length;
  for (let i = 0; i < col.codes.length; i++) if (col.codes[i] < 0 || col.codes[i] >= k) m++;
  return m;
}

function fmtValue(v: number): string {
  return String(Number(v.toPrecision(6)));
}

function missingFinding(col: Column, missing: number, rows: number, o: Required<DataQualityOptions>): Finding {
  const share = missing / rows;
  const isMissing =
    col.type === 'numeric'
      ? (i: number) => col.values[i] - col.values[i] !== 0
      : (i: number) => col.codes[i] < 0 || col.codes[i] >= col.levels.length;
  const list = firstRows(rows, o.maxRows, isMissing);
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
        : `${q(col.name)} has ${plural(missing, 'missing value', 'missing values')} (${formatPercent(share)} of ${formatCount(rows)} rows)${rowList(list, missing)}.`,
    suggestion:
      share > 0.5
        ? `Consider dropping ${q(col.name)}: most of it is missing.`
        : `Impute them (median for numbers, most frequent label for categories) or drop those rows.`,
  };
}

/** Why a numeric column looks like a row id, or null. */
function numericIdReason(col: NumericColumn, s: NumericScan, distinct: number | undefined): string | null {
  if (!s.integers || s.present !== s.rows || s.rows < 2) return null;
  if (s.increasing && s.rows >= 20) return `all ${formatCount(s.rows)} values are distinct integers in increasing order`;
  if (!ID_NAME.test(col.name)) return null;
  const d = distinct ?? countDistinctSorted(finiteSorted(col.values));
  return d === s.rows ? `all ${formatCount(s.rows)} values are distinct integers` : null;
}

function countDistinctSorted(s: Float64Array): number {
  let d = s.length ? 1 : 0;
  for (let i = 1; i < s.length; i++) if (s[i] !== s[i - 1]) d++;
  return d;
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
        : `${q(name)} holds a single value, ${value}, in all ${plural(present, 'non-missing row', 'non-missing rows')}.`,
    suggestion: `Drop ${q(name)}: a column that never changes cannot help predict anything.`,
  };
}

function nearConstantFinding(name: string, value: string, count: number, present: number): Finding {
  const share = count / present;
  return {
    kind: 'near-constant-column',
    severity: 'info',
    columns: [name],
    count: present - count,
    value: share,
    message: `${q(name)} is almost constant: ${value} in ${formatCount(count)} of ${formatCount(present)} rows (${formatPercent(share)}); only ${plural(present - count, 'row differs', 'rows differ')}.`,
    suggestion: `Check whether the ${formatCount(present - count)} other rows matter; otherwise ${q(name)} adds little and can be dropped.`,
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

function zerosFinding(col: NumericColumn, s: NumericScan, o: Required<DataQualityOptions>): Finding | null {
  if (s.zeros === 0 || s.negatives > 0) return null;
  const byName = DIMENSION_NAME.test(col.name);
  // A positive-only measurement with a few zeros that sit far below every other value.
  const meanPositive = s.positives ? s.sumPositive / s.positives : NaN;
  const detached =
    s.zeros / s.present <= o.zeroShare && s.positives >= 10 && s.minPositive >= 0.05 * meanPositive && !(s.integers && s.max <= 20);
  if (!byName && !detached) return null;
  const v = col.values;
  const rows = firstRows(v.length, o.maxRows, (i) => v[i] === 0);
  return {
    kind: 'implausible-zeros',
    severity: 'warning',
    columns: [col.name],
    count: s.zeros,
    rows,
    message: `${q(col.name)} is 0 in ${plural(s.zeros, 'row', 'rows')}${rowList(rows, s.zeros)}, but its other values are all positive (smallest ${fmtValue(s.minPositive)}): a ${byName ? 'dimension' : 'measurement'} of 0 is most likely a data error.`,
    suggestion: `Treat the zeros in ${q(col.name)} as missing (then impute), or drop those rows.`,
  };
}

function zeroRowsFinding(cols: NumericColumn[], rows: number, maxRows: number): Finding {
  const any = (i: number): boolean => cols.some((c) => c.values[i] === 0);
  let count = 0;
  for (let i = 0; i < rows; i++) if (any(i)) count++;
  const list = firstRows(rows, maxRows, any);
  const names = cols.map((c) => q(c.name));
  const joined = names.length === 2 ? names.join(' or ') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
  return {
    kind: 'implausible-zeros',
    severity: 'warning',
    columns: cols.map((c) => c.name),
    count,
    rows: list,
    message: `${plural(count, 'row has', 'rows have')} a 0 in ${joined}${rowList(list, count)}.`,
    suggestion: `Drop these ${formatCount(count)} rows or mark the zeros as missing before training.`,
  };
}

function skewFinding(col: NumericColumn, skew: number, s: NumericScan): Finding {
  const right = skew > 0;
  let suggestion: string;
  if (!right) suggestion = `A left-skewed column rarely needs a transform for tree models; for linear models try squaring or reflecting it.`;
  else if (s.min > 0) {
    const logs = new Float64Array(col.values.length);
    for (let i = 0; i < logs.length; i++) logs[i] = Math.log10(col.values[i]); // NaN stays NaN
    suggestion = `A log transform would make it more symmetric (skewness of log10(${col.name}): ${formatFixed(moments(logs).skewness)}); this helps linear models and, for a target, RMSE on large values.`;
  } else if (s.min >= 0) suggestion = `Try log(1 + ${col.name}) to make it more symmetric (it has zeros, so plain log cannot be used).`;
  else suggestion = `It has negative values, so a log cannot be used; a Yeo-Johnson transform would make it more symmetric.`;
  return {
    kind: 'skewed',
    severity: 'info',
    columns: [col.name],
    count: s.present,
    value: skew,
    message: `${q(col.name)} is strongly ${right ? 'right' : 'left'}-skewed (skewness ${formatFixed(skew)}): ${right ? 'most values are small, with a long tail of large ones' : 'most values are large, with a long tail of small ones'}.`,
    suggestion,
  };
}

function duplicateFinding(count: number, examples: [number, number][], rows: number, exceptId: boolean, ids: string[]): Finding {
  const ex = examples
    .slice(0, 3)
    .map(([r, f]) => `row ${formatCount(r)} repeats row ${formatCount(f)}`)
    .join('; ');
  const what = exceptId ? `identical to an earlier row in every column except ${ids.map(q).join(', ')}` : 'exact copies of an earlier row';
  return {
    kind: exceptId ? 'duplicate-rows-except-id' : 'duplicate-rows',
    severity: 'warning',
    columns: exceptId ? ids : [],
    count,
    rows: examples.map(([r]) => r),
    value: count / rows,
    message: `${plural(count, 'row is', 'rows are')} ${what} (${formatPercent(count / rows)} of ${formatCount(rows)}); e.g. ${ex}.`,
    suggestion: `Remove the duplicates before splitting: copies that land in both training and test data make test scores look better than they are.`,
  };
}

function correlationFinding(a: string, b: string, r: number, n: number): Finding {
  return {
    kind: 'high-correlation',
    severity: 'info',
    columns: [a, b],
    count: n,
    value: r,
    message: `${q(a)} and ${q(b)} are almost perfectly ${r > 0 ? 'correlated' : 'anti-correlated'} (r = ${formatFixed(r, 3)} over ${formatCount(n)} rows): they carry nearly the same information.`,
    suggestion: `Linear models get unstable coefficients with both; keep one, combine them, or use regularisation (Ridge). Tree models are not harmed.`,
  };
}
