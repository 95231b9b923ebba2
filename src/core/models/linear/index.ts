export { LinearRegression } from './linear-regression';
export { Ridge } from './ridge';
export { ElasticNet, Lasso } from './elastic-net';
export { LogisticRegression } from './logistic';
export {
  LINEAR_REGRESSION_PARAMS,
  RIDGE_PARAMS,
  LASSO_PARAMS,
  ELASTIC_NET_PARAMS,
  LINEAR_REGRESSION_DEFAULTS,
  RIDGE_DEFAULTS,
  LASSO_DEFAULTS,
  ELASTIC_NET_DEFAULTS,
  LOGISTIC_PARAMS,
  LOGISTIC_DEFAULTS,
  type LinearRegressionOptions,
  type RidgeOptions,
  type ElasticNetOptions,
  type LassoOptions,
  type LogisticOptions,
} from './params';
