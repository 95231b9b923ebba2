import { describeRegressorConformance } from './suite';
import { RandomForestRegressor } from '../../src/core/models/forest';

describeRegressorConformance({
  name: 'RandomForestRegressor',
  make: (seed) => new RandomForestRegressor({ seed, nEstimators: 10 }),
  fromJSON: (s) => RandomForestRegressor.fromJSON(s),
  makeSlow: (seed) => new RandomForestRegressor({ seed, nEstimators: 300 }),
});
