import type { FitOptions } from '../types';
import { enetCoordinateDescent } from './coordinate-descent';
import type { NormalEquations } from './gram';
import { LinearBase } from './linear-base';
import type { ElasticNetOptions, LassoOptions } from './params';

async function cdSolve(
  ne: NormalEquations,
  n: number,
  p: number,
  o: { alpha: number; l1Ratio: number; maxIter: number; tol: number },
  options: FitOptions,
): Promise<{ w: Float64Array; nIter: number }> {
  const r = await enetCoordinateDescent(ne, p, n, {
    ...o,
    signal: options.signal,
    onSweep: (it) => options.onProgress?.({ fraction: 0.9 + (0.1 * it) / o.maxIter, step: it, totalSteps: o.maxIter }),
  });
  return { w: r.w, nIter: r.nIter };
}

/**
 * ElasticNet (scikit-learn's): minimises
 * (1/(2n))‖y − Xw − b‖² + α·l1Ratio·‖w‖₁ + ½·α·(1 − l1Ratio)·‖w‖², by coordinate descent.
 */
export class ElasticNet extends LinearBase<ElasticNetOptions> {
  readonly type = 'elasticnet' as const;

  constructor(options: Partial<ElasticNetOptions> = {}) {
    super('elasticnet', options);
  }

  protected solve(ne: NormalEquations, n: number, p: number, options: FitOptions): Promise<{ w: Float64Array; nIter: number }> {
    return cdSolve(ne, n, p, this.params, options);
  }
}

/** Lasso (scikit-learn's): minimises (1/(2n))‖y − Xw − b‖² + α‖w‖₁ by coordinate descent. */
export class Lasso extends LinearBase<LassoOptions> {
  readonly type = 'lasso' as const;

  constructor(options: Partial<LassoOptions> = {}) {
    super('lasso', options);
  }

  protected solve(ne: NormalEquations, n: number, p: number, options: FitOptions): Promise<{ w: Float64Array; nIter: number }> {
    return cdSolve(ne, n, p, { ...this.params, l1Ratio: 1 }, options);
  }
}
