/**
 * The decision tree, the random forest and the gradient-boosted trees as TreeSHAP sees them:
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
import { expectedValue, TreeShap, treeDepth, type ShapTree } from './tree-shap';

/** A tree plus its routing rule: `route(data, o, hot)` fills hot[n] for the row at data[o..]. */
export interface RoutedTree extends ShapTree {
  route(data: Float64Array, o: number, hot: Int32Array): void;
}

/** Trees whose outputs, times `scale`, plus `offset`, make the model's raw output (before any link). */
export interface TreeModel {
  trees: RoutedTree[];
  scale: number;
  offset: number;
}

function players(feature: Int32Array, playerOf: Int32Array): Int32Array {
  return feature.map((f) => (f < 0 ? -1 : playerOf[f]));
}

/** A CART tree (decision tree, forest member). */
export function flatTreeForShap(t: FlatTree, playerOf: Int32Array): RoutedTree {
  const { feature, threshold, left, right } = t;
  return {
    left,
    right,
    player: players(feature, playerOf),
    cover: t.cover ?? t.nSamples,
    value: t.value,
    depth: treeDepth(left, right),
    route(data, o, hot) {
      for (let n = 0; n < feature.length; n++) {
        const f = feature[n];
        // NaN fails `<=` and goes right, as prediction does.
        if (f >= 0) hot[n] = data[o + f] <= threshold[n] ? left[n] : right[n];
      }
    },
  };
}

/** Every tree of a boosted ensemble (ExplainError 'no-cover' for a bundle written before cover was kept). */
export function ensembleForShap(e: TreeEnsemble, playerOf: Int32Array): RoutedTree[] {
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

/** The model's raw output with no player known: offset + scale × Σ expected tree values. */
export function treeModelBase(m: TreeModel): number {
  let s = 0;
  for (const t of m.trees) s += expectedValue(t);
  return m.offset + m.scale * s;
}

/** SHAP values (rows × players, raw output units) of every row of X. */
export function treeModelShap(m: TreeModel, X: Matrix, nPlayers: number): Float64Array {
  const out = new Float64Array(X.rows * nPlayers);
  const shap = new TreeShap();
  let maxNodes = 0;
  for (const t of m.trees) maxNodes = Math.max(maxNodes, t.left.length);
  const hot = new Int32Array(maxNodes);
  for (let r = 0; r < X.rows; r++) {
    const phi = out.subarray(r * nPlayers, (r + 1) * nPlayers);
    for (const t of m.trees) {
      t.route(X.data, r * X.cols, hot);
      shap.add(t, hot, phi, m.scale);
    }
  }
  return out;
}
