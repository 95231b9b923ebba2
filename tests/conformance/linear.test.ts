import { ElasticNet, Lasso, LinearRegression, Ridge } from '../../src/core/models/linear';
import { describeRegressorConformance } from './suite';

// The linear fits report progress after each 4,096-row block of the Gram pass and check the
// signal right after, so a 30k-row fit is cancelled at its second block.
describeRegressorConformance({
  name: 'LinearRegression',
  make: () => new LinearRegression(),
  fromJSON: (s) => LinearRegression.fromJSON(s),
  makeSlow: () => new LinearRegression(),
});
describeRegressorConformance({
  name: 'Ridge',
  make: () => new Ridge({ alpha: 0.5 }),
  fromJSON: (s) => Ridge.fromJSON(s),
  makeSlow: () => new Ridge({ alpha: 0.5 }),
});
describeRegressorConformance({
  name: 'Lasso',
  make: () => new Lasso({ alpha: 0.01 }),
  fromJSON: (s) => Lasso.fromJSON(s),
  makeSlow: () => new Lasso({ alpha: 1e-6, tol: 0, maxIter: 10_000_000 }),
});
describeRegressorConformance({
  name: 'ElasticNet',
  make: () => new ElasticNet({ alpha: 0.01, l1Ratio: 0.5 }),
  fromJSON: (s) => ElasticNet.fromJSON(s),
  makeSlow: () => new ElasticNet({ alpha: 1e-6, l1Ratio: 0.5, tol: 0, maxIter: 10_000_000 }),
});
