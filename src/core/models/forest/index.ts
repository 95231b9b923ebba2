export { RandomForestRegressor } from './random-forest';
export { ForestTreeTrainer, trainSharedTrees, treeRng } from './trainer';
export { FOREST_PARAMS, FOREST_DEFAULTS, type ForestParams } from './params';
export { TreeShareHost, type SharedTrees, type TreeShare, type TreeSharing } from './tree-share';
