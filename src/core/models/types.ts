/**
 * The estimator contract (scikit-learn's, in TypeScript).
 *
 * Hyperparameters are declared once per model in a parameter table (params.ts) and validated by
 * one validator; fitted state is kept apart (estimator.ts), and using an unfitted model throws
 * NotFittedError. `toJSON()` gives `{type, params, state}` and the registry rebuilds the
 * estimator from it. State may hold typed arrays as they are: the bundle layer encodes them.
 */
import type { TreeSharing } from './forest/tree-share';
import type { FitHistory } from './history';

/** A dense row-major matrix: element (i, j) is data[i * cols + j]. NaN marks a missing value. */
export interface Matrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
  /** Per feature: name and whether it holds categorical codes (0..levels-1, NaN missing). */
  readonly features?: FeatureInfo[];
}

export interface FeatureInfo {
  name: string;
  /** Categorical codes rather than a quantity; tree models may split on them natively. */
  categorical?: boolean;
  /** Number of levels when categorical. */
  levels?: number;
}

export interface FitProgress {
  /** 0..1 of this fit. */
  fraction: number;
  /** Boosting iteration, epoch or tree number just finished. */
  step?: number;
  totalSteps?: number;
  /** Latest losses, e.g. { train: 0.12, validation: 0.15 }. */
  loss?: { train?: number; validation?: number };
}

export interface FitOptions {
  signal?: AbortSignalLike;
  onProgress?: (p: FitProgress) => void;
  /** Held-out rows for early stopping and validation curves (models that use it). */
  validation?: { X: Matrix; y: Float64Array };
  /** Random forests: grow the trees in other workers too (forest/tree-share.ts); the forest is the same. */
  shareTrees?: TreeSharing;
  /**
   * Classifiers: the number of classes K. `y` then holds class codes 0..K−1 in the fitted
   * recipe's class order. The pipeline passes K so that a fold (or a retraining batch) missing a
   * class still yields K probability columns in the same order; without it, K = max(y) + 1.
   */
  classCount?: number;
}

/** What a model predicts: a number (regression) or one of a fixed set of classes (classification). */
export type Task = 'regression' | 'classification';

/** Values allowed in serialized state: JSON plus typed arrays. */
export type StateValue =
  | number
  | string
  | boolean
  | null
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint32Array
  | Uint16Array
  | Uint8Array
  | StateValue[]
  | { [key: string]: StateValue };

export interface SerializedModel {
  type: ModelType;
  params: Record<string, unknown>;
  state: { [key: string]: StateValue };
}

export type ModelType =
  | 'linear'
  | 'ridge'
  | 'lasso'
  | 'elasticnet'
  | 'knn'
  | 'tree'
  | 'forest'
  | 'gbdt'
  | 'mlp'
  | 'logistic'
  | 'gbdt-classifier'
  | 'tree-classifier'
  | 'forest-classifier'
  | 'knn-classifier'
  | 'mlp-classifier'
  | 'ensemble';

export interface Regressor<P extends object = object> {
  readonly type: ModelType;
  /** Hyperparameters with defaults filled in (frozen). */
  readonly params: Readonly<P>;
  /** Whether fit (or a restore) has given the model its state. */
  readonly isFitted: boolean;
  /** Learns state; rejects NaN/Infinity/empty input with InvalidInputError; honours `signal`. */
  fit(X: Matrix, y: Float64Array, options?: FitOptions): Promise<this>;
  /** One prediction per row of X, in order. NotFittedError before fit; InvalidInputError on a column-count mismatch. */
  predict(X: Matrix): Float64Array;
  /** Per-step losses recorded during the last fit (empty for one-shot models). NotFittedError before fit. */
  history(): FitHistory;
  /** Per-feature importance of the kind the catalog names (gain, impurity, |coef|), undefined where it has none. */
  featureImportance(): Float64Array | undefined;
  /** `{type, params, state}`; NotFittedError before fit. */
  toJSON(): SerializedModel;
}

/**
 * A classifier keeps the Regressor contract (fit, predict, history, importance, toJSON), with
 * `y` as class codes 0..K−1 and `predict` giving each row's most probable class code (ties: the
 * lowest code, as numpy's argmax), and adds the probabilities. Class names never reach a model:
 * the fitted recipe maps labels to codes and back, so a model's class order is the recipe's.
 */
export interface Classifier<P extends object = object> extends Regressor<P> {
  readonly task: 'classification';
  /** K ≥ 2, the number of classes of the last fit. NotFittedError before fit. */
  readonly classCount: number;
  /**
   * rows × K probabilities, row-major (row i's class k at i * K + k), each in [0, 1] and each row
   * summing to 1; columns in class-code order. NotFittedError before fit.
   */
  predictProba(X: Matrix): Float64Array;
}

export function isClassifier(m: Regressor): m is Classifier {
  return (m as Partial<Classifier>).task === 'classification';
}
