import { InvalidParamsError } from '../../errors';
import type { FitOptions, SerializedModel } from '../types';
import { solveNormal, type NormalEquations } from './gram';
import { LinearBase } from './linear-base';
import { checkBoolean, checkNumber, expectType, paramsFromBundle, rejectUnknown } from './state-check';

/** Ridge regression (scikit-learn's Ridge): minimises ‖y − Xw − b‖² + α‖w‖². */
export interface RidgeOptions {
  /** L2 penalty α ≥ 0 (scikit-learn's `alpha`); 0 is ordinary least squares. */
  alpha: number;
  /** Fit an unpenalised intercept b (on centered data). */
  fitIntercept: boolean;
}

export const RIDGE_DEFAULTS: Readonly<RidgeOptions> = Object.freeze({ alpha: 1, fitIntercept: true });

function validate(o: Partial<RidgeOptions>): RidgeOptions {
  if (o === null || typeof o !== 'object') throw new InvalidParamsError('bad-param', 'Options must be an object.', { field: 'options' });
  rejectUnknown(o, Object.keys(RIDGE_DEFAULTS));
  const p = { ...RIDGE_DEFAULTS, ...o };
  return { alpha: checkNumber('alpha', p.alpha, { min: 0 }), fitIntercept: checkBoolean('fitIntercept', p.fitIntercept) };
}

export class Ridge extends LinearBase<RidgeOptions> {
  readonly type = 'ridge' as const;

  constructor(options: Partial<RidgeOptions> = {}) {
    super(validate(options));
  }

  protected async solve(ne: NormalEquations, n: number, p: number, options: FitOptions): Promise<{ w: Float64Array; nIter: number }> {
    return { w: await solveNormal(ne.G, ne.q, p, this.params.alpha, Math.max(n, p) * Number.EPSILON, options.signal), nIter: 0 };
  }

  static fromJSON(s: SerializedModel): Ridge {
    expectType(s, 'ridge');
    return paramsFromBundle(() => new Ridge(s.params as Partial<RidgeOptions>)).restore(s.state);
  }
}
