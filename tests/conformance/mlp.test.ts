import { MlpRegressor } from '../../src/core/models/mlp';
import { describeRegressorConformance } from './suite';

// Small batches so that 400 rows give enough Adam steps; makeSlow runs many epochs, and the
// suite aborts in the first epoch's progress callback.
describeRegressorConformance({
  name: 'MlpRegressor',
  make: (seed) => new MlpRegressor({ hiddenLayers: [32, 32], batchSize: 32, maxEpochs: 40, learningRate: 1e-2, seed }),
  fromJSON: (s) => MlpRegressor.fromJSON(s),
  makeSlow: (seed) => new MlpRegressor({ maxEpochs: 1000, batchSize: 256, seed }),
});
