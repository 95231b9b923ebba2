/** Histogram gradient-boosted trees: the public surface. */
export { GradientBoostingRegressor } from './booster';
export { GBDT_DEFAULTS, resolveGbdtParams, type GbdtParams } from './params';
