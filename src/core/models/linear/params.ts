/**
 * Parameter tables of the linear family (scikit-learn’s LinearRegression, Ridge, Lasso,
 * ElasticNet and LogisticRegression, same names in camelCase, same defaults where the solver allows).
 */
import type { ClassWeight } from '../class-weight';
import { classWeightParam, defineParams, type NumberSpec } from '../params';

export interface LinearRegressionOptions {
  /** Fit an intercept b (on centered data) rather than forcing the fit through the origin. */
  fitIntercept: boolean;
}

export interface RidgeOptions {
  /** L2 penalty α ≥ 0 (scikit-learn's `alpha`); 0 is ordinary least squares. */
  alpha: number;
  fitIntercept: boolean;
}

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
  fitIntercept: boolean;
}

/**
 * Logistic regression (scikit-learn's LogisticRegression): the penalty is named as in sklearn
 * before 1.8 (which folds it into l1Ratio and C = ∞); C is the inverse penalty strength.
 */
export interface LogisticOptions {
  /** l2, l1, elasticnet (l1Ratio mixes them) or none. */
  penalty: 'l2' | 'l1' | 'elasticnet' | 'none';
  /** Inverse penalty strength C > 0: the objective is C·Σ log loss + penalty, as sklearn's. */
  C: number;
  /** Mix of L1 (1) and L2 (0) for penalty 'elasticnet'; ignored otherwise. */
  l1Ratio: number;
  fitIntercept: boolean;
  /** 'balanced' weighs each row by n / (classes · rows of its class), as sklearn's class_weight. */
  classWeight: ClassWeight;
  /** Most solver iterations: Newton steps for l2/none, proximal-gradient steps for l1/elasticnet. */
  maxIter: number;
  /** Stop when the largest (sub)gradient component of the mean objective is at most tol. */
  tol: number;
}

/** Lasso is ElasticNet with l1Ratio = 1 (and no l1Ratio option). */
export type LassoOptions = Omit<ElasticNetOptions, 'l1Ratio'>;

const fitIntercept = {
  kind: 'boolean',
  default: true,
  help: 'fit an intercept rather than forcing the fit through the origin',
  basic: true,
  search: null,
} as const;

const penalty = (help: string): NumberSpec<number> => ({
  kind: 'number',
  min: 0,
  default: 1,
  help,
  basic: true,
  search: { type: 'log-uniform', low: 1e-4, high: 1e3 },
});

const cd = {
  maxIter: { kind: 'integer', min: 1, default: 1000, help: 'most coordinate-descent sweeps', basic: true, search: null },
  tol: { kind: 'number', min: 0, default: 1e-4, help: 'convergence tolerance (duality gap, relative)', basic: true, search: null },
  selection: { kind: 'choice', choices: ['cyclic'], default: 'cyclic', help: 'order of coordinate updates (scikit-learn’s default, cyclic)', search: null },
} as const;

export const LINEAR_REGRESSION_PARAMS = defineParams<LinearRegressionOptions>({ fitIntercept });

export const RIDGE_PARAMS = defineParams<RidgeOptions>({
  alpha: penalty('L2 penalty on the coefficients; 0 is ordinary least squares'),
  fitIntercept,
});

export const LASSO_PARAMS = defineParams<LassoOptions>({
  alpha: penalty('L1 penalty; larger sets more coefficients to exactly 0'),
  ...cd,
  fitIntercept,
});

export const ELASTIC_NET_PARAMS = defineParams<ElasticNetOptions>({
  alpha: penalty('overall penalty strength'),
  l1Ratio: { kind: 'number', min: 0, max: 1, default: 0.5, help: 'mix of L1 (1) and L2 (0) penalties', basic: true, search: { type: 'uniform', low: 0.05, high: 1 } },
  ...cd,
  fitIntercept,
});

export const LOGISTIC_PARAMS = defineParams<LogisticOptions>({
  penalty: {
    kind: 'choice',
    choices: ['l2', 'l1', 'elasticnet', 'none'],
    default: 'l2',
    help: 'penalty on the coefficients: l2 shrinks them, l1 sets some to exactly 0, elasticnet mixes both',
    basic: true,
    search: { type: 'choice', values: ['l2', 'l1', 'elasticnet'] },
  },
  C: {
    kind: 'number',
    min: 0,
    minExclusive: true,
    default: 1,
    help: 'inverse penalty strength: smaller means a stronger penalty (scikit-learn’s C)',
    basic: true,
    search: { type: 'log-uniform', low: 1e-3, high: 1e2 },
  },
  l1Ratio: { kind: 'number', min: 0, max: 1, default: 0.5, help: 'mix of L1 (1) and L2 (0) for the elasticnet penalty', search: { type: 'uniform', low: 0.05, high: 1 } },
  fitIntercept,
  classWeight: classWeightParam(),
  // Newton converges in a few dozen steps; 1000 leaves room for the proximal solver of l1/elasticnet.
  maxIter: { kind: 'integer', min: 1, default: 1000, help: 'most solver iterations', search: null },
  tol: { kind: 'number', min: 0, minExclusive: true, default: 1e-4, help: 'convergence tolerance (largest gradient component of the mean loss)', search: null },
});

export const LINEAR_REGRESSION_DEFAULTS = LINEAR_REGRESSION_PARAMS.defaults;
export const RIDGE_DEFAULTS = RIDGE_PARAMS.defaults;
export const LASSO_DEFAULTS = LASSO_PARAMS.defaults;
export const ELASTIC_NET_DEFAULTS = ELASTIC_NET_PARAMS.defaults;
export const LOGISTIC_DEFAULTS = LOGISTIC_PARAMS.defaults;
