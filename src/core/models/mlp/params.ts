/** Parameter tables of the multilayer perceptron regressor and classifier. */
import { classWeightParam, defineParams, seedParam } from '../params';

export interface MlpOptions {
  /** Units per hidden layer, input side first. */
  hiddenLayers: number[];
  /** Hidden-layer activation. */
  activation: 'relu';
  /** Adam's initial step size. */
  learningRate: number;
  /** How the step size falls over the epochs: 'cosine' to 0 at maxEpochs, or 'constant'. */
  schedule: 'cosine' | 'constant';
  /** Rows per Adam step. */
  batchSize: number;
  /** Passes over the training rows. */
  maxEpochs: number;
  /** Keep the epoch with the best validation loss and stop after nIterNoChange epochs without improvement. */
  earlyStopping: boolean;
  /** Share of training rows held out for early stopping when fit() gets no `validation` set. */
  validationFraction: number;
  /** Patience, in epochs, of early stopping. */
  nIterNoChange: number;
  /** Improvement in validation loss (relative) below which an epoch counts as no change. */
  tol: number;
  /** L2 penalty on the weights (scikit-learn's alpha). */
  alpha: number;
  /** Inputs with 3 to this many distinct training values also enter as one-hot indicators (indicators.ts); 0: none. */
  oneHotLevels: number;
  /** Inputs with more distinct training values than this also enter as piecewise-linear encodings over this many quantile bins (bins.ts); 0: none. */
  numericBins: number;
  /** Where those bins are cut: at training quantiles, or where a tree on each column splits the target (bins.ts). */
  binEdges: 'quantile' | 'tree';
  /** Networks trained (seeds seed, seed + 1, …) whose outputs are averaged; 1: one network. */
  networks: number;
  /** Seed of the weight init, the validation split and the shuffling. */
  seed: number;
}

/**
 * Defaults chosen on the gemstone split (52,428 × 9 standardized, bench/tfjs-models.ts, wasm SIMD,
 * one thread): test RMSE 603.2 / 598.4 / 596.7 for seeds 0 / 1 / 2 in 6.0–7.3 CPU-seconds of fit,
 * against 610.0 in 5.1 s for the peers' plain setting (Adam 1e-3 constant, batch 256, 20 epochs)
 * in the same run. Larger batches with a higher, cosine-decayed step size reach a lower loss per
 * second than small constant-rate batches; early stopping is off by default because holding out
 * 10% costs more accuracy than it saves at 25 epochs.
 */
export const MLP_PARAMS = defineParams<MlpOptions>({
  hiddenLayers: {
    kind: 'integer-list',
    min: 1,
    max: 4096,
    minLength: 1,
    maxLength: 8,
    default: [64, 64],
    help: 'units per hidden layer, input side first, e.g. "64, 64"',
    basic: true,
    search: { type: 'choice', values: [[32], [64], [64, 64], [128, 64], [128, 128]] },
  },
  activation: { kind: 'choice', choices: ['relu'], default: 'relu', help: 'hidden-layer activation', search: null },
  learningRate: { kind: 'number', min: 0, minExclusive: true, max: 10, default: 6e-3, help: "Adam's initial step size", basic: true, search: { type: 'log-uniform', low: 1e-3, high: 3e-2 } },
  schedule: { kind: 'choice', choices: ['cosine', 'constant'], default: 'cosine', help: 'how the step size falls over the epochs: cosine to 0, or constant', search: null },
  batchSize: { kind: 'integer', min: 1, max: 1e6, default: 1024, help: 'rows per Adam step', basic: true, search: { type: 'choice', values: [256, 512, 1024, 2048] } },
  maxEpochs: { kind: 'integer', min: 1, max: 1e5, default: 25, help: 'passes over the training rows', basic: true, search: { type: 'int-uniform', low: 10, high: 60 } },
  earlyStopping: { kind: 'boolean', default: false, help: 'keep the best epoch on a held-out share and stop when it stops improving', basic: true, search: null },
  validationFraction: { kind: 'number', min: 0, minExclusive: true, max: 0.5, default: 0.1, help: 'share of training rows held out for early stopping', search: null },
  nIterNoChange: { kind: 'integer', min: 1, default: 10, help: 'patience of early stopping, in epochs', search: null },
  tol: { kind: 'number', min: 0, default: 1e-4, help: 'relative improvement of the validation loss that counts', search: null },
  alpha: { kind: 'number', min: 0, max: 1e3, default: 1e-4, help: 'L2 penalty on the weights', basic: true, search: { type: 'log-uniform', low: 1e-6, high: 1e-1 } },
  oneHotLevels: {
    kind: 'integer',
    min: 0,
    max: 64,
    default: 0,
    help: 'inputs with 3 to this many distinct values (ordinal codes) also enter as one indicator per value; 0: none',
    search: { type: 'choice', values: [0, 16] },
  },
  numericBins: {
    kind: 'integer',
    min: 0,
    max: 64,
    default: 0,
    help: 'inputs with more distinct values than this also enter as piecewise-linear encodings over this many quantile bins; 0: none',
    search: { type: 'choice', values: [0, 16] },
  },
  binEdges: {
    kind: 'choice',
    choices: ['quantile', 'tree'],
    default: 'quantile',
    help: 'where the numericBins bins are cut: at training quantiles, or where a tree on each column splits the target',
    search: { type: 'choice', values: ['quantile', 'tree'] },
  },
  networks: {
    kind: 'integer',
    min: 1,
    max: 16,
    default: 1,
    help: 'networks trained with seeds seed, seed + 1, … and averaged: less variance, that many times the fit',
    search: null,
  },
  seed: seedParam('seed of the weight init, the validation split and the shuffling; same seed, same model'),
});

export const MLP_DEFAULTS = MLP_PARAMS.defaults;

/**
 * Where a model search starts besides the defaults (catalog `searchStarts`): the wider network,
 * smaller batches and stronger weight decay the defaults trade away for speed, and inputs added. On the search's
 * 5-fold CV of the gemstone training rows: 600.76 in about 75 s (one thread) against the
 * defaults' 628.61 in 16 s — the strongest partner of the gradient-boosted trees in a blend
 * (the greedy blend of gbdt, forest and this MLP: 591.80, against 592.26 with alpha 1e-4). Its
 * cost matters: a 120 s search on two cores must finish it. Measured beside it: alpha 1e-4
 * 601.69, 1e-3 602.70, 0.03 604.62, 0.1 611.55; batch 512 604.23 (a blend 0.36 worse); batch
 * 128 602.16, slower; 25 epochs 603.96 (blend 0.31 worse); 80 epochs 606.71; 256 × 128 units
 * 605.39; rate 3e-3 602.94, 1e-2 602.20 (those at alpha 1e-4). A log-link output (squared error
 * of exp(output)) scored 606.95 and added nothing to the blend. With one-hot indicators of the
 * ordinal codes beside them (`oneHotLevels: 16`; cut, colour and clarity): 596.97 alone, and the
 * blend of the three gbdt starts, the forest and this MLP 591.04 against 591.49 without
 * (bench/search-blend-cv.ts; the indicators replacing the codes instead: 597.55).
 * With piecewise-linear encodings of the many-valued inputs beside those (`numericBins: 16`:
 * carat, depth, table, x, y, z, over 16 quantile bins each; scored as search trials one at a
 * time): 593.07 in 58 s at 20 epochs, 595.09 in 31 s at 12; the blend 589.40 and 590.06 against
 * 591.04 (at 40 epochs, two fits sharing the cores: 593.82 in 245 s, blend 589.49). Kept: 20
 * epochs, which a 120 s search on two cores finishes. Beside it: 8 bins 598.23, 32 bins 594.44
 * (40 epochs); batches of 512 595.70; seed 1 at 12 epochs 596.44 (the two seeds blended
 * 589.70); the indicator-only start beside this one in the blend 589.22.
 * With those bins cut by a tree on each column (`binEdges: 'tree'`, bins of at least n / 64 =
 * 525 rows) instead of at quantiles: seeds 0 / 1 / 2 alone 593.07 / 592.92 / 595.00 → 590.69 /
 * 591.59 / 592.42, the blend 589.40 / 589.33 / 590.24 → 588.84 / 589.18 / 589.73 (seeds 1 and 2
 * with a first version's fixed 512 rows). Seed 0 with bins of at least 64, 256, 512 and 1,024
 * rows: 592.44, 592.86, 591.06, 591.71 (blend 589.80, 590.01, 588.96, 589.35).
 * The quantile-binned start stays beside the tree-binned one: on the same folds it lowers the
 * blend by 0.52–0.75, more than a second seed of the tree-binned start (0.14–0.27); with each
 * MLP averaged over 3 seeds, as a search refits it, 588.70 → 588.32. In 120 s searches on two
 * cores both finish within the budget, and the ensembles' CV RMSE falls by 0.30–0.42 at
 * seeds 0–2 (bench/search.ts; README "Ensembles").
 */
export const MLP_SEARCH_STARTS = [
  { hiddenLayers: [128, 128], maxEpochs: 20, batchSize: 256, alpha: 0.01, oneHotLevels: 16, numericBins: 16, binEdges: 'tree' },
  { hiddenLayers: [128, 128], maxEpochs: 20, batchSize: 256, alpha: 0.01, oneHotLevels: 16, numericBins: 16, binEdges: 'quantile' },
] as const;

/**
 * Networks a search's refit of an MLP averages (catalog `refitAveraged`): the best trial's and
 * an ensemble member's. On the search's folds of the gemstone training rows, the starting point
 * at seeds 0 and 1 scores 593.07 and 592.92, their average 591.92; the greedy blend with the
 * gbdt starts and the forest 589.40 / 589.33 with one network, 589.00 with the average.
 */
export const MLP_REFIT_NETWORKS = 3;

export interface MlpClassifierOptions extends MlpOptions {
  /** 'balanced' weighs each row n / (K · count of its class) in the loss. */
  classWeight: 'none' | 'balanced';
}

/**
 * The classifier's table: the regressor's fields, with early stopping on (a stratified 10%
 * hold-out, scored by its log loss, as scikit-learn's peer stops early), 15 epochs, and
 * scikit-learn's class weights. Chosen by 5-fold CV on telco-churn's 5,634 training rows only
 * (`bench/cls-telco.ts --cv --model mlp-classifier`, seeds 0 and 1 per fold), where the table is
 * flat: CV ROC AUC 0.8405 with the regressor's defaults plus early stopping, 0.8400 without early
 * stopping, 0.8407 with 15 epochs (kept: 40% less fit time), 0.8383 with batches of 256, 0.8404
 * with learning rate 3e-3, 0.8408 with α 0.1, 0.8408 with one layer of 32 units; log loss
 * 0.422–0.426 throughout (0.478 with balanced class weights, which trade it for the rare class).
 */
export const MLP_CLASSIFIER_PARAMS = defineParams<MlpClassifierOptions>({
  ...MLP_PARAMS.fields,
  maxEpochs: { ...MLP_PARAMS.fields.maxEpochs, default: 15 },
  earlyStopping: { ...MLP_PARAMS.fields.earlyStopping, default: true, help: 'keep the best epoch on a held-out share of every class and stop when its log loss stops improving' },
  validationFraction: { ...MLP_PARAMS.fields.validationFraction, help: 'share of training rows held out (of every class) for early stopping' },
  tol: { ...MLP_PARAMS.fields.tol, help: 'relative improvement of the validation log loss that counts' },
  classWeight: classWeightParam(),
});

export const MLP_CLASSIFIER_DEFAULTS = MLP_CLASSIFIER_PARAMS.defaults;
