/** Parameter table of k-nearest-neighbours regression (scikit-learn's KNeighborsRegressor). */
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
