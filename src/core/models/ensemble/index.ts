export { EnsembleRegressor, STANDALONE_MEMBERS } from './ensemble';
export { ENSEMBLE_PARAMS, ENSEMBLE_DEFAULTS, type EnsembleOptions } from './params';
export { greedySelection, stackingWeights, type GreedySelection, type Selection } from './selection';
