/**
 * The histogram gradient-boosted tree classifier (scikit-learn's HistGradientBoostingClassifier,
 * LightGBM's binary and multiclass objectives) on the regressor's engine (boost.ts): two classes
 * boost one raw score, the log-odds of class 1 (probability = sigmoid); K > 2 classes boost one
 * raw score per class, one tree per class per iteration (probabilities = softmax).
 */
import { throwIfAborted } from '../../abort';
import { InvalidInputError } from '../../errors';
import { classWeights } from '../class-weight';
import { ClassifierEstimator, classCountOf } from '../classifier';
import type { FitHistory } from '../history';
import type { StateReader, StateRecord } from '../state';
import type { FitOptions, Matrix } from '../types';
import { checkFitInput, checkPredictInput } from '../validate';
import { boost, checkValidationShape, readBoostHistory, writeBoostHistory } from './boost';
import { TreeEnsemble } from './ensemble';
import { binaryLogLoss, multinomialLogLoss, sigmoid, softmaxRow } from './objective';
import type { GbdtClassifierParams } from './params';

interface FittedState {
  nFeatures: number;
  classCount: number;
  /** Starting raw score per output (1 for two classes, else K). */
  baselines: Float64Array;
  /** Per output, its trees. */
  ensembles: TreeEnsemble[];
  history: FitHistory;
}

/**
 * ```ts
 * const m = await new GradientBoostingClassifier().fit(X, yCodes, { classCount: 3 });
 * const proba = m.predictProba(Xnew); // rows × 3, NaN in X is fine
 * ```
 */
export class GradientBoostingClassifier extends ClassifierEstimator<GbdtClassifierParams, FittedState> {
  readonly type = 'gbdt-classifier' as const;

  constructor(params: Partial<GbdtClassifierParams> = {}) {
    super('gbdt-classifier', params);
  }

  /**
   * As the regressor's fit (validation, early stopping on the validation log loss, progress,
   * cancellation), with y as class codes 0..K−1 (`options.classCount` = K, else max + 1) and
   * the early-stopping hold-out stratified by class. Throws InvalidInputError for a code that
   * is not a whole number in 0..K−1 (naming the row), ±Infinity in X or empty input.
   */
  async fit(X: Matrix, y: Float64Array, options: FitOptions = {}): Promise<this> {
    throwIfAborted(options.signal);
    checkFitInput(X, y, { allowMissingX: true });
    const k = classCountOf(y, options);
    const val = options.validation;
    if (val) {
      checkValidationShape(val, X.cols);
      try {
        classCountOf(val.y, { classCount: k });
      } catch (e) {
        if (e instanceof InvalidInputError) throw new InvalidInputError(e.code, `Validation target: ${e.message}`, e.where);
        throw e;
      }
    }
    const objective = k === 2 ? binaryLogLoss : multinomialLogLoss(k);
    const weights = classWeights(y, k, this.params.classWeight);
    const { baselines, ensembles, history } = await boost(X, y, weights, options, this.params, objective);
    this.setFitted({ nFeatures: X.cols, classCount: k, baselines, ensembles, history });
    return this;
  }

  /** The raw scores, one column per output (log-odds of class 1 for two classes), NaN in X allowed. */
  decisionFunction(X: Matrix): Float64Array[] {
    const f = this.fitted;
    checkPredictInput(X, f.nFeatures, { allowMissingX: true });
    return f.ensembles.map((e, k) => {
      const out = new Float64Array(X.rows).fill(f.baselines[k]);
      e.addPredictions(X, out);
      return out;
    });
  }

  predictProba(X: Matrix): Float64Array {
    const k = this.fitted.classCount;
    const raw = this.decisionFunction(X);
    const out = new Float64Array(X.rows * k);
    if (raw.length === 1) {
      const r = raw[0];
      for (let i = 0; i < X.rows; i++) {
        const p = sigmoid(r[i]);
        out[2 * i] = 1 - p;
        out[2 * i + 1] = p;
      }
      return out;
    }
    const p = new Float64Array(k);
    for (let i = 0; i < X.rows; i++) {
      softmaxRow(raw, i, p);
      out.set(p, i * k);
    }
    return out;
  }

  override history(): FitHistory {
    const h = this.fitted.history;
    return { ...h, train: h.train.slice(), validation: h.validation.slice() };
  }

  /** Total split gain per feature over the kept trees of every class. */
  override featureImportance(): Float64Array {
    const f = this.fitted;
    const imp = new Float64Array(f.nFeatures);
    for (const e of f.ensembles) {
      const part = e.featureImportance(f.nFeatures);
      for (let j = 0; j < imp.length; j++) imp[j] += part[j];
    }
    return imp;
  }

  /** Iterations kept (the best iteration + 1 after early stopping). */
  get iterations(): number {
    return this.fitted.ensembles[0].nTrees;
  }

  /** Starting raw score per output. */
  get baselines(): Float64Array {
    return this.fitted.baselines.slice();
  }

  /** The fitted trees of each output (read-only; for tests and exporters). */
  ensembles(): readonly TreeEnsemble[] {
    return this.fitted.ensembles;
  }

  protected writeState(f: FittedState): StateRecord {
    const forests = f.ensembles.map((e): StateRecord => (e.cover ? { ...e.state, cover: e.cover } : { ...e.state }));
    return { nFeatures: f.nFeatures, classCount: f.classCount, baselines: f.baselines.slice(), forests, history: writeBoostHistory(f.history) };
  }

  protected readState(r: StateReader): FittedState {
    const nFeatures = r.number('nFeatures', { integer: true, min: 1, max: 1e6 });
    const classCount = r.number('classCount', { integer: true, min: 2, max: 1e5 });
    const outputs = classCount === 2 ? 1 : classCount;
    const baselines = r.typed('baselines', Float64Array, { length: outputs });
    const ensembles = r.objects('forests', outputs).map((f) => TreeEnsemble.read(f, nFeatures));
    for (let k = 1; k < outputs; k++)
      if (ensembles[k].nTrees !== ensembles[0].nTrees) r.fail(`forests`, `every class must have as many trees as the first (${ensembles[0].nTrees}); class ${k} has ${ensembles[k].nTrees}.`);
    const history = readBoostHistory(r.object('history'), 'log_loss');
    return { nFeatures, classCount, baselines, ensembles, history };
  }
}
