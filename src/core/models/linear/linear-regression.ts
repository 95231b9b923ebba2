import type { FitOptions } from '../types';
import { solveNormal, type NormalEquations } from './gram';
import { LinearBase } from './linear-base';
import type { LinearRegressionOptions } from './params';

/**
 * Ordinary least squares (scikit-learn's LinearRegression): minimises ‖y − Xw − b‖².
 * With collinear features the least-squares problem has many solutions; like scikit-learn
 * (scipy's lstsq) this returns the one of minimum norm.
 */
export class LinearRegression extends LinearBase<LinearRegressionOptions> {
  readonly type = 'linear' as const;

  constructor(options: Partial<LinearRegressionOptions> = {}) {
    super('linear', options);
  }

  protected async solve(ne: NormalEquations, n: number, p: number, options: FitOptions): Promise<{ w: Float64Array; nIter: number }> {
    return { w: await solveNormal(ne.G, ne.q, p, 0, Math.max(n, p) * Number.EPSILON, options.signal), nIter: 0 };
  }
}
