/**
 * What the four linear models share: centered normal equations, intercept recovery, predict
 * (float64, plain JavaScript: a dot product per row), |coef| importance and the state.
 * Each model supplies only its solver and its parameter table.
 */
import { throwIfAborted } from '../../abort';
import { Estimator } from '../estimator';
import type { StateReader, StateRecord } from '../state';
import type { FitOptions, Matrix } from '../types';
import { checkFitInput, checkPredictInput } from '../validate';
import { normalEquations, type NormalEquations } from './gram';

export interface LinearState {
  coef: Float64Array;
  intercept: number;
  /** Coordinate-descent sweeps run (Lasso / ElasticNet), 0 for closed-form solvers. */
  nIter: number;
  /**
   * Mean of each feature over the training rows: the point exact explanations measure from
   * (coef × (x − mean)). Bundles written before it was kept lack it and cannot be explained.
   */
  xMean?: Float64Array;
}

/** Share of progress given to the Gram pass; the solver reports the rest. */
const GRAM_SHARE = 0.9;

export abstract class LinearBase<P extends { fitIntercept: boolean }> extends Estimator<P, LinearState> {

  protected abstract solve(
    ne: NormalEquations,
    n: number,
    p: number,
    options: FitOptions,
  ): Promise<{ w: Float64Array; nIter: number }>;

  async fit(X: Matrix, y: Float64Array, options: FitOptions = {}): Promise<this> {
    checkFitInput(X, y);
    throwIfAborted(options.signal);
    const ne = await normalEquations(X, y, {
      fitIntercept: this.params.fitIntercept,
      signal: options.signal,
      onBlock: (f) => options.onProgress?.({ fraction: f * GRAM_SHARE }),
    });
    const { w, nIter } = await this.solve(ne, X.rows, X.cols, options);
    throwIfAborted(options.signal);
    let intercept = 0;
    if (this.params.fitIntercept) {
      intercept = ne.yMean;
      for (let j = 0; j < X.cols; j++) intercept -= ne.xMean[j] * w[j];
    }
    this.setFitted({ coef: w, intercept, nIter, xMean: this.params.fitIntercept ? ne.xMean : columnMeans(X) });
    options.onProgress?.({ fraction: 1 });
    return this;
  }

  predict(X: Matrix): Float64Array {
    const s = this.fitted;
    checkPredictInput(X, s.coef.length);
    const p = X.cols;
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let v = s.intercept;
      const o = i * p;
      for (let j = 0; j < p; j++) v += X.data[o + j] * s.coef[j];
      out[i] = v;
    }
    return out;
  }

  /** Fitted coefficients (a copy), one per feature. */
  get coef(): Float64Array {
    return this.fitted.coef.slice();
  }

  get intercept(): number {
    return this.fitted.intercept;
  }

  /** Coordinate-descent sweeps used by the last fit (0 for closed-form models). */
  get nIter(): number {
    return this.fitted.nIter;
  }

  /** Training mean of each feature (a copy), or undefined for a model restored from an older bundle. */
  get trainingMean(): Float64Array | undefined {
    return this.fitted.xMean?.slice();
  }

  /** |coefficient| per feature (comparable across features when they are standardized). */
  override featureImportance(): Float64Array {
    return this.fitted.coef.map(Math.abs);
  }

  protected writeState(s: LinearState): StateRecord {
    const out: StateRecord = { coef: s.coef.slice(), intercept: s.intercept, nIter: s.nIter };
    if (s.xMean) out.xMean = s.xMean.slice();
    return out;
  }

  protected readState(r: StateReader): LinearState {
    const coef = r.typed('coef', Float64Array).slice();
    if (coef.length < 1) r.fail('coef', 'must hold at least one coefficient.');
    const s: LinearState = { coef, intercept: r.number('intercept'), nIter: r.number('nIter', { integer: true, min: 0 }) };
    if (r.has('xMean')) s.xMean = r.typed('xMean', Float64Array, { length: coef.length }).slice();
    return s;
  }
}

/** Mean of each column of X (the normal equations skip it without an intercept; logistic keeps it for explanations). */
export function columnMeans(X: Matrix): Float64Array {
  const m = new Float64Array(X.cols);
  for (let i = 0, o = 0; i < X.rows; i++, o += X.cols) for (let j = 0; j < X.cols; j++) m[j] += X.data[o + j];
  for (let j = 0; j < X.cols; j++) m[j] /= X.rows;
  return m;
}
