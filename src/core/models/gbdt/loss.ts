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
  /** `gradients` and `evaluate` in one pass over the rows (the booster's per-iteration step): the same numbers. */
  gradientsAndEvaluate(y: Float64Array, raw: Float64Array, g: Float64Array, h: Float64Array): number;
  /** How raw scores become predictions: as they are, or through exp (what inverseLink does). */
  readonly link: 'identity' | 'log';
  /** Maps raw scores to predictions in place (identity for squared error). */
  inverseLink(raw: Float64Array): void;
  /** Throws a message when the targets are outside the loss's domain, else returns undefined. */
  checkTarget?(y: Float64Array): string | undefined;
}

/** ½(ŷ − y)²: gradient ŷ − y, hessian 1. Recorded as RMSE. */
export const squaredError: BoostingLoss = {
  name: 'squared_error',
  metric: 'rmse',
  link: 'identity',
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
  gradientsAndEvaluate(y, raw, g) {
    let s = 0;
    for (let i = 0; i < y.length; i++) {
      const e = raw[i] - y[i];
      g[i] = e;
      s += e * e;
    }
    return Math.sqrt(s / y.length);
  },
  inverseLink() {},
};

/**
 * ½(exp(F) − y)²: squared error on the price scale with trees adding up in log space (a
 * multiplicative model, natural for prices). Gauss–Newton hessian μ² (always positive).
 * Needs y > 0.
 */
export const squaredErrorLogLink: BoostingLoss = {
  name: 'squared_error_log_link',
  metric: 'rmse',
  link: 'log',
  constantHessian: NaN,
  baseline(y) {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i];
    return Math.log(s / y.length);
  },
  gradients(y, raw, g, h) {
    for (let i = 0; i < y.length; i++) {
      const mu = Math.exp(raw[i]);
      g[i] = (mu - y[i]) * mu;
      h[i] = mu * mu;
    }
  },
  evaluate(y, raw) {
    let s = 0;
    for (let i = 0; i < y.length; i++) {
      const e = Math.exp(raw[i]) - y[i];
      s += e * e;
    }
    return Math.sqrt(s / y.length);
  },
  gradientsAndEvaluate(y, raw, g, h) {
    let s = 0;
    for (let i = 0; i < y.length; i++) {
      const mu = Math.exp(raw[i]);
      const e = mu - y[i];
      g[i] = e * mu;
      h[i] = mu * mu;
      s += e * e;
    }
    return Math.sqrt(s / y.length);
  },
  inverseLink(raw) {
    for (let i = 0; i < raw.length; i++) raw[i] = Math.exp(raw[i]);
  },
  checkTarget(y) {
    return positiveTargets(y, 'log-link');
  },
};

function positiveTargets(y: Float64Array, what: string): string | undefined {
  for (let i = 0; i < y.length; i++) if (!(y[i] > 0)) return `row ${i + 1} has target ${y[i]}; the ${what} loss needs targets > 0.`;
  return undefined;
}

/** log(y) per target array, computed once per fit (the booster asks for gradients every iteration). */
const logTargets = new WeakMap<Float64Array, Float64Array>();
function logOf(y: Float64Array): Float64Array {
  let l = logTargets.get(y);
  if (!l) {
    l = Float64Array.from(y, Math.log);
    logTargets.set(y, l);
  }
  return l;
}

/**
 * ½(F − log y)²: squared error in log space (scikit-learn's TransformedTargetRegressor with
 * log/exp), predictions exp(F) — the geometric rather than the arithmetic mean, so a different
 * model from the log link's, one a blend gains from. Hessian 1. Recorded, and stopped early on,
 * as the RMSE of the logs (metric 'rmse_log'): the scale it is fitted on. Needs y > 0.
 */
export const squaredErrorLogTarget: BoostingLoss = {
  name: 'squared_error_log_target',
  metric: 'rmse_log',
  link: 'log',
  constantHessian: 1,
  baseline: (y) => squaredError.baseline(logOf(y)),
  gradients: (y, raw, g, h) => squaredError.gradients(logOf(y), raw, g, h),
  evaluate: (y, raw) => squaredError.evaluate(logOf(y), raw),
  gradientsAndEvaluate: (y, raw, g, h) => squaredError.gradientsAndEvaluate(logOf(y), raw, g, h),
  inverseLink: squaredErrorLogLink.inverseLink,
  checkTarget(y) {
    return positiveTargets(y, 'log-target');
  },
};

export type LossName = 'squared_error' | 'squared_error_log_link' | 'squared_error_log_target';

export function lossByName(name: LossName): BoostingLoss {
  switch (name) {
    case 'squared_error':
      return squaredError;
    case 'squared_error_log_link':
      return squaredErrorLogLink;
    case 'squared_error_log_target':
      return squaredErrorLogTarget;
  }
}
