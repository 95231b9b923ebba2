import { KNeighborsRegressor } from '../../src/core/models/knn';
import { describeRegressorConformance } from './suite';

// k-NN's fit only stores the rows; it reports progress and checks the signal once, which is
// where the cancellation test stops it.
describeRegressorConformance({
  name: 'KNeighborsRegressor',
  make: () => new KNeighborsRegressor({ k: 5 }),
  fromJSON: (s) => KNeighborsRegressor.fromJSON(s),
  makeSlow: () => new KNeighborsRegressor({ k: 5, weights: 'distance' }),
});
