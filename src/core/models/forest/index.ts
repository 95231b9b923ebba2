export { RandomForestRegressor } from './random-forest';
export { RandomForestClassifier } from './random-forest-classifier';
export { ForestTreeTrainer, trainSharedTrees, treeRng } from './trainer';
export { FOREST_PARAMS, FOREST_DEFAULTS, FOREST_CLASSIFIER_PARAMS, type ForestParams, type ForestClassifierParams } from './params';
export { TreeShareHost, type SharedTrees, type TreeShare, type TreeSharing } from './tree-share';
