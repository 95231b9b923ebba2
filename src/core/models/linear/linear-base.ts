/**
 * What the four linear models share: centered normal equations, intercept recovery, predict
 * (float64, plain JavaScript: a dot product per row), |coef| importance and the state codec.
 * Each model supplies only its solver and its options.
 */
import { throwIfAborted } from '../../abort';
import { emptyHistory, type FitHistory } from '../history';
import type { FitOptions, Matrix, ModelType, Regressor, SerializedModel, StateValue } from '../types';
import { checkFitInput, checkPredictInput } from '../validate';
import { normalEquations, type NormalEquations } from './gram';
import { stateArray, stateNumber } from './state-check';

export interface LinearState {
  coef: Float64Array;
  intercept: number;
  /** Coordinate-descent sweeps run (Lasso / ElasticNet), 0 for closed-form solvers. */
  nIter: number;
}

/** Share of progress given to the Gram pass; the solver reports the rest. */
const GRAM_SHARE = 0.9;

export abstract class LinearBase<P extends { fitIntercept: boolean }> implements Regressor<P> {
  abstract readonly type: ModelType;
  readonly params: Readonly<P>;
  protected state_: LinearState | undefined;

  protected constructor(params: P) {
    this.params = Object.freeze({ ...params });
  }

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
    this.state_ = { coef: w, intercept, nIter };
    options.onProgress?.({ fraction: 1 });
    return this;
  }

  predict(X: Matrix): Float64Array {
    const s = this.fitted();
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
    return this.fitted().coef.slice();
  }

  get intercept(): number {
    return this.fitted().intercept;
  }

  /** Coordinate-descent sweeps used by the last fit (0 for closed-form models). */
  get nIter(): number {
    return this.fitted().nIter;
  }

  history(): FitHistory {
    return emptyHistory();
  }

  featureImportance(): Float64Array | undefined {
    return this.state_ ? this.state_.coef.map(Math.abs) : undefined;
  }

  toJSON(): SerializedModel {
    const s = this.fitted();
    const state: { [k: string]: StateValue } = { coef: s.coef.slice(), intercept: s.intercept, nIter: s.nIter };
    return { type: this.type, params: { ...this.params }, state };
  }

  protected restore(state: Record<string, StateValue>): this {
    const coefRaw = state.coef;
    const p = coefRaw instanceof Float64Array ? coefRaw.length : -1;
    const coef = stateArray(state, 'coef', Float64Array, Math.max(p, 1));
    const intercept = stateNumber(state, 'intercept');
    const nIter = stateNumber(state, 'nIter', { integer: true, min: 0 });
    this.state_ = { coef: coef.slice(), intercept, nIter };
    return this;
  }

  private fitted(): LinearState {
    if (!this.state_) throw new Error(`${this.type} model is not fitted: call fit() first.`);
    return this.state_;
  }
}
