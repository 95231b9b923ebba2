import { InvalidParamsError } from '../../errors';
import type { FitOptions, SerializedModel } from '../types';
import { solveNormal, type NormalEquations } from './gram';
import { LinearBase } from './linear-base';
import { checkBoolean, expectType, paramsFromBundle, rejectUnknown } from './state-check';

/** Ordinary least squares (scikit-learn's LinearRegression): minimises ‖y − Xw − b‖². */
export interface LinearRegressionOptions {
  /** Fit an intercept b (on centered data) rather than forcing the fit through the origin. */
  fitIntercept: boolean;
}

export const LINEAR_REGRESSION_DEFAULTS: Readonly<LinearRegressionOptions> = Object.freeze({ fitIntercept: true });

function validate(o: Partial<LinearRegressionOptions>): LinearRegressionOptions {
  if (o === null || typeof o !== 'object') throw new InvalidParamsError('bad-param', 'Options must be an object.', { field: 'options' });
  rejectUnknown(o, Object.keys(LINEAR_REGRESSION_DEFAULTS));
  const p = { ...LINEAR_REGRESSION_DEFAULTS, ...o };
  return { fitIntercept: checkBoolean('fitIntercept', p.fitIntercept) };
}

/**
 * With collinear features the least-squares problem has many solutions; like scikit-learn
 * (scipy's lstsq) this returns the one of minimum norm.
 */
export class LinearRegression extends LinearBase<LinearRegressionOptions> {
  readonly type = 'linear' as const;

  constructor(options: Partial<LinearRegressionOptions> = {}) {
    super(validate(options));
  }

  protected async solve(ne: NormalEquations, n: number, p: number, options: FitOptions): Promise<{ w: Float64Array; nIter: number }> {
    return { w: await solveNormal(ne.G, ne.q, p, 0, Math.max(n, p) * Number.EPSILON, options.signal), nIter: 0 };
  }

  static fromJSON(s: SerializedModel): LinearRegression {
    expectType(s, 'linear');
    return paramsFromBundle(() => new LinearRegression(s.params as Partial<LinearRegressionOptions>)).restore(s.state);
  }
}
