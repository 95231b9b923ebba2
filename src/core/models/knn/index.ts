export { KNeighborsRegressor, K_NEIGHBORS_DEFAULTS, type KNeighborsOptions } from './k-neighbors';
