import { describeRegressorConformance } from './suite';
import { DecisionTreeRegressor } from '../../src/core/models/tree';

describeRegressorConformance({
  name: 'DecisionTreeRegressor',
  make: (seed) => new DecisionTreeRegressor({ seed }),
  fromJSON: (s) => DecisionTreeRegressor.fromJSON(s),
  // A single tree on 30k rows is fast (well under a second); the unlimited-depth tree is the
  // heaviest setting there is. The fit reports progress after sorting and checks the signal
  // before growing, so the abort test still exercises cancellation.
  makeSlow: (seed) => new DecisionTreeRegressor({ seed, maxDepth: null }),
});
