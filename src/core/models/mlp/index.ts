export { MlpRegressor } from './mlp-regressor';
export { MLP_PARAMS, MLP_DEFAULTS, type MlpOptions } from './params';
