export { MlpRegressor, MLP_DEFAULTS, type MlpOptions } from './mlp-regressor';
