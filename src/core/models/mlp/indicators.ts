/**
 * One-hot indicators of few-valued inputs, added beside the inputs themselves (MlpOptions
 * `oneHotLevels`). A column of ordinal codes (gemstone cut, colour, clarity, standardized by the
 * recipe) reaches a network as one number, so every step up the scale moves the first layer by
 * the same weights; with an indicator per level, each level gets weights of its own and the code
 * keeps the order. Trees need nothing of the kind: they split codes anywhere.
 *
 * The levels are the distinct values a column takes in the training rows. A value matches a
 * level when it lies within `levelTolerance` of it (the recipe computes the same double for the
 * same label, and an exported ONNX graph one that may differ in the last bits); any other value,
 * and a missing one, sets no indicator of its column.
 */
import type { StateReader, StateRecord } from '../state';
import type { Matrix } from '../types';
import { appendPerColumn, distinctValues } from './added-columns';

/** How far a value may lie from a level and still match it: 1e-9 relative (absolute below 1). */
export function levelTolerance(level: number): number {
  return 1e-9 * Math.max(1, Math.abs(level));
}

/** Per expanded column: its index among the inputs and its levels, ascending. */
export interface Indicators {
  columns: number[];
  levels: Float64Array[];
}

/**
 * The columns of X with at least 3 and at most `maxLevels` distinct non-missing values, and those
 * values; undefined when `maxLevels` < 3 or no column qualifies. (A two-valued column's indicator
 * would say what the column already says.) A column with two values closer than twice their
 * tolerance holds no codes and is left alone.
 */
export function learnIndicators(X: Matrix, maxLevels: number): Indicators | undefined {
  if (maxLevels < 3) return undefined;
  const columns: number[] = [];
  const levels: Float64Array[] = [];
  for (let j = 0; j < X.cols; j++) {
    const seen = distinctValues(X, j, maxLevels);
    if (seen.size < 3 || seen.size > maxLevels) continue;
    const lv = Float64Array.from(seen).sort();
    if (lv.some((v, k) => k > 0 && v - lv[k - 1] <= 2 * levelTolerance(v))) continue;
    columns.push(j);
    levels.push(lv);
  }
  return columns.length > 0 ? { columns, levels } : undefined;
}

/** How many indicator columns `withIndicators` appends. */
export function indicatorCount(ind: Indicators | undefined): number {
  return ind ? ind.levels.reduce((s, l) => s + l.length, 0) : 0;
}

/** X's columns followed by the indicators, column by column and level by level; X itself when there are none. */
export function withIndicators(X: Matrix, ind: Indicators | undefined): Matrix {
  if (!ind) return X;
  return appendPerColumn(
    X,
    ind.columns,
    ind.levels.map((l) => l.length),
    (c, v, out, at) => {
      const lv = ind.levels[c];
      for (let k = 0; k < lv.length; k++) out[at + k] = Math.abs(v - lv[k]) <= levelTolerance(lv[k]) ? 1 : 0;
    },
  );
}

/** The indicators as stored in a bundle (absent when there are none). */
export function indicatorsRecord(ind: Indicators | undefined): StateRecord {
  return ind ? { oneHot: { columns: [...ind.columns], levels: ind.levels.map((l) => l.slice()) } } : {};
}

/**
 * The stored indicators (absent: none), their levels checked, naming the field; their columns
 * are checked against the network's inputs by its reader (network-state.ts `readNetwork`).
 */
export function readIndicators(r: StateReader): Indicators | undefined {
  if (!r.has('oneHot')) return undefined;
  const o = r.object('oneHot');
  const columns = o.numbers('columns', { integer: true, min: 0 });
  const levels = o.typedList('levels', Float64Array, columns.map(() => undefined));
  levels.forEach((l, c) => {
    if (l.length < 3) o.fail(`levels[${c}]`, `holds ${l.length} values; indicators need at least 3.`);
    for (let k = 1; k < l.length; k++) if (!(l[k] > l[k - 1])) o.fail(`levels[${c}]`, 'must be distinct numbers in ascending order.');
  });
  return { columns, levels: levels.map((l) => l.slice()) };
}
