/**
 * RandomForestClassifier: bootstrap-aggregated classification trees on the regressor's trainer
 * (ForestTreeTrainer in classification mode), scikit-learn's semantics: √p features tried per
 * split by default, Gini or entropy, probabilities = the mean of the trees' class shares.
 * Trees are grown in this worker (the regressor's tree sharing across workers is not used).
 */
import { Checkpointer, throwIfAborted } from '../../abort';
import { classWeights } from '../class-weight';
import { ClassifierEstimator, classCountOf } from '../classifier';
import type { StateReader, StateRecord } from '../state';
import type { FitOptions, Matrix } from '../types';
import { checkFitInput, checkPredictInput } from '../validate';
import { accumulateProba, flatTreeFromState, flatTreeToState, type FlatTree } from '../tree/flat-tree';
import type { ForestClassifierParams } from './params';
import { forestImportance } from './random-forest';
import { ForestTreeTrainer } from './trainer';

interface FittedForest {
  classCount: number;
  /** Tree t at index t. */
  trees: FlatTree[];
}

export class RandomForestClassifier extends ClassifierEstimator<ForestClassifierParams, FittedForest> {
  readonly type = 'forest-classifier' as const;

  constructor(params: Partial<ForestClassifierParams> = {}) {
    super('forest-classifier', params);
  }

  /**
   * y: class codes 0..K−1 (`options.classCount` = K, else max + 1). Class weights come from the
   * whole training set and multiply each tree's bootstrap counts. Progress after every tree.
   */
  async fit(X: Matrix, y: Float64Array, options: FitOptions = {}): Promise<this> {
    const { signal, onProgress } = options;
    throwIfAborted(signal);
    checkFitInput(X, y);
    const k = classCountOf(y, options);
    const trainer = new ForestTreeTrainer(X, y, this.params, { count: k, rowWeights: classWeights(y, k, this.params.classWeight) });
    const cp = new Checkpointer(signal);
    await cp.maybe();
    const total = this.params.nEstimators;
    const trees: FlatTree[] = [];
    for (let t = 0; t < total; t++) {
      trees.push(await trainer.fitTreeAsync(t, cp));
      onProgress?.({ fraction: (t + 1) / total, step: t + 1, totalSteps: total });
      await cp.maybe();
    }
    this.setFitted({ classCount: k, trees });
    return this;
  }

  predictProba(X: Matrix): Float64Array {
    const { trees, classCount } = this.fitted;
    checkPredictInput(X, trees[0].nFeatures);
    const out = new Float64Array(X.rows * classCount);
    for (const t of trees) accumulateProba(t, X.data, X.rows, X.cols, out, 1);
    const scale = 1 / trees.length;
    for (let i = 0; i < out.length; i++) out[i] *= scale;
    return out;
  }

  /** Mean over trees of each tree's normalized impurity decrease, summing to 1 (scikit-learn's). */
  override featureImportance(): Float64Array {
    return forestImportance(this.fitted.trees);
  }

  /** The fitted trees, tree t at index t (read-only views). */
  estimators(): readonly FlatTree[] {
    return this.fitted.trees;
  }

  protected writeState(s: FittedForest): StateRecord {
    return { nFeatures: s.trees[0].nFeatures, classCount: s.classCount, trees: s.trees.map(flatTreeToState) };
  }

  protected readState(r: StateReader): FittedForest {
    const nFeatures = r.number('nFeatures', { integer: true, min: 1 });
    const classCount = r.number('classCount', { integer: true, min: 2, max: 1e5 });
    const trees = r.objects('trees', this.params.nEstimators).map((t) => flatTreeFromState(t, nFeatures, classCount));
    return { classCount, trees };
  }
}
