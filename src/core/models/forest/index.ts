export { RandomForestRegressor } from './random-forest';
export { ForestTreeTrainer, treeRng } from './trainer';
export { FOREST_DEFAULTS, resolveForestParams, type ForestParams } from './params';
