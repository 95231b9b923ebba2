export { KNeighborsRegressor } from './k-neighbors';
export { KNeighborsClassifier } from './k-neighbors-classifier';
export { K_NEIGHBORS_CLASSIFIER_PARAMS, K_NEIGHBORS_PARAMS, K_NEIGHBORS_DEFAULTS, type KNeighborsOptions } from './params';
