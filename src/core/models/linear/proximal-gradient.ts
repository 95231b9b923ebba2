/**
 * Accelerated proximal gradient (FISTA with backtracking and adaptive restart) for the logistic
 * objective with an L1 term (penalty l1 or elasticnet): the smooth part from logistic-loss.ts,
 * then soft-thresholding of every coefficient but the intercepts. It reaches the minimiser
 * scikit-learn's 'saga' solver approaches, deterministically (no random sampling of rows).
 *
 * Stops when the gradient mapping L·‖y − prox(y − ∇f(y)/L)‖∞ — the proximal analogue of the
 * gradient, zero exactly at the minimiser — is ≤ tol, or after maxIter iterations.
 */
import { Checkpointer } from '../../abort';
import { penalisedMask, smoothObjective, type LogisticProblem, type SolverOptions, type SolverResult } from './logistic-loss';

export async function proximalGradient(
  pr: LogisticProblem,
  l1: number,
  W0: Float64Array,
  opts: SolverOptions,
): Promise<SolverResult> {
  const q = W0.length;
  const penalised = penalisedMask(pr);
  let x = W0.slice();
  let y = W0.slice();
  const next = new Float64Array(q);
  const g = new Float64Array(q);
  const cp = new Checkpointer(opts.signal);
  let momentum = 1;
  // A Lipschitz constant of ∇f: the Hessian of the log loss is at most ½·x̃x̃ᵀ per row; start from a
  // tenth of that bound and let backtracking raise it.
  let L = lipschitzBound(pr) / 10;
  let nIter = 0;
  let converged = false;
  while (nIter < opts.maxIter) {
    nIter++;
    const fy = smoothObjective(pr, y, g);
    L /= 1.5; // let the step grow again where the curvature has dropped
    for (;;) {
      for (let i = 0; i < q; i++) {
        const v = y[i] - g[i] / L;
        next[i] = penalised[i] ? Math.sign(v) * Math.max(Math.abs(v) - l1 / L, 0) : v;
      }
      let lin = 0;
      let sq = 0;
      for (let i = 0; i < q; i++) {
        const dx = next[i] - y[i];
        lin += g[i] * dx;
        sq += dx * dx;
      }
      const fNext = smoothObjective(pr, next);
      if (fNext <= fy + lin + (L / 2) * sq + 1e-12 * Math.abs(fy) || L > 1e300) break;
      L *= 2;
    }
    let mapping = 0;
    for (let i = 0; i < q; i++) mapping = Math.max(mapping, L * Math.abs(y[i] - next[i]));
    // Restart the momentum when it points uphill (O'Donoghue & Candès): (y − next)·(next − x) > 0.
    let uphill = 0;
    for (let i = 0; i < q; i++) uphill += (y[i] - next[i]) * (next[i] - x[i]);
    const prev = x;
    x = next.slice();
    if (mapping <= opts.tol) {
      converged = true;
      break;
    }
    if (uphill > 0) {
      momentum = 1;
      y = x.slice();
    } else {
      const m2 = (1 + Math.sqrt(1 + 4 * momentum * momentum)) / 2;
      const beta = (momentum - 1) / m2;
      momentum = m2;
      for (let i = 0; i < q; i++) y[i] = x[i] + beta * (x[i] - prev[i]);
    }
    if ((nIter & 15) === 0) {
      opts.onIteration?.(nIter);
      await cp.maybe();
    }
  }
  return { W: x, nIter, converged };
}

/** ½ Σᵢ wᵢ ‖x̃ᵢ‖² + λ₂: a bound on the largest eigenvalue of the smooth part's Hessian. */
function lipschitzBound(pr: LogisticProblem): number {
  const { X } = pr;
  let s = 0;
  for (let i = 0; i < X.rows; i++) {
    let r = pr.fitIntercept ? 1 : 0;
    for (let j = 0; j < X.cols; j++) r += X.data[i * X.cols + j] ** 2;
    s += pr.weight[i] * r;
  }
  return 0.5 * s + pr.l2 || 1;
}
