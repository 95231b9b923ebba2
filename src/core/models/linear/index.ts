export { LinearRegression, LINEAR_REGRESSION_DEFAULTS, type LinearRegressionOptions } from './linear-regression';
export { Ridge, RIDGE_DEFAULTS, type RidgeOptions } from './ridge';
export {
  ElasticNet,
  Lasso,
  ELASTIC_NET_DEFAULTS,
  LASSO_DEFAULTS,
  type ElasticNetOptions,
  type LassoOptions,
} from './elastic-net';
