export { DecisionTreeRegressor } from './decision-tree';
export { TREE_PARAMS, TREE_DEFAULTS, resolveMaxFeatures, type TreeParams, type MaxFeatures } from './params';
export { accumulatePredictions, flatTreeFromState, flatTreeToState, normalizedImportance, type FlatTree } from './flat-tree';
export { prepareTreeData, type TreeData } from './tree-data';
export { TreeWorkspace } from './workspace';
export { CartGrower } from './cart-grower';
export { DecisionTreeClassifier } from './decision-tree-classifier';
export { TREE_CLASSIFIER_PARAMS, type TreeClassifierParams } from './params';
export { accumulateProba } from './flat-tree';
