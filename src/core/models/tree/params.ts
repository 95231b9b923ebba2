/**
 * Hyperparameters of the CART regression tree (scikit-learn's DecisionTreeRegressor with the
 * squared-error criterion): its parameter table, and the growth parameters it shares with the
 * random forest.
 */
import { InvalidParamsError } from '../../errors';
import type { ClassWeight } from '../class-weight';
import { classWeightParam, defineParams, seedParam, type ParamSpec } from '../params';

/** How many features a split may look at: null = all, a fraction of them, a count, or a rule. */
export type MaxFeatures = null | number | 'sqrt' | 'log2';

export interface TreeParams {
  /** Deepest level a node may sit at (the root is depth 0); null grows until leaves are pure. */
  maxDepth: number | null;
  /** A node with fewer (distinct) training rows than this is not split. Integer ≥ 2. */
  minSamplesSplit: number;
  /** Every leaf keeps at least this many (distinct) training rows. Integer ≥ 1. */
  minSamplesLeaf: number;
  /**
   * Features tried per split, drawn at random: null = all; a number in (0, 1] is a fraction of
   * the features (1 = all, as scikit-learn's 1.0); an integer ≥ 2 is a count; 'sqrt' / 'log2'.
   */
  maxFeatures: MaxFeatures;
  /** A split must lower the weighted squared error by at least this (scikit-learn's scale). ≥ 0. */
  minImpurityDecrease: number;
  /** Seed of the feature order at each node (it breaks ties between equally good splits). */
  seed: number;
}

/** The growth parameters the tree and the forest share (one spec each, one message each). */
export const GROWTH_PARAMS = {
  maxDepth: {
    kind: 'integer',
    min: 1,
    nullable: 'grow until leaves are pure',
    default: null,
    help: 'deepest level a node may sit at (root = 0); empty = no limit',
    basic: true,
    search: null,
  },
  minSamplesSplit: { kind: 'integer', min: 2, default: 2, help: 'a node with fewer rows is not split', basic: true, search: { type: 'int-log-uniform', low: 2, high: 64 } },
  minSamplesLeaf: { kind: 'integer', min: 1, default: 1, help: 'rows every leaf keeps at least; more = simpler trees', basic: true, search: { type: 'int-log-uniform', low: 1, high: 64 } },
  maxFeatures: {
    kind: 'number',
    fractionOrCount: true,
    names: ['sqrt', 'log2'],
    nullable: 'all features',
    default: null,
    help: 'features tried per split: a share, a count, "sqrt" or "log2"; empty = all',
    search: null,
  },
  minImpurityDecrease: { kind: 'number', min: 0, default: 0, help: 'a split must lower the weighted squared error by at least this', search: null },
} as const satisfies { [K in keyof Omit<TreeParams, 'seed'>]: ParamSpec<TreeParams[K]> };

export const TREE_PARAMS = defineParams<TreeParams>({
  ...GROWTH_PARAMS,
  maxDepth: { ...GROWTH_PARAMS.maxDepth, search: { type: 'int-uniform', low: 3, high: 30 } },
  seed: seedParam('seed of the feature order at each node (it breaks ties between equally good splits)'),
});

export const TREE_DEFAULTS = TREE_PARAMS.defaults;

function bad(field: string, message: string): never {
  throw new InvalidParamsError('bad-param', `${field} ${message}`, { field });
}

/** Number of features to try per split for `nFeatures` columns (scikit-learn's rules). */
export function resolveMaxFeatures(v: MaxFeatures, nFeatures: number): number {
  if (v === null) return nFeatures;
  if (v === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(nFeatures)));
  if (v === 'log2') return Math.max(1, Math.floor(Math.log2(nFeatures)));
  if (v <= 1) return Math.max(1, Math.floor(v * nFeatures));
  if (v > nFeatures) bad('maxFeatures', `asks for ${v} features but the data has ${nFeatures}.`);
  return v;
}

/** The growth settings the tree builder works with (limits resolved to numbers). */
export interface GrowthSettings {
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  /** Features to try per split, 1..nFeatures. */
  maxFeatures: number;
  minImpurityDecrease: number;
  /** Classification trees: the impurity a split lowers (regression trees: squared error). */
  criterion?: ClassCriterion;
}

/** scikit-learn's classification criteria: Gini impurity, or entropy in bits ('log_loss' there too). */
export type ClassCriterion = 'gini' | 'entropy';

export function growthSettings(
  p: Pick<TreeParams, 'maxDepth' | 'minSamplesSplit' | 'minSamplesLeaf' | 'maxFeatures' | 'minImpurityDecrease'> & { criterion?: ClassCriterion },
  nFeatures: number,
): GrowthSettings {
  return {
    ...(p.criterion ? { criterion: p.criterion } : {}),
    maxDepth: p.maxDepth ?? 0x3fffffff,
    minSamplesSplit: p.minSamplesSplit,
    minSamplesLeaf: p.minSamplesLeaf,
    maxFeatures: resolveMaxFeatures(p.maxFeatures, nFeatures),
    minImpurityDecrease: p.minImpurityDecrease,
  };
}

export interface TreeClassifierParams extends TreeParams {
  /** The impurity a split lowers: 'gini' (scikit-learn's default) or 'entropy' (its 'entropy' / 'log_loss'). */
  criterion: ClassCriterion;
  /** 'balanced' weighs rows by n / (K · class count) in impurities and leaf shares (scikit-learn's class_weight). */
  classWeight: ClassWeight;
}

/** The criterion parameter the tree and forest classifiers share. */
export const CRITERION_PARAM = {
  kind: 'choice',
  choices: ['gini', 'entropy'],
  default: 'gini',
  help: 'impurity a split lowers: Gini or entropy',
  basic: true,
  search: { type: 'choice', values: ['gini', 'entropy'] },
} as const satisfies ParamSpec<ClassCriterion>;

/** min_impurity_decrease in the classifiers' words (the impurity is the criterion's, not squared error). */
export const CLASS_MIN_IMPURITY_DECREASE = { ...GROWTH_PARAMS.minImpurityDecrease, help: 'a split must lower the weighted impurity (Gini or entropy) by at least this' } as const;

export const TREE_CLASSIFIER_PARAMS = defineParams<TreeClassifierParams>({
  ...GROWTH_PARAMS,
  maxDepth: { ...GROWTH_PARAMS.maxDepth, search: { type: 'int-uniform', low: 3, high: 30 } },
  minImpurityDecrease: CLASS_MIN_IMPURITY_DECREASE,
  criterion: CRITERION_PARAM,
  classWeight: classWeightParam(),
  seed: seedParam('seed of the feature order at each node (it breaks ties between equally good splits)'),
});
