/**
 * Data-quality findings in plain words for the Explore screen: the checks every dataset gets
 * (data/quality.ts: missing values, id and constant columns, implausible zeros, high cardinality,
 * duplicate rows — the same findings, in the same words, as the Data page's warnings) and those
 * that need more statistics: near-constant and strongly skewed columns, rows with zeros in several
 * columns, and redundant (highly correlated) feature pairs. Most severe first.
 */
import { checkQuality, firstRows, rowList, type Finding, type FindingKind } from '../data/quality';
import { isMeasurement } from '../data/schema';
import { levelCounts } from '../data/table';
import type { ColumnProfile, ColumnSchema, NumericColumn, Severity, Table } from '../data/types';
import { InvalidParamsError } from '../errors';
import { formatCount, formatPercent, formatValue, plural } from '../format';
import { pearson } from './correlation';
import { checkInt, formatFixed, moments, withDefaults } from './stats';

export type { Finding, FindingKind, Severity };

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

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
/** Order of a column's findings. */
const COLUMN_ORDER: FindingKind[] = ['missing-values', 'id-column', 'constant-column', 'near-constant-column', 'implausible-zeros', 'skewed', 'high-cardinality'];

/**
 * Findings about `table`, most severe first; a column's findings together, in table order, then
 * those about rows and pairs. `schema` (from schema inference, possibly edited by the person) says
 * which columns are ids or constants; columns it does not list are judged by schema inference.
 * `profile`, when given, saves passes over the columns.
 */
export function dataQualityFindings(
  table: Table,
  schema: readonly ColumnSchema[] = [],
  profile?: readonly ColumnProfile[],
  opts: DataQualityOptions = {},
): Finding[] {
  const o = resolveOptions(opts);
  const rows = table.rowCount;
  const checks = checkQuality(table, { schema, ...(profile ? { profile } : {}) }, { maxRows: o.maxRows, highCardinality: o.highCardinality, zeroShare: o.zeroShare });
  const byColumn = new Map<string, Finding[]>(table.columns.map((c) => [c.name, []]));
  const whole: Finding[] = [];
  for (const f of checks.findings) {
    if (COLUMN_ORDER.includes(f.kind) && f.columns.length === 1) byColumn.get(f.columns[0])!.push(f);
    else whole.push(f);
  }
  const skip = (name: string): boolean => checks.idColumns.has(name) || checks.constantColumns.has(name);

  table.columns.forEach((col, j) => {
    if (skip(col.name)) return;
    const own = byColumn.get(col.name)!;
    if (col.type === 'numeric') {
      const { present, min } = presentAndMin(col.values);
      const major = majorityValue(col.values);
      if (major && major.count / present >= o.nearConstantShare) own.push(nearConstantFinding(col.name, formatValue(major.value), major.count, present));
      // Codes of labels stored as numbers (schema: categorical, ordinal, boolean) are not measurements.
      if (!isMeasurement(checks.kinds[j])) return;
      const m = moments(col.values);
      if (Math.abs(m.skewness) > o.skewThreshold) own.push(skewFinding(col, m.skewness, present, min));
    } else {
      const { counts, missing } = levelCounts(col);
      let top = 0;
      for (let c = 1; c < counts.length; c++) if (counts[c] > counts[top]) top = c;
      const present = rows - missing;
      if (counts[top] / present >= o.nearConstantShare) own.push(nearConstantFinding(col.name, `"${col.levels[top]}"`, counts[top], present));
    }
  });

  const out: Finding[] = [];
  for (const own of byColumn.values()) out.push(...own.sort((a, b) => COLUMN_ORDER.indexOf(a.kind) - COLUMN_ORDER.indexOf(b.kind)));
  if (checks.zeroColumns.length >= 2) out.push(zeroRowsFinding(checks.zeroColumns, rows, o.maxRows));
  out.push(...whole);

  const candidates = table.columns.filter(
    (c, j): c is NumericColumn => c.type === 'numeric' && isMeasurement(checks.kinds[j]) && !skip(c.name) && c.name !== o.target,
  );
  for (let i = 0; i < candidates.length; i++)
    for (let j = i + 1; j < candidates.length; j++) {
      const { r, count } = pearson(candidates[i].values, candidates[j].values);
      if (Math.abs(r) > o.correlationThreshold) out.push(correlationFinding(candidates[i].name, candidates[j].name, r, count));
    }

  return out
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_RANK[a.f.severity] - SEVERITY_RANK[b.f.severity] || a.i - b.i)
    .map(({ f }) => f);
}

function presentAndMin(v: Float64Array): { present: number; min: number } {
  let present = 0;
  let min = Infinity;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== x) continue;
    present++;
    if (x < min) min = x;
  }
  return { present, min };
}

const q = (name: string): string => `"${name}"`;

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

function skewFinding(col: NumericColumn, skew: number, present: number, min: number): Finding {
  const right = skew > 0;
  let suggestion: string;
  if (!right) suggestion = `A left-skewed column rarely needs a transform for tree models; for linear models try squaring or reflecting it.`;
  else if (min > 0) {
    const logs = new Float64Array(col.values.length);
    for (let i = 0; i < logs.length; i++) logs[i] = Math.log10(col.values[i]); // NaN stays NaN
    suggestion = `A log transform would make it more symmetric (skewness of log10(${col.name}): ${formatFixed(moments(logs).skewness)}); this helps linear models and, for a target, RMSE on large values.`;
  } else if (min >= 0) suggestion = `Try log(1 + ${col.name}) to make it more symmetric (it has zeros, so plain log cannot be used).`;
  else suggestion = `It has negative values, so a log cannot be used; a Yeo-Johnson transform would make it more symmetric.`;
  return {
    kind: 'skewed',
    severity: 'info',
    columns: [col.name],
    count: present,
    value: skew,
    message: `${q(col.name)} is strongly ${right ? 'right' : 'left'}-skewed (skewness ${formatFixed(skew)}): ${right ? 'most values are small, with a long tail of large ones' : 'most values are large, with a long tail of small ones'}.`,
    suggestion,
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
