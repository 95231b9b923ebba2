/**
 * RandomForestRegressor: bootstrap-aggregated CART trees (scikit-learn's semantics: bootstrap
 * counts as sample weights, maxFeatures features tried per split, prediction = mean over trees).
 *
 * Trees are independent given (data, params, tree index), so an app can train them in a worker
 * pool with ForestTreeTrainer.fitTree(t) (or RandomForestRegressor.fitTree) and assemble them
 * with RandomForestRegressor.fromTrees, in any order, into the same forest `fit` builds.
 */
import { Checkpointer, throwIfAborted } from '../../abort';
import { InvalidInputError, InvalidParamsError } from '../../errors';
import { Estimator } from '../estimator';
import type { StateReader, StateRecord } from '../state';
import type { FitOptions, Matrix } from '../types';
import { checkPredictInput } from '../validate';
import { accumulatePredictions, flatTreeFromState, flatTreeToState, normalizedImportance, type FlatTree } from '../tree/flat-tree';
import type { ForestParams } from './params';
import type { TreeShare } from './tree-share';
import { ForestTreeTrainer } from './trainer';

interface ForestState {
  /** Tree t at index t. */
  trees: FlatTree[];
  /** Out-of-bag R² of the fit (params.oobScore), else null. */
  oob: number | null;
}

export class RandomForestRegressor extends Estimator<ForestParams, ForestState> {
  readonly type = 'forest' as const;

  constructor(params: Partial<ForestParams> = {}) {
    super('forest', params);
  }

  async fit(X: Matrix, y: Float64Array, options: FitOptions = {}): Promise<this> {
    const { signal, onProgress } = options;
    throwIfAborted(signal);
    const trainer = new ForestTreeTrainer(X, y, this.params);
    const cp = new Checkpointer(signal);
    await cp.maybe();
    const total = this.params.nEstimators;
    // Out-of-bag scores need every tree's bootstrap here: those fits keep their trees local.
    const share = options.shareTrees && !this.params.oobScore ? await options.shareTrees(X, y, this.params) : null;
    if (share) {
      this.setFitted({ trees: await fitShared(trainer, share, total, cp, onProgress), oob: null });
      return this;
    }
    const trees: FlatTree[] = [];
    const oobSum = this.params.oobScore ? new Float64Array(X.rows) : undefined;
    const oobCount = this.params.oobScore ? new Int32Array(X.rows) : undefined;
    for (let t = 0; t < total; t++) {
      const tree = await trainer.fitTreeAsync(t, cp);
      trees.push(tree);
      if (oobSum && oobCount) addOutOfBag(tree, X, trainer.sampleCounts(t)!, oobSum, oobCount);
      onProgress?.({ fraction: (t + 1) / total, step: t + 1, totalSteps: total });
      await cp.maybe();
    }
    this.setFitted({ trees, oob: oobSum && oobCount ? outOfBagR2(oobSum, oobCount, y) : null });
    return this;
  }

  /**
   * Grows tree `treeIndex` of the forest that `fit(X, y)` with these params would build. To
   * train many trees in one worker, build one ForestTreeTrainer and call its fitTree instead
   * (it sorts the features once).
   */
  static fitTree(X: Matrix, y: Float64Array, params: Partial<ForestParams>, treeIndex: number): FlatTree {
    return new ForestTreeTrainer(X, y, params).fitTree(treeIndex);
  }

  /**
   * Assembles a fitted forest from trees trained separately; `trees[t]` must be tree t
   * (params.nEstimators of them, all on the same number of features).
   */
  static fromTrees(params: Partial<ForestParams>, trees: FlatTree[]): RandomForestRegressor {
    const m = new RandomForestRegressor(params);
    if (trees.length !== m.params.nEstimators)
      throw new InvalidParamsError('invalid-param', `nEstimators: the params ask for ${m.params.nEstimators} trees but ${trees.length} were given.`, {
        field: 'nEstimators',
      });
    const p = trees[0].nFeatures;
    for (const t of trees) if (t.nFeatures !== p) throw new InvalidInputError('shape', `Trees disagree on the number of features (${p} vs ${t.nFeatures}).`);
    m.setFitted({ trees: trees.slice(), oob: null });
    return m;
  }

  predict(X: Matrix): Float64Array {
    const trees = this.fitted.trees;
    checkPredictInput(X, trees[0].nFeatures);
    const out = new Float64Array(X.rows);
    for (const t of trees) accumulatePredictions(t, X.data, X.rows, X.cols, out, 1);
    const k = trees.length;
    for (let i = 0; i < out.length; i++) out[i] /= k;
    return out;
  }

  /** Mean over trees of each tree's normalized squared-error decrease, summing to 1 (scikit-learn's). */
  override featureImportance(): Float64Array {
    return forestImportance(this.fitted.trees);
  }

  /** Out-of-bag R² of the last fit (params.oobScore), else null. */
  oobScore(): number | null {
    return this.fitted.oob;
  }

  /** The fitted trees, tree t at index t (read-only views). */
  estimators(): readonly FlatTree[] {
    return this.fitted.trees;
  }

  protected writeState(s: ForestState): StateRecord {
    return { nFeatures: s.trees[0].nFeatures, trees: s.trees.map(flatTreeToState), oobScore: s.oob };
  }

  protected readState(r: StateReader): ForestState {
    const nFeatures = r.number('nFeatures', { integer: true, min: 1 });
    const trees = r.objects('trees', this.params.nEstimators).map((t) => flatTreeFromState(t, nFeatures));
    return { trees, oob: r.nullableNumber('oobScore') };
  }
}

/** Mean over trees of each tree's normalized impurity decrease, normalized to sum 1 (scikit-learn's; single-leaf trees skipped). */
export function forestImportance(trees: readonly FlatTree[]): Float64Array {
  const p = trees[0].nFeatures;
  const acc = new Float64Array(p);
  for (const t of trees) {
    if (t.feature.length <= 1) continue;
    const imp = normalizedImportance(t.importance);
    for (let j = 0; j < p; j++) acc[j] += imp[j];
  }
  return normalizedImportance(acc);
}

/** Grows the indices the share hands this fit, then the ones helpers lost, and assembles all in index order. */
async function fitShared(trainer: ForestTreeTrainer, share: TreeShare, total: number, cp: Checkpointer, onProgress: FitOptions['onProgress']): Promise<FlatTree[]> {
  const trees: (FlatTree | undefined)[] = new Array(total);
  let done = 0;
  const grow = async (t: number): Promise<void> => {
    trees[t] = await trainer.fitTreeAsync(t, cp);
    done++;
    // Indices are handed out in order, so the index is the forest's progress; `done` only this worker's.
    onProgress?.({ fraction: Math.min(1, (t + 1) / total), step: done, totalSteps: total });
    await cp.maybe();
  };
  for (let t = await share.take(); t >= 0; t = await share.take()) await grow(t);
  await cp.maybe();
  const elsewhere = await share.collect();
  for (const { index, tree } of elsewhere.trees) trees[index] = tree;
  for (const t of elsewhere.missing) await grow(t);
  const missing = trees.findIndex((t) => t === undefined);
  if (missing >= 0) throw new Error(`Tree ${missing} of the forest was never grown (the workers sharing it lost it).`);
  return trees as FlatTree[];
}

function addOutOfBag(tree: FlatTree, X: Matrix, counts: Int32Array, sum: Float64Array, count: Int32Array): void {
  const { feature, threshold, left, right, value } = tree;
  const p = X.cols;
  const d = X.data;
  for (let r = 0; r < X.rows; r++) {
    if (counts[r] !== 0) continue;
    let node = 0;
    const o = r * p;
    while (feature[node] >= 0) node = d[o + feature[node]] <= threshold[node] ? left[node] : right[node];
    sum[r] += value[node];
    count[r]++;
  }
}

/** R² over the rows that were out of bag at least once (scikit-learn warns when some never are). */
function outOfBagR2(sum: Float64Array, count: Int32Array, y: Float64Array): number | null {
  let n = 0;
  let mean = 0;
  for (let i = 0; i < y.length; i++) if (count[i] > 0) { n++; mean += y[i]; }
  if (n < 2) return null;
  mean /= n;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < y.length; i++) {
    if (count[i] === 0) continue;
    sse += (sum[i] / count[i] - y[i]) ** 2;
    sst += (y[i] - mean) ** 2;
  }
  return sst > 0 ? 1 - sse / sst : null;
}
