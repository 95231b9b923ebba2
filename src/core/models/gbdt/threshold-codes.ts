/**
 * Threshold codes: a forest's distinct split thresholds per feature, and the coding of raw
 * values against them, shared by the integer-coded prediction kernels (coded-ensemble.ts,
 * leaf-masks.ts). A value's code is the number of thresholds below it and a threshold's rank
 * its index among them, so "value ≤ threshold" is exactly "code ≤ rank".
 */
import type { EnsembleState } from './ensemble';

export interface ThresholdCuts {
  /** Per feature: its distinct thresholds ascending, padded with +∞ to a power of two; null when unused. */
  cuts: (Float64Array | null)[];
  /** Per feature: how many distinct thresholds (the largest code a value can get). */
  counts: Int32Array;
}

/** The distinct thresholds of the numeric nodes (not categorical ones) of the trees `raw` does not flag. */
export function thresholdCuts(s: EnsembleState, raw: Uint8Array): ThresholdCuts {
  const nFeatures = s.categoryCount.length;
  const byFeature: number[][] = Array.from({ length: nFeatures }, () => []);
  for (let t = 0; t + 1 < s.treeOffsets.length; t++) {
    if (raw[t] === 1) continue;
    for (let n = s.treeOffsets[t]; n < s.treeOffsets[t + 1]; n++) if (s.left[n] >= 0 && s.catIndex[n] < 0) byFeature[s.feature[n]].push(s.threshold[n]);
  }
  const counts = new Int32Array(nFeatures);
  const cuts = byFeature.map((ts, j) => {
    if (ts.length === 0) return null;
    ts.sort((a, b) => a - b);
    const distinct: number[] = [];
    for (const t of ts) if (distinct.length === 0 || distinct[distinct.length - 1] !== t) distinct.push(t);
    counts[j] = distinct.length;
    let size = 1;
    while (size < distinct.length) size *= 2;
    const a = new Float64Array(size).fill(Infinity);
    a.set(distinct);
    return a;
  });
  return { cuts, counts };
}

/**
 * Codes column j of rows b0..b1−1 of row-major `d` (p columns) into codes[q0], codes[q0 + stride],
 * …; NaN gets `missingCode`. Returns true when a value was missing.
 */
export function codeColumn(cuts: Float64Array, d: Float64Array, p: number, j: number, b0: number, b1: number, codes: Int32Array, q0: number, stride: number, missingCode: number): boolean {
  let missing = false;
  const size = cuts.length;
  for (let i = b0, q = q0; i < b1; i++, q += stride) {
    const v = d[i * p + j];
    if (v !== v) {
      codes[q] = missingCode;
      missing = true;
      continue;
    }
    // Lower bound over a power-of-two array (+∞ padding is never below v): cuts below v.
    // Branch-free steps (the comparison's outcome is data-dependent, a branch mispredicts often).
    let pos = 0;
    for (let step = size >> 1; step > 0; step >>= 1) pos += step & -(cuts[pos + step - 1] < v);
    codes[q] = pos + +(cuts[pos] < v);
  }
  return missing;
}
