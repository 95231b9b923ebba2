/**
 * Column profiles (counts, summary statistics, histograms, top levels) and dataset warnings
 * (ragged rows, id and constant columns, implausible zeros, high cardinality, missing values,
 * duplicate rows).
 */
import { formatCount, listRows } from '../format';
import { levelCounts } from './table';
import { scanNumeric, type NumericScan } from './numeric-scan';
import { quantileCounted, quantileSorted } from './quantile';
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

const fmt = formatCount;

/** Columns with at most this many distinct values are profiled from a value → count table, without sorting. */
export const PROFILE_COUNT_CAP = 1 << 16;
const COUNT_TABLE_CAP = PROFILE_COUNT_CAP;

function numericProfile(col: NumericColumn, given?: NumericScan): ColumnProfile {
  const v = col.values;
  const n = v.length;
  const scan = given && given.countCap >= COUNT_TABLE_CAP ? given : scanNumeric(v, COUNT_TABLE_CAP);
  const { present, sum, zeros, ascending } = scan;
  if (present === 0) return { name: col.name, count: 0, missing: n, distinct: 0 };
  const mean = sum / present;
  // Ascending columns take the sorted path (they are their own sorted copy when complete).
  const table = ascending ? null : scan.table;
  let distinct: number;
  let min: number;
  let max: number;
  let ss = 0;
  let quantiles: NumericSummary['quantiles'];
  let hist: NumericSummary['histogram'];
  if (table) {
    const { keys, counts } = table;
    distinct = keys.length;
    min = keys[0];
    max = keys[distinct - 1];
    const cum = new Float64Array(distinct);
    let c = 0;
    for (let j = 0; j < distinct; j++) {
      c += counts[j];
      cum[j] = c;
      const d = keys[j] - mean;
      ss += counts[j] * d * d;
    }
    const q = (p: number): number => quantileCounted(keys, cum, present, p);
    quantiles = { p05: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95) };
    hist = histogram(keys, min, max, counts);
  } else {
    // Many distinct values: sort a copy (or use the values as they are when already ascending).
    let sorted: Float64Array;
    if (ascending && present === n) sorted = v;
    else {
      sorted = new Float64Array(present);
      let k = 0;
      for (let i = 0; i < n; i++) if (v[i] === v[i]) sorted[k++] = v[i];
      if (!ascending) sorted.sort();
    }
    distinct = present > 0 ? 1 : 0;
    for (let i = 1; i < present; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
    for (let i = 0; i < present; i++) {
      const d = sorted[i] - mean;
      ss += d * d;
    }
    min = sorted[0];
    max = sorted[present - 1];
    quantiles = {
      p05: quantileSorted(sorted, 0.05),
      p25: quantileSorted(sorted, 0.25),
      p50: quantileSorted(sorted, 0.5),
      p75: quantileSorted(sorted, 0.75),
      p95: quantileSorted(sorted, 0.95),
    };
    hist = histogram(sorted, min, max, null);
  }
  return {
    name: col.name,
    count: present,
    missing: n - present,
    distinct,
    numeric: { min, max, mean, std: Math.sqrt(ss / present), quantiles, zeros, histogram: hist },
  };
}

/**
 * Equal-width bins over [min, max]; the last bin includes max. One bin when min = max.
 * `weights`: the count of each value (for distinct values), or null for one each.
 */
function histogram(values: Float64Array, min: number, max: number, weights: Float64Array | null): NumericSummary['histogram'] {
  if (min === max) {
    let total = values.length;
    if (weights) {
      total = 0;
      for (let i = 0; i < weights.length; i++) total += weights[i];
    }
    return { edges: [min, max], counts: [total] };
  }
  const width = (max - min) / HISTOGRAM_BINS;
  const edges: number[] = [];
  for (let b = 0; b <= HISTOGRAM_BINS; b++) edges.push(b === HISTOGRAM_BINS ? max : min + b * width);
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (let i = 0; i < values.length; i++) {
    let b = Math.floor((values[i] - min) / width);
    if (b >= HISTOGRAM_BINS) b = HISTOGRAM_BINS - 1;
    counts[b] += weights ? weights[i] : 1;
  }
  return { edges, counts };
}

function categoricalProfile(col: CategoricalColumn): ColumnProfile {
  const { counts, missing } = levelCounts(col);
  const codes = col.codes;
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

/** Rows hashed per block in duplicateRows: the block's hashes stay in the cache. */
const HASH_BLOCK = 4096;
/** Rows per pass of duplicateRows' lookup, so that a pass's table (about 2 MB) stays in the cache. */
const ROWS_PER_PASS = 1 << 17;

/** Index of a double's low 32-bit word in a Uint32Array view (the high word is the other one). */
const LO = new Uint32Array(new Float64Array([1]).buffer)[1] === 0x3ff00000 ? 0 : 1;
const HI = 1 - LO;

/** A growable list of (h1, h2, row) triples: the rows of one lookup pass (see duplicateRows). */
class TripleList {
  data: Uint32Array;
  n = 0;
  constructor(capacity: number) {
    this.data = new Uint32Array(3 * Math.max(16, capacity));
  }
  /** Doubles the capacity (the caller appends triples to `data` itself). */
  grow(): void {
    const next = new Uint32Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
}

/**
 * Rows equal to an earlier row over the given columns. Rows are compared by a 64-bit hash of
 * their values (NaN equals NaN, 0 equals -0) in two 32-bit halves; a false match needs a 64-bit
 * collision, about n²/2⁶⁵ (3e-8 at 1M rows).
 *
 * The hashes are computed a block of rows at a time, column by column (a double's bits read
 * through a Uint32Array view of its column). Each row's hash goes to the list of its pass, chosen
 * by the top bits of the mixed hash; a pass then looks its rows up, in row order, in an
 * open-addressing table of the hashes seen, small enough to stay in the cache (one table for a
 * whole large dataset would cost a cache and TLB miss per row).
 */
function duplicateRows(table: Table, columns: readonly number[]): { rows: number[]; count: number } {
  const n = table.rowCount;
  if (n < 2 || columns.length === 0) return { rows: [], count: 0 };
  let passBits = 0;
  while (passBits < 8 && n > ROWS_PER_PASS << passBits) passBits++;
  const passes = 1 << passBits;
  const perPass = Math.ceil(n / passes);
  const lists: TripleList[] = [];
  for (let p = 0; p < passes; p++) lists.push(new TripleList(passes === 1 ? n : Math.ceil(perPass * 1.05) + 1024));
  const h1 = new Uint32Array(HASH_BLOCK);
  const h2 = new Uint32Array(HASH_BLOCK);
  const words = columns.map((j) => {
    const col = table.columns[j];
    return col.type === 'numeric' ? new Uint32Array(col.values.buffer, col.values.byteOffset, 2 * n) : null;
  });
  for (let start = 0; start < n; start += HASH_BLOCK) {
    const m = Math.min(HASH_BLOCK, n - start);
    h1.fill(0x811c9dc5);
    h2.fill(0x9e3779b9);
    for (let c = 0; c < columns.length; c++) {
      const j = columns[c];
      const w = words[c];
      if (w) {
        for (let k = 0; k < m; k++) {
          // The bits of the value, NaN as the canonical NaN and -0 as 0.
          let a = w[2 * (start + k) + LO];
          let b = w[2 * (start + k) + HI];
          if ((b & 0x7ff00000) === 0x7ff00000 && ((b & 0xfffff) | a) !== 0) {
            a = 0;
            b = 0x7ff80000;
          } else if (a === 0 && b === 0x80000000) b = 0;
          h1[k] = Math.imul(h1[k] ^ a, 0x01000193) ^ Math.imul(b, 0x5bd1e995);
          h2[k] = Math.imul((h2[k] << 5) | (h2[k] >>> 27), 0x27d4eb2f) ^ a ^ Math.imul(b ^ (b >>> 13), 0x85ebca6b);
        }
      } else {
        const codes = (table.columns[j] as CategoricalColumn).codes;
        for (let k = 0; k < m; k++) {
          const a = codes[start + k];
          h1[k] = Math.imul(h1[k] ^ a, 0x01000193) ^ Math.imul(j, 0x5bd1e995);
          h2[k] = Math.imul((h2[k] << 5) | (h2[k] >>> 27), 0x27d4eb2f) ^ a ^ Math.imul(j ^ (j >>> 13), 0x85ebca6b);
        }
      }
    }
    for (let k = 0; k < m; k++) {
      const a = h1[k];
      let b = h2[k];
      if ((a | b) === 0) b = 1; // (0, 0) marks an empty slot
      const list = lists[passBits === 0 ? 0 : ((b ^ Math.imul(a, 0x9e3779b1)) >>> 0) >>> (32 - passBits)];
      if (3 * list.n === list.data.length) list.grow();
      const t = 3 * list.n++;
      list.data[t] = a;
      list.data[t + 1] = b;
      list.data[t + 2] = start + k;
    }
  }
  const listed: number[] = [];
  let count = 0;
  let slots: Uint32Array = new Uint32Array(0);
  for (const list of lists) {
    const len = list.n;
    const d = list.data;
    let size = 1024;
    while (size < 2 * Math.min(len, perPass)) size *= 2;
    if (slots.length === 2 * size) slots.fill(0);
    else slots = new Uint32Array(2 * size);
    let mask = size - 1;
    let used = 0;
    let listedInPass = 0;
    for (let t = 0; t < 3 * len; t += 3) {
      const a = d[t];
      const b = d[t + 1];
      let s = (b ^ Math.imul(a, 0x9e3779b1)) & mask;
      for (;;) {
        const sa = slots[2 * s];
        const sb = slots[2 * s + 1];
        if ((sa | sb) === 0) {
          slots[2 * s] = a;
          slots[2 * s + 1] = b;
          if (++used * 2 > size) {
            slots = rehashPairs(slots, size * 2);
            size *= 2;
            mask = size - 1;
          }
          break;
        }
        if (sa === a && sb === b) {
          count++;
          // Rows come in order within a pass: its first LISTED_ROWS are all it can add.
          if (listedInPass < LISTED_ROWS) {
            listed.push(d[t + 2] + 1);
            listedInPass++;
          }
          break;
        }
        s = (s + 1) & mask;
      }
    }
  }
  listed.sort((x, y) => x - y);
  return { rows: listed.slice(0, LISTED_ROWS), count };
}

/** The pairs of an open-addressing table, in a new table of `size` slots (see duplicateRows). */
function rehashPairs(old: Uint32Array, size: number): Uint32Array {
  const slots = new Uint32Array(2 * size);
  const mask = size - 1;
  for (let t = 0; t < old.length; t += 2) {
    const a = old[t];
    const b = old[t + 1];
    if ((a | b) === 0) continue;
    let s = (b ^ Math.imul(a, 0x9e3779b1)) & mask;
    while ((slots[2 * s] | slots[2 * s + 1]) !== 0) s = (s + 1) & mask;
    slots[2 * s] = a;
    slots[2 * s + 1] = b;
  }
  return slots;
}

/**
 * Profiles every column and lists what a person should know before training. `ragged` (from the
 * reader) adds the ragged-rows warning.
 */
export function profileTable(table: Table, schema: readonly ColumnSchema[], ragged?: RaggedRows): TableProfile {
  return profileTableWith(table, schema, ragged, null);
}

/** profileTable with numeric columns already scanned (see parseCsv). */
export function profileTableWith(
  table: Table,
  schema: readonly ColumnSchema[],
  ragged: RaggedRows | undefined,
  scans: ReadonlyMap<Float64Array, NumericScan> | null,
): TableProfile {
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
    const p = col.type === 'numeric' ? numericProfile(col, scans?.get(col.values)) : categoricalProfile(col);
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
