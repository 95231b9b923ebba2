/**
 * A fitted regression tree as parallel typed arrays (struct of arrays), in preorder: node 0 is
 * the root and every child comes after its parent. A leaf has feature −1 and left = right = −1.
 * A row goes left when x[feature] <= threshold. These arrays transfer between threads and store
 * in IndexedDB as they are.
 */
import { BundleError } from '../../errors';
import type { StateValue } from '../types';

export interface FlatTree {
  /** Columns of the training matrix. */
  nFeatures: number;
  /** Split feature per node, −1 for a leaf. */
  feature: Int32Array;
  /** Split threshold per node (midpoint between two consecutive distinct values); 0 for a leaf. */
  threshold: Float64Array;
  /** Left child per node, −1 for a leaf. */
  left: Int32Array;
  /** Right child per node, −1 for a leaf. */
  right: Int32Array;
  /** Prediction per node: the (bootstrap-weighted) mean target of its training rows. */
  value: Float64Array;
  /** Distinct training rows that reached each node. */
  nSamples: Int32Array;
  /** Unnormalized weighted squared-error decrease per feature (scikit-learn's, before normalizing). */
  importance: Float64Array;
}

/** Adds this tree's prediction for every row of a row-major matrix into `out` (scaled by `scale`). */
export function accumulatePredictions(t: FlatTree, data: Float64Array, rows: number, cols: number, out: Float64Array, scale: number): void {
  const { feature, threshold, left, right, value } = t;
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    let node = 0;
    let f = feature[0];
    while (f >= 0) {
      node = data[o + f] <= threshold[node] ? left[node] : right[node];
      f = feature[node];
    }
    out[r] += scale * value[node];
  }
}

/** Importance normalized to sum 1 (all zeros for a single-leaf tree), as scikit-learn does. */
export function normalizedImportance(raw: Float64Array): Float64Array {
  let s = 0;
  for (const v of raw) s += v;
  const out = new Float64Array(raw.length);
  if (s > 0) for (let j = 0; j < raw.length; j++) out[j] = raw[j] / s;
  return out;
}

export function flatTreeToState(t: FlatTree): { [k: string]: StateValue } {
  return {
    nFeatures: t.nFeatures,
    feature: t.feature,
    threshold: t.threshold,
    left: t.left,
    right: t.right,
    value: t.value,
    nSamples: t.nSamples,
    importance: t.importance,
  };
}

function fail(path: string, message: string): never {
  throw new BundleError('bad-state', `${path}: ${message}`, { field: path });
}

function typed<T>(s: { [k: string]: StateValue }, key: string, Ctor: new (n: number) => T, path: string): T {
  const v = s[key];
  if (!(v instanceof (Ctor as unknown as typeof Int32Array))) fail(`${path}.${key}`, `must be a ${Ctor.name}.`);
  return v as unknown as T;
}

/**
 * Rebuilds a tree from serialized state, checking everything prediction relies on: equal
 * lengths, children after their parent and each node reached exactly once, features in range,
 * finite thresholds and values. Throws BundleError with `where.field` set to the offending path.
 */
export function flatTreeFromState(v: StateValue | undefined, path: string, nFeaturesExpected?: number): FlatTree {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) fail(path, 'must be an object holding the tree arrays.');
  const s = v as { [k: string]: StateValue };
  const nFeatures = s.nFeatures;
  if (typeof nFeatures !== 'number' || !Number.isInteger(nFeatures) || nFeatures < 1) fail(`${path}.nFeatures`, 'must be an integer ≥ 1.');
  if (nFeaturesExpected !== undefined && nFeatures !== nFeaturesExpected)
    fail(`${path}.nFeatures`, `is ${nFeatures} but the model has ${nFeaturesExpected} features.`);
  const feature = typed(s, 'feature', Int32Array, path);
  const threshold = typed(s, 'threshold', Float64Array, path);
  const left = typed(s, 'left', Int32Array, path);
  const right = typed(s, 'right', Int32Array, path);
  const value = typed(s, 'value', Float64Array, path);
  const nSamples = typed(s, 'nSamples', Int32Array, path);
  const importance = typed(s, 'importance', Float64Array, path);
  const n = feature.length;
  if (n < 1) fail(`${path}.feature`, 'a tree needs at least one node.');
  for (const [name, a] of [['threshold', threshold], ['left', left], ['right', right], ['value', value], ['nSamples', nSamples]] as const)
    if (a.length !== n) fail(`${path}.${name}`, `has ${a.length} entries but the tree has ${n} nodes.`);
  if (importance.length !== nFeatures) fail(`${path}.importance`, `has ${importance.length} entries for ${nFeatures} features.`);
  for (let j = 0; j < nFeatures; j++)
    if (!Number.isFinite(importance[j]) || importance[j] < 0) fail(`${path}.importance[${j}]`, 'must be a finite number ≥ 0.');
  const parents = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(threshold[i])) fail(`${path}.threshold[${i}]`, 'must be finite.');
    if (!Number.isFinite(value[i])) fail(`${path}.value[${i}]`, 'must be finite.');
    if (nSamples[i] < 1) fail(`${path}.nSamples[${i}]`, 'must be ≥ 1.');
    const f = feature[i];
    if (f === -1) {
      if (left[i] !== -1) fail(`${path}.left[${i}]`, 'a leaf (feature −1) must have left = −1.');
      if (right[i] !== -1) fail(`${path}.right[${i}]`, 'a leaf (feature −1) must have right = −1.');
      continue;
    }
    if (f < 0 || f >= nFeatures) fail(`${path}.feature[${i}]`, `is ${f}; must be −1 (leaf) or in 0..${nFeatures - 1}.`);
    for (const [name, c] of [['left', left[i]], ['right', right[i]]] as const) {
      if (c <= i || c >= n) fail(`${path}.${name}[${i}]`, `is ${c}; a child must come after its parent and lie in ${i + 1}..${n - 1}.`);
      if (parents[c]++ !== 0) fail(`${path}.${name}[${i}]`, `node ${c} already has a parent.`);
    }
  }
  for (let i = 1; i < n; i++) if (parents[i] !== 1) fail(`${path}.feature`, `node ${i} is not reachable from the root.`);
  return { nFeatures, feature, threshold, left, right, value, nSamples, importance };
}
