/**
 * The model catalog: every model type with its name in words, its parameter table and its
 * capabilities — the one place model facts live. The CLI, the Train screen, the prediction
 * worker, bundles and the conformance suite read them from here. Only parameter tables are
 * imported (plain data), never model code: naming a model or showing its editor loads no
 * model (and no tfjs). The registry (registry.ts) maps each type to its class.
 *
 * Adding an estimator: a folder with the class (extends Estimator) and its parameter table
 * (params.ts), one entry here and one line in the registry; the conformance suite then runs
 * over it (tests/conformance) and fails until it has a spec there.
 */
import { ELASTIC_NET_PARAMS, LASSO_PARAMS, LINEAR_REGRESSION_PARAMS, LOGISTIC_PARAMS, RIDGE_PARAMS } from './linear/params';
import { K_NEIGHBORS_CLASSIFIER_PARAMS, K_NEIGHBORS_PARAMS } from './knn/params';
import { TREE_CLASSIFIER_PARAMS, TREE_PARAMS } from './tree/params';
import { FOREST_CLASSIFIER_PARAMS, FOREST_PARAMS } from './forest/params';
import { GBDT_CLASSIFIER_PARAMS, GBDT_PARAMS, GBDT_SEARCH_STARTS } from './gbdt/params';
import { MLP_CLASSIFIER_PARAMS, MLP_PARAMS, MLP_REFIT_NETWORKS, MLP_SEARCH_STARTS } from './mlp/params';
import { ENSEMBLE_PARAMS } from './ensemble/params';
import type { AnyParamTable, ParamValue } from './params';
import type { ModelType, Task } from './types';

export type { Task } from './types';

/** Where a fitted model can go: every model ships in a Loupe bundle; most also leave Loupe as ONNX (src/core/onnx). */
export type ExportFormat = 'bundle' | 'onnx';

/**
 * How its predictions are explained (src/core/explain), per input column in the target's units
 * (a classifier's: log-odds for boosted trees and logistic, probability otherwise):
 * 'tree-shap' exact path-dependent TreeSHAP over its trees, 'linear' exact coef × (x − training
 * mean), 'sampling' Shapley values estimated from seeded antithetic permutations, 'ensemble'
 * the weighted sum of its members' exact values (TreeSHAP, linear) — exact too, since Shapley
 * values add up; an ensemble with a member explained by sampling is explained by sampling.
 */
export type ExplanationKind = 'tree-shap' | 'linear' | 'sampling' | 'ensemble';

export interface ModelInfo {
  type: ModelType;
  /** Its name in words, as leaderboards and pickers show it. */
  label: string;
  family: 'linear' | 'neighbors' | 'tree' | 'ensemble' | 'neural';
  params: AnyParamTable;
  tasks: readonly Task[];
  /** Its fit draws random numbers: it has a `seed` parameter, and runs pass theirs to it. */
  seeded: boolean;
  /** Fit and predict run on TensorFlow.js: the backend must be ready first (`ensureTf`). */
  tfjs: boolean;
  /** What one step of its fit is (progress and loss curves), or null for a one-shot fit. */
  steps: 'iteration' | 'epoch' | 'tree' | null;
  /** It reports a train (and validation) loss per step: a loss curve is worth drawing. */
  lossCurve: boolean;
  /** Its natural per-feature importance, or null. */
  importance: 'coefficients' | 'impurity' | 'gain' | null;
  explanation: ExplanationKind;
  exports: readonly ExportFormat[];
  /** Why a format missing from `exports` is refused, in words a person reads when they ask for it. */
  cannotExport?: Partial<Record<ExportFormat, string>>;
  /** A short note beside its checkbox. */
  note?: string;
  /** Ticked on the Train screen before the person chooses. */
  selectedByDefault: boolean;
  /**
   * Made from a run's other candidates (a k-fold run's ensemble, a search's), so not offered as
   * a candidate of its own: the Train picker and the CLI's default `--models` leave it out.
   */
  combinesCandidates?: true;
  /**
   * How a search refits it on every training row after a cross-validation whose fits stopped
   * early: `steps` set to the steps those fits ran (their mean) and `earlyStopping` set to false,
   * so the refit keeps no rows back for stopping (pipeline/search.ts `refitParams`).
   */
  refitSteps?: { steps: string; earlyStopping: string };
  /**
   * How a search refits it on every training row: `param` set to `count` (unless the trial chose
   * more), so the refitted model averages that many seeded fits — the seed-to-seed variance a
   * single fit carries into new rows, removed for `count`× the refit (pipeline/search.ts `refitParams`).
   */
  refitAveraged?: { param: string; count: number };
  /**
   * Configurations a model search scores on every row right after the defaults: points of its
   * space that proved strong and unlike the defaults (measured where they are declared).
   */
  searchStarts?: readonly Readonly<Record<string, ParamValue>>[];
}

/** Why the classifiers do not leave Loupe as ONNX yet (their exporters are not written). */
const CLASSIFIER_NO_ONNX =
  'Loupe does not write classifiers as ONNX yet (their probability outputs need exporters of their own). Keep it as a Loupe bundle, or export a regression model.';

/** What the k-nearest-neighbours regressor and classifier share (one search, one parameter table). */
const neighbours = {
  label: 'k-nearest neighbours',
  family: 'neighbors',
  params: K_NEIGHBORS_PARAMS,
  seeded: false,
  tfjs: true,
  steps: null,
  lossCurve: false,
  importance: null,
  explanation: 'sampling',
  exports: ['bundle'],
  note: 'predicting is the slow part with many features (a k-d tree speeds up few)',
  selectedByDefault: true,
} as const;

const linear = { family: 'linear', tasks: ['regression'], seeded: false, tfjs: false, lossCurve: false, importance: 'coefficients', explanation: 'linear', exports: ['bundle', 'onnx'] } as const;

export const MODEL_CATALOG: Readonly<Record<ModelType, ModelInfo>> = {
  linear: { ...linear, type: 'linear', label: 'Linear regression', params: LINEAR_REGRESSION_PARAMS, steps: null, selectedByDefault: true },
  ridge: { ...linear, type: 'ridge', label: 'Ridge', params: RIDGE_PARAMS, steps: null, selectedByDefault: true },
  lasso: { ...linear, type: 'lasso', label: 'Lasso', params: LASSO_PARAMS, steps: null, selectedByDefault: false },
  elasticnet: { ...linear, type: 'elasticnet', label: 'Elastic net', params: ELASTIC_NET_PARAMS, steps: null, selectedByDefault: false },
  knn: {
    ...neighbours,
    type: 'knn',
    tasks: ['regression'],
    cannotExport: {
      onnx:
        'k-nearest neighbours predicts by searching the training rows it keeps, so an ONNX file of it would carry every training row (your data, not a model) and its ties between equally near rows would break differently in other runtimes. Export a linear, tree, forest, gradient-boosted or neural-network model instead.',
    },
  },
  tree: {
    type: 'tree',
    label: 'Decision tree',
    family: 'tree',
    params: TREE_PARAMS,
    tasks: ['regression'],
    seeded: true,
    tfjs: false,
    steps: null,
    lossCurve: false,
    importance: 'impurity',
    explanation: 'tree-shap',
    exports: ['bundle', 'onnx'],
    selectedByDefault: true,
  },
  forest: {
    type: 'forest',
    label: 'Random forest',
    family: 'ensemble',
    params: FOREST_PARAMS,
    tasks: ['regression'],
    seeded: true,
    tfjs: false,
    steps: 'tree',
    lossCurve: false,
    importance: 'impurity',
    explanation: 'tree-shap',
    exports: ['bundle', 'onnx'],
    note: 'slow with many deep trees',
    selectedByDefault: true,
  },
  gbdt: {
    type: 'gbdt',
    label: 'Gradient-boosted trees',
    family: 'ensemble',
    params: GBDT_PARAMS,
    tasks: ['regression'],
    seeded: true,
    tfjs: false,
    steps: 'iteration',
    lossCurve: true,
    importance: 'gain',
    explanation: 'tree-shap',
    exports: ['bundle', 'onnx'],
    selectedByDefault: true,
    refitSteps: { steps: 'maxIterations', earlyStopping: 'earlyStopping' },
    searchStarts: GBDT_SEARCH_STARTS,
  },
  mlp: {
    type: 'mlp',
    label: 'Neural network (MLP)',
    family: 'neural',
    params: MLP_PARAMS,
    tasks: ['regression'],
    seeded: true,
    tfjs: true,
    steps: 'epoch',
    lossCurve: true,
    importance: null,
    explanation: 'sampling',
    exports: ['bundle', 'onnx'],
    note: 'slower; trains on tfjs',
    selectedByDefault: true,
    refitAveraged: { param: 'networks', count: MLP_REFIT_NETWORKS },
    searchStarts: MLP_SEARCH_STARTS,
  },
  logistic: {
    type: 'logistic',
    label: 'Logistic regression',
    family: 'linear',
    params: LOGISTIC_PARAMS,
    tasks: ['classification'],
    seeded: false,
    tfjs: false,
    steps: null,
    lossCurve: false,
    importance: 'coefficients',
    explanation: 'linear',
    exports: ['bundle'],
    cannotExport: {
      onnx: 'Logistic regression has no ONNX writer in Loupe yet (its probabilities need a softmax or sigmoid node after the linear one). Keep it as a Loupe bundle, or export a regression model instead.',
    },
    selectedByDefault: true,
  },
  'gbdt-classifier': {
    type: 'gbdt-classifier',
    label: 'Gradient-boosted trees',
    family: 'ensemble',
    params: GBDT_CLASSIFIER_PARAMS,
    tasks: ['classification'],
    seeded: true,
    tfjs: false,
    steps: 'iteration',
    lossCurve: true,
    importance: 'gain',
    explanation: 'tree-shap',
    exports: ['bundle'],
    cannotExport: { onnx: CLASSIFIER_NO_ONNX },
    selectedByDefault: true,
  },
  'tree-classifier': {
    type: 'tree-classifier',
    label: 'Decision tree',
    family: 'tree',
    params: TREE_CLASSIFIER_PARAMS,
    tasks: ['classification'],
    seeded: true,
    tfjs: false,
    steps: null,
    lossCurve: false,
    importance: 'impurity',
    explanation: 'tree-shap',
    exports: ['bundle'],
    cannotExport: { onnx: CLASSIFIER_NO_ONNX },
    selectedByDefault: true,
  },
  'forest-classifier': {
    type: 'forest-classifier',
    label: 'Random forest',
    family: 'ensemble',
    params: FOREST_CLASSIFIER_PARAMS,
    tasks: ['classification'],
    seeded: true,
    tfjs: false,
    steps: 'tree',
    lossCurve: false,
    importance: 'impurity',
    explanation: 'tree-shap',
    exports: ['bundle'],
    cannotExport: { onnx: CLASSIFIER_NO_ONNX },
    note: 'slow with many deep trees',
    selectedByDefault: true,
  },
  'knn-classifier': { ...neighbours, type: 'knn-classifier', params: K_NEIGHBORS_CLASSIFIER_PARAMS, tasks: ['classification'], cannotExport: { onnx: CLASSIFIER_NO_ONNX } },
  'mlp-classifier': {
    type: 'mlp-classifier',
    label: 'Neural network (MLP)',
    family: 'neural',
    params: MLP_CLASSIFIER_PARAMS,
    tasks: ['classification'],
    seeded: true,
    tfjs: true,
    steps: 'epoch',
    lossCurve: true,
    importance: null,
    explanation: 'sampling',
    exports: ['bundle'],
    cannotExport: { onnx: CLASSIFIER_NO_ONNX },
    note: 'slower; trains on tfjs',
    selectedByDefault: true,
  },
  ensemble: {
    type: 'ensemble',
    label: 'Ensemble',
    family: 'ensemble',
    params: ENSEMBLE_PARAMS,
    tasks: ['regression'],
    seeded: true,
    // Its members may run on tfjs (k-NN, MLP): the backend is readied before it predicts.
    tfjs: true,
    steps: null,
    lossCurve: false,
    importance: null,
    explanation: 'ensemble',
    // As ONNX when every member can be (not with a k-NN member: the export says so).
    exports: ['bundle', 'onnx'],
    note: 'weighted blend of a k-fold run’s models',
    selectedByDefault: false,
    combinesCandidates: true,
  },
};

/** Every model type, in the order the CLI and the UI list them. */
export const MODEL_TYPES: readonly ModelType[] = Object.keys(MODEL_CATALOG) as ModelType[];

/** The types a person picks as candidates (every one but those made from other candidates). */
export const CANDIDATE_TYPES: readonly ModelType[] = MODEL_TYPES.filter((t) => !MODEL_CATALOG[t].combinesCandidates);

/** The model types that can learn `task`, in MODEL_TYPES order. */
export function modelTypesFor(task: Task): ModelType[] {
  return MODEL_TYPES.filter((t) => MODEL_CATALOG[t].tasks.includes(task));
}

/** The candidates a person picks for `task` (the Train picker, the CLI's default `--models`): not the ensemble. */
export function candidateTypesFor(task: Task): ModelType[] {
  return modelTypesFor(task).filter((t) => !MODEL_CATALOG[t].combinesCandidates);
}

/** Human label per type, as leaderboards and pickers show it. */
export const MODEL_LABELS: Readonly<Record<ModelType, string>> = Object.fromEntries(MODEL_TYPES.map((t) => [t, MODEL_CATALOG[t].label])) as Record<ModelType, string>;

export function isModelType(s: unknown): s is ModelType {
  return typeof s === 'string' && Object.hasOwn(MODEL_CATALOG, s);
}

export function modelLabel(type: ModelType): string {
  return MODEL_CATALOG[type].label;
}

export function modelInfo(type: ModelType): ModelInfo {
  return MODEL_CATALOG[type];
}

/** Why `type` cannot leave Loupe as `format`, in words; null when it can. */
export function exportRefusal(type: ModelType, format: ExportFormat): string | null {
  const info = MODEL_CATALOG[type];
  if (info.exports.includes(format)) return null;
  return info.cannotExport?.[format] ?? `${info.label} cannot be exported as ${format === 'onnx' ? 'ONNX' : 'a bundle'}.`;
}
