/**
 * Column profiles (counts, summary statistics, histograms, top levels) and the dataset's warnings
 * (the data-quality checks of quality.ts: ragged rows, id and constant columns, implausible zeros,
 * high cardinality, missing values, duplicate rows).
 */
import { checkQuality, datasetWarnings } from './quality';
import { levelCounts } from './table';
import { scanNumeric, type NumericScan } from './numeric-scan';
import { quantileCounted, quantileSorted } from './quantile';
import type {
  CategoricalColumn,
  ColumnProfile,
  ColumnSchema,
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
  const columns = table.columns.map((col) => (col.type === 'numeric' ? numericProfile(col, scans?.get(col.values)) : categoricalProfile(col)));
  const checks = checkQuality(table, { schema, profile: columns, scans, ...(ragged ? { ragged } : {}) }, { maxRows: LISTED_ROWS });
  return { columns, warnings: datasetWarnings(checks.findings) };
}
