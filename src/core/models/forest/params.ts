/** Hyperparameters of the random forest: its parameter table (growth parameters shared with the tree). */
import { InvalidParamsError } from '../../errors';
import { defineParams, seedParam } from '../params';
import { GROWTH_PARAMS, type MaxFeatures } from '../tree/params';

export interface ForestParams {
  /** Number of trees. Integer ≥ 1. */
  nEstimators: number;
  /** Train each tree on a bootstrap sample (drawn with replacement) instead of every row. */
  bootstrap: boolean;
  /** Rows drawn per bootstrap sample: null = all n; a number in (0, 1] is a fraction of n; an integer ≥ 2 is a count. */
  maxSamples: number | null;
  /**
   * Features tried per split: 1 = all (scikit-learn's regressor default 1.0); a number in
   * (0, 1) is a fraction; an integer ≥ 2 is a count; 'sqrt' / 'log2'; null = all.
   */
  maxFeatures: MaxFeatures;
  /** Deepest level a node may sit at (root = 0); null grows every tree until its leaves are pure. */
  maxDepth: number | null;
  /** A node with fewer distinct training rows than this is not split. Integer ≥ 2. */
  minSamplesSplit: number;
  /**
   * Every leaf keeps at least this many distinct training rows. Integer ≥ 1. Default 5, as R's
   * randomForest for regression (scikit-learn uses 1): on the gemstone split it gives 6× smaller
   * trees (10.5k instead of 62.7k nodes, so bundles of tens rather than hundreds of MB), a faster
   * fit and a lower test RMSE (596 vs 615 with 30 trees), the target being noisy.
   */
  minSamplesLeaf: number;
  /** A split must lower the weighted squared error by at least this (scikit-learn's scale). ≥ 0. */
  minImpurityDecrease: number;
  /** Compute the out-of-bag R² during fit (needs bootstrap). */
  oobScore: boolean;
  /** Forest seed; tree t draws its bootstrap sample and feature orders from treeRng(seed, t). */
  seed: number;
}

export const FOREST_PARAMS = defineParams<ForestParams>(
  {
    nEstimators: { kind: 'integer', min: 1, default: 100, help: 'trees in the forest; more = steadier but slower', basic: true, search: { type: 'int-log-uniform', low: 50, high: 300 } },
    bootstrap: { kind: 'boolean', default: true, help: 'train each tree on a bootstrap sample of the rows', basic: true, search: null },
    maxSamples: {
      kind: 'number',
      fractionOrCount: true,
      nullable: 'as many as the training rows',
      default: null,
      help: 'rows drawn per bootstrap sample: a share or a count; empty = all',
      search: null,
    },
    maxFeatures: { ...GROWTH_PARAMS.maxFeatures, default: 1, basic: true, search: { type: 'uniform', low: 0.3, high: 1 } },
    maxDepth: GROWTH_PARAMS.maxDepth,
    minSamplesSplit: GROWTH_PARAMS.minSamplesSplit,
    minSamplesLeaf: { ...GROWTH_PARAMS.minSamplesLeaf, default: 5, help: 'rows every leaf keeps at least; more = smaller, faster trees' },
    minImpurityDecrease: GROWTH_PARAMS.minImpurityDecrease,
    oobScore: { kind: 'boolean', default: false, help: 'compute the out-of-bag R² during fit (needs bootstrap)', search: null },
    seed: seedParam('forest seed: tree t draws its bootstrap sample and feature orders from (seed, t)'),
  },
  [
    (p) => (p.maxSamples !== null && !p.bootstrap ? { field: 'maxSamples', message: 'can only be set when bootstrap is true.' } : undefined),
    (p) => (p.oobScore && !p.bootstrap ? { field: 'oobScore', message: 'needs bootstrap: without it no row is out of bag.' } : undefined),
  ],
);

export const FOREST_DEFAULTS = FOREST_PARAMS.defaults;

function bad(field: string, message: string): never {
  throw new InvalidParamsError('bad-param', `${field} ${message}`, { field });
}

/** Bootstrap sample size for n training rows. */
export function resolveMaxSamples(v: number | null, n: number): number {
  if (v === null) return n;
  if (v <= 1) return Math.max(1, Math.round(v * n));
  if (v > n) bad('maxSamples', `asks for ${v} rows but there are ${n} training rows.`);
  return v;
}
