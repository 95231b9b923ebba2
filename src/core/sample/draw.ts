/** Drawing helpers shared by the synthetic samples. */
import type { Rng } from '../random';

/** An index drawn with the given probabilities (which sum to 1). */
export function pick(rng: Rng, weights: readonly number[]): number {
  let u = rng.next();
  for (let i = 0; i < weights.length - 1; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  return weights.length - 1;
}

export const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
