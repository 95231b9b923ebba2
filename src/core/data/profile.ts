/**
 * Column profiles (counts, summary statistics, histograms, top levels) and dataset warnings
 * (ragged rows, id and constant columns, implausible zeros, high cardinality, missing values,
 * duplicate rows).
 */
import type {
  CategoricalColumn,
  ColumnProfile,
  ColumnSchema,
  DatasetWarning,
  NumericColumn,
  NumericSummary,
  RaggedRows,
  Table,
  TableProfile,
} from './types';
import { listRows } from './csv';

const HISTOGRAM_BINS = 20;
const TOP_LEVELS = 20;
/** Row numbers listed in a warning. */
const LISTED_ROWS = 20;
/** A categorical column with more levels than this gets a high-cardinality warning. */
const HIGH_CARDINALITY = 100;
/** Zeros are flagged when at most this share of a non-negative column is zero... */
const RARE_ZERO_SHARE = 0.01;
/** ...or, at any share, in columns whose names say zero is not a real value (sizes, weights, prices). */
const NO_ZERO_NAME = /^(x|y|z|length|width|height|depth|weight|size|area|volume|carat|price|mass|diameter)$/i;

const fmt = (n: number): string => n.toLocaleString('en-US');

/** Quantile with linear interpolation between order statistics (numpy's default, R type 7). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function numericProfile(col: NumericColumn): ColumnProfile {
  const v = col.values;
  const n = v.length;
  let present = 0;
  for (let i = 0; i < n; i++) if (v[i] === v[i]) present++;
  const sorted = new Float64Array(present);
  let k = 0;
  let sum = 0;
  let zeros = 0;
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (x !== x) continue;
    sorted[k++] = x;
    sum += x;
    if (x === 0) zeros++;
  }
  sorted.sort();
  let distinct = present > 0 ? 1 : 0;
  for (let i = 1; i < present; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  const profile: ColumnProfile = { name: col.name, count: present, missing: n - present, distinct };
  if (present === 0) return profile;
  const mean = sum / present;
  let ss = 0;
  for (let i = 0; i < present; i++) {
    const d = sorted[i] - mean;
    ss += d * d;
  }
  const min = sorted[0];
  const max = sorted[present - 1];
  profile.numeric = {
    min,
    max,
    mean,
    std: Math.sqrt(ss / present),
    quantiles: {
      p05: quantileSorted(sorted, 0.05),
      p25: quantileSorted(sorted, 0.25),
      p50: quantileSorted(sorted, 0.5),
      p75: quantileSorted(sorted, 0.75),
      p95: quantileSorted(sorted, 0.95),
    },
    zeros,
    histogram: histogram(sorted, min, max),
  };
  return profile;
}

/** Equal-width bins over [min, max]; the last bin includes max. One bin when min = max. */
function histogram(sorted: Float64Array, min: number, max: number): NumericSummary['histogram'] {
  if (min === max) return { edges: [min, max], counts: [sorted.length] };
  const width = (max - min) / HISTOGRAM_BINS;
  const edges: number[] = [];
  for (let b = 0; b <= HISTOGRAM_BINS; b++) edges.push(b === HISTOGRAM_BINS ? max : min + b * width);
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (let i = 0; i < sorted.length; i++) {
    let b = Math.floor((sorted[i] - min) / width);
    if (b >= HISTOGRAM_BINS) b = HISTOGRAM_BINS - 1;
    counts[b]++;
  }
  return { edges, counts };
}

function categoricalProfile(col: CategoricalColumn): ColumnProfile {
  const counts = new Float64Array(col.levels.length);
  let missing = 0;
  const codes = col.codes;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < 0) missing++;
    else counts[c]++;
  }
  const used: number[] = [];
  for (let c = 0; c < counts.length; c++) if (counts[c] > 0) used.push(c);
  used.sort((a, b) => counts[b] - counts[a] || a - b);
  return {
    name: col.name,
    count: codes.length - missing,
    missing,
    distinct: used.length,
    top: used.slice(0, TOP_LEVELS).map((c) => ({ level: col.levels[c], count: counts[c] })),
  };
}

function firstRows(n: number, test: (i: number) => boolean): { rows: number[]; count: number } {
  const rows: number[] = [];
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (!test(i)) continue;
    count++;
    if (rows.length < LISTED_ROWS) rows.push(i + 1);
  }
  return { rows, count };
}

/** Per-row 53-bit hash over the given columns, for duplicate detection. */
function rowHashes(table: Table, columns: readonly number[]): Float64Array {
  const n = table.rowCount;
  const h1 = new Uint32Array(n).fill(0x811c9dc5);
  const h2 = new Uint32Array(n).fill(0x9e3779b9);
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  const mix = (i: number, a: number, b: number): void => {
    h1[i] = Math.imul(h1[i] ^ a, 0x01000193) ^ Math.imul(b, 0x5bd1e995);
    h2[i] = Math.imul((h2[i] << 5) | (h2[i] >>> 27), 0x27d4eb2f) ^ a ^ Math.imul(b ^ (b >>> 13), 0x85ebca6b);
  };
  for (const j of columns) {
    const col = table.columns[j];
    if (col.type === 'numeric') {
      const v = col.values;
      for (let i = 0; i < n; i++) {
        const x = v[i];
        f[0] = x !== x ? NaN : x === 0 ? 0 : x; // one NaN, +0 = -0
        mix(i, u[0], u[1]);
      }
    } else {
      const c = col.codes;
      for (let i = 0; i < n; i++) mix(i, c[i], j);
    }
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (h1[i] & 0x1fffff) * 4294967296 + h2[i];
  return out;
}

function duplicateRows(table: Table, columns: readonly number[]): { rows: number[]; count: number } {
  const n = table.rowCount;
  if (n < 2 || columns.length === 0) return { rows: [], count: 0 };
  const hashes = rowHashes(table, columns);
  const sorted = Float64Array.from(hashes).sort();
  const repeated = new Set<number>();
  for (let i = 1; i < n; i++) if (sorted[i] === sorted[i - 1]) repeated.add(sorted[i]);
  if (repeated.size === 0) return { rows: [], count: 0 };
  const seen = new Set<number>();
  return firstRows(n, (i) => {
    const h = hashes[i];
    if (!repeated.has(h)) return false;
    if (seen.has(h)) return true;
    seen.add(h);
    return false;
  });
}

/**
 * Profiles every column and lists what a person should know before training. `ragged` (from the
 * reader) adds the ragged-rows warning.
 */
export function profileTable(table: Table, schema: readonly ColumnSchema[], ragged?: RaggedRows): TableProfile {
  const kinds = new Map(schema.map((s) => [s.name, s]));
  const warnings: DatasetWarning[] = [];
  if (ragged && ragged.count > 0) {
    warnings.push({
      kind: 'ragged-rows',
      rows: ragged.rows.slice(0, LISTED_ROWS),
      count: ragged.count,
      message: `${fmt(ragged.count)} row${ragged.count === 1 ? '' : 's'} had a different number of fields than the header (rows ${listRows(
        ragged.rows,
        ragged.count,
        LISTED_ROWS,
      )}); they were kept, padded with missing values or cut to the header's length.`,
    });
  }
  const n = table.rowCount;
  const columns: ColumnProfile[] = [];
  const dupColumns: number[] = [];
  table.columns.forEach((col, j) => {
    const s = kinds.get(col.name);
    const p = col.type === 'numeric' ? numericProfile(col) : categoricalProfile(col);
    columns.push(p);
    const kind = s?.kind;
    if (kind !== 'id') dupColumns.push(j);
    if (kind === 'id') {
      warnings.push({ kind: 'id-column', column: col.name, message: `"${col.name}" is a row identifier (${s?.reason}); it is not used as a feature.` });
    } else if (kind === 'constant') {
      warnings.push({ kind: 'constant-column', column: col.name, message: `"${col.name}" is constant (${s?.reason}); it carries no information.` });
    }
    if (p.missing > 0) {
      const isMissing = col.type === 'numeric' ? (i: number) => col.values[i] !== col.values[i] : (i: number) => col.codes[i] < 0;
      const r = firstRows(n, isMissing);
      warnings.push({
        kind: 'missing-values',
        column: col.name,
        rows: r.rows,
        count: r.count,
        message: `"${col.name}" has ${fmt(r.count)} missing value${r.count === 1 ? '' : 's'} (${((100 * r.count) / n).toFixed(1)}% of rows; rows ${listRows(
          r.rows,
          r.count,
        )}).`,
      });
    }
    if (col.type === 'numeric' && p.numeric && p.numeric.zeros > 0 && kind !== 'id' && kind !== 'boolean' && p.numeric.min >= 0) {
      const zeros = p.numeric.zeros;
      if (NO_ZERO_NAME.test(col.name.trim()) || zeros <= RARE_ZERO_SHARE * p.count) {
        const r = firstRows(n, (i) => col.values[i] === 0);
        warnings.push({
          kind: 'zeros',
          column: col.name,
          rows: r.rows,
          count: r.count,
          message: `"${col.name}" is 0 in ${fmt(r.count)} row${r.count === 1 ? '' : 's'} (rows ${listRows(
            r.rows,
            r.count,
          )}), where zero is implausible: probably a data error standing for missing.`,
        });
      }
    }
    if (col.type === 'categorical' && (kind === 'text' || ((kind === 'categorical' || kind === 'ordinal') && p.distinct > HIGH_CARDINALITY))) {
      warnings.push({
        kind: 'high-cardinality',
        column: col.name,
        count: p.distinct,
        message: `"${col.name}" has ${fmt(p.distinct)} distinct values among ${fmt(p.count)}: too many to one-hot encode as they are.`,
      });
    }
  });
  const dups = duplicateRows(table, dupColumns);
  if (dups.count > 0) {
    const ignoring = table.columns.length - dupColumns.length;
    warnings.push({
      kind: 'duplicate-rows',
      rows: dups.rows,
      count: dups.count,
      message: `${fmt(dups.count)} row${dups.count === 1 ? ' repeats' : 's repeat'} an earlier row${
        ignoring > 0 ? ' (ignoring id columns)' : ''
      } (rows ${listRows(dups.rows, dups.count)}).`,
    });
  }
  return { columns, warnings };
}
