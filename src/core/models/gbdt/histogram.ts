/**
 * Per-node histograms of gradient, hessian and row count over the binned features.
 *
 * Layout: one Float64Array per node; bin b of feature j sits at 3·(offsets[j] + b) as
 * [sum of gradients, sum of hessians, row count]. Only the features sampled for the current
 * tree are filled. The larger child of a split gets parent − smaller child (`subtractInto`),
 * so only the smaller child is ever built from rows.
 */
import type { Binning } from './binning';

/** Row data the histograms are built from. */
export interface HistogramInput {
  /** Column-major bins: feature j of row i at j·nRows + i. */
  readonly bins: Uint8Array;
  readonly nRows: number;
  readonly gradients: Float64Array;
  readonly hessians: Float64Array;
  /** The hessian when it is the same for every row (squared error: 1), else NaN. */
  readonly constantHessian: number;
}

/**
 * Fills `hist` for the features listed in features[0..nFeatures) from the rows
 * idx[start..end). `og`/`oh` are scratch arrays (≥ end − start) that receive the node's
 * gradients/hessians in index order (LightGBM's "ordered gradients"), so that the per-feature
 * loops read them sequentially.
 */
export function buildHistogram(
  hist: Float64Array,
  input: HistogramInput,
  binning: Binning,
  features: Int32Array,
  nFeatures: number,
  idx: Uint32Array,
  start: number,
  end: number,
  og: Float64Array,
  oh: Float64Array,
): void {
  const m = end - start;
  const g = input.gradients;
  const h = input.hessians;
  const constH = input.constantHessian;
  const hasConstH = constH === constH;
  for (let k = 0; k < m; k++) og[k] = g[idx[start + k]];
  if (!hasConstH) for (let k = 0; k < m; k++) oh[k] = h[idx[start + k]];
  const bins = input.bins;
  const nRows = input.nRows;
  const offsets = binning.offsets;
  for (let f = 0; f < nFeatures; f++) {
    const j = features[f];
    const off = offsets[j];
    const lo = off * 3;
    const hi = offsets[j + 1] * 3;
    hist.fill(0, lo, hi);
    const base = j * nRows;
    if (hasConstH) {
      for (let k = 0; k < m; k++) {
        const t = (off + bins[base + idx[start + k]]) * 3;
        hist[t] += og[k];
        hist[t + 2] += 1;
      }
      for (let t = lo; t < hi; t += 3) hist[t + 1] = hist[t + 2] * constH;
    } else {
      for (let k = 0; k < m; k++) {
        const t = (off + bins[base + idx[start + k]]) * 3;
        hist[t] += og[k];
        hist[t + 1] += oh[k];
        hist[t + 2] += 1;
      }
    }
  }
}

/** Histogram of every row 0..nRows−1 (the root without bagging): no index indirection. */
export function buildRootHistogram(
  hist: Float64Array,
  input: HistogramInput,
  binning: Binning,
  features: Int32Array,
  nFeatures: number,
): void {
  const g = input.gradients;
  const h = input.hessians;
  const constH = input.constantHessian;
  const hasConstH = constH === constH;
  const bins = input.bins;
  const n = input.nRows;
  const offsets = binning.offsets;
  for (let f = 0; f < nFeatures; f++) {
    const j = features[f];
    const off = offsets[j];
    const lo = off * 3;
    const hi = offsets[j + 1] * 3;
    hist.fill(0, lo, hi);
    const base = j * n;
    if (hasConstH) {
      for (let i = 0; i < n; i++) {
        const t = (off + bins[base + i]) * 3;
        hist[t] += g[i];
        hist[t + 2] += 1;
      }
      for (let t = lo; t < hi; t += 3) hist[t + 1] = hist[t + 2] * constH;
    } else {
      for (let i = 0; i < n; i++) {
        const t = (off + bins[base + i]) * 3;
        hist[t] += g[i];
        hist[t + 1] += h[i];
        hist[t + 2] += 1;
      }
    }
  }
}

/** parent −= child over the listed features: the parent's buffer becomes the larger sibling's histogram. */
export function subtractInto(parent: Float64Array, child: Float64Array, binning: Binning, features: Int32Array, nFeatures: number): void {
  const offsets = binning.offsets;
  for (let f = 0; f < nFeatures; f++) {
    const j = features[f];
    const hi = offsets[j + 1] * 3;
    for (let t = offsets[j] * 3; t < hi; t++) parent[t] -= child[t];
  }
}
