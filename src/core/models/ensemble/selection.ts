/**
 * How an ensemble weighs its members, from their out-of-fold predictions: pure functions of
 * (predictions per candidate, target) → weights, used by the ensemble's own fit, by a k-fold
 * training run and by the search.
 *
 * - `greedySelection`: ensemble selection with replacement (Caruana et al. 2004, as auto-sklearn
 *   does it): start from the best single model, then, `size` times, add the candidate (again, if
 *   it is the best choice) whose addition gives the lowest RMSE of the averaged predictions.
 *   Weights are how often each was picked ÷ picks, so they are ≥ 0 and sum to 1. The ensemble
 *   kept is the best prefix of that sequence (Caruana's "select the best ensemble size"), so
 *   on these rows it is never worse than the best single candidate.
 * - `stackingWeights`: a ridge meta-model (scikit-learn's StackingRegressor with a ridge as its
 *   final estimator): plain ridge with an intercept on the candidates' predictions. Weights may
 *   be negative and need not sum to 1; the penalty is relative to the predictions' variance, so
 *   `alpha` means the same whatever the target's scale.
 *
 * Predictions are in the units the members predict in (the model's units: after the recipe's
 * target transform, if any); `decode` maps those to the target's units, where greedy selection
 * measures RMSE (identity when the recipe has no target transform). Ties go to the lower index,
 * so every result is deterministic.
 */
import { InvalidInputError, InvalidParamsError } from '../../errors';

export interface GreedyOptions {
  /** Picks (auto-sklearn's ensemble_size); the best prefix of them is kept. */
  size: number;
  /** Model units → the target's units, in place or as a new array (default: identity). */
  decode?: (modelUnits: Float64Array) => Float64Array;
}

export interface Selection {
  /** One per candidate; 0 for those never picked. */
  weights: Float64Array;
  /** Added to the weighted sum (0 for greedy selection). */
  intercept: number;
  /** RMSE, in the target's units, of the weighted predictions on the rows given. */
  rmse: number;
}

export interface GreedySelection extends Selection {
  /** Candidate index of each pick, in order (the kept prefix). */
  picks: number[];
  /** RMSE after each pick of the whole sequence (`size` entries), for a curve. */
  trace: number[];
}

function checkInputs(predictions: readonly Float64Array[], y: Float64Array): void {
  if (predictions.length === 0) throw new InvalidInputError('no-candidates', 'An ensemble needs at least one candidate model with out-of-fold predictions.');
  if (y.length === 0) throw new InvalidInputError('empty-input', 'An ensemble needs at least one row of out-of-fold predictions to weigh its members.');
  predictions.forEach((p, m) => {
    if (p.length !== y.length)
      throw new InvalidInputError('shape', `Candidate ${m + 1} has ${p.length} out-of-fold predictions for ${y.length} rows.`, { field: `predictions[${m}]` });
    for (let i = 0; i < p.length; i++)
      if (!Number.isFinite(p[i]))
        throw new InvalidInputError('non-finite-prediction', `Candidate ${m + 1} predicted ${p[i]} for row ${i + 1}; an ensemble needs finite predictions.`, { row: i + 1, field: `predictions[${m}]` });
  });
  for (let i = 0; i < y.length; i++)
    if (!Number.isFinite(y[i])) throw new InvalidInputError('non-finite-target', `Target value at row ${i + 1} is ${y[i]}; it must be a finite number.`, { row: i + 1 });
}

function rmseOf(pred: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (pred[i] - y[i]) ** 2;
  return Math.sqrt(s / y.length);
}

/**
 * Caruana's greedy ensemble selection with replacement. `predictions[m]` are candidate m's
 * out-of-fold predictions (model units) of the rows whose target (in the target's units) is `y`.
 */
export function greedySelection(predictions: readonly Float64Array[], y: Float64Array, options: GreedyOptions): GreedySelection {
  checkInputs(predictions, y);
  const { size } = options;
  if (!(Number.isInteger(size) && size >= 1)) throw new InvalidParamsError('bad-param', `size must be a whole number ≥ 1; got ${size}.`, { field: 'size' });
  const decode = options.decode ?? ((p: Float64Array) => p);
  const n = y.length;
  const M = predictions.length;
  const sum = new Float64Array(n);
  const trial = new Float64Array(n);
  const counts = new Int32Array(M);
  const picks: number[] = [];
  const trace: number[] = [];
  let bestRmse = Infinity;
  let bestLength = 0;
  for (let step = 1; step <= size; step++) {
    let pick = -1;
    let pickRmse = Infinity;
    for (let m = 0; m < M; m++) {
      const p = predictions[m];
      for (let i = 0; i < n; i++) trial[i] = (sum[i] + p[i]) / step;
      const r = rmseOf(decode(trial), y);
      if (r < pickRmse) {
        pickRmse = r;
        pick = m;
      }
    }
    // Every candidate scoring NaN cannot happen with finite inputs; a decode that overflows can.
    if (pick < 0) pick = 0;
    const p = predictions[pick];
    for (let i = 0; i < n; i++) sum[i] += p[i];
    counts[pick]++;
    picks.push(pick);
    trace.push(pickRmse);
    // Better by more than rounding only: on a tie the smaller ensemble is kept (adding a copy of
    // the same predictions changes the average by an ulp or so, not by anything real).
    if (pickRmse < bestRmse * (1 - 1e-12)) {
      bestRmse = pickRmse;
      bestLength = step;
    }
  }
  const kept = picks.slice(0, bestLength);
  const weights = new Float64Array(M);
  for (const m of kept) weights[m] += 1 / bestLength;
  return { weights, intercept: 0, rmse: bestRmse, picks: kept, trace };
}

export interface StackingOptions {
  /** Ridge penalty as a share of the (centred) predictions' mean variance per row; ≥ 0. */
  alpha: number;
  decode?: GreedyOptions['decode'];
}

/**
 * Ridge stacking: minimises Σ (y′ − b − Σ w_m p_m)² + λ Σ w_m² with y′ the target in model
 * units (`encode`d) and λ = alpha · n · mean over candidates of the variance of p_m. Solved by
 * Gaussian elimination with partial pivoting on the M×M normal equations of the centred data
 * (M is small: the candidates of one run or one search).
 */
export function stackingWeights(predictions: readonly Float64Array[], yModelUnits: Float64Array, yTarget: Float64Array, options: StackingOptions): Selection {
  checkInputs(predictions, yModelUnits);
  if (yTarget.length !== yModelUnits.length) throw new InvalidInputError('shape', `The target has ${yTarget.length} values in its units and ${yModelUnits.length} in the model's.`);
  const { alpha } = options;
  if (!(Number.isFinite(alpha) && alpha >= 0)) throw new InvalidParamsError('bad-param', `alpha must be a number ≥ 0; got ${alpha}.`, { field: 'alpha' });
  const n = yModelUnits.length;
  const M = predictions.length;
  const mean = predictions.map((p) => p.reduce((a, b) => a + b, 0) / n);
  const yMean = yModelUnits.reduce((a, b) => a + b, 0) / n;
  const A = new Float64Array(M * M);
  const b = new Float64Array(M);
  for (let a = 0; a < M; a++) {
    const pa = predictions[a];
    for (let c = a; c < M; c++) {
      const pc = predictions[c];
      let s = 0;
      for (let i = 0; i < n; i++) s += (pa[i] - mean[a]) * (pc[i] - mean[c]);
      A[a * M + c] = s;
      A[c * M + a] = s;
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += (pa[i] - mean[a]) * (yModelUnits[i] - yMean);
    b[a] = s;
  }
  let trace = 0;
  for (let a = 0; a < M; a++) trace += A[a * M + a];
  // A tiny floor keeps identical candidates (a singular Gram) solvable when alpha is 0.
  const lambda = Math.max(alpha * (trace / M), 1e-12 * (trace / M + 1));
  for (let a = 0; a < M; a++) A[a * M + a] += lambda;
  const weights = solve(A, b, M);
  let intercept = yMean;
  for (let a = 0; a < M; a++) intercept -= weights[a] * mean[a];
  const pred = new Float64Array(n).fill(intercept);
  for (let a = 0; a < M; a++) {
    const p = predictions[a];
    for (let i = 0; i < n; i++) pred[i] += weights[a] * p[i];
  }
  const decode = options.decode ?? ((p: Float64Array) => p);
  return { weights, intercept, rmse: rmseOf(decode(pred), yTarget) };
}

/** Solves the M×M system A x = b (A positive definite after the penalty) by elimination with partial pivoting. */
function solve(A: Float64Array, b: Float64Array, M: number): Float64Array {
  const a = A.slice();
  const x = b.slice();
  for (let k = 0; k < M; k++) {
    let piv = k;
    for (let r = k + 1; r < M; r++) if (Math.abs(a[r * M + k]) > Math.abs(a[piv * M + k])) piv = r;
    if (piv !== k) {
      for (let c = 0; c < M; c++) [a[k * M + c], a[piv * M + c]] = [a[piv * M + c], a[k * M + c]];
      [x[k], x[piv]] = [x[piv], x[k]];
    }
    const d = a[k * M + k];
    for (let r = k + 1; r < M; r++) {
      const f = a[r * M + k] / d;
      if (f === 0) continue;
      for (let c = k; c < M; c++) a[r * M + c] -= f * a[k * M + c];
      x[r] -= f * x[k];
    }
  }
  for (let k = M - 1; k >= 0; k--) {
    let s = x[k];
    for (let c = k + 1; c < M; c++) s -= a[k * M + c] * x[c];
    x[k] = s / a[k * M + k];
  }
  return x;
}
