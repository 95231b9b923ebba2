/**
 * Regression trees as one ai.onnx.ml TreeEnsembleRegressor (opset 3) whose sums stay in double.
 *
 * The operator compares in double when its thresholds are given as a double tensor
 * (`nodes_values_as_tensor`) and its input is double, so every row takes the branch Loupe's
 * `x <= threshold` takes. But its output is float whatever the attributes: a sum of leaf values
 * rounded to float32 would be off by up to 6e-8 relative, more after the target's inverse
 * transform. So the ensemble does not add the leaf values itself: it has one output per tree
 * (`n_targets` = trees), and each leaf's weight is its node number inside its tree, an integer
 * that float32 holds exactly. The graph then adds each tree's node offset, gathers the double
 * leaf values from a constant and sums them in double.
 */
import { ML_DOMAIN, type GraphBuilder } from './graph-builder';
import { DataType } from './onnx-proto';

/** One tree in Loupe's flat layout: node 0 is the root, children after their parent; a leaf has left = −1. */
export interface ExportTree {
  feature: ArrayLike<number>;
  threshold: ArrayLike<number>;
  left: ArrayLike<number>;
  right: ArrayLike<number>;
  value: ArrayLike<number>;
  /** 1 where a missing (NaN) value goes left; absent: missing values go right (fail `x <= t`). */
  missingLeft?: ArrayLike<number>;
}

/** Sum over `trees` of each row's leaf value, double [N, 1]; `X` is the double [N, p] input. */
export function treeSum(g: GraphBuilder, X: string, trees: readonly ExportTree[]): string {
  let total = 0;
  for (const t of trees) total += t.feature.length;
  const treeIds = new Int32Array(total);
  const nodeIds = new Int32Array(total);
  const featureIds = new Int32Array(total);
  const modes: string[] = new Array<string>(total);
  const thresholds = new Float64Array(total);
  const trueIds = new Int32Array(total);
  const falseIds = new Int32Array(total);
  const missingTrue = new Int32Array(total);
  const leafTree: number[] = [];
  const leafNode: number[] = [];
  const values = new Float64Array(total);
  const offsets = new Array<number>(trees.length);
  let k = 0;
  trees.forEach((t, ti) => {
    offsets[ti] = k;
    for (let n = 0; n < t.feature.length; n++, k++) {
      treeIds[k] = ti;
      nodeIds[k] = n;
      values[k] = t.value[n];
      if (t.left[n] < 0) {
        modes[k] = 'LEAF';
        leafTree.push(ti);
        leafNode.push(n);
        continue;
      }
      modes[k] = 'BRANCH_LEQ';
      featureIds[k] = t.feature[n];
      thresholds[k] = t.threshold[n];
      trueIds[k] = t.left[n];
      falseIds[k] = t.right[n];
      missingTrue[k] = t.missingLeft?.[n] ?? 0;
    }
  });
  const leafIndex = g.op(
    'TreeEnsembleRegressor',
    [X],
    {
      aggregate_function: 'SUM',
      post_transform: 'NONE',
      n_targets: trees.length,
      nodes_treeids: { kind: 'ints', value: treeIds },
      nodes_nodeids: { kind: 'ints', value: nodeIds },
      nodes_featureids: { kind: 'ints', value: featureIds },
      nodes_modes: { kind: 'strings', value: modes },
      nodes_values_as_tensor: { kind: 'tensor', value: { dims: [total], data: { type: 'double', values: thresholds } } },
      nodes_truenodeids: { kind: 'ints', value: trueIds },
      nodes_falsenodeids: { kind: 'ints', value: falseIds },
      nodes_missing_value_tracks_true: { kind: 'ints', value: missingTrue },
      target_treeids: { kind: 'ints', value: leafTree },
      target_nodeids: { kind: 'ints', value: leafNode },
      target_ids: { kind: 'ints', value: leafTree },
      target_weights_as_tensor: { kind: 'tensor', value: { dims: [leafNode.length], data: { type: 'double', values: leafNode } } },
    },
    { domain: ML_DOMAIN },
  );
  const local = g.op('Cast', [leafIndex], { to: DataType.int64 });
  const global = g.op('Add', [local, g.constant('tree_offsets', [1, trees.length], { type: 'int64', values: offsets })]);
  const leafValues = g.op('Gather', [g.constant('leaf_values', [total], { type: 'double', values }), global], { axis: 0 });
  return g.op('ReduceSum', [leafValues, g.constant('axis', [1], { type: 'int64', values: [1] })], { keepdims: 1 });
}
