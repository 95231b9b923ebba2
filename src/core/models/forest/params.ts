/** Hyperparameters of the random forest: its parameter table (growth parameters shared with the tree). */
import { InvalidParamsError } from '../../errors';
import { defineParams, seedParam } from '../params';
import type { ClassWeight } from '../class-weight';
import { classWeightParam } from '../params';
import { CLASS_MIN_IMPURITY_DECREASE, CRITERION_PARAM, GROWTH_PARAMS, type ClassCriterion, type MaxFeatures } from '../tree/params';

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

function maxSamplesNeedsBootstrap(p: Readonly<Pick<ForestParams, 'maxSamples' | 'bootstrap'>>): { field: 'maxSamples'; message: string } | undefined {
  return p.maxSamples !== null && !p.bootstrap ? { field: 'maxSamples', message: 'can only be set when bootstrap is true.' } : undefined;
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
    maxSamplesNeedsBootstrap,
    (p) => (p.oobScore && !p.bootstrap ? { field: 'oobScore', message: 'needs bootstrap: without it no row is out of bag.' } : undefined),
  ],
);

export const FOREST_DEFAULTS = FOREST_PARAMS.defaults;

export interface ForestClassifierParams extends Omit<ForestParams, 'oobScore'> {
  /** The impurity each tree's splits lower: 'gini' or 'entropy'. */
  criterion: ClassCriterion;
  /** 'balanced' weighs rows by n / (K · class count), from the whole training set (scikit-learn's class_weight='balanced'). */
  classWeight: ClassWeight;
}

const { oobScore: _oob, ...FOREST_FIELDS } = FOREST_PARAMS.fields;

/**
 * The classifier's table: the regressor's fields but the out-of-bag score, with √p features per
 * split (scikit-learn's classifier default) and leaves of at least 20 rows: chosen by 5-fold CV
 * on telco-churn's training rows only (`bench/cls-telco.ts --cv --model forest-classifier`, 50
 * trees): CV ROC AUC 0.847 and log loss 0.415 against 0.818 and 0.565 with scikit-learn's 1 row,
 * 0.840 with 5 and 0.845 with 10, 0.848 with 40; smaller trees also fit and predict faster.
 */
export const FOREST_CLASSIFIER_PARAMS = defineParams<ForestClassifierParams>(
  {
    ...FOREST_FIELDS,
    maxFeatures: { ...FOREST_FIELDS.maxFeatures, default: 'sqrt', search: { type: 'uniform', low: 0.05, high: 0.6 } },
    minSamplesLeaf: { ...GROWTH_PARAMS.minSamplesLeaf, default: 20 },
    minImpurityDecrease: CLASS_MIN_IMPURITY_DECREASE,
    criterion: CRITERION_PARAM,
    classWeight: classWeightParam(),
  },
  [maxSamplesNeedsBootstrap],
);

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
