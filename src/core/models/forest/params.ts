/** Hyperparameters of the random forest: defaults and validation in one place. */
import { InvalidParamsError } from '../../errors';
import { validateGrowthParams, type MaxFeatures } from '../tree/params';

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

export const FOREST_DEFAULTS: Readonly<ForestParams> = Object.freeze({
  nEstimators: 100,
  bootstrap: true,
  maxSamples: null,
  maxFeatures: 1,
  maxDepth: null,
  minSamplesSplit: 2,
  minSamplesLeaf: 5,
  minImpurityDecrease: 0,
  oobScore: false,
  seed: 0,
});

function bad(field: string, message: string): never {
  throw new InvalidParamsError('invalid-param', `${field}: ${message}`, { field });
}

export function validateForestParams(p: ForestParams): void {
  if (!(Number.isInteger(p.nEstimators) && p.nEstimators >= 1)) bad('nEstimators', `must be an integer ≥ 1, got ${String(p.nEstimators)}.`);
  if (typeof p.bootstrap !== 'boolean') bad('bootstrap', `must be true or false, got ${String(p.bootstrap)}.`);
  if (p.maxSamples !== null) {
    const v = p.maxSamples;
    if (!(typeof v === 'number' && Number.isFinite(v) && v > 0 && (v <= 1 || Number.isInteger(v))))
      bad('maxSamples', `must be null, a fraction in (0, 1] or an integer ≥ 2, got ${String(v)}.`);
    if (!p.bootstrap) bad('maxSamples', 'can only be set when bootstrap is true.');
  }
  if (typeof p.oobScore !== 'boolean') bad('oobScore', `must be true or false, got ${String(p.oobScore)}.`);
  if (p.oobScore && !p.bootstrap) bad('oobScore', 'needs bootstrap: without it no row is out of bag.');
  validateGrowthParams(p);
}

export function resolveForestParams(given: Partial<ForestParams> = {}): ForestParams {
  for (const k of Object.keys(given)) if (!(k in FOREST_DEFAULTS)) bad(k, 'is not a random forest parameter.');
  const p: ForestParams = { ...FOREST_DEFAULTS };
  for (const [k, v] of Object.entries(given)) if (v !== undefined) (p as unknown as Record<string, unknown>)[k] = v;
  validateForestParams(p);
  return p;
}

/** Bootstrap sample size for n training rows. */
export function resolveMaxSamples(v: number | null, n: number): number {
  if (v === null) return n;
  if (v <= 1) return Math.max(1, Math.round(v * n));
  if (v > n) bad('maxSamples', `asks for ${v} rows but there are ${n} training rows.`);
  return v;
}
