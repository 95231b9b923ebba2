/**
 * DecisionTreeRegressor: exact CART with squared error (scikit-learn's semantics), grown on
 * presorted features in O(n·p) per depth level and stored as a flat tree.
 */
import { Checkpointer, throwIfAborted } from '../../abort';
import { Rng } from '../../random';
import { Estimator } from '../estimator';
import type { StateReader, StateRecord } from '../state';
import type { FitOptions, Matrix } from '../types';
import { checkFitInput, checkPredictInput } from '../validate';
import { accumulatePredictions, flatTreeFromState, flatTreeToState, normalizedImportance, type FlatTree } from './flat-tree';
import { CartGrower } from './cart-grower';
import { prepareTreeData } from './tree-data';
import { TreeWorkspace } from './workspace';
import { growthSettings, type TreeParams } from './params';

export class DecisionTreeRegressor extends Estimator<TreeParams, FlatTree> {
  readonly type = 'tree' as const;

  constructor(params: Partial<TreeParams> = {}) {
    super('tree', params);
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
    const grower = new CartGrower(new TreeWorkspace(data), null, settings, new Rng(this.params.seed));
    while (!grower.grow(performance.now() + 40)) {
      await cp.maybe();
    }
    this.setFitted(grower.result());
    onProgress?.({ fraction: 1, step: 1, totalSteps: 1 });
    return this;
  }

  predict(X: Matrix): Float64Array {
    const t = this.fitted;
    checkPredictInput(X, t.nFeatures);
    const out = new Float64Array(X.rows);
    accumulatePredictions(t, X.data, X.rows, X.cols, out, 1);
    return out;
  }

  /** Squared-error decrease per feature, summing to 1 (scikit-learn's feature_importances_). */
  override featureImportance(): Float64Array {
    return normalizedImportance(this.fitted.importance);
  }

  /** Number of nodes and leaves and the depth of the fitted tree. */
  shape(): { nodes: number; leaves: number; depth: number } {
    const t = this.fitted;
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
    return this.fitted;
  }

  protected writeState(t: FlatTree): StateRecord {
    return flatTreeToState(t);
  }

  protected readState(r: StateReader): FlatTree {
    return flatTreeFromState(r);
  }
}
