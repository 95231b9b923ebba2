/**
 * DecisionTreeRegressor: exact CART with squared error (scikit-learn's semantics), grown on
 * presorted features in O(n·p) per depth level and stored as a flat tree.
 */
import { Checkpointer, throwIfAborted } from '../../abort';
import { BundleError, InvalidInputError } from '../../errors';
import { Rng } from '../../random';
import { emptyHistory, type FitHistory } from '../history';
import type { FitOptions, Matrix, Regressor, SerializedModel } from '../types';
import { checkFitInput, checkPredictInput } from '../validate';
import { accumulatePredictions, flatTreeFromState, flatTreeToState, normalizedImportance, type FlatTree } from './flat-tree';
import { prepareTreeData, TreeGrower, TreeWorkspace } from './grower';
import { growthSettings, resolveTreeParams, type TreeParams } from './params';

export class DecisionTreeRegressor implements Regressor<TreeParams> {
  readonly type = 'tree' as const;
  readonly params: Readonly<TreeParams>;
  private tree: FlatTree | undefined;

  constructor(params: Partial<TreeParams> = {}) {
    this.params = Object.freeze(resolveTreeParams(params));
  }

  async fit(X: Matrix, y: Float64Array, options: FitOptions = {}): Promise<this> {
    const { signal, onProgress } = options;
    throwIfAborted(signal);
    checkFitInput(X, y);
    const settings = growthSettings(this.params, X.cols);
    const cp = new Checkpointer(signal);
    const data = prepareTreeData(X, y);
    onProgress?.({ fraction: 0.1, step: 0, totalSteps: 1 });
    await cp.maybe();
    const grower = new TreeGrower(new TreeWorkspace(data), null, settings, new Rng(this.params.seed));
    while (!grower.grow(performance.now() + 40)) {
      await cp.maybe();
    }
    this.tree = grower.result();
    onProgress?.({ fraction: 1, step: 1, totalSteps: 1 });
    return this;
  }

  predict(X: Matrix): Float64Array {
    const t = this.fitted();
    checkPredictInput(X, t.nFeatures);
    const out = new Float64Array(X.rows);
    accumulatePredictions(t, X.data, X.rows, X.cols, out, 1);
    return out;
  }

  history(): FitHistory {
    return emptyHistory();
  }

  /** Squared-error decrease per feature, summing to 1 (scikit-learn's feature_importances_). */
  featureImportance(): Float64Array | undefined {
    return this.tree ? normalizedImportance(this.tree.importance) : undefined;
  }

  /** Number of nodes and leaves and the depth of the fitted tree. */
  shape(): { nodes: number; leaves: number; depth: number } {
    const t = this.fitted();
    const depth = new Int32Array(t.feature.length);
    let leaves = 0;
    let maxD = 0;
    for (let i = 0; i < t.feature.length; i++) {
      if (t.feature[i] < 0) leaves++;
      else depth[t.left[i]] = depth[t.right[i]] = depth[i] + 1;
      if (depth[i] > maxD) maxD = depth[i];
    }
    return { nodes: t.feature.length, leaves, depth: maxD };
  }

  /** The fitted flat tree (read-only view; do not mutate). */
  flatTree(): FlatTree {
    return this.fitted();
  }

  toJSON(): SerializedModel {
    const t = this.fitted();
    return { type: 'tree', params: { ...this.params }, state: flatTreeToState(t) };
  }

  static fromJSON(s: SerializedModel): DecisionTreeRegressor {
    if (s.type !== 'tree') throw new BundleError('bad-type', `Expected a model of type "tree", got "${String(s.type)}".`, { field: 'type' });
    let m: DecisionTreeRegressor;
    try {
      m = new DecisionTreeRegressor(s.params as Partial<TreeParams>);
    } catch (e) {
      const field = e instanceof Error && 'where' in e ? (e as { where: { field?: string } }).where.field : undefined;
      throw new BundleError('bad-params', `params: ${(e as Error).message}`, { field: `params${field ? '.' + field : ''}` }, { cause: e });
    }
    m.tree = flatTreeFromState(s.state, 'state');
    return m;
  }

  private fitted(): FlatTree {
    if (!this.tree) throw new InvalidInputError('not-fitted', 'This decision tree has not been fitted yet.');
    return this.tree;
  }
}
