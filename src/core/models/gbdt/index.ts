/** Histogram gradient-boosted trees: the public surface. */
export { GradientBoostingRegressor } from './booster';
export { GBDT_PARAMS, GBDT_DEFAULTS, type GbdtParams } from './params';
