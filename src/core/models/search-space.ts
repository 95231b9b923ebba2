/**
 * Drawing hyperparameters from the search spaces the parameter tables declare (params.ts
 * `search`). Seeded: the same Rng state draws the same configuration in Node, workers and
 * browsers. Only the fields with a space vary; the others keep their defaults.
 */
import { resolveParams, type AnyParamTable, type ParamValue, type SearchSpace } from './params';
import { InvalidParamsError } from '../errors';
import type { Rng } from '../random';

/** What a search knows of the data when it draws (the fields' `searchIf` conditions). */
export interface DrawContext {
  /** Every known target value is above 0 (data/target.ts `targetIsPositive`). */
  positiveTarget?: boolean;
}

/**
 * The fields of a table a search varies, with their spaces, in the table's order; given the
 * data's context, only the fields whose `searchIf` condition it meets.
 */
export function searchSpaceOf(table: AnyParamTable, context?: DrawContext): [string, SearchSpace][] {
  return Object.entries(table.fields).flatMap(([k, s]) => (s.search && (context === undefined || searchable(table, k, context)) ? [[k, s.search] as [string, SearchSpace]] : []));
}

/** Whether the data meets the field's `searchIf` condition (fields without one always do). */
function searchable(table: AnyParamTable, field: string, context: DrawContext): boolean {
  return table.fields[field]?.searchIf !== 'positive-target' || context.positiveTarget === true;
}

/**
 * A starting point of a search (the catalog's `searchStarts`) as the data allows it: fields whose
 * `searchIf` condition the context does not meet are left out (they keep their defaults).
 */
export function startParams(table: AnyParamTable, start: Readonly<Record<string, ParamValue>>, context: DrawContext): Record<string, ParamValue> {
  return Object.fromEntries(Object.entries(start).filter(([k]) => searchable(table, k, context)));
}

/** Four significant digits: drawn rates and penalties read plainly in tables and reports. */
function round4(x: number): number {
  return Number(x.toPrecision(4));
}

/** One value from a space. */
export function drawValue(space: SearchSpace, rng: Rng): ParamValue {
  switch (space.type) {
    case 'choice': {
      const v = space.values[rng.nextInt(space.values.length)];
      return Array.isArray(v) ? [...v] : v;
    }
    case 'uniform':
      return Math.min(space.high, Math.max(space.low, round4(space.low + (space.high - space.low) * rng.next())));
    case 'log-uniform':
      return Math.min(space.high, Math.max(space.low, round4(Math.exp(Math.log(space.low) + (Math.log(space.high) - Math.log(space.low)) * rng.next()))));
    case 'int-uniform':
      return space.low + rng.nextInt(space.high - space.low + 1);
    case 'int-log-uniform': {
      // Uniform in log over [low, high + 1), floored: every whole number in the range can be drawn.
      const x = Math.floor(Math.exp(Math.log(space.low) + (Math.log(space.high + 1) - Math.log(space.low)) * rng.next()));
      return Math.min(space.high, Math.max(space.low, x));
    }
  }
}

/**
 * A configuration drawn from a table's spaces: only the searched fields the context allows (the
 * rest are the defaults). A draw that breaks a cross-field check is drawn again (at most 20 times); `what`
 * names the model in the error when every draw fails.
 */
export function drawParams(table: AnyParamTable, rng: Rng, what: string, context: DrawContext = {}): Record<string, ParamValue> {
  const space = searchSpaceOf(table, context);
  let last: unknown;
  for (let attempt = 0; attempt < 20; attempt++) {
    const p: Record<string, ParamValue> = {};
    for (const [k, s] of space) p[k] = drawValue(s, rng);
    try {
      resolveParams(table, p, what);
      return p;
    } catch (e) {
      if (!(e instanceof InvalidParamsError)) throw e;
      last = e;
    }
  }
  throw new InvalidParamsError('bad-search-space', `The search space of ${what} gives no valid parameters: ${last instanceof Error ? last.message : String(last)}`, { field: 'search' });
}
