/**
 * What the conformance suite needs to know per model type: parameters for a quick fit on 400
 * rows, parameters heavy enough that a fit on 30,000 rows lasts well over a second (for the
 * cancellation test), and whether NaN in X means "missing". Keyed by every type of the catalog:
 * a type added to the catalog without an entry here fails the suite.
 */
import type { ModelType } from '../../src/core/models/types';

export interface ConformanceSpec {
  /** Params of a quick, well-fitting model (the seed, for seeded models, is added by the suite). */
  params: Record<string, unknown>;
  /** Params of a slow fit on 30k × 8 rows; the suite aborts it from its first progress report. */
  slowParams: Record<string, unknown>;
  /** NaN in X is a missing value the model handles (histogram GBDT). */
  handlesMissing?: boolean;
}

export const CONFORMANCE: Partial<Record<ModelType, ConformanceSpec>> & Record<string, ConformanceSpec | undefined> = {
  // The linear fits report progress after each 4,096-row block of the Gram pass and check the
  // signal right after, so a 30k-row fit is cancelled at its second block.
  linear: { params: {}, slowParams: {} },
  ridge: { params: { alpha: 0.5 }, slowParams: { alpha: 0.5 } },
  lasso: { params: { alpha: 0.01 }, slowParams: { alpha: 1e-6, tol: 0, maxIter: 10_000_000 } },
  elasticnet: { params: { alpha: 0.01, l1Ratio: 0.5 }, slowParams: { alpha: 1e-6, l1Ratio: 0.5, tol: 0, maxIter: 10_000_000 } },
  // k-NN's fit only stores the rows; it reports progress and checks the signal once.
  knn: { params: { k: 5 }, slowParams: { k: 5, weights: 'distance' } },
  // A single tree on 30k rows is fast; it reports progress after sorting and checks the signal before growing.
  // Three of five features per split, so that the seed matters for the fit.
  tree: { params: { maxFeatures: 0.6 }, slowParams: { maxDepth: null } },
  forest: { params: { nEstimators: 10 }, slowParams: { nEstimators: 300 } },
  // Row and column sampling on, so that the seed matters for the fit.
  gbdt: {
    params: { maxIterations: 60, rowSubsample: 0.8, colSubsample: 0.8 },
    slowParams: { maxIterations: 5000, learningRate: 0.01, numLeaves: 127, earlyStopping: false },
    handlesMissing: true,
  },
  // Small batches so that 400 rows give enough Adam steps.
  mlp: { params: { hiddenLayers: [32, 32], batchSize: 32, maxEpochs: 40, learningRate: 1e-2 }, slowParams: { maxEpochs: 1000, batchSize: 256 } },
  // Its own fit cross-validates ridge, a forest and boosted trees (STANDALONE_MEMBERS); a
  // different seed gives other folds and other forest and boosting draws.
  ensemble: { params: { folds: 3 }, slowParams: { folds: 10 } },
  // Newton reports progress after each step and checks the signal right after; without a penalty
  // and at tol 1e-300 it never stops early.
  logistic: { params: {}, slowParams: { penalty: 'none', tol: 1e-300, maxIter: 1000 } },
  // Classifiers. Row and column sampling on, so that the seed matters for the fit.
  'gbdt-classifier': {
    params: { maxIterations: 60, rowSubsample: 0.8, colSubsample: 0.8 },
    slowParams: { maxIterations: 5000, learningRate: 0.01, numLeaves: 127, earlyStopping: false },
    handlesMissing: true,
  },
  'tree-classifier': { params: { maxFeatures: 0.6 }, slowParams: { maxDepth: null } },
  // Leaves of 3 rows: the default 20 is too coarse for the suite's few hundred rows of 3 classes.
  'forest-classifier': { params: { nEstimators: 10, minSamplesLeaf: 3 }, slowParams: { nEstimators: 300 } },
  'knn-classifier': { params: { k: 5 }, slowParams: { k: 5, weights: 'distance' } },
  // As the regressor's: small batches so that 400 rows give enough Adam steps (early stopping on, its default).
  'mlp-classifier': { params: { hiddenLayers: [32, 32], batchSize: 32, maxEpochs: 40, learningRate: 1e-2 }, slowParams: { maxEpochs: 1000, batchSize: 256 } },
};
