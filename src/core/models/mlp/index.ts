export { MlpRegressor } from './mlp-regressor';
export { MlpClassifier } from './mlp-classifier';
export { MLP_PARAMS, MLP_DEFAULTS, MLP_CLASSIFIER_PARAMS, MLP_CLASSIFIER_DEFAULTS, type MlpOptions, type MlpClassifierOptions } from './params';
