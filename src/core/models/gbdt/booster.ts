/**
 * The histogram gradient-boosted tree regressor (LightGBM / scikit-learn HistGradientBoosting
 * design): one raw score per row, boosted by boost.ts with the chosen regression loss.
 */
import { throwIfAborted } from '../../abort';
import { InvalidInputError } from '../../errors';
import { Estimator } from '../estimator';
import type { FitHistory } from '../history';
import type { StateReader, StateRecord } from '../state';
import type { FitOptions, Matrix } from '../types';
import { checkFitInput, checkPredictInput } from '../validate';
import { boost, checkValidationShape, readBoostHistory, writeBoostHistory } from './boost';
import { TreeEnsemble } from './ensemble';
import { lossByName } from './loss';
import { singleOutput } from './objective';
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
      checkValidationShape(val, X.cols);
      for (let i = 0; i < val.y.length; i++)
        if (!Number.isFinite(val.y[i]))
          throw new InvalidInputError('non-finite-target', `Validation target at row ${i + 1} is ${val.y[i]}; it must be a finite number.`, { row: i + 1 });
    }
    const loss = lossByName(P.loss);
    for (const [t, where] of [[y, 'Target'], [val?.y, 'Validation target']] as const) {
      const problem = t && loss.checkTarget?.(t);
      if (problem) throw new InvalidInputError('target-domain', `${where}: ${problem}`);
    }
    const { baselines, ensembles, history } = await boost(X, y, null, options, P, singleOutput(loss));
    this.setFitted({ nFeatures: X.cols, baseline: baselines[0], ensemble: ensembles[0], history });
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
    // The key stays `forest` so that bundles written before the rename load as they are.
    const forest: StateRecord = { ...f.ensemble.state };
    if (f.ensemble.cover) forest.cover = f.ensemble.cover;
    return { nFeatures: f.nFeatures, baseline: f.baseline, forest, history: writeBoostHistory(f.history) };
  }

  protected readState(r: StateReader): FittedState {
    const nFeatures = r.number('nFeatures', { integer: true, min: 1, max: 1e6 });
    const baseline = r.number('baseline');
    const ensemble = TreeEnsemble.read(r.object('forest'), nFeatures);
    const history = readBoostHistory(r.object('history'), lossByName(this.params.loss).metric);
    return { nFeatures, baseline, ensemble, history };
  }
}
