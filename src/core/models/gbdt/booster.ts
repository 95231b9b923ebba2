/**
 * The histogram gradient-boosted tree regressor (LightGBM / scikit-learn HistGradientBoosting
 * design): bin once, then per iteration compute gradients, grow one best-first tree on the
 * histograms, and add its shrunken leaf values to the predictions. Early stopping watches a
 * validation loss and keeps the best iteration.
 */
import { Checkpointer, throwIfAborted } from '../../abort';
import { InvalidInputError } from '../../errors';
import { Rng, permutation } from '../../random';
import { Estimator } from '../estimator';
import type { FitHistory } from '../history';
import type { StateReader, StateRecord } from '../state';
import type { FitOptions, Matrix } from '../types';
import { checkFitInput, checkPredictInput } from '../validate';
import { binMatrix, fitBinning, transposeBins } from './binning';
import { EnsembleBuilder, TreeEnsemble } from './ensemble';
import { LeafWiseGrower } from './grow';
import type { GrownTree } from './grown-tree';
import { FeatureSet } from './histogram';
import { lossByName } from './loss';
import type { GbdtParams } from './params';

interface FittedState {
  nFeatures: number;
  baseline: number;
  ensemble: TreeEnsemble;
  history: FitHistory;
}

/**
 * Histogram gradient-boosted regression trees.
 *
 * ```ts
 * const m = await new GradientBoostingRegressor({ learningRate: 0.05 }).fit(X, y, { signal, onProgress });
 * const yHat = m.predict(Xnew); // NaN in X is fine (learned missing directions)
 * ```
 * Features flagged `categorical` in `X.features` are split as category sets when
 * `categoricalSplit` is 'native', else as ordered codes.
 */
export class GradientBoostingRegressor extends Estimator<GbdtParams, FittedState> {
  readonly type = 'gbdt' as const;

  constructor(params: Partial<GbdtParams> = {}) {
    super('gbdt', params);
  }

  /**
   * Boosts up to `maxIterations` trees. Validation: `options.validation` when given (its curve
   * is always recorded; early stopping uses it unless `earlyStopping` is false), else with
   * early stopping on a seeded `validationFraction` hold-out of X. With early stopping the
   * trees after the best validation iteration are dropped. `onProgress` fires after every
   * iteration with train/validation RMSE; `signal` is checked after every iteration.
   * Throws InvalidInputError for NaN/±Infinity in y, ±Infinity in X or empty input.
   */
  async fit(X: Matrix, y: Float64Array, options: FitOptions = {}): Promise<this> {
    const P = this.params;
    const signal = options.signal;
    throwIfAborted(signal);
    checkFitInput(X, y, { allowMissingX: true });
    const val = options.validation;
    if (val) {
      checkPredictInput(val.X, X.cols, { allowMissingX: true });
      if (val.y.length !== val.X.rows)
        throw new InvalidInputError('shape', `Validation target has ${val.y.length} values but there are ${val.X.rows} validation rows.`);
      for (let i = 0; i < val.y.length; i++)
        if (!Number.isFinite(val.y[i]))
          throw new InvalidInputError('non-finite-target', `Validation target at row ${i + 1} is ${val.y[i]}; it must be a finite number.`, { row: i + 1 });
    }
    const cp = new Checkpointer(signal, 50);
    const loss = lossByName(P.loss);
    for (const [t, where] of [[y, 'Target'], [val?.y, 'Validation target']] as const) {
      const problem = t && loss.checkTarget?.(t);
      if (problem) throw new InvalidInputError('target-domain', `${where}: ${problem}`);
    }
    const rng = new Rng(P.seed);
    const n = X.rows;
    const p = X.cols;

    // Which rows train, which validate.
    const earlyStopping = P.earlyStopping === 'auto' ? n > 10_000 || val !== undefined : P.earlyStopping;
    let trainRows: Uint32Array | null = null;
    let valX: Matrix | null = null;
    let valRows: Uint32Array | null = null;
    let yVal: Float64Array | null = null;
    if (val) {
      valX = val.X;
      yVal = val.y;
    } else if (earlyStopping) {
      const nVal = Math.max(1, Math.round(n * P.validationFraction));
      if (n - nVal < 2) throw new InvalidInputError('too-few-rows', `Early stopping needs more rows: ${n} rows leave ${n - nVal} for training.`);
      const perm = permutation(n, rng.fork());
      valRows = perm.slice(0, nVal).sort();
      trainRows = perm.slice(nVal).sort();
      valX = X;
      yVal = new Float64Array(nVal);
      for (let k = 0; k < nVal; k++) yVal[k] = y[valRows[k]];
    }
    const nTrain = trainRows ? trainRows.length : n;
    const yTrain = trainRows ? Float64Array.from(trainRows, (r) => y[r]) : y;

    const categorical = Array.from({ length: p }, (_, j) => P.categoricalSplit === 'native' && X.features?.[j]?.categorical === true);
    const binning = fitBinning(X, trainRows, { maxBins: P.maxBins, categorical, subsample: P.binSubsample, seed: P.seed });
    const bins = binMatrix(X, trainRows, binning);
    const nVal = valX ? (valRows ? valRows.length : valX.rows) : 0;
    const valBins = valX ? binMatrix(valX, valRows, binning) : null;
    throwIfAborted(signal);

    const baseline = loss.baseline(yTrain);
    const raw = new Float64Array(nTrain).fill(baseline);
    const rawVal = new Float64Array(nVal).fill(baseline);
    const g = new Float64Array(nTrain);
    const h = new Float64Array(nTrain);
    if (loss.constantHessian === loss.constantHessian) h.fill(loss.constantHessian);
    const grower = new LeafWiseGrower({ bins, binsByColumn: transposeBins(bins, nTrain, p), nRows: nTrain, gradients: g, hessians: h, constantHessian: loss.constantHessian }, binning, {
      numLeaves: P.numLeaves,
      maxDepth: P.maxDepth ?? Infinity,
      learningRate: P.learningRate,
      lambda: P.l2Regularization,
      constantHessian: loss.constantHessian,
      minSamplesLeaf: P.minSamplesLeaf,
      minHessianLeaf: P.minHessianLeaf,
      minGainToSplit: P.minGainToSplit,
      maxCatThreshold: P.maxCatThreshold,
      catSmooth: P.catSmooth,
      catL2: P.catL2,
      maxCatToOnehot: P.maxCatToOnehot,
      colSubsampleByNode: P.colSubsampleByNode,
    }, rng.fork());
    const builder = new EnsembleBuilder(binning);
    const fs = new FeatureSet(p);
    const allFeatures = Array.from({ length: p }, (_, j) => j);
    const nColSample = Math.max(1, Math.round(p * P.colSubsample));
    const nRowSample = Math.max(1, Math.round(nTrain * P.rowSubsample));
    const bagging = nRowSample < nTrain;
    const sampleRng = rng.fork();
    const rowPerm = bagging ? Int32Array.from({ length: nTrain }, (_, i) => i) : null;

    const history: FitHistory = { unit: 'iteration', metric: loss.metric, train: [], validation: [] };
    const valMse: number[] = [];
    let best = 0;
    const idx = grower.idx;
    // Each iteration's gradients come from the previous one's pass that also scores it.
    loss.gradients(yTrain, raw, g, h);
    for (let it = 0; it < P.maxIterations; it++) {
      if (nColSample < p) {
        const perm = permutation(p, sampleRng);
        fs.set(Array.from(perm.subarray(0, nColSample)).sort((a, b) => a - b), binning);
      } else fs.set(allFeatures, binning);
      let tree: GrownTree;
      if (rowPerm) {
        sampleRows(rowPerm, nRowSample, sampleRng, idx);
        tree = grower.grow(nRowSample, false, fs);
        tree.addPredictionsBinned(bins, nTrain, p, raw);
      } else {
        grower.useAllRows();
        tree = grower.grow(nTrain, true, fs);
        addLeafValues(tree, grower, raw);
      }
      builder.add(tree);
      const trainLoss = loss.gradientsAndEvaluate(yTrain, raw, g, h);
      history.train.push(trainLoss);
      let valLoss: number | undefined;
      if (valBins && yVal) {
        tree.addPredictionsBinned(valBins, nVal, p, rawVal);
        valLoss = loss.evaluate(yVal, rawVal);
        history.validation.push(valLoss);
        valMse.push(valLoss * valLoss);
        if (valMse[it] < valMse[best]) best = it;
      }
      options.onProgress?.({
        fraction: (it + 1) / P.maxIterations,
        step: it + 1,
        totalSteps: P.maxIterations,
        loss: valLoss === undefined ? { train: trainLoss } : { train: trainLoss, validation: valLoss },
      });
      if (earlyStopping && shouldStop(valMse, P.nIterNoChange, P.tol)) break;
      await cp.maybe();
    }
    let kept = builder.treeCount;
    if (earlyStopping && valMse.length > 0) {
      history.bestStep = best;
      kept = best + 1;
    }
    options.onProgress?.({ fraction: 1, step: builder.treeCount, totalSteps: builder.treeCount });
    this.setFitted({ nFeatures: p, baseline, ensemble: builder.build(kept), history });
    return this;
  }

  predict(X: Matrix): Float64Array {
    const f = this.fitted;
    checkPredictInput(X, f.nFeatures, { allowMissingX: true });
    const out = new Float64Array(X.rows).fill(f.baseline);
    f.ensemble.addPredictions(X, out);
    lossByName(this.params.loss).inverseLink(out);
    return out;
  }

  override history(): FitHistory {
    const h = this.fitted.history;
    return { ...h, train: h.train.slice(), validation: h.validation.slice() };
  }

  /** Total split gain per feature over the kept trees. */
  override featureImportance(): Float64Array {
    const f = this.fitted;
    return f.ensemble.featureImportance(f.nFeatures);
  }

  /** The raw prediction every tree adds to (the loss's baseline of the training target). */
  get baseline(): number {
    return this.fitted.baseline;
  }

  /** Number of trees kept (the best iteration + 1 after early stopping). */
  get iterations(): number {
    return this.fitted.ensemble.nTrees;
  }

  /** The fitted trees (read-only; for prediction tests and exporters). */
  ensemble(): TreeEnsemble {
    return this.fitted.ensemble;
  }

  protected writeState(f: FittedState): StateRecord {
    const h = f.history;
    const history: StateRecord = {
      unit: h.unit,
      metric: h.metric,
      train: Float64Array.from(h.train),
      validation: Float64Array.from(h.validation),
    };
    if (h.bestStep !== undefined) history.bestStep = h.bestStep;
    // The key stays `forest` so that bundles written before the rename load as they are.
    const forest: StateRecord = { ...f.ensemble.state };
    if (f.ensemble.cover) forest.cover = f.ensemble.cover;
    return { nFeatures: f.nFeatures, baseline: f.baseline, forest, history };
  }

  protected readState(r: StateReader): FittedState {
    const nFeatures = r.number('nFeatures', { integer: true, min: 1, max: 1e6 });
    const baseline = r.number('baseline');
    const ensemble = TreeEnsemble.read(r.object('forest'), nFeatures);
    const h = r.object('history');
    h.string('unit', ['iteration']);
    h.string('metric', ['rmse']);
    const train = Array.from(h.typed('train', Float64Array, { nonFinite: true }));
    const validation = Array.from(h.typed('validation', Float64Array, { nonFinite: true }));
    const history: FitHistory = { unit: 'iteration', metric: 'rmse', train, validation };
    if (h.has('bestStep')) history.bestStep = h.number('bestStep', { integer: true, min: 0, max: Math.max(1, validation.length) - 1 });
    return { nFeatures, baseline, ensemble, history };
  }
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
function shouldStop(valMse: number[], k: number, tol: number): boolean {
  const n = valMse.length;
  if (n <= k) return false;
  const ref = valMse[n - k - 1] - tol;
  for (let i = n - k; i < n; i++) if (valMse[i] < ref) return false;
  return true;
}
