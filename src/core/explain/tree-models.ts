/**
 * The decision trees, random forests and gradient-boosted trees (regressors and classifiers) as
 * TreeSHAP sees them:
 * one ShapTree per tree with its cover, and a router that says, for one row, which child the
 * row goes to at every internal node (the model's own rule, NaN and categories included).
 *
 * Cover: trees and forests written by this version keep the bootstrap-weighted rows per node;
 * older bundles have only the distinct rows per node (`nSamples`), which is the same for a
 * single tree and is used instead for forests (the values then weigh each bootstrap copy once).
 * Gradient-boosted trees had no per-node count before: their old bundles are refused
 * (ExplainError 'no-cover': retrain to explain).
 */
import { ExplainError } from '../errors';
import { goesLeftRaw, type TreeEnsemble } from '../models/gbdt/ensemble';
import type { FlatTree } from '../models/tree/flat-tree';
import type { Matrix } from '../models/types';
import { expectedValues, TreeShap, treeDepth, type ShapTree } from './tree-shap';

/** A tree plus its routing rule: `route(data, o, hot)` fills hot[n] for the row at data[o..]. */
export interface RoutedTree extends ShapTree {
  route(data: Float64Array, o: number, hot: Int32Array): void;
}

/**
 * Trees whose values, times `scale`, plus `offset`, make the model's raw outputs (before any
 * link): one for a regressor, one per explained class for a classifier (each tree adds into the
 * outputs its `output` and `width` say).
 */
export interface TreeModel {
  trees: RoutedTree[];
  scale: number;
  /** Per output. */
  offset: Float64Array;
}

function players(feature: Int32Array, playerOf: Int32Array): Int32Array {
  return feature.map((f) => (f < 0 ? -1 : playerOf[f]));
}

/**
 * A CART tree (decision tree, forest member). A classification tree's leaves give the
 * probabilities of `classes` (class codes; one output each, in that order) instead of a value.
 */
export function flatTreeForShap(t: FlatTree, playerOf: Int32Array, classes?: readonly number[]): RoutedTree {
  const { feature, threshold, left, right } = t;
  return {
    left,
    right,
    player: players(feature, playerOf),
    cover: t.cover ?? t.nSamples,
    value: classes ? classShares(t, classes) : t.value,
    depth: treeDepth(left, right),
    ...(classes && classes.length > 1 ? { width: classes.length } : {}),
    route(data, o, hot) {
      for (let n = 0; n < feature.length; n++) {
        const f = feature[n];
        // NaN fails `<=` and goes right, as prediction does.
        if (f >= 0) hot[n] = data[o + f] <= threshold[n] ? left[n] : right[n];
      }
    },
  };
}

/** Node n's share of class classes[k] at n · classes.length + k. */
function classShares(t: FlatTree, classes: readonly number[]): Float64Array {
  const K = t.classes as number;
  const proba = t.proba as Float64Array;
  const w = classes.length;
  const out = new Float64Array(t.left.length * w);
  for (let n = 0; n < t.left.length; n++) for (let k = 0; k < w; k++) out[n * w + k] = proba[n * K + classes[k]];
  return out;
}

/**
 * Every tree of a boosted ensemble, adding into model output `output` (a multiclass booster's
 * class). ExplainError 'no-cover' for a bundle written before cover was kept.
 */
export function ensembleForShap(e: TreeEnsemble, playerOf: Int32Array, output = 0): RoutedTree[] {
  const s = e.state;
  const cover = e.cover;
  if (!cover)
    throw new ExplainError(
      'no-cover',
      'This gradient-boosted model was saved by an earlier Loupe, which did not record how many training rows reached each tree node; explanations need those counts. Retrain the model to explain it.',
      { field: 'model.state.forest.cover' },
    );
  const out: RoutedTree[] = [];
  for (let t = 0; t + 1 < s.treeOffsets.length; t++) {
    const a = s.treeOffsets[t];
    const b = s.treeOffsets[t + 1];
    const feature = s.feature.subarray(a, b);
    const left = s.left.subarray(a, b);
    const right = s.right.subarray(a, b);
    out.push({
      left,
      right,
      player: players(feature, playerOf),
      cover: cover.subarray(a, b),
      value: s.value.subarray(a, b),
      depth: treeDepth(left, right),
      ...(output ? { output } : {}),
      route(data, o, hot) {
        for (let n = 0; n < feature.length; n++) {
          const f = feature[n];
          if (f >= 0) hot[n] = goesLeftRaw(s, a + n, data[o + f]) ? left[n] : right[n];
        }
      },
    });
  }
  return out;
}

/** The model's raw outputs with no player known: offset + scale × Σ expected tree values, per output. */
export function treeModelBase(m: TreeModel): Float64Array {
  const s = new Float64Array(m.offset.length);
  for (const t of m.trees) {
    const e = expectedValues(t);
    for (let k = 0; k < e.length; k++) s[(t.output ?? 0) + k] += e[k];
  }
  return s.map((v, o) => m.offset[o] + m.scale * v);
}

/** SHAP values (rows × outputs × players, raw output units) of every row of X. */
export function treeModelShap(m: TreeModel, X: Matrix, nPlayers: number): Float64Array {
  const block = m.offset.length * nPlayers;
  const out = new Float64Array(X.rows * block);
  const shap = new TreeShap();
  let maxNodes = 0;
  for (const t of m.trees) maxNodes = Math.max(maxNodes, t.left.length);
  const hot = new Int32Array(maxNodes);
  for (let r = 0; r < X.rows; r++) {
    const phi = out.subarray(r * block, (r + 1) * block);
    for (const t of m.trees) {
      t.route(X.data, r * X.cols, hot);
      shap.add(t, hot, phi, m.scale, nPlayers);
    }
  }
  return out;
}
