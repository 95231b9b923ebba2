/**
 * Trains the trees of a random forest one at a time, independently of each other: tree t
 * depends only on the data, the params and t (its Rng is derived from the forest seed), so
 * trees can be trained in any order, in several workers, and assembled with
 * RandomForestRegressor.fromTrees into exactly the forest `fit` would build.
 */
import { Checkpointer } from '../../abort';
import { Rng } from '../../random';
import type { Matrix } from '../types';
import { checkFitInput } from '../validate';
import type { FlatTree } from '../tree/flat-tree';
import { CartGrower } from '../tree/cart-grower';
import { prepareTreeData, type TreeData } from '../tree/tree-data';
import { TreeWorkspace } from '../tree/workspace';
import { growthSettings, type GrowthSettings } from '../tree/params';
import { MODEL_CATALOG } from '../catalog';
import { resolveParams } from '../params';
import { FOREST_CLASSIFIER_PARAMS, FOREST_PARAMS, resolveMaxSamples, type ForestClassifierParams, type ForestParams } from './params';
import type { SharedTrees } from './tree-share';

/** The Rng of tree `treeIndex`: the (treeIndex+1)-th fork of Rng(seed). */
export function treeRng(seed: number, treeIndex: number): Rng {
  const master = new Rng(seed);
  for (let k = 0; k < treeIndex; k++) master.nextU32();
  return master.fork();
}

/** Classification forests: the number of classes (y holds codes 0..K−1) and the class weight of each row, or null. */
export interface ForestClasses {
  count: number;
  rowWeights: Float64Array | null;
}

export class ForestTreeTrainer {
  /** The regressor's params, or the classifier's (which add criterion and classWeight and have no oobScore). */
  readonly params: Readonly<ForestParams> | Readonly<ForestClassifierParams>;
  private readonly data: TreeData;
  private readonly ws: TreeWorkspace;
  private readonly settings: GrowthSettings;
  private readonly nDraws: number;
  private readonly counts: Int32Array;

  /**
   * Validates input and params and sorts every feature once (O(p·n log n)); reuse it for many
   * trees. With `classes`, the trees are classification trees and `params` the classifier's.
   */
  constructor(
    X: Matrix,
    y: Float64Array,
    params: Partial<ForestParams> | Partial<ForestClassifierParams> = {},
    private readonly classes?: ForestClasses,
  ) {
    this.params = classes
      ? resolveParams(FOREST_CLASSIFIER_PARAMS, params, MODEL_CATALOG['forest-classifier'].label)
      : resolveParams(FOREST_PARAMS, params, MODEL_CATALOG.forest.label);
    checkFitInput(X, y);
    this.settings = growthSettings(this.params, X.cols);
    this.nDraws = resolveMaxSamples(this.params.maxSamples, X.rows);
    this.data = prepareTreeData(X, y);
    this.ws = new TreeWorkspace(this.data, classes?.count ?? 0);
    this.counts = new Int32Array(X.rows);
  }

  get rows(): number {
    return this.data.rows;
  }

  /**
   * Bootstrap counts of tree `treeIndex` (how often each row was drawn; 0 = out of bag), or
   * null when bootstrap is off. Draws come first from the tree's Rng, as in scikit-learn.
   */
  sampleCounts(treeIndex: number, rng = treeRng(this.params.seed, treeIndex)): Int32Array | null {
    if (!this.params.bootstrap) return null;
    const n = this.data.rows;
    const c = this.counts;
    c.fill(0);
    for (let k = 0; k < this.nDraws; k++) c[rng.nextInt(n)]++;
    return c;
  }

  private grower(treeIndex: number): CartGrower {
    if (!(Number.isInteger(treeIndex) && treeIndex >= 0)) throw new RangeError(`treeIndex must be an integer ≥ 0, got ${treeIndex}`);
    const rng = treeRng(this.params.seed, treeIndex);
    const counts = this.sampleCounts(treeIndex, rng);
    return new CartGrower(this.ws, counts, this.settings, rng, this.classes?.rowWeights ?? null);
  }

  /** Grows tree `treeIndex` synchronously (for a worker that trains a share of the trees). */
  fitTree(treeIndex: number): FlatTree {
    const g = this.grower(treeIndex);
    g.grow();
    return g.result();
  }

  /** Same tree, yielding to the event loop at `cp` every few tens of milliseconds. */
  async fitTreeAsync(treeIndex: number, cp: Checkpointer): Promise<FlatTree> {
    const g = this.grower(treeIndex);
    while (!g.grow(performance.now() + 40)) await cp.maybe();
    return g.result();
  }
}

/**
 * A helper's part: grows the trees whose indices `take` hands out (until it gives −1), on the
 * same X, y and params as the fit that shares them.
 */
export async function trainSharedTrees(
  X: Matrix,
  y: Float64Array,
  params: Readonly<ForestParams>,
  take: () => Promise<number>,
  cp: Checkpointer,
): Promise<SharedTrees> {
  const trainer = new ForestTreeTrainer(X, y, params);
  const out: { index: number; tree: FlatTree }[] = [];
  for (let t = await take(); t >= 0; t = await take()) out.push({ index: t, tree: await trainer.fitTreeAsync(t, cp) });
  return out;
}
