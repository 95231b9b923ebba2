/**
 * A calibrated classifier: a classifier fitted on most of the rows it is given, and a calibration
 * (calibration.ts: Platt's sigmoid or isotonic, one-vs-rest, renormalised) fitted on its
 * probabilities of the rest — scikit-learn's CalibratedClassifierCV with a prefit estimator, the
 * held-out part chosen here: a seeded, stratified 20 % of the rows.
 *
 * Every fit holds its own part out, in k-fold runs too (each fold's model is calibrated as the one
 * that ships is), rather than calibrating on out-of-fold probabilities: the metrics of each fold
 * are then those of the same kind of model the bundle carries.
 *
 * The wrapper keeps the base model's `type`, params, history and importance, so everything keyed
 * on the model's kind (labels, the tfjs backend, the catalog) sees the model it wraps. Its
 * `toJSON()` is the base model's; a bundle writes the calibration beside it
 * (`probabilityCalibration`, calibration-bundle.ts) and wraps the model again on load.
 */
import { stratifiedTrainTestSplit } from '../data/split';
import { InvalidParamsError, NotFittedError } from '../errors';
import { applyCalibration, fitCalibration, type CalibrationMethod, type ProbabilityCalibration } from './calibration';
import { argmaxRows, classCountOf } from './classifier';
import { isClassifier, type Classifier, type FitOptions, type Matrix, type Regressor, type SerializedModel } from './types';
import { takeMatrixRows, takeValues } from '../conformal/rows';

/** The run option: no calibration, Platt's sigmoid, or isotonic regression. */
export type CalibrationChoice = 'none' | 'platt' | 'isotonic';
export const CALIBRATION_CHOICES: readonly CalibrationChoice[] = ['none', 'platt', 'isotonic'];

/** Share of a fit's rows held out to fit the calibration on. */
export const CALIBRATION_HOLDOUT = 0.2;

/** The core's method name of a run option ('platt' is scikit-learn's 'sigmoid'); null for none. */
export function calibrationMethod(choice: unknown, field = 'calibration'): CalibrationMethod | null {
  if (choice === undefined || choice === 'none') return null;
  if (choice === 'platt' || choice === 'sigmoid') return 'sigmoid';
  if (choice === 'isotonic') return 'isotonic';
  throw new InvalidParamsError('invalid-param', `Probability calibration is none, platt or isotonic; got ${JSON.stringify(choice)}.`, { field });
}

/** The run option of a fitted calibration's method. */
export function calibrationChoice(method: CalibrationMethod): Exclude<CalibrationChoice, 'none'> {
  return method === 'sigmoid' ? 'platt' : 'isotonic';
}

export class CalibratedClassifier implements Classifier {
  readonly task = 'classification' as const;
  #calibration: ProbabilityCalibration | undefined;
  /** Rows the calibration was fitted on (held out of the base model's fit). */
  #calibrationRows = 0;

  /**
   * @param base   an unfitted classifier (fitted by `fit` on the rows not held out)
   * @param method 'sigmoid' (Platt) or 'isotonic'
   * @param seed   seeds the held-out part
   */
  constructor(
    readonly base: Regressor,
    readonly method: CalibrationMethod,
    readonly seed: number,
  ) {
    if (!isClassifier(base)) throw new InvalidParamsError('invalid-param', `Probability calibration is for classifiers; ${base.type} predicts numbers.`, { field: 'calibration' });
  }

  /** A fitted base model with a fitted calibration (a bundle's). */
  static restore(base: Classifier, calibration: ProbabilityCalibration, calibrationRows: number): CalibratedClassifier {
    const m = new CalibratedClassifier(base, calibration.method, 0);
    m.#calibration = calibration;
    m.#calibrationRows = calibrationRows;
    return m;
  }

  get type() {
    return this.base.type;
  }

  get params() {
    return this.base.params;
  }

  get isFitted(): boolean {
    return this.#calibration !== undefined && this.base.isFitted;
  }

  get classCount(): number {
    return (this.base as Classifier).classCount;
  }

  /** The fitted calibration; throws the base model's NotFittedError before fit. */
  get calibration(): ProbabilityCalibration {
    if (!this.#calibration) throw new NotFittedError('calibrated model');
    return this.#calibration;
  }

  get calibrationRows(): number {
    return this.#calibrationRows;
  }

  /**
   * Fits the base model on a stratified 80 % of the rows and the calibration on its
   * probabilities of the other 20 %. A class too rare to be on both sides stays on the fitting
   * side (the split's rule); classCount keeps every class's column either way.
   */
  async fit(X: Matrix, y: Float64Array, options: FitOptions = {}): Promise<this> {
    const k = classCountOf(y, options);
    const part = stratifiedTrainTestSplit(y, { testSize: CALIBRATION_HOLDOUT, seed: this.seed });
    if (part.test.length === 0 || part.train.length === 0)
      throw new InvalidParamsError('too-few-rows', `Probability calibration holds out ${CALIBRATION_HOLDOUT * 100} % of the training rows; ${y.length} rows are too few.`, { field: 'calibration' });
    await this.base.fit(takeMatrixRows(X, part.train), takeValues(y, part.train), { ...options, classCount: k });
    const proba = (this.base as Classifier).predictProba(takeMatrixRows(X, part.test));
    this.#calibration = fitCalibration(this.method, proba, takeValues(y, part.test), k);
    this.#calibrationRows = part.test.length;
    return this;
  }

  predictProba(X: Matrix): Float64Array {
    const cal = this.calibration;
    return applyCalibration(cal, (this.base as Classifier).predictProba(X));
  }

  predict(X: Matrix): Float64Array {
    return argmaxRows(this.predictProba(X), this.classCount);
  }

  history() {
    return this.base.history();
  }

  featureImportance(): Float64Array | undefined {
    return this.base.featureImportance();
  }

  /** The base model's `{type, params, state}`: the calibration travels beside it in a bundle. */
  toJSON(): SerializedModel {
    return this.base.toJSON();
  }
}

/** The calibration of a model that has one (a CalibratedClassifier), else undefined. */
export function probabilityCalibrationOf(model: Regressor): { calibration: ProbabilityCalibration; rows: number } | undefined {
  return model instanceof CalibratedClassifier && model.isFitted ? { calibration: model.calibration, rows: model.calibrationRows } : undefined;
}
