/** Parameter table of k-nearest-neighbours regression (scikit-learn's KNeighborsRegressor). */
import { defineParams } from '../params';

export interface KNeighborsOptions {
  /** Number of neighbours averaged (scikit-learn's n_neighbors). */
  k: number;
  /** 'uniform': plain mean of the k targets; 'distance': weighted by 1/distance (exact matches win outright). */
  weights: 'uniform' | 'distance';
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
});

export const K_NEIGHBORS_DEFAULTS = K_NEIGHBORS_PARAMS.defaults;
