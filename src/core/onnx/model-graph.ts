/**
 * Each exportable model as ONNX nodes over the feature matrix X (double [N, p]) → its
 * prediction, double [N, 1], in the units the model learned (before the target's inverse
 * transform; after a model's own link, as `predict` gives it). Writers read the model's
 * serialized form (`toJSON()`: params and state), which bundle loading has already validated.
 * Which models export is the catalog's word (`exports`); this file only knows how.
 */
import { ExportError } from '../errors';
import { exportRefusal, modelLabel } from '../models/catalog';
import { CAT_WORDS } from '../models/gbdt/ensemble';
import { lossByName, type LossName } from '../models/gbdt/loss';
import type { ModelType, SerializedModel } from '../models/types';
import type { Bins } from '../models/mlp/bins';
import { levelTolerance, type Indicators } from '../models/mlp/indicators';
import type { GraphBuilder } from './graph-builder';
import { DataType } from './onnx-proto';
import { treeSum, type ExportTree } from './tree-ensemble';

type State = SerializedModel['state'];
type Writer = (g: GraphBuilder, state: State, X: string, width: number, params: SerializedModel['params']) => string;

function linear(g: GraphBuilder, s: State, X: string): string {
  const coef = s.coef as Float64Array;
  const product = g.op('MatMul', [X, g.constant('coef', [coef.length, 1], { type: 'double', values: coef })]);
  return g.op('Add', [product, g.scalar('intercept', s.intercept as number)]);
}

function flatTree(s: State): ExportTree {
  return { feature: s.feature as Int32Array, threshold: s.threshold as Float64Array, left: s.left as Int32Array, right: s.right as Int32Array, value: s.value as Float64Array };
}

function tree(g: GraphBuilder, s: State, X: string): string {
  return treeSum(g, X, [flatTree(s)]);
}

function forest(g: GraphBuilder, s: State, X: string): string {
  const trees = (s.trees as State[]).map(flatTree);
  // Loupe adds the trees' values in order, then divides by their number.
  return g.op('Div', [treeSum(g, X, trees), g.scalar('tree_count', trees.length)]);
}

/** Column j of X as [N, 1]. */
function columnOf(g: GraphBuilder, X: string, j: number): string {
  const at = (hint: string, v: number) => g.constant(hint, [1], { type: 'int64', values: [v] });
  return g.op('Slice', [X, at('start', j), at('end', j + 1), at('axes', 1)]);
}

/**
 * Gradient-boosted trees: `baseline` plus the trees' leaf values. A native categorical split
 * (category c goes left when bit c of its bitset is set; a missing or never-seen code follows
 * the node's missing direction) has no TreeEnsembleRegressor mode, so each distinct one becomes
 * an extra 0/1 column (0: goes left), looked up from the code with Gather, and its node a
 * `≤ 0.5` split on that column.
 */
function gbdt(g: GraphBuilder, s: State, X: string, width: number, params: SerializedModel['params']): string {
  const raw = gbdtRaw(g, s, X, width);
  // The log-link and log-target losses predict exp of the trees' sum, as the booster's inverseLink does.
  return lossByName((params.loss ?? 'squared_error') as LossName).link === 'log' ? g.op('Exp', [raw]) : raw;
}

/** The booster's raw output: baseline plus the trees' leaf values. */
function gbdtRaw(g: GraphBuilder, s: State, X: string, width: number): string {
  const f = s.forest as { [k: string]: Int32Array | Float64Array | Uint8Array | Uint32Array };
  const offsets = f.treeOffsets as Int32Array;
  const feature = Int32Array.from(f.feature as Int32Array);
  const threshold = Float64Array.from(f.threshold as Float64Array);
  const missingLeft = f.missingLeft as Uint8Array;
  const catIndex = f.catIndex as Int32Array;
  const catBits = f.catBits as Uint32Array;
  const categoryCount = f.categoryCount as Int32Array;
  // Distinct (feature, bitset, missing direction) splits → extra columns, grouped by feature.
  const columns = new Map<string, { feature: number; ci: number; missingLeft: number; column: number }>();
  const byFeature = new Map<number, { ci: number; missingLeft: number; column: number }[]>();
  for (let n = 0; n < feature.length; n++) {
    const ci = catIndex[n];
    if (ci < 0 || feature[n] < 0) continue;
    const bits = Array.from(catBits.subarray(ci * CAT_WORDS, ci * CAT_WORDS + CAT_WORDS)).join(',');
    const key = `${feature[n]}|${bits}|${missingLeft[n]}`;
    let c = columns.get(key);
    if (!c) {
      c = { feature: feature[n], ci, missingLeft: missingLeft[n], column: width + columns.size };
      columns.set(key, c);
      const list = byFeature.get(c.feature) ?? [];
      list.push(c);
      byFeature.set(c.feature, list);
    }
    feature[n] = c.column;
    threshold[n] = 0.5;
  }
  let input = X;
  if (columns.size > 0) {
    const blocks = [X];
    for (const [j, splits] of [...byFeature].sort((a, b) => a[0] - b[0])) {
      const count = categoryCount[j];
      // Row `count` of the table is the missing direction: codes that are NaN, negative, too large or fractional.
      const table = new Float64Array((count + 1) * splits.length);
      splits.forEach((sp, k) => {
        for (let c = 0; c < count; c++) {
          const left = (catBits[sp.ci * CAT_WORDS + (c >>> 5)] >>> (c & 31)) & 1;
          table[c * splits.length + k] = left ? 0 : 1;
        }
        table[count * splits.length + k] = sp.missingLeft ? 0 : 1;
      });
      const v = columnOf(g, X, j);
      const bad = [
        g.op('IsNaN', [v]),
        g.op('Less', [v, g.scalar('zero', 0)]),
        g.op('Greater', [v, g.scalar('last_code', count - 1)]),
        g.op('Not', [g.op('Equal', [g.op('Floor', [v]), v])]),
      ].reduce((a, b) => g.op('Or', [a, b]));
      const code = g.op('Where', [bad, g.scalar('missing_code', count), v]);
      const index = g.op('Reshape', [g.op('Cast', [code], { to: DataType.int64 }), g.constant('shape', [1], { type: 'int64', values: [-1] })]);
      blocks.push(g.op('Gather', [g.constant('goes_right', [count + 1, splits.length], { type: 'double', values: table }), index], { axis: 0 }));
    }
    input = g.op('Concat', blocks, { axis: 1 });
  }
  const left = f.left as Int32Array;
  const right = f.right as Int32Array;
  const value = f.value as Float64Array;
  const trees: ExportTree[] = [];
  for (let t = 0; t + 1 < offsets.length; t++) {
    const a = offsets[t];
    const b = offsets[t + 1];
    trees.push({
      feature: feature.subarray(a, b),
      threshold: threshold.subarray(a, b),
      left: left.subarray(a, b),
      right: right.subarray(a, b),
      value: value.subarray(a, b),
      missingLeft: missingLeft.subarray(a, b),
    });
  }
  const baseline = g.scalar('baseline', s.baseline as number);
  if (trees.length === 0) return g.op('Add', [g.op('Mul', [columnOf(g, X, 0), g.scalar('zero', 0)]), baseline]); // no tree kept: the baseline for every row
  return g.op('Add', [baseline, treeSum(g, input, trees)]);
}

/**
 * X followed by the MLP's one-hot indicators (models/mlp/indicators.ts): per expanded column,
 * |x − level| ≤ tolerance against each of its levels, as 0/1 doubles.
 */
function withIndicatorColumns(g: GraphBuilder, X: string, ind: Indicators | undefined): string {
  if (!ind) return X;
  const blocks = [X];
  ind.columns.forEach((j, c) => {
    const lv = ind.levels[c];
    const levels = g.constant('levels', [1, lv.length], { type: 'double', values: Float64Array.from(lv) });
    const tolerance = g.constant('tolerance', [1, lv.length], { type: 'double', values: Float64Array.from(lv, levelTolerance) });
    const near = g.op('LessOrEqual', [g.op('Abs', [g.op('Sub', [columnOf(g, X, j), levels])]), tolerance]);
    blocks.push(g.op('Cast', [near], { to: DataType.double }));
  });
  return g.op('Concat', blocks, { axis: 1 });
}

/**
 * H (X and what precedes) followed by the MLP's piecewise-linear encodings (models/mlp/bins.ts):
 * per encoded column of X, (x − lower edge) / bin width for each bin — the same double Sub and
 * Div as Loupe's — clipped to [0, 1], and 0 where x is missing.
 */
function withBinColumns(g: GraphBuilder, X: string, H: string, b: Bins | undefined): string {
  if (!b) return H;
  const blocks = [H];
  b.columns.forEach((j, c) => {
    const e = b.edges[c];
    const T = e.length - 1;
    const lo = g.constant('bin_lo', [1, T], { type: 'double', values: Float64Array.from({ length: T }, (_, t) => e[t]) });
    const width = g.constant('bin_width', [1, T], { type: 'double', values: Float64Array.from({ length: T }, (_, t) => e[t + 1] - e[t]) });
    const x = columnOf(g, X, j);
    const u = g.op('Div', [g.op('Sub', [x, lo]), width]);
    const clipped = g.op('Min', [g.op('Max', [u, g.scalar('zero', 0)]), g.scalar('one', 1)]);
    blocks.push(g.op('Where', [g.op('IsNaN', [u]), g.scalar('zero', 0), clipped]));
  });
  return g.op('Concat', blocks, { axis: 1 });
}

/**
 * The MLP's forward pass in double, as Loupe predicts it (models/mlp/forward.ts): Gemm + Relu per
 * hidden layer and a linear output layer over the stored float32 weights widened to doubles
 * (exactly), then out of the standardized target (× yStd + yMean). Several networks (`networks`)
 * are summed in order and divided by their count before that, as Loupe does. Both sides compute
 * the same double arithmetic and differ only in summation order.
 */
function mlp(g: GraphBuilder, s: State, X: string): string {
  const sizes = s.sizes as number[];
  const input = withBinColumns(g, X, withIndicatorColumns(g, X, s.oneHot as unknown as Indicators | undefined), s.bins as unknown as Bins | undefined);
  const network = (weights: Float32Array[], biases: Float32Array[]): string => {
    let h = input;
    for (let l = 0; l < weights.length; l++) {
      const W = g.constant(`W${l}`, [sizes[l], sizes[l + 1]], { type: 'double', values: Float64Array.from(weights[l]) });
      const b = g.constant(`b${l}`, [sizes[l + 1]], { type: 'double', values: Float64Array.from(biases[l]) });
      h = g.op('Gemm', [h, W, b]);
      if (l < weights.length - 1) h = g.op('Relu', [h]);
    }
    return h;
  };
  let h = network(s.weights as Float32Array[], s.biases as Float32Array[]);
  const extra = (s.extra ?? []) as unknown as { weights: Float32Array[]; biases: Float32Array[] }[];
  for (const e of extra) h = g.op('Add', [h, network(e.weights, e.biases)]);
  if (extra.length > 0) h = g.op('Div', [h, g.scalar('networks', extra.length + 1)]);
  return g.op('Add', [g.op('Mul', [h, g.scalar('y_std', s.yStd as number)]), g.scalar('y_mean', s.yMean as number)]);
}

/**
 * An ensemble: intercept + Σ weight × each member's graph, added in the members' order as its
 * `predict` does. A member that cannot leave Loupe as ONNX (k-NN) makes the whole refuse, saying
 * which and why.
 */
function ensemble(g: GraphBuilder, s: State, X: string, width: number): string {
  const members = s.members as { type: ModelType; params: SerializedModel['params']; state: State }[];
  const weights = s.weights as Float64Array;
  members.forEach((m, i) => {
    const refusal = exportRefusal(m.type, 'onnx');
    if (refusal !== null || !MODEL_WRITERS[m.type])
      throw new ExportError('not-exportable', `This ensemble cannot be exported as ONNX: its member ${i + 1} (${modelLabel(m.type)}) cannot. ${refusal ?? ''}`.trim(), { field: `model.state.members[${i}].type` });
  });
  let y = g.scalar('ensemble_intercept', s.intercept as number);
  members.forEach((m, i) => {
    const member = MODEL_WRITERS[m.type]!(g, m.state, X, width, m.params);
    y = g.op('Add', [y, g.op('Mul', [member, g.scalar(`weight_${i}`, weights[i])])]);
  });
  return y;
}

/** The writer of each model type that has one; the catalog decides which are offered. */
export const MODEL_WRITERS: Readonly<Partial<Record<ModelType, Writer>>> = {
  linear,
  ridge: linear,
  lasso: linear,
  elasticnet: linear,
  tree,
  forest,
  gbdt,
  mlp,
  ensemble,
};
