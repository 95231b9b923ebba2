/**
 * The objective logistic regression minimises, with its gradient and Hessian-vector product,
 * for the two solvers (newton-cg.ts, proximal-gradient.ts).
 *
 * Parameters: m rows of d = p (+1 with an intercept) values, row-major — m = 1 for two classes
 * (one vector, the log-odds of class 1, as scikit-learn's binary model) and m = K for the
 * multinomial (softmax) model. The intercept, last in each row, is never penalised.
 *
 * Objective (scikit-learn's LinearModelLoss scaling, with S = Σ sᵢ the summed sample weights):
 *   F(W) = (1/S) Σᵢ sᵢ ℓᵢ(W) + λ₂/2 ‖W‖² + λ₁ ‖W‖₁,   λ₂ = (1 − ρ)/(C·S), λ₁ = ρ/(C·S),
 * whose minimiser is that of C Σᵢ sᵢ ℓᵢ + (1 − ρ)/2 ‖W‖² + ρ ‖W‖₁, the objective of sklearn's
 * LogisticRegression (ρ = 0 for l2, 1 for l1, l1_ratio for elasticnet; no penalty: λ = 0).
 * ℓᵢ is the binomial log loss log(1 + e^z) − y·z, or the multinomial logsumexp(z) − z_y.
 * This file is the smooth part (without λ₁); the solvers add the L1 term.
 */
import type { Matrix } from '../types';

export interface LogisticProblem {
  X: Matrix;
  /** Class index of each row: 0/1 for the binary model, 0..m−1 for the multinomial. */
  y: Int32Array;
  /** Per-row weights sᵢ (class weights), already divided by S so that they sum to 1. */
  weight: Float64Array;
  /** 1 (binary) or the number of classes (multinomial). */
  m: number;
  fitIntercept: boolean;
  /** λ₂ of the header. */
  l2: number;
}

/** Values per parameter row: p features (+1 intercept). */
export function rowLength(pr: LogisticProblem): number {
  return pr.X.cols + (pr.fitIntercept ? 1 : 0);
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** The logistic function 1 / (1 + e^−z), accurate for either sign. */
export function expit(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Row i's scores z (m values) into `z`. */
function scores(pr: LogisticProblem, W: Float64Array, i: number, z: Float64Array): void {
  const p = pr.X.cols;
  const d = rowLength(pr);
  const x = pr.X.data;
  const o = i * p;
  for (let k = 0; k < pr.m; k++) {
    const w = k * d;
    let s = pr.fitIntercept ? W[w + p] : 0;
    for (let j = 0; j < p; j++) s += x[o + j] * W[w + j];
    z[k] = s;
  }
}

/** Softmax of z in place (max subtracted first); returns logsumexp(z). */
function softmaxInPlace(z: Float64Array, m: number): number {
  let max = -Infinity;
  for (let k = 0; k < m; k++) if (z[k] > max) max = z[k];
  let sum = 0;
  for (let k = 0; k < m; k++) {
    z[k] = Math.exp(z[k] - max);
    sum += z[k];
  }
  for (let k = 0; k < m; k++) z[k] /= sum;
  return max + Math.log(sum);
}

/** Adds g_k += c_k · x̃ᵢ for each parameter row k (x̃ = x with a trailing 1 for the intercept). */
function addRow(pr: LogisticProblem, i: number, c: Float64Array, g: Float64Array): void {
  const p = pr.X.cols;
  const d = rowLength(pr);
  const x = pr.X.data;
  const o = i * p;
  for (let k = 0; k < pr.m; k++) {
    const ck = c[k];
    if (ck === 0) continue;
    const w = k * d;
    for (let j = 0; j < p; j++) g[w + j] += ck * x[o + j];
    if (pr.fitIntercept) g[w + p] += ck;
  }
}

/** Adds the L2 term to value and gradient (features only, not the intercepts). */
function addL2(pr: LogisticProblem, W: Float64Array, g: Float64Array | undefined): number {
  if (pr.l2 === 0) return 0;
  const p = pr.X.cols;
  const d = rowLength(pr);
  let sq = 0;
  for (let k = 0; k < pr.m; k++)
    for (let j = 0; j < p; j++) {
      const w = W[k * d + j];
      sq += w * w;
      if (g) g[k * d + j] += pr.l2 * w;
    }
  return (pr.l2 / 2) * sq;
}

/**
 * The smooth objective at W, and its gradient into `grad` when given. `curvature` (n · m values),
 * when given, receives what hessianTimes needs: σ(1 − σ) per row (binary) or the probabilities.
 */
export function smoothObjective(pr: LogisticProblem, W: Float64Array, grad?: Float64Array, curvature?: Float64Array): number {
  const { m } = pr;
  const n = pr.X.rows;
  const z = new Float64Array(m);
  const c = new Float64Array(m);
  if (grad) grad.fill(0);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    scores(pr, W, i, z);
    const s = pr.weight[i];
    const yi = pr.y[i];
    if (m === 1) {
      loss += s * (softplus(z[0]) - yi * z[0]);
      const q = expit(z[0]);
      c[0] = s * (q - yi);
      if (curvature) curvature[i] = q * (1 - q);
    } else {
      const zy = z[yi];
      loss += s * (softmaxInPlace(z, m) - zy);
      for (let k = 0; k < m; k++) c[k] = s * (z[k] - (k === yi ? 1 : 0));
      if (curvature) curvature.set(z, i * m);
    }
    if (grad) addRow(pr, i, c, grad);
  }
  return loss + addL2(pr, W, grad);
}

/** H·v into `out`, with H the Hessian of the smooth objective at the W `curvature` was taken at. */
export function hessianTimes(pr: LogisticProblem, curvature: Float64Array, v: Float64Array, out: Float64Array): void {
  const { m } = pr;
  const n = pr.X.rows;
  const p = pr.X.cols;
  const d = rowLength(pr);
  const u = new Float64Array(m);
  const c = new Float64Array(m);
  out.fill(0);
  for (let i = 0; i < n; i++) {
    scores(pr, v, i, u); // x̃ᵢ · v_k
    const s = pr.weight[i];
    if (m === 1) {
      c[0] = s * curvature[i] * u[0];
    } else {
      // (diag(π) − ππᵀ) u
      let pu = 0;
      for (let k = 0; k < m; k++) pu += curvature[i * m + k] * u[k];
      for (let k = 0; k < m; k++) c[k] = s * curvature[i * m + k] * (u[k] - pu);
    }
    addRow(pr, i, c, out);
  }
  if (pr.l2 !== 0) for (let k = 0; k < m; k++) for (let j = 0; j < p; j++) out[k * d + j] += pr.l2 * v[k * d + j];
}

/**
 * The Hessian of the smooth objective as a q × q matrix (q = m·d, symmetric, row-major): Σᵢ sᵢ ·
 * (curvature block) ⊗ x̃ᵢx̃ᵢᵀ + λ₂ on the feature diagonal. n·q²/2 multiply-adds.
 */
export function hessianMatrix(pr: LogisticProblem, curvature: Float64Array): Float64Array {
  const { m } = pr;
  const n = pr.X.rows;
  const p = pr.X.cols;
  const d = rowLength(pr);
  const q = m * d;
  const H = new Float64Array(q * q);
  const xt = new Float64Array(d);
  if (pr.fitIntercept) xt[p] = 1;
  const w = new Float64Array(m * m);
  for (let i = 0; i < n; i++) {
    xt.set(pr.X.data.subarray(i * p, i * p + p));
    const s = pr.weight[i];
    if (m === 1) w[0] = s * curvature[i];
    else
      for (let a = 0; a < m; a++)
        for (let b = 0; b < m; b++) {
          const pa = curvature[i * m + a];
          w[a * m + b] = s * ((a === b ? pa : 0) - pa * curvature[i * m + b]);
        }
    // Upper triangle only (block row a ≤ block column b; within a diagonal block j ≤ k); mirrored below.
    for (let a = 0; a < m; a++)
      for (let b = a; b < m; b++) {
        const wab = w[a * m + b];
        if (wab === 0) continue;
        for (let j = 0; j < d; j++) {
          const v = wab * xt[j];
          if (v === 0) continue;
          const row = (a * d + j) * q + b * d;
          for (let k = a === b ? j : 0; k < d; k++) H[row + k] += v * xt[k];
        }
      }
  }
  for (let r = 0; r < q; r++) for (let c = 0; c < r; c++) H[r * q + c] = H[c * q + r];
  if (pr.l2 !== 0) for (let a = 0; a < m; a++) for (let j = 0; j < p; j++) H[(a * d + j) * q + a * d + j] += pr.l2;
  return H;
}

/** 1 for each parameter the L1 term applies to, 0 for the intercepts (never penalised). */
export function penalisedMask(pr: LogisticProblem): Uint8Array {
  const d = rowLength(pr);
  return Uint8Array.from({ length: pr.m * d }, (_, q) => (pr.fitIntercept && q % d === pr.X.cols ? 0 : 1));
}

/** What every solver takes besides the problem and the start. */
export interface SolverOptions {
  maxIter: number;
  tol: number;
  signal?: AbortSignalLike;
  /** After each iteration (Newton step) or every 16 (proximal gradient), with the count so far. */
  onIteration?: (it: number) => void;
}

export interface SolverResult {
  W: Float64Array;
  nIter: number;
  converged: boolean;
}
