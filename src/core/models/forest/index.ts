export { RandomForestRegressor } from './random-forest';
export { ForestTreeTrainer, treeRng } from './trainer';
export { FOREST_PARAMS, FOREST_DEFAULTS, type ForestParams } from './params';
