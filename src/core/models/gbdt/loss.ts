/**
 * Losses for boosting: a starting value, per-row gradients and hessians of the loss with
 * respect to the raw prediction, and the metric recorded in the history. Add a loss by
 * implementing `BoostingLoss` and naming it in GbdtParams.loss.
 */

export interface BoostingLoss {
  readonly name: string;
  /** Name of the figure `evaluate` returns (recorded in the fit history). */
  readonly metric: string;
  /** The hessian when it does not depend on the row (lets histograms skip summing it), else NaN. */
  readonly constantHessian: number;
  /** Best constant prediction. */
  baseline(y: Float64Array): number;
  /** Fills gradients (and hessians unless constant) at raw predictions `raw`. */
  gradients(y: Float64Array, raw: Float64Array, g: Float64Array, h: Float64Array): void;
  /** The recorded metric (lower is better). */
  evaluate(y: Float64Array, raw: Float64Array): number;
}

/** ½(ŷ − y)²: gradient ŷ − y, hessian 1. Recorded as RMSE. */
export const squaredError: BoostingLoss = {
  name: 'squared_error',
  metric: 'rmse',
  constantHessian: 1,
  baseline(y) {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i];
    return s / y.length;
  },
  gradients(y, raw, g) {
    for (let i = 0; i < y.length; i++) g[i] = raw[i] - y[i];
  },
  evaluate(y, raw) {
    let s = 0;
    for (let i = 0; i < y.length; i++) {
      const e = raw[i] - y[i];
      s += e * e;
    }
    return Math.sqrt(s / y.length);
  },
};

export function lossByName(name: 'squared_error'): BoostingLoss {
  switch (name) {
    case 'squared_error':
      return squaredError;
  }
}
