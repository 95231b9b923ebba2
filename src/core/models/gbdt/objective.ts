/**
 * What the boosting engine (boost.ts) minimises, for one raw score per row (regression, binary
 * classification) or one per class (multiclass softmax, one tree per class per iteration). The
 * regressor's single-output losses (loss.ts) plug in through `singleOutput`; the classifier's
 * log losses live here. Sample weights (class weights) scale each row's gradient and hessian.
 */
import type { BoostingLoss } from './loss';

export interface BoostObjective {
  /** Raw score columns: one tree per column per iteration. */
  readonly outputs: number;
  /** Name of the figure `evaluate` returns (recorded in the fit history). */
  readonly metric: string;
  /** The hessian when it does not depend on the row (lets histograms skip summing it), else NaN. */
  readonly constantHessian: number;
  /** Best constant raw score per output. */
  baseline(y: Float64Array, w: Float64Array | null): Float64Array;
  /** Fills g[k] and h[k] (unless the hessian is constant) for every output k at raw scores raw[k]. */
  gradients(y: Float64Array, w: Float64Array | null, raw: Float64Array[], g: Float64Array[], h: Float64Array[]): void;
  /** The recorded metric (lower is better). */
  evaluate(y: Float64Array, w: Float64Array | null, raw: Float64Array[]): number;
  /** `evaluate`, then `gradients` at the same raw scores, in one pass where the objective can (the same numbers). */
  gradientsAndEvaluate?(y: Float64Array, w: Float64Array | null, raw: Float64Array[], g: Float64Array[], h: Float64Array[]): number;
  /** What early stopping compares (its `tol` is absolute on this): the metric itself, or MSE for RMSE. */
  stoppingLoss(metric: number): number;
  /** Classes for a stratified early-stopping hold-out, or 0 to draw it at random. */
  readonly strata: number;
}

/** A regressor's loss as a one-output objective (no sample weights; early stopping on MSE as scikit-learn). */
export function singleOutput(loss: BoostingLoss): BoostObjective {
  return {
    outputs: 1,
    metric: loss.metric,
    constantHessian: loss.constantHessian,
    strata: 0,
    baseline: (y) => Float64Array.of(loss.baseline(y)),
    gradients: (y, _w, raw, g, h) => loss.gradients(y, raw[0], g[0], h[0]),
    evaluate: (y, _w, raw) => loss.evaluate(y, raw[0]),
    gradientsAndEvaluate: (y, _w, raw, g, h) => loss.gradientsAndEvaluate(y, raw[0], g[0], h[0]),
    stoppingLoss: (m) => (loss.metric === 'rmse' || loss.metric === 'rmse_log' ? m * m : m),
  };
}

/** Probabilities are kept in [EPS, 1 − EPS] where a logarithm of them is taken (a class absent from y). */
const EPS = 1e-15;

function weightedClassShares(y: Float64Array, w: Float64Array | null, k: number): Float64Array {
  const s = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w ? w[i] : 1;
    s[y[i]] += wi;
    total += wi;
  }
  for (let c = 0; c < k; c++) s[c] /= total;
  return s;
}

/** The logistic function, written so that neither branch overflows. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * Binary log loss on the log-odds of class 1 (scikit-learn's HalfBinomialLoss): start at
 * log(p / (1 − p)) of the (weighted) share p of class 1; gradient p̂ − y, hessian p̂(1 − p̂).
 * Recorded as the mean (weighted) log loss.
 */
export const binaryLogLoss: BoostObjective = {
  outputs: 1,
  metric: 'log_loss',
  constantHessian: NaN,
  strata: 2,
  baseline(y, w) {
    const p = Math.min(1 - EPS, Math.max(EPS, weightedClassShares(y, w, 2)[1]));
    return Float64Array.of(Math.log(p / (1 - p)));
  },
  gradients(y, w, raw, g, h) {
    const r = raw[0];
    const G = g[0];
    const H = h[0];
    for (let i = 0; i < y.length; i++) {
      const p = sigmoid(r[i]);
      const wi = w ? w[i] : 1;
      G[i] = wi * (p - y[i]);
      H[i] = wi * p * (1 - p);
    }
  },
  evaluate(y, w, raw) {
    const r = raw[0];
    let s = 0;
    let total = 0;
    for (let i = 0; i < y.length; i++) {
      const wi = w ? w[i] : 1;
      // −log p̂(y): softplus(−r) for class 1, softplus(r) for class 0.
      s += wi * softplus(y[i] === 1 ? -r[i] : r[i]);
      total += wi;
    }
    return s / total;
  },
  stoppingLoss: (m) => m,
};

/**
 * Multiclass log loss over K raw scores with the softmax (scikit-learn's HalfMultinomialLoss,
 * LightGBM's multiclass): start at log p_k of the (weighted) class shares, gradient p̂_k − [y = k],
 * hessian p̂_k(1 − p̂_k) per class.
 */
export function multinomialLogLoss(k: number): BoostObjective {
  return {
    outputs: k,
    metric: 'log_loss',
    constantHessian: NaN,
    strata: k,
    baseline(y, w) {
      const s = weightedClassShares(y, w, k);
      return s.map((p) => Math.log(Math.max(EPS, p)));
    },
    gradients(y, w, raw, g, h) {
      const p = new Float64Array(k);
      for (let i = 0; i < y.length; i++) {
        softmaxRow(raw, i, p);
        const wi = w ? w[i] : 1;
        for (let c = 0; c < k; c++) {
          g[c][i] = wi * (p[c] - (y[i] === c ? 1 : 0));
          h[c][i] = wi * p[c] * (1 - p[c]);
        }
      }
    },
    evaluate(y, w, raw) {
      let s = 0;
      let total = 0;
      for (let i = 0; i < y.length; i++) {
        let max = -Infinity;
        for (let c = 0; c < k; c++) if (raw[c][i] > max) max = raw[c][i];
        let sum = 0;
        for (let c = 0; c < k; c++) sum += Math.exp(raw[c][i] - max);
        const wi = w ? w[i] : 1;
        // −log softmax_y = logsumexp − raw_y.
        s += wi * (max + Math.log(sum) - raw[y[i]][i]);
        total += wi;
      }
      return s / total;
    },
    stoppingLoss: (m) => m,
  };
}

/** Softmax of row i's raw scores (raw[c][i]) into p. */
export function softmaxRow(raw: Float64Array[], i: number, p: Float64Array): void {
  const k = p.length;
  let max = -Infinity;
  for (let c = 0; c < k; c++) if (raw[c][i] > max) max = raw[c][i];
  let sum = 0;
  for (let c = 0; c < k; c++) {
    p[c] = Math.exp(raw[c][i] - max);
    sum += p[c];
  }
  for (let c = 0; c < k; c++) p[c] /= sum;
}
