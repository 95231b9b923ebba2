/** Histogram gradient-boosted trees: the public surface. */
export { GradientBoostingRegressor } from './booster';
export { GradientBoostingClassifier } from './gbdt-classifier';
export { GBDT_PARAMS, GBDT_DEFAULTS, GBDT_CLASSIFIER_PARAMS, GBDT_CLASSIFIER_DEFAULTS, type GbdtParams, type GbdtClassifierParams } from './params';
