/**
 * One class per row out of a classifier's per-class explanation (explain/classifier.ts), and the
 * summary seen through one class. Free of model imports: the page uses it to switch class.
 */
import type { Explanation } from './explain';
import type { ShapSummary } from './summary';

/** What pickClass reads of an explanation (an Explanation, a ShapSummary). */
export type PerClassValues = Pick<Explanation, 'unit' | 'classes' | 'complement' | 'columns' | 'bases' | 'values'> & { rows: number };

/** One explained class per row: its base and values (rows × columns). */
export interface ClassPick {
  /** Per row: the class code explained (NaN where none was asked or it has no explanation). */
  classes: Float64Array;
  /** Per row: the class's expected value, in the explanation's unit. */
  bases: Float64Array;
  values: Float64Array;
}

/**
 * Row r's explanation of class `classOf[r]` (NaN: none). Two classes explained through the
 * positive one: the other class gets the complement (base 1 − p or −z, values negated). A class
 * without an explanation (one the model was never fitted on) gets NaN.
 */
export function pickClass(e: PerClassValues, classOf: ArrayLike<number>): ClassPick {
  const classes = e.classes ?? [];
  const O = classes.length;
  const c = e.columns.length;
  const out: ClassPick = { classes: new Float64Array(e.rows).fill(NaN), bases: new Float64Array(e.rows).fill(NaN), values: new Float64Array(e.rows * c).fill(NaN) };
  for (let r = 0; r < e.rows; r++) {
    const k = classOf[r];
    let o = classes.indexOf(k);
    let sign = 1;
    if (o < 0 && k === e.complement) {
      o = 0;
      sign = -1;
    }
    if (o < 0) continue;
    out.classes[r] = k;
    const base = e.bases[o];
    out.bases[r] = sign > 0 ? base : e.unit === 'probability' ? 1 - base : -base;
    for (let j = 0; j < c; j++) out.values[r * c + j] = sign * e.values[(r * O + o) * c + j];
  }
  return out;
}

/**
 * A classifier's summary seen through one class: `choice` a class code, or 'predicted' (each
 * row's predicted class). Values rows × columns and mean |value| per column of that view; base:
 * the class's expected value (NaN for 'predicted' when rows predict different classes). A
 * regressor's summary is returned as it is.
 */
export function summaryForClass(s: ShapSummary, choice: number | 'predicted'): ShapSummary {
  if (!s.classes) return s;
  const classOf = choice === 'predicted' ? (s.predictedClass ?? new Float64Array(s.rows).fill(NaN)) : new Float64Array(s.rows).fill(choice);
  const pick = pickClass(s, classOf);
  const c = s.columns.length;
  const meanAbs = new Float64Array(c);
  let n = 0;
  for (let r = 0; r < s.rows; r++) {
    if (!Number.isFinite(pick.classes[r])) continue;
    n++;
    for (let j = 0; j < c; j++) meanAbs[j] += Math.abs(pick.values[r * c + j]);
  }
  for (let j = 0; j < c; j++) meanAbs[j] /= Math.max(1, n);
  const first = pick.bases[0];
  const base = pick.bases.every((b) => b === first) ? first : NaN;
  return { ...s, classes: undefined, base, bases: Float64Array.of(base), values: pick.values, meanAbs };
}
