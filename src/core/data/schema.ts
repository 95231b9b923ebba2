/**
 * Schema inference: propose a ColumnKind per column with a plain-words reason, and convert a
 * table's storage to match a (possibly person-edited) schema.
 */
import { CsvError } from '../errors';
import { parseNumber } from './column-builder';
import { readNumberCell, splitUnit } from './number-cell';
import { scanNumeric, type NumericScan } from './numeric-scan';
import { formatCount } from '../format';
import { levelCounts } from './table';
import { numbersAsLabels } from './number-labels';
import type { CategoricalColumn, Column, ColumnKind, ColumnSchema, NumericColumn, Table } from './types';

/** Share of non-missing values that must be numbers for a mixed column to be read as numeric. */
const NUMERIC_SHARE = 0.98;
/** A label column with more distinct values than this share of its values, and more than TEXT_MIN_DISTINCT, is text... */
const TEXT_DISTINCT_SHARE = 0.5;
const TEXT_MIN_DISTINCT = 20;
/** ...or, in a small table, when its labels average this many characters (names, sentences). */
const TEXT_MIN_LENGTH = 15;
/** Share of values (numbers or number+unit) needed for a unit column, and of those in the main unit. */
const UNIT_SHARE = 0.95;
const MAIN_UNIT_SHARE = 0.8;

const fmt = formatCount;

/** Names that mark a row key: id, ID, index, customer_id, customerId, row id. */
export function looksLikeIdName(name: string): boolean {
  const n = name.trim();
  return /^(id|ids|idx|index|key|uuid|guid)$/i.test(n) || /[_\s-]id$/i.test(n) || /[a-z]Id$/.test(n) || /ID$/.test(n);
}

/** Names that mark a yes/no flag kept as 0/1 numbers: is_*, has_*, *_flag, flag. */
export function looksLikeFlagName(name: string): boolean {
  return /^(is|has|was|can|should|did)([_\s-]|[A-Z])/.test(name.trim()) || /(^|[_\s-])flag$/i.test(name.trim());
}

const BOOLEAN_PAIRS: [string, string][] = [
  ['false', 'true'],
  ['no', 'yes'],
  ['n', 'y'],
  ['f', 't'],
];

function inferNumeric(col: NumericColumn, given?: NumericScan): ColumnSchema {
  const v = col.values;
  const n = v.length;
  const { present, min, max, integers, zeroOne, consecutive } = given ?? scanNumeric(v, 0);
  const first = v[0];
  const base = { name: col.name, storage: 'numeric' as const, ...(col.unit ? { unit: col.unit } : {}) };
  if (present === 0) return { ...base, kind: 'constant', reason: `all ${fmt(n)} values are missing` };
  if (min === max) return { ...base, kind: 'constant', reason: `every value is ${min}` };
  if (integers && present === n && n >= 2) {
    if (consecutive) {
      return { ...base, kind: 'id', reason: `the values count up by one from ${first} to ${max}: a row number, not a feature` };
    }
    const distinctKnown = given?.table ? given.table.keys.length === n : undefined;
    if (looksLikeIdName(col.name) && (distinctKnown ?? allDistinct(v))) {
      return { ...base, kind: 'id', reason: `named like an identifier and all ${fmt(n)} values are distinct integers` };
    }
  }
  if (zeroOne && looksLikeFlagName(col.name)) {
    return { ...base, kind: 'boolean', reason: 'only the values 0 and 1, and named like a flag' };
  }
  if (col.unit) return { ...base, kind: 'unit', reason: `numbers with the unit "${col.unit}"` };
  return {
    ...base,
    kind: 'numeric',
    reason:
      present === n
        ? `all ${fmt(n)} values are numbers`
        : `all ${fmt(present)} non-missing values are numbers (${fmt(n - present)} missing)`,
  };
}

function allDistinct(v: Float64Array): boolean {
  const s = Float64Array.from(v).sort();
  for (let i = 1; i < s.length; i++) if (s[i] === s[i - 1]) return false;
  return true;
}

function inferCategorical(col: CategoricalColumn): ColumnSchema {
  const { counts, missing } = levelCounts(col);
  const n = col.codes.length;
  const present = n - missing;
  let distinct = 0;
  for (let c = 0; c < counts.length; c++) if (counts[c] > 0) distinct++;
  const base = { name: col.name, storage: 'categorical' as const };
  if (present === 0) return { ...base, kind: 'constant', reason: `all ${fmt(n)} values are missing` };
  if (distinct === 1) {
    const only = col.levels[counts.findIndex((c) => c > 0)];
    return { ...base, kind: 'constant', reason: `every value is "${only}"` };
  }
  // Mostly numbers (a few stray labels) or numbers with a unit.
  let numericRows = 0;
  let plainRows = 0;
  const unitRows = new Map<string, number>();
  const strays: string[] = [];
  for (let c = 0; c < counts.length; c++) {
    if (counts[c] === 0) continue;
    const s = col.levels[c];
    if (parseNumber(s) === parseNumber(s)) {
      numericRows += counts[c];
      plainRows += counts[c];
      continue;
    }
    const u = splitUnit(s);
    if (u) {
      numericRows += counts[c];
      unitRows.set(u.unit, (unitRows.get(u.unit) ?? 0) + counts[c]);
    } else if (strays.length < 3) strays.push(s);
  }
  if (unitRows.size === 0 && plainRows >= NUMERIC_SHARE * present) {
    const bad = present - plainRows;
    return {
      ...base,
      storage: 'numeric',
      kind: 'numeric',
      reason: `${fmt(plainRows)} of ${fmt(present)} values are numbers; the other ${fmt(bad)} (${strays
        .map((s) => JSON.stringify(s))
        .join(', ')}${bad > strays.length ? ', ...' : ''}) will be read as missing`,
    };
  }
  if (unitRows.size > 0 && numericRows >= UNIT_SHARE * present) {
    let main = '';
    let mainRows = 0;
    for (const [u, k] of unitRows) if (k > mainRows) [main, mainRows] = [u, k];
    const withUnit = numericRows - plainRows;
    if (mainRows >= MAIN_UNIT_SHARE * withUnit) {
      const others = [...unitRows.keys()].filter((u) => u !== main);
      const lost = present - plainRows - mainRows;
      return {
        ...base,
        storage: 'numeric',
        kind: 'unit',
        unit: main,
        reason:
          `${fmt(mainRows)} of ${fmt(present)} values are numbers with the unit "${main}"; the number is kept` +
          (lost > 0
            ? `; ${fmt(lost)} other values (${[...others.map((u) => `unit "${u}"`), ...strays.map((s) => JSON.stringify(s))]
                .slice(0, 3)
                .join(', ')}) will be read as missing`
            : ''),
      };
    }
  }
  if (distinct === 2) {
    const pair = counts
      .reduce<string[]>((acc, k, c) => (k > 0 ? [...acc, col.levels[c].toLowerCase()] : acc), [])
      .sort();
    if (BOOLEAN_PAIRS.some(([a, b]) => pair[0] === a && pair[1] === b)) {
      return { ...base, kind: 'boolean', reason: `two values only: ${pair.join(' / ')}` };
    }
  }
  if (looksLikeIdName(col.name) && missing === 0 && distinct === n) {
    return { ...base, kind: 'id', reason: `named like an identifier and all ${fmt(n)} values are distinct` };
  }
  let chars = 0;
  for (let c = 0; c < counts.length; c++) if (counts[c] > 0) chars += col.levels[c].length;
  const longLabels = chars / distinct >= TEXT_MIN_LENGTH;
  if (distinct > TEXT_DISTINCT_SHARE * present && (distinct > TEXT_MIN_DISTINCT || (longLabels && distinct >= 5))) {
    return {
      ...base,
      kind: 'text',
      reason: `${fmt(distinct)} distinct values among ${fmt(present)}: free text or a near-unique label, not a category`,
    };
  }
  return { ...base, kind: 'categorical', reason: `${fmt(distinct)} distinct labels` };
}

/** A column of numbers that measure something: not an id, a constant, a flag or codes of labels. */
export function isMeasurement(s: ColumnSchema): boolean {
  return (s.kind === 'numeric' || s.kind === 'unit') && s.storage === 'numeric';
}

/** Proposes a kind per column, with the reason in plain words. */
export function inferSchema(table: Table): ColumnSchema[] {
  return inferSchemaWith(table, null);
}

/** inferSchema with numeric columns already scanned (parseCsv scans once for inference and profile). */
export function inferSchemaWith(table: Table, scans: ReadonlyMap<Float64Array, NumericScan> | null): ColumnSchema[] {
  return table.columns.map((col) => (col.type === 'numeric' ? inferNumeric(col, scans?.get(col.values)) : inferCategorical(col)));
}

/** Labels read as numbers by the rule prediction uses too (readNumberCell): what is not a number is missing. */
function toNumeric(col: CategoricalColumn, unit: string | undefined): NumericColumn {
  const levelValues = Float64Array.from(col.levels, (s) => readNumberCell(s, unit) ?? NaN);
  const values = new Float64Array(col.codes.length);
  const codes = col.codes;
  for (let i = 0; i < codes.length; i++) values[i] = codes[i] < 0 ? NaN : levelValues[codes[i]];
  return unit !== undefined ? { type: 'numeric', name: col.name, values, unit } : { type: 'numeric', name: col.name, values };
}

/** Converts each column to the storage its schema entry asks for (numbers from labels, units stripped). */
export function applySchema(table: Table, schema: readonly ColumnSchema[]): Table {
  const byName = new Map(schema.map((s) => [s.name, s]));
  const columns: Column[] = table.columns.map((col) => {
    const s = byName.get(col.name);
    if (!s) throw new CsvError('unknown-column', `The schema has no entry for column "${col.name}".`, { column: col.name });
    if (s.storage === col.type) return col;
    return col.type === 'categorical' ? toNumeric(col, s.kind === 'unit' ? s.unit : undefined) : numbersAsLabels(col);
  });
  return { rowCount: table.rowCount, columns };
}

export const KINDS: readonly ColumnKind[] = ['numeric', 'categorical', 'ordinal', 'id', 'constant', 'text', 'unit', 'boolean'];
