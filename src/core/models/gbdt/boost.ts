/**
 * The boosting loop both gradient-boosted models run (LightGBM / scikit-learn HistGradientBoosting
 * design): bin once, then per iteration compute gradients, grow one best-first tree per raw score
 * column on the histograms, and add its shrunken leaf values to the scores. Early stopping
 * watches a validation loss and keeps the best iteration. The regressor has one column; the
 * classifier one (binary log-odds) or one per class (softmax). Inputs are checked by the caller.
 */
import { Checkpointer, throwIfAborted } from '../../abort';
import { InvalidInputError } from '../../errors';
import { Rng, permutation } from '../../random';
import type { FitHistory } from '../history';
import type { StateReader, StateRecord } from '../state';
import type { FitOptions, Matrix } from '../types';
import { checkPredictInput } from '../validate';
import { binMatrix, fitAndBin, transposeBins } from './binning';
import { EnsembleBuilder, type TreeEnsemble } from './ensemble';
import { LeafWiseGrower } from './grow';
import type { GrownTree } from './grown-tree';
import { FeatureSet, type HistogramInput } from './histogram';
import type { BoostObjective } from './objective';
import type { GbdtParams } from './params';

/** Everything but the loss: the regressor's and the classifier's shared hyperparameters. */
export type BoostParams = Omit<GbdtParams, 'loss'>;

export interface BoostResult {
  /** Starting raw score per output. */
  baselines: Float64Array;
  /** Per output, its kept trees (the same number for every output). */
  ensembles: TreeEnsemble[];
  history: FitHistory;
}

/**
 * Boosts up to `maxIterations` iterations of `objective.outputs` trees. Validation:
 * `options.validation` when given (its curve is always recorded; early stopping uses it unless
 * `earlyStopping` is false), else with early stopping on a seeded `validationFraction` hold-out
 * of X (stratified by class for classifiers). With early stopping the trees after the best
 * validation iteration are dropped. `weights` (one per row of X, or null) scale gradients,
 * hessians and the recorded losses; validation rows held out of X keep theirs.
 */
export async function boost(X: Matrix, y: Float64Array, weights: Float64Array | null, options: FitOptions, P: BoostParams, objective: BoostObjective): Promise<BoostResult> {
  const signal = options.signal;
  const cp = new Checkpointer(signal, 50);
  const val = options.validation;
  const rng = new Rng(P.seed);
  const n = X.rows;
  const p = X.cols;
  const K = objective.outputs;

  // Which rows train, which validate.
  const earlyStopping = P.earlyStopping === 'auto' ? n > 10_000 || val !== undefined : P.earlyStopping;
  let trainRows: Uint32Array | null = null;
  let valX: Matrix | null = null;
  let valRows: Uint32Array | null = null;
  let yVal: Float64Array | null = null;
  let wVal: Float64Array | null = null;
  if (val) {
    valX = val.X;
    yVal = val.y;
  } else if (earlyStopping) {
    const nVal = Math.max(1, Math.round(n * P.validationFraction));
    if (n - nVal < 2) throw new InvalidInputError('too-few-rows', `Early stopping needs more rows: ${n} rows leave ${n - nVal} for training.`);
    const perm = objective.strata > 0 ? stratifiedPermutation(y, objective.strata, P.validationFraction, rng.fork()) : permutation(n, rng.fork());
    valRows = perm.slice(0, nVal).sort();
    trainRows = perm.slice(nVal).sort();
    valX = X;
    yVal = Float64Array.from(valRows, (r) => y[r]);
    if (weights) wVal = Float64Array.from(valRows, (r) => weights[r]);
  }
  const nTrain = trainRows ? trainRows.length : n;
  const yTrain = trainRows ? Float64Array.from(trainRows, (r) => y[r]) : y;
  const wTrain = weights && trainRows ? Float64Array.from(trainRows, (r) => weights[r]) : weights;

  const categorical = Array.from({ length: p }, (_, j) => P.categoricalSplit === 'native' && X.features?.[j]?.categorical === true);
  const { binning, bins } = fitAndBin(X, trainRows, { maxBins: P.maxBins, categorical, subsample: P.binSubsample, seed: P.seed });
  const nVal = valX ? (valRows ? valRows.length : valX.rows) : 0;
  const valBins = valX ? binMatrix(valX, valRows, binning) : null;
  throwIfAborted(signal);

  const baselines = objective.baseline(yTrain, wTrain);
  const raw = Array.from({ length: K }, (_, k) => new Float64Array(nTrain).fill(baselines[k]));
  const rawVal = Array.from({ length: K }, (_, k) => new Float64Array(nVal).fill(baselines[k]));
  const g = Array.from({ length: K }, () => new Float64Array(nTrain));
  const h = Array.from({ length: K }, () => new Float64Array(nTrain));
  const constH = objective.constantHessian;
  if (constH === constH) for (const hk of h) hk.fill(constH);
  // One grower for every output: its input's gradients are pointed at the output being grown.
  const input: { -readonly [F in keyof HistogramInput]: HistogramInput[F] } = {
    bins,
    binsByColumn: transposeBins(bins, nTrain, p),
    nRows: nTrain,
    gradients: g[0],
    hessians: h[0],
    constantHessian: constH,
  };
  const grower = new LeafWiseGrower(input, binning, {
    numLeaves: P.numLeaves,
    maxDepth: P.maxDepth ?? Infinity,
    learningRate: P.learningRate,
    lambda: P.l2Regularization,
    constantHessian: constH,
    minSamplesLeaf: P.minSamplesLeaf,
    minHessianLeaf: P.minHessianLeaf,
    minGainToSplit: P.minGainToSplit,
    maxCatThreshold: P.maxCatThreshold,
    catSmooth: P.catSmooth,
    catL2: P.catL2,
    maxCatToOnehot: P.maxCatToOnehot,
    colSubsampleByNode: P.colSubsampleByNode,
  }, rng.fork());
  const builders = Array.from({ length: K }, () => new EnsembleBuilder(binning));
  const fs = new FeatureSet(p);
  const allFeatures = Array.from({ length: p }, (_, j) => j);
  const nColSample = Math.max(1, Math.round(p * P.colSubsample));
  const nRowSample = Math.max(1, Math.round(nTrain * P.rowSubsample));
  const bagging = nRowSample < nTrain;
  const sampleRng = rng.fork();
  const rowPerm = bagging ? Int32Array.from({ length: nTrain }, (_, i) => i) : null;

  const history: FitHistory = { unit: 'iteration', metric: objective.metric, train: [], validation: [] };
  const valStop: number[] = [];
  let best = 0;
  const idx = grower.idx;
  // Each iteration's gradients come from the previous one's pass that also scores it.
  objective.gradients(yTrain, wTrain, raw, g, h);
  for (let it = 0; it < P.maxIterations; it++) {
    if (nColSample < p) {
      const perm = permutation(p, sampleRng);
      fs.set(Array.from(perm.subarray(0, nColSample)).sort((a, b) => a - b), binning);
    } else fs.set(allFeatures, binning);
    if (rowPerm) sampleRows(rowPerm, nRowSample, sampleRng, idx);
    for (let k = 0; k < K; k++) {
      input.gradients = g[k];
      input.hessians = h[k];
      let tree: GrownTree;
      if (rowPerm) {
        // The grower reorders idx within each tree: every output starts from the same sample.
        if (k > 0) idx.subarray(0, nRowSample).sort();
        tree = grower.grow(nRowSample, false, fs);
        tree.addPredictionsBinned(bins, nTrain, p, raw[k]);
      } else {
        grower.useAllRows();
        tree = grower.grow(nTrain, true, fs);
        addLeafValues(tree, grower, raw[k]);
      }
      builders[k].add(tree);
      if (valBins) tree.addPredictionsBinned(valBins, nVal, p, rawVal[k]);
    }
    let trainLoss: number;
    if (objective.gradientsAndEvaluate) trainLoss = objective.gradientsAndEvaluate(yTrain, wTrain, raw, g, h);
    else {
      trainLoss = objective.evaluate(yTrain, wTrain, raw);
      objective.gradients(yTrain, wTrain, raw, g, h);
    }
    history.train.push(trainLoss);
    let valLoss: number | undefined;
    if (valBins && yVal) {
      valLoss = objective.evaluate(yVal, wVal, rawVal);
      history.validation.push(valLoss);
      valStop.push(objective.stoppingLoss(valLoss));
      if (valStop[it] < valStop[best]) best = it;
    }
    options.onProgress?.({
      fraction: (it + 1) / P.maxIterations,
      step: it + 1,
      totalSteps: P.maxIterations,
      loss: valLoss === undefined ? { train: trainLoss } : { train: trainLoss, validation: valLoss },
    });
    if (earlyStopping && shouldStop(valStop, P.nIterNoChange, P.tol)) break;
    await cp.maybe();
  }
  const done = builders[0].treeCount;
  let kept = done;
  if (earlyStopping && valStop.length > 0) {
    history.bestStep = best;
    kept = best + 1;
  }
  options.onProgress?.({ fraction: 1, step: done, totalSteps: done });
  return { baselines, ensembles: builders.map((b) => b.build(kept)), history };
}

/**
 * A seeded permutation of 0..n−1 whose first round(n · fraction) entries hold about that share of
 * every class (scikit-learn stratifies the early-stopping hold-out of its classifiers): each
 * class's rows are shuffled and dealt out in proportion, so a rare class is not left out of
 * the validation part by chance.
 */
function stratifiedPermutation(y: Float64Array, classes: number, fraction: number, rng: Rng): Uint32Array {
  const n = y.length;
  const nVal = Math.max(1, Math.round(n * fraction));
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < n; i++) byClass[y[i]].push(i);
  const first: number[] = [];
  const rest: number[] = [];
  for (const rows of byClass) {
    const perm = permutation(rows.length, rng);
    const take = Math.round(rows.length * fraction);
    for (let k = 0; k < perm.length; k++) (k < take ? first : rest).push(rows[perm[k]]);
  }
  // Rounding per class can miss the total by a few rows: move them between the parts.
  while (first.length > nVal) rest.unshift(first.pop() as number);
  while (first.length < nVal) first.push(rest.shift() as number);
  return Uint32Array.from([...first, ...rest]);
}

/** A seeded sample of `count` of the rows (partial Fisher–Yates), sorted so that accesses stay sequential. */
function sampleRows(perm: Int32Array, count: number, rng: Rng, idx: Int32Array): void {
  const n = perm.length;
  for (let i = 0; i < count; i++) {
    const j = i + rng.nextInt(n - i);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  idx.set(perm.subarray(0, count));
  idx.subarray(0, count).sort();
}

/** Adds each leaf's value to the training rows it holds (no traversal needed). */
function addLeafValues(tree: GrownTree, grower: LeafWiseGrower, raw: Float64Array): void {
  const idx = grower.idx;
  for (const leaf of grower.grownLeaves) {
    const v = tree.value[leaf.node];
    for (let k = leaf.start; k < leaf.end; k++) raw[idx[k]] += v;
  }
}

/**
 * scikit-learn's rule: stop when none of the last `k` validation losses improved on the one
 * `k` iterations earlier by more than `tol`.
 */
function shouldStop(losses: number[], k: number, tol: number): boolean {
  const n = losses.length;
  if (n <= k) return false;
  const ref = losses[n - k - 1] - tol;
  for (let i = n - k; i < n; i++) if (losses[i] < ref) return false;
  return true;
}

/** Checks a caller's validation set against the training columns (its target is the model's to check). */
export function checkValidationShape(val: NonNullable<FitOptions['validation']>, cols: number): void {
  checkPredictInput(val.X, cols, { allowMissingX: true });
  if (val.y.length !== val.X.rows)
    throw new InvalidInputError('shape', `Validation target has ${val.y.length} values but there are ${val.X.rows} validation rows.`);
}

/** A boosting history as state (the curves as Float64Arrays). */
export function writeBoostHistory(h: FitHistory): StateRecord {
  const out: StateRecord = { unit: h.unit, metric: h.metric, train: Float64Array.from(h.train), validation: Float64Array.from(h.validation) };
  if (h.bestStep !== undefined) out.bestStep = h.bestStep;
  return out;
}

/** Reads back what writeBoostHistory wrote, for a model whose metric is `metric`. */
export function readBoostHistory(h: StateReader, metric: string): FitHistory {
  h.string('unit', ['iteration']);
  h.string('metric', [metric]);
  const train = Array.from(h.typed('train', Float64Array, { nonFinite: true }));
  const validation = Array.from(h.typed('validation', Float64Array, { nonFinite: true }));
  const history: FitHistory = { unit: 'iteration', metric, train, validation };
  if (h.has('bestStep')) history.bestStep = h.number('bestStep', { integer: true, min: 0, max: Math.max(1, validation.length) - 1 });
  return history;
}
