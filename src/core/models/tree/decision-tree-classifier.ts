/**
 * DecisionTreeClassifier: exact CART with Gini or entropy (scikit-learn's semantics) on the
 * regressor's grower (cart-grower.ts, classification mode); a leaf predicts the (class-weighted)
 * class shares of its training rows, as scikit-learn's predict_proba.
 */
import { Checkpointer, throwIfAborted } from '../../abort';
import { Rng } from '../../random';
import { classWeights } from '../class-weight';
import { ClassifierEstimator, classCountOf } from '../classifier';
import type { StateReader, StateRecord } from '../state';
import type { FitOptions, Matrix } from '../types';
import { checkFitInput, checkPredictInput } from '../validate';
import { CartGrower } from './cart-grower';
import { accumulateProba, flatTreeFromState, flatTreeToState, normalizedImportance, type FlatTree } from './flat-tree';
import { growthSettings, type TreeClassifierParams } from './params';
import { prepareTreeData } from './tree-data';
import { TreeWorkspace } from './workspace';

interface FittedTree extends FlatTree {
  classCount: number;
}

export class DecisionTreeClassifier extends ClassifierEstimator<TreeClassifierParams, FittedTree> {
  readonly type = 'tree-classifier' as const;

  constructor(params: Partial<TreeClassifierParams> = {}) {
    super('tree-classifier', params);
  }

  /** y: class codes 0..K−1 (`options.classCount` = K, else max + 1); InvalidInputError names a bad row. */
  async fit(X: Matrix, y: Float64Array, options: FitOptions = {}): Promise<this> {
    const { signal, onProgress } = options;
    throwIfAborted(signal);
    checkFitInput(X, y);
    const k = classCountOf(y, options);
    const settings = growthSettings(this.params, X.cols);
    const cp = new Checkpointer(signal);
    const data = prepareTreeData(X, y);
    onProgress?.({ fraction: 0.1, step: 0, totalSteps: 1 });
    await cp.maybe();
    const grower = new CartGrower(new TreeWorkspace(data, k), null, settings, new Rng(this.params.seed), classWeights(y, k, this.params.classWeight));
    while (!grower.grow(performance.now() + 40)) await cp.maybe();
    this.setFitted({ ...grower.result(), classCount: k });
    onProgress?.({ fraction: 1, step: 1, totalSteps: 1 });
    return this;
  }

  predictProba(X: Matrix): Float64Array {
    const t = this.fitted;
    checkPredictInput(X, t.nFeatures);
    const out = new Float64Array(X.rows * t.classCount);
    accumulateProba(t, X.data, X.rows, X.cols, out, 1);
    return out;
  }

  /** Impurity decrease per feature, summing to 1 (scikit-learn's feature_importances_). */
  override featureImportance(): Float64Array {
    return normalizedImportance(this.fitted.importance);
  }

  /** The fitted flat tree (read-only view; do not mutate). */
  flatTree(): FlatTree {
    return this.fitted;
  }

  protected writeState(t: FittedTree): StateRecord {
    return { ...flatTreeToState(t), classCount: t.classCount };
  }

  protected readState(r: StateReader): FittedTree {
    const classCount = r.number('classCount', { integer: true, min: 2, max: 1e5 });
    return { ...flatTreeFromState(r, undefined, classCount), classCount };
  }
}
