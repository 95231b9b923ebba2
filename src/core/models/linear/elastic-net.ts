import { InvalidParamsError } from '../../errors';
import type { FitOptions, SerializedModel } from '../types';
import { enetCoordinateDescent } from './coordinate-descent';
import type { NormalEquations } from './gram';
import { LinearBase } from './linear-base';
import { checkBoolean, checkChoice, checkNumber, expectType, paramsFromBundle, rejectUnknown } from './state-check';

/**
 * ElasticNet (scikit-learn's): minimises
 * (1/(2n))‖y − Xw − b‖² + α·l1Ratio·‖w‖₁ + ½·α·(1 − l1Ratio)·‖w‖², by coordinate descent.
 */
export interface ElasticNetOptions {
  /** Overall penalty strength α ≥ 0. */
  alpha: number;
  /** Mix between L1 (1) and L2 (0) penalties, in [0, 1]. */
  l1Ratio: number;
  /** Maximum coordinate-descent sweeps over the features. */
  maxIter: number;
  /** Stop when the duality gap is below tol·‖y − ȳ‖² (checked once coefficient updates fall below tol). */
  tol: number;
  /** Order of coordinate updates; only scikit-learn's default 'cyclic' is implemented. */
  selection: 'cyclic';
  /** Fit an unpenalised intercept b (on centered data). */
  fitIntercept: boolean;
}

export const ELASTIC_NET_DEFAULTS: Readonly<ElasticNetOptions> = Object.freeze({
  alpha: 1,
  l1Ratio: 0.5,
  maxIter: 1000,
  tol: 1e-4,
  selection: 'cyclic',
  fitIntercept: true,
});

/** Lasso is ElasticNet with l1Ratio = 1 (and no l1Ratio option). */
export type LassoOptions = Omit<ElasticNetOptions, 'l1Ratio'>;

export const LASSO_DEFAULTS: Readonly<LassoOptions> = Object.freeze({
  alpha: 1,
  maxIter: 1000,
  tol: 1e-4,
  selection: 'cyclic',
  fitIntercept: true,
});

function validateCommon(o: Partial<ElasticNetOptions>, defaults: object): Omit<ElasticNetOptions, 'l1Ratio'> & { l1Ratio?: number } {
  if (o === null || typeof o !== 'object') throw new InvalidParamsError('bad-param', 'Options must be an object.', { field: 'options' });
  rejectUnknown(o, Object.keys(defaults));
  const p = { ...(defaults as ElasticNetOptions), ...o };
  return {
    alpha: checkNumber('alpha', p.alpha, { min: 0 }),
    maxIter: checkNumber('maxIter', p.maxIter, { min: 1, integer: true }),
    tol: checkNumber('tol', p.tol, { min: 0 }),
    selection: checkChoice('selection', p.selection, ['cyclic'] as const),
    fitIntercept: checkBoolean('fitIntercept', p.fitIntercept),
    ...('l1Ratio' in defaults ? { l1Ratio: checkNumber('l1Ratio', p.l1Ratio, { min: 0, max: 1 }) } : {}),
  };
}

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

export class ElasticNet extends LinearBase<ElasticNetOptions> {
  readonly type = 'elasticnet' as const;

  constructor(options: Partial<ElasticNetOptions> = {}) {
    super(validateCommon(options, ELASTIC_NET_DEFAULTS) as ElasticNetOptions);
  }

  protected solve(ne: NormalEquations, n: number, p: number, options: FitOptions): Promise<{ w: Float64Array; nIter: number }> {
    return cdSolve(ne, n, p, this.params, options);
  }

  static fromJSON(s: SerializedModel): ElasticNet {
    expectType(s, 'elasticnet');
    return paramsFromBundle(() => new ElasticNet(s.params as Partial<ElasticNetOptions>)).restore(s.state);
  }
}

/** Lasso (scikit-learn's): minimises (1/(2n))‖y − Xw − b‖² + α‖w‖₁ by coordinate descent. */
export class Lasso extends LinearBase<LassoOptions> {
  readonly type = 'lasso' as const;

  constructor(options: Partial<LassoOptions> = {}) {
    super(validateCommon(options, LASSO_DEFAULTS));
  }

  protected solve(ne: NormalEquations, n: number, p: number, options: FitOptions): Promise<{ w: Float64Array; nIter: number }> {
    return cdSolve(ne, n, p, { ...this.params, l1Ratio: 1 }, options);
  }

  static fromJSON(s: SerializedModel): Lasso {
    expectType(s, 'lasso');
    return paramsFromBundle(() => new Lasso(s.params as Partial<LassoOptions>)).restore(s.state);
  }
}
