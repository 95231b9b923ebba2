/**
 * Which column to predict when the person has not said: a column named like a target first
 * (`price`, `target`, `selling_price`, `Churn`, ...), else the last numeric column, with the
 * reason in words so that Prepare and the CLI can say why.
 *
 * Columns named like a target may hold numbers (regression) or labels (classification: telco's
 * `Churn` Yes/No); the fallback is a measurement only, since the last label column of a table is
 * rarely what a person wants predicted. Among name matches a whole-name match beats a word inside
 * a name, then the word's rank below; among equals the first column wins (`Selling_Price` before
 * `Present_Price`). Whether the chosen column is a regression or a classification target is
 * task.ts's call.
 */
import { isMeasurement } from './schema';
import type { ColumnSchema, Table } from './types';

export interface TargetProposal {
  column: string;
  /**
   * Why, in words that read after the column's name: "named like a target" or "the last numeric
   * column" (`"selling_price" (named like a target)`).
   */
  reason: string;
}

/** Whole names that say "this is what to predict", most telling first. */
const TARGET_NAMES = ['target', 'label', 'outcome', 'response', 'y', 'price', 'churn', 'class'];
/** Words that say so inside a longer name (`selling_price`, `SalePrice`, `price_usd`, `churn_flag`). */
const TARGET_WORDS = ['target', 'label', 'outcome', 'price', 'churn'];

/** The words of a column name, lower case: "Selling_Price" → [selling, price]; "SalePrice" → [sale, price]. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** A column of classes: labels (categories, yes/no, ordered levels) or a 0/1 flag; not an id, free text or a constant. */
export function isClassColumn(s: ColumnSchema): boolean {
  return s.kind === 'categorical' || s.kind === 'boolean' || s.kind === 'ordinal';
}

/** A column that can be the target: a numeric measurement, or a column of classes. */
export function isTargetCandidate(s: ColumnSchema): boolean {
  return isMeasurement(s) || isClassColumn(s);
}

/** The proposed target of a table with this schema, or null when no column can be one. */
export function proposeTarget(schema: readonly ColumnSchema[]): TargetProposal | null {
  const measurements = schema.filter(isMeasurement);
  const named = schema.filter(isTargetCandidate);
  const names = new Set(schema.map((s) => words(s.name).join('')));
  let best: { column: string; rank: number } | null = null;
  for (const s of named) {
    const w = words(s.name);
    const whole = w.join('');
    let rank = TARGET_NAMES.indexOf(whole);
    // `y` beside an `x` is a coordinate or a dimension (the gemstones' x, y, z), not a target.
    if (whole === 'y' && names.has('x')) rank = -1;
    if (rank < 0) {
      const k = Math.min(...w.map((t) => TARGET_WORDS.indexOf(t)).filter((i) => i >= 0));
      if (Number.isFinite(k)) rank = TARGET_NAMES.length + k;
    }
    if (rank >= 0 && (best === null || rank < best.rank)) best = { column: s.name, rank };
  }
  if (best) return { column: best.column, reason: 'named like a target' };
  if (measurements.length === 0) return null;
  return { column: measurements[measurements.length - 1].name, reason: 'the last numeric column' };
}

/**
 * Every known value of the numeric column `target` is above 0 (missing values aside): what a
 * log-link loss needs, so a model search may try one. False for a categorical or absent column.
 */
export function targetIsPositive(table: Table, target: string): boolean {
  const col = table.columns.find((c) => c.name === target);
  if (!col || col.type !== 'numeric') return false;
  let seen = false;
  for (const v of col.values) {
    if (Number.isNaN(v)) continue;
    if (!(v > 0)) return false;
    seen = true;
  }
  return seen;
}
