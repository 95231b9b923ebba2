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
    this.setFitted({ coef: w, intercept, nIter });
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

  /** |coefficient| per feature (comparable across features when they are standardized). */
  override featureImportance(): Float64Array {
    return this.fitted.coef.map(Math.abs);
  }

  protected writeState(s: LinearState): StateRecord {
    return { coef: s.coef.slice(), intercept: s.intercept, nIter: s.nIter };
  }

  protected readState(r: StateReader): LinearState {
    const coef = r.typed('coef', Float64Array).slice();
    if (coef.length < 1) r.fail('coef', 'must hold at least one coefficient.');
    return { coef, intercept: r.number('intercept'), nIter: r.number('nIter', { integer: true, min: 0 }) };
  }
}
