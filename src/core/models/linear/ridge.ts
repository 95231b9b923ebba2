import type { FitOptions } from '../types';
import { solveNormal, type NormalEquations } from './gram';
import { LinearBase } from './linear-base';
import type { RidgeOptions } from './params';

/** Ridge regression (scikit-learn's Ridge): minimises ‖y − Xw − b‖² + α‖w‖². */
export class Ridge extends LinearBase<RidgeOptions> {
  readonly type = 'ridge' as const;

  constructor(options: Partial<RidgeOptions> = {}) {
    super('ridge', options);
  }

  protected async solve(ne: NormalEquations, n: number, p: number, options: FitOptions): Promise<{ w: Float64Array; nIter: number }> {
    return { w: await solveNormal(ne.G, ne.q, p, this.params.alpha, Math.max(n, p) * Number.EPSILON, options.signal), nIter: 0 };
  }
}
