/**
 * Proximal Newton for the logistic objective with an L1 term (penalty l1 or elasticnet), as
 * liblinear's newGLMNET (Yuan, Ho & Lin, 2012): at each step the smooth part is replaced by its
 * second-order model around W (the Hessian formed explicitly, q × q), the model plus λ₁‖W‖₁ is
 * minimised by cyclic coordinate descent (soft-thresholding every coefficient but the
 * intercepts), and a backtracking line search on the true objective takes the step. Quadratic
 * convergence near the minimiser makes a tight tolerance cheap — where FISTA
 * (proximal-gradient.ts) needs tens of thousands of steps on a badly conditioned one-hot design.
 * It costs n·q² per step to form the Hessian, so logistic.ts uses it only while that is small.
 *
 * Stops when the largest component of the minimum-norm subgradient of the mean objective is ≤ tol.
 */
import { Checkpointer } from '../../abort';
import { hessianMatrix, penalisedMask, smoothObjective, type LogisticProblem, type SolverOptions, type SolverResult } from './logistic-loss';

/** The largest component of the minimum-norm subgradient of f + λ₁‖·‖₁ at W (0 exactly at the minimiser). */
function optimality(W: Float64Array, g: Float64Array, penalised: Uint8Array, l1: number): number {
  let worst = 0;
  for (let j = 0; j < W.length; j++) {
    let v: number;
    if (!penalised[j]) v = Math.abs(g[j]);
    else if (W[j] !== 0) v = Math.abs(g[j] + l1 * Math.sign(W[j]));
    else v = Math.max(0, Math.abs(g[j]) - l1);
    worst = Math.max(worst, v);
  }
  return worst;
}

function l1Norm(W: Float64Array, penalised: Uint8Array): number {
  let s = 0;
  for (let j = 0; j < W.length; j++) if (penalised[j]) s += Math.abs(W[j]);
  return s;
}

/**
 * Coordinate descent on gᵀΔ + ½ΔᵀHΔ + λ₁‖W + Δ‖₁ from Δ = 0, until a sweep moves no coordinate
 * by more than `tol` (or 200 sweeps).
 */
function solveModel(W: Float64Array, g: Float64Array, H: Float64Array, penalised: Uint8Array, l1: number, tol: number): Float64Array {
  const q = W.length;
  const delta = new Float64Array(q);
  const Hd = new Float64Array(q); // H·Δ, kept up to date
  for (let sweep = 0; sweep < 200; sweep++) {
    let moved = 0;
    for (let j = 0; j < q; j++) {
      const a = H[j * q + j];
      if (!(a > 0)) continue; // a feature that is 0 on every row: nothing to learn
      const c = g[j] + Hd[j] - a * delta[j];
      const target = W[j] - c / a;
      const u = penalised[j] ? Math.sign(target) * Math.max(Math.abs(target) - l1 / a, 0) : target;
      const d = u - W[j] - delta[j];
      if (d === 0) continue;
      delta[j] += d;
      for (let i = 0; i < q; i++) Hd[i] += d * H[j * q + i];
      moved = Math.max(moved, Math.abs(d));
    }
    if (moved <= tol) break;
  }
  return delta;
}

export async function proximalNewton(
  pr: LogisticProblem,
  l1: number,
  W0: Float64Array,
  opts: SolverOptions,
): Promise<SolverResult> {
  const q = W0.length;
  const penalised = penalisedMask(pr);
  const W = W0.slice();
  const g = new Float64Array(q);
  const curvature = new Float64Array(pr.X.rows * pr.m);
  const trial = new Float64Array(q);
  const cp = new Checkpointer(opts.signal);
  let F = smoothObjective(pr, W, g, curvature) + l1 * l1Norm(W, penalised);
  let measure = optimality(W, g, penalised, l1);
  let nIter = 0;
  while (measure > opts.tol && nIter < opts.maxIter) {
    nIter++;
    const H = hessianMatrix(pr, curvature);
    // Solve the model more exactly as the outer iterations close in.
    const delta = solveModel(W, g, H, penalised, l1, Math.min(1e-3, 0.1 * measure));
    // Predicted decrease of the model's linear part plus the L1 change (negative for a descent step).
    let D = 0;
    for (let j = 0; j < q; j++) D += g[j] * delta[j];
    const l1Now = l1Norm(W, penalised);
    let t = 1;
    let fNew = F;
    for (let ls = 0; ls < 60; ls++) {
      for (let j = 0; j < q; j++) trial[j] = W[j] + t * delta[j];
      const l1Trial = l1Norm(trial, penalised);
      fNew = smoothObjective(pr, trial) + l1 * l1Trial;
      const predicted = t * D + l1 * (l1Trial - l1Now);
      if (fNew <= F + 0.01 * predicted || (t === 1 && Math.abs(predicted) <= 1e-12 * (1 + Math.abs(F)))) break;
      t /= 2;
    }
    W.set(trial);
    F = smoothObjective(pr, W, g, curvature) + l1 * l1Norm(W, penalised);
    measure = optimality(W, g, penalised, l1);
    opts.onIteration?.(nIter);
    await cp.maybe();
    if (t < 1e-15) break; // no descent left at float64 precision
  }
  return { W, nIter, converged: measure <= opts.tol };
}
