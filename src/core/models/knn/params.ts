/** Parameter tables of k-nearest-neighbours regression and classification (scikit-learn's KNeighborsRegressor and KNeighborsClassifier). */
import { defineParams } from '../params';

export interface KNeighborsOptions {
  /** Number of neighbours averaged (scikit-learn's n_neighbors). */
  k: number;
  /** 'uniform': plain mean of the k targets; 'distance': weighted by 1/distance (exact matches win outright). */
  weights: 'uniform' | 'distance';
  /**
   * How neighbours are searched (scikit-learn's algorithm): 'kd_tree' (exact k-d tree, fast in
   * few dimensions), 'brute' (all distances, tfjs blocks) or 'auto' (the k-d tree when a probe
   * at fit shows it pruning most rows, else brute force; see k-neighbors.ts).
   * Every choice finds the same neighbours and predictions.
   */
  algorithm: 'auto' | 'kd_tree' | 'brute';
}

export const K_NEIGHBORS_PARAMS = defineParams<KNeighborsOptions>({
  k: { kind: 'integer', min: 1, default: 5, help: 'neighbours averaged; more = smoother', basic: true, search: { type: 'int-log-uniform', low: 1, high: 50 } },
  weights: {
    kind: 'choice',
    choices: ['uniform', 'distance'],
    default: 'uniform',
    help: 'plain mean, or weighted by 1/distance',
    basic: true,
    search: { type: 'choice', values: ['uniform', 'distance'] },
  },
  algorithm: {
    kind: 'choice',
    choices: ['auto', 'kd_tree', 'brute'],
    default: 'auto',
    help: 'neighbour search: k-d tree for few features, brute force for many (same results)',
    search: null,
  },
});

export const K_NEIGHBORS_DEFAULTS = K_NEIGHBORS_PARAMS.defaults;

/**
 * The classifier's table: the regressor's, but a search draws k from 10 to 200. A model search
 * scores classifiers by log loss, and a few neighbours give probabilities of 0 and 1 (a class
 * share of k rows) that log loss punishes without limit. 5-fold CV on the 5,634 telco-churn
 * training rows (`bench/cls-telco.ts --model knn-classifier --cv …`): log loss 10.35 at k = 1,
 * 3.18 at 3, 1.75 at 5, 0.87 at 10, 0.54 at 20, 0.47 at 50, 0.44 at 100, 0.43 at 200 (ROC AUC
 * 0.64 → 0.84, best 0.837 at 100); distance weights 1.88 at 5, 0.59 at 50. The default stays
 * scikit-learn's 5, as on the Train screen.
 */
export const K_NEIGHBORS_CLASSIFIER_PARAMS = defineParams<KNeighborsOptions>({
  ...K_NEIGHBORS_PARAMS.fields,
  k: { ...K_NEIGHBORS_PARAMS.fields.k, search: { type: 'int-log-uniform', low: 10, high: 200 } },
});
