/**
 * Probability calibration of a fitted classifier on held-out rows, as scikit-learn's
 * CalibratedClassifierCV on a frozen (prefit) estimator: one calibrator per class, one-vs-rest,
 * over that class's predicted probability — for two classes only the positive class's, with
 * p₀ = 1 − p₁; for more, the calibrated columns divided by their row sum (uniform where all are 0).
 *
 * - 'sigmoid' (Platt, 1999): p = 1 / (1 + exp(a·s + b)), (a, b) minimising the log loss against
 *   Platt's smoothed targets (n₊ + 1)/(n₊ + 2) and 1/(n₋ + 2); solved here by Newton's method to
 *   a gradient of 1e-12, where sklearn runs L-BFGS-B to 1e-6 (so a, b agree to about 1e-6).
 * - 'isotonic': the non-decreasing step function of least squares (pool adjacent violators, tied
 *   scores averaged first), interpolated linearly between its points and clipped at the ends.
 *
 * Calibration state is plain numbers and Float64Arrays, to be stored in a bundle as it is.
 */
import { InvalidInputError, InvalidParamsError } from '../errors';
import { expit } from './linear/logistic-loss';

export type CalibrationMethod = 'sigmoid' | 'isotonic';

export interface SigmoidCalibrator {
  method: 'sigmoid';
  /** p = 1 / (1 + exp(a·s/scale + b)); scale = max |s| when that is ≥ 30, else 1 (sklearn's). */
  a: number;
  b: number;
  scale: number;
}

export interface IsotonicCalibrator {
  method: 'isotonic';
  /** Increasing scores and their calibrated probabilities: the points of the step function. */
  x: Float64Array;
  y: Float64Array;
}

export type Calibrator = SigmoidCalibrator | IsotonicCalibrator;

export interface ProbabilityCalibration {
  method: CalibrationMethod;
  classCount: number;
  /** One for two classes (the positive class, code 1), else one per class. */
  calibrators: Calibrator[];
}

/** Fits Platt's sigmoid of `score` to whether each row is positive. */
export function fitSigmoid(score: ArrayLike<number>, positive: ArrayLike<number>): SigmoidCalibrator {
  const n = score.length;
  let maxAbs = 0;
  for (let i = 0; i < n; i++) maxAbs = Math.max(maxAbs, Math.abs(score[i]));
  // Large scores are scaled into range first (no effect on the fitted curve, only on conditioning).
  const scale = maxAbs >= 30 ? maxAbs : 1;
  let nPos = 0;
  for (let i = 0; i < n; i++) if (positive[i]) nPos++;
  const nNeg = n - nPos;
  const hi = (nPos + 1) / (nPos + 2);
  const lo = 1 / (nNeg + 2);
  const F = Float64Array.from(score, (s) => s / scale);
  const T = Float64Array.from(positive, (p) => (p ? hi : lo));
  // Loss Σ log(1 + e^z) − T·z with z = −(a·F + b).
  const loss = (a: number, b: number): number => {
    let l = 0;
    for (let i = 0; i < n; i++) {
      const z = -(a * F[i] + b);
      l += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - T[i] * z;
    }
    return l;
  };
  let a = 0;
  let b = Math.log((nNeg + 1) / (nPos + 1));
  let f = loss(a, b);
  for (let it = 0; it < 100; it++) {
    let ga = 0;
    let gb = 0;
    let haa = 0;
    let hab = 0;
    let hbb = 0;
    for (let i = 0; i < n; i++) {
      const p = expit(-(a * F[i] + b));
      const r = p - T[i]; // dL/dz
      ga -= r * F[i];
      gb -= r;
      const w = p * (1 - p);
      haa += w * F[i] * F[i];
      hab += w * F[i];
      hbb += w;
    }
    if (Math.max(Math.abs(ga), Math.abs(gb)) <= 1e-12 * Math.max(1, n)) break;
    const det = haa * hbb - hab * hab;
    // Newton step, or a gradient step where the Hessian is singular (every score equal).
    let da = det > 1e-300 ? -(hbb * ga - hab * gb) / det : -ga / (hbb + haa + 1);
    let db = det > 1e-300 ? -(haa * gb - hab * ga) / det : -gb / (hbb + haa + 1);
    let t = 1;
    for (let ls = 0; ls < 60; ls++) {
      const fNew = loss(a + t * da, b + t * db);
      if (fNew <= f + 1e-4 * t * (ga * da + gb * db) || Math.abs(ga * da + gb * db) <= 1e-15 * (1 + Math.abs(f))) {
        f = fNew;
        break;
      }
      t /= 2;
    }
    da *= t;
    db *= t;
    a += da;
    b += db;
    if (Math.abs(da) + Math.abs(db) <= 1e-15 * (1 + Math.abs(a) + Math.abs(b))) break;
  }
  return { method: 'sigmoid', a, b, scale };
}

/** Fits the isotonic (non-decreasing) regression of whether each row is positive on `score`. */
export function fitIsotonic(score: ArrayLike<number>, positive: ArrayLike<number>): IsotonicCalibrator {
  const n = score.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => score[i] - score[j] || positive[i] - positive[j]);
  // Tied scores (within float64 resolution, as sklearn's _make_unique) become one point, their mean.
  const xs: number[] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  for (const i of order) {
    const last = xs.length - 1;
    if (last >= 0 && score[i] - xs[last] < 1e-15) {
      ys[last] += positive[i] ? 1 : 0;
      ws[last]++;
    } else {
      xs.push(score[i]);
      ys.push(positive[i] ? 1 : 0);
      ws.push(1);
    }
  }
  for (let k = 0; k < xs.length; k++) ys[k] /= ws[k];
  // Pool adjacent violators: blocks [start, end] with their weighted mean.
  const start: number[] = [];
  const mean: number[] = [];
  const weight: number[] = [];
  for (let k = 0; k < xs.length; k++) {
    start.push(k);
    mean.push(ys[k]);
    weight.push(ws[k]);
    while (mean.length > 1 && mean[mean.length - 2] >= mean[mean.length - 1]) {
      const w = weight.pop()!;
      const m = mean.pop()!;
      start.pop();
      const top = mean.length - 1;
      mean[top] = (mean[top] * weight[top] + m * w) / (weight[top] + w);
      weight[top] += w;
    }
  }
  const fitted = new Float64Array(xs.length);
  for (let blk = 0; blk < start.length; blk++) {
    const end = blk + 1 < start.length ? start[blk + 1] : xs.length;
    fitted.fill(mean[blk], start[blk], end);
  }
  // Keep the first and last point of each flat run: the same interpolation, fewer points.
  const keepX: number[] = [];
  const keepY: number[] = [];
  for (let k = 0; k < xs.length; k++) {
    const inner = k > 0 && k < xs.length - 1;
    if (inner && fitted[k] === fitted[k - 1] && fitted[k] === fitted[k + 1]) continue;
    keepX.push(xs[k]);
    keepY.push(fitted[k]);
  }
  return { method: 'isotonic', x: Float64Array.from(keepX), y: Float64Array.from(keepY) };
}

/** The calibrated probability of one score. */
export function applyCalibrator(c: Calibrator, s: number): number {
  if (c.method === 'sigmoid') return expit(-(c.a * (s / c.scale) + c.b));
  const { x, y } = c;
  if (s <= x[0]) return y[0];
  if (s >= x[x.length - 1]) return y[y.length - 1];
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= s) lo = mid;
    else hi = mid;
  }
  // numpy.interp's formula: slope·(s − x_lo) + y_lo.
  return ((y[hi] - y[lo]) / (x[hi] - x[lo])) * (s - x[lo]) + y[lo];
}

function checkCalibrationInput(proba: ArrayLike<number>, y: ArrayLike<number>, k: number): void {
  if (!(Number.isInteger(k) && k >= 2)) throw new InvalidParamsError('bad-class-count', `The number of classes must be a whole number of at least 2; got ${k}.`, { field: 'classCount' });
  if (proba.length !== y.length * k)
    throw new InvalidInputError('shape', `${y.length} rows of ${k} classes need ${y.length * k} probabilities; got ${proba.length}.`);
  if (y.length === 0) throw new InvalidInputError('empty-input', 'Calibration needs held-out rows; there are none.');
  for (let i = 0; i < y.length; i++)
    if (!(Number.isInteger(y[i]) && y[i] >= 0 && y[i] < k))
      throw new InvalidInputError('bad-class-code', `Row ${i + 1} has class code ${y[i]}; classes must be coded 0..${k - 1}.`, { row: i + 1, field: 'y' });
}

/**
 * Fits a calibration on held-out rows: their predicted probabilities (rows × k) and class codes.
 * For two classes one calibrator of p₁; for more, one per class of its own column.
 */
export function fitCalibration(method: CalibrationMethod, proba: ArrayLike<number>, y: ArrayLike<number>, k: number): ProbabilityCalibration {
  if (method !== 'sigmoid' && method !== 'isotonic')
    throw new InvalidParamsError('invalid-param', `Calibration is 'sigmoid' or 'isotonic'; got ${JSON.stringify(method)}.`, { field: 'calibration' });
  checkCalibrationInput(proba, y, k);
  const n = y.length;
  const fit = method === 'sigmoid' ? fitSigmoid : fitIsotonic;
  const classes = k === 2 ? [1] : Array.from({ length: k }, (_, c) => c);
  const calibrators = classes.map((c) =>
    fit(
      Float64Array.from({ length: n }, (_, i) => proba[i * k + c]),
      Uint8Array.from(y, (v) => (v === c ? 1 : 0)),
    ),
  );
  return { method, classCount: k, calibrators };
}

/** Calibrated probabilities (rows × k) from a classifier's (rows × k). */
export function applyCalibration(cal: ProbabilityCalibration, proba: ArrayLike<number>): Float64Array {
  const k = cal.classCount;
  if (proba.length % k !== 0) throw new InvalidInputError('shape', `Probabilities of ${k} classes come in rows of ${k}; got ${proba.length} values.`);
  const rows = proba.length / k;
  const out = new Float64Array(proba.length);
  for (let i = 0; i < rows; i++) {
    if (k === 2) {
      const p1 = applyCalibrator(cal.calibrators[0], proba[i * 2 + 1]);
      out[i * 2] = 1 - p1;
      out[i * 2 + 1] = p1;
      continue;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += out[i * k + c] = applyCalibrator(cal.calibrators[c], proba[i * k + c]);
    // Rounding can leave a share a hair above 1 (sklearn clips those to 1 too).
    for (let c = 0; c < k; c++) out[i * k + c] = sum > 0 ? Math.min(1, out[i * k + c] / sum) : 1 / k;
  }
  return out;
}
