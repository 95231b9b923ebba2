/**
 * Hyperparameters of the CART regression tree (scikit-learn's DecisionTreeRegressor with the
 * squared-error criterion): defaults and validation in one place, shared with the forest.
 */
import { InvalidParamsError } from '../../errors';

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

export const TREE_DEFAULTS: Readonly<TreeParams> = Object.freeze({
  maxDepth: null,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  maxFeatures: null,
  minImpurityDecrease: 0,
  seed: 0,
});

function bad(field: string, message: string): never {
  throw new InvalidParamsError('invalid-param', `${field}: ${message}`, { field });
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** Validates the growth parameters shared by the tree and the forest; throws naming the field. */
export function validateGrowthParams(p: {
  maxDepth: unknown;
  minSamplesSplit: unknown;
  minSamplesLeaf: unknown;
  maxFeatures: unknown;
  minImpurityDecrease: unknown;
  seed: unknown;
}): void {
  if (p.maxDepth !== null && !(isInt(p.maxDepth) && p.maxDepth >= 1)) bad('maxDepth', `must be null or an integer ≥ 1, got ${String(p.maxDepth)}.`);
  if (!(isInt(p.minSamplesSplit) && p.minSamplesSplit >= 2)) bad('minSamplesSplit', `must be an integer ≥ 2, got ${String(p.minSamplesSplit)}.`);
  if (!(isInt(p.minSamplesLeaf) && p.minSamplesLeaf >= 1)) bad('minSamplesLeaf', `must be an integer ≥ 1, got ${String(p.minSamplesLeaf)}.`);
  validateMaxFeatures(p.maxFeatures);
  if (typeof p.minImpurityDecrease !== 'number' || !Number.isFinite(p.minImpurityDecrease) || p.minImpurityDecrease < 0)
    bad('minImpurityDecrease', `must be a finite number ≥ 0, got ${String(p.minImpurityDecrease)}.`);
  if (!(isInt(p.seed) && Math.abs(p.seed) <= 0xffffffff)) bad('seed', `must be an integer, got ${String(p.seed)}.`);
}

function validateMaxFeatures(v: unknown): void {
  if (v === null || v === 'sqrt' || v === 'log2') return;
  if (typeof v === 'number' && Number.isFinite(v) && v > 0 && (v <= 1 || Number.isInteger(v))) return;
  bad('maxFeatures', `must be null, 'sqrt', 'log2', a fraction in (0, 1] or an integer ≥ 2, got ${String(v)}.`);
}

export function validateTreeParams(p: TreeParams): void {
  validateGrowthParams(p);
}

/** Fills defaults and validates. Unknown keys are rejected so a typo does not pass silently. */
export function resolveTreeParams(given: Partial<TreeParams> = {}): TreeParams {
  for (const k of Object.keys(given)) if (!(k in TREE_DEFAULTS)) bad(k, 'is not a decision tree parameter.');
  const p: TreeParams = { ...TREE_DEFAULTS };
  for (const [k, v] of Object.entries(given)) if (v !== undefined) (p as unknown as Record<string, unknown>)[k] = v;
  validateTreeParams(p);
  return p;
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
}

export function growthSettings(
  p: Pick<TreeParams, 'maxDepth' | 'minSamplesSplit' | 'minSamplesLeaf' | 'maxFeatures' | 'minImpurityDecrease'>,
  nFeatures: number,
): GrowthSettings {
  return {
    maxDepth: p.maxDepth ?? 0x3fffffff,
    minSamplesSplit: p.minSamplesSplit,
    minSamplesLeaf: p.minSamplesLeaf,
    maxFeatures: resolveMaxFeatures(p.maxFeatures, nFeatures),
    minImpurityDecrease: p.minImpurityDecrease,
  };
}
