/**
 * Background rows: a small seeded sample of the training matrix that a model keeps (or draws
 * from what it keeps) so that sampling explanations have a distribution to replace unknown
 * features with. Drawn with a generator of its own, so keeping them changes nothing in a fit.
 */
import { permutation, Rng } from '../random';
import type { Matrix } from './types';

/** Rows a model keeps for explanations: enough for the mean of a prediction to settle, few enough to store. */
export const BACKGROUND_ROWS = 32;

/** Up to `max` distinct rows of X (row-major, in their order in X), chosen under `seed`. */
export function backgroundRows(X: Matrix, seed: number, max = BACKGROUND_ROWS): Float64Array {
  const p = X.cols;
  if (X.rows <= max) return X.data.slice(0, X.rows * p);
  const pick = permutation(X.rows, new Rng((seed ^ 0x6a09e667) >>> 0)).slice(0, max).sort();
  const out = new Float64Array(max * p);
  for (let k = 0; k < max; k++) out.set(X.data.subarray(pick[k] * p, pick[k] * p + p), k * p);
  return out;
}
