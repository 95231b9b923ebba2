/**
 * Newton's method with an Armijo backtracking line search for the smooth logistic objective (l2 or
 * no penalty). The step solves H d = −g exactly — a pivoted Cholesky of the explicit Hessian, as
 * scikit-learn's 'newton-cholesky' (minimum-norm where H is singular: no penalty, or the
 * multinomial intercepts' common shift) — while forming H (n·q²/2) is affordable, else
 * approximately by Jacobi-preconditioned conjugate gradients ('newton-cg'). Why not L-BFGS,
 * sklearn's default: both find the same minimiser, and Newton's quadratic convergence reaches it
 * to machine precision in a handful of steps, so Loupe's coefficients equal sklearn's at a tight
 * tolerance without any tuning of a quasi-Newton memory or line search.
 *
 * Stops when the largest gradient component of the mean objective is ≤ tol (sklearn's lbfgs
 * `gtol`), or after maxIter Newton steps.
 */
import { Checkpointer } from '../../abort';
import { solveNormal } from './gram';
import { hessianMatrix, hessianTimes, smoothObjective, type LogisticProblem, type SolverOptions, type SolverResult } from './logistic-loss';

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/**
 * Approximately solves H d = −g by conjugate gradients preconditioned with H's diagonal
 * (Eisenstat–Walker forcing term on the residual).
 */
function cgDirection(pr: LogisticProblem, curvature: Float64Array, g: Float64Array, maxSteps: number): Float64Array {
  const q = g.length;
  const diag = hessianDiagonal(pr, curvature, q);
  const d = new Float64Array(q);
  const r = Float64Array.from(g, (v) => -v);
  const z = Float64Array.from(r, (v, i) => v / diag[i]);
  const dir = z.slice();
  const Hp = new Float64Array(q);
  const gNorm = Math.sqrt(dot(g, g));
  const stop = Math.min(0.5, Math.sqrt(gNorm)) * gNorm;
  let rz = dot(r, z);
  for (let it = 0; it < maxSteps && Math.sqrt(dot(r, r)) > stop; it++) {
    hessianTimes(pr, curvature, dir, Hp);
    const curv = dot(dir, Hp);
    // Flat or negative curvature along dir (no penalty, separable data): keep what we have.
    if (!(curv > 0)) break;
    const alpha = rz / curv;
    for (let i = 0; i < q; i++) {
      d[i] += alpha * dir[i];
      r[i] -= alpha * Hp[i];
      z[i] = r[i] / diag[i];
    }
    const rzNew = dot(r, z);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let i = 0; i < q; i++) dir[i] = z[i] + beta * dir[i];
  }
  // No progress at all (first curvature not positive): fall back to steepest descent.
  if (maxAbs(d) === 0) return Float64Array.from(g, (v) => -v);
  return d;
}

/** H's diagonal by q products with unit vectors would cost q·n·d; directly it is one pass. */
function hessianDiagonal(pr: LogisticProblem, curvature: Float64Array, q: number): Float64Array {
  const { m } = pr;
  const p = pr.X.cols;
  const d = q / m;
  const out = new Float64Array(q);
  for (let i = 0; i < pr.X.rows; i++) {
    const o = i * p;
    for (let a = 0; a < m; a++) {
      const c = m === 1 ? curvature[i] : curvature[i * m + a] * (1 - curvature[i * m + a]);
      const w = pr.weight[i] * c;
      for (let j = 0; j < p; j++) out[a * d + j] += w * pr.X.data[o + j] ** 2;
      if (pr.fitIntercept) out[a * d + p] += w;
    }
  }
  for (let a = 0; a < m; a++) for (let j = 0; j < p; j++) out[a * d + j] += pr.l2;
  // A parameter with no curvature (a feature that is 0 on every row) is left unscaled.
  for (let j = 0; j < q; j++) if (!(out[j] > 0)) out[j] = 1;
  return out;
}

export async function newtonCg(
  pr: LogisticProblem,
  W0: Float64Array,
  opts: SolverOptions & {
    /** Form the Hessian and solve exactly (affordable sizes) rather than by conjugate gradients. */
    explicitHessian: boolean;
  },
): Promise<SolverResult> {
  const W = W0.slice();
  const q = W.length;
  const g = new Float64Array(q);
  const curvature = new Float64Array(pr.X.rows * pr.m);
  const trial = new Float64Array(q);
  // The trial point's gradient and curvature, computed with its value: an accepted step (the usual
  // case, t = 1) needs no second pass over the rows.
  const gTrial = new Float64Array(q);
  const curvTrial = new Float64Array(curvature.length);
  const cp = new Checkpointer(opts.signal);
  let f = smoothObjective(pr, W, g, curvature);
  let nIter = 0;
  let converged = maxAbs(g) <= opts.tol;
  while (!converged && nIter < opts.maxIter) {
    nIter++;
    const d = opts.explicitHessian
      ? await solveNormal(hessianMatrix(pr, curvature), Float64Array.from(g, (v) => -v), q, 0, q * Number.EPSILON, opts.signal)
      : cgDirection(pr, curvature, g, Math.max(10, 2 * q));
    const slope = dot(g, d);
    let t = 1;
    let fNew = f;
    for (let ls = 0; ls < 60; ls++) {
      for (let i = 0; i < q; i++) trial[i] = W[i] + t * d[i];
      fNew = smoothObjective(pr, trial, gTrial, curvTrial);
      // Armijo; near the optimum the decrease is below the rounding of f, so a full step whose
      // predicted decrease is that small is taken as it is.
      if (fNew <= f + 1e-4 * t * slope || (t === 1 && -slope <= 1e-12 * (1 + Math.abs(f)))) break;
      t /= 2;
    }
    W.set(trial);
    g.set(gTrial);
    curvature.set(curvTrial);
    f = fNew;
    converged = maxAbs(g) <= opts.tol;
    opts.onIteration?.(nIter);
    await cp.maybe();
    if (t < 1e-15) break; // the line search found no descent: as close as float64 gets
  }
  return { W, nIter, converged };
}
