import { GradientBoostingRegressor } from '../../src/core/models/gbdt/index';
import { describeRegressorConformance } from './suite';

describeRegressorConformance({
  name: 'GradientBoostingRegressor',
  make: (seed) => new GradientBoostingRegressor({ seed, maxIterations: 60, rowSubsample: 0.8, colSubsample: 0.8 }),
  fromJSON: (s) => GradientBoostingRegressor.fromJSON(s),
  // Thousands of slow, deep iterations without early stopping: many seconds on 30k × 8.
  makeSlow: (seed) => new GradientBoostingRegressor({ seed, maxIterations: 5000, learningRate: 0.01, numLeaves: 127, earlyStopping: false }),
  handlesMissing: true,
});
