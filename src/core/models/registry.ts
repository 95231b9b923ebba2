/**
 * The model registry: maps a model `type` to its class, to build a candidate from its params
 * and to rebuild a fitted model from `{type, params, state}` (bundles, stored runs). Model facts
 * (labels, capabilities, parameter tables) live in the catalog; this file only loads the code.
 */
import { BundleError, InvalidParamsError } from '../errors';
import type { Estimator } from './estimator';
import { EnsembleRegressor } from './ensemble/ensemble';
import { RandomForestClassifier, RandomForestRegressor } from './forest';
import { GradientBoostingClassifier, GradientBoostingRegressor } from './gbdt';
import { KNeighborsClassifier, KNeighborsRegressor } from './knn';
import { ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge } from './linear';
import { MlpClassifier, MlpRegressor } from './mlp';
import { DecisionTreeClassifier, DecisionTreeRegressor } from './tree';
import { isModelType, MODEL_TYPES } from './catalog';
import { StateReader } from './state';
import type { ModelType, Regressor, SerializedModel } from './types';

export { isModelType, MODEL_CATALOG, MODEL_LABELS, MODEL_TYPES, modelInfo, modelLabel, modelTypesFor } from './catalog';

type AnyEstimator = Estimator<object, unknown>;

type ModelClass = new (params: Record<string, unknown>) => AnyEstimator;

/**
 * Built on first use, not when this module loads: the ensemble's code imports this registry
 * (to rebuild its members), so whichever of the two loads first, neither may touch the other's
 * exports until both have loaded.
 */
let classes: Record<ModelType, ModelClass> | undefined;
function classOf(type: ModelType): ModelClass {
  classes ??= {
    linear: LinearRegression,
    ridge: Ridge,
    lasso: Lasso,
    elasticnet: ElasticNet,
    knn: KNeighborsRegressor,
    tree: DecisionTreeRegressor,
    forest: RandomForestRegressor,
    gbdt: GradientBoostingRegressor,
    mlp: MlpRegressor,
    logistic: LogisticRegression,
    'gbdt-classifier': GradientBoostingClassifier,
    'tree-classifier': DecisionTreeClassifier,
    'forest-classifier': RandomForestClassifier,
    'knn-classifier': KNeighborsClassifier,
    'mlp-classifier': MlpClassifier,
    ensemble: EnsembleRegressor,
  } as unknown as Record<ModelType, ModelClass>;
  return classes[type];
}

function unknownType(type: unknown): string {
  return `Unknown model type ${JSON.stringify(type)}; choose one of ${MODEL_TYPES.join(', ')}.`;
}

/** A new, unfitted model; params are validated against its table (InvalidParamsError naming the field). */
export function createModel(type: string, params: Record<string, unknown> = {}): Regressor {
  if (!isModelType(type)) throw new InvalidParamsError('unknown-model-type', unknownType(type), { field: 'type' });
  return new (classOf(type))(params);
}

/**
 * Rebuilds a fitted model from `{type, params, state}` (state already decoded by the bundle
 * codec). Every failure is a BundleError naming the path: `type`, `params.<name>`, `state.<…>`.
 */
export function modelFromJSON(s: SerializedModel): Regressor {
  if (s === null || typeof s !== 'object') throw new BundleError('bad-model', 'The model entry must be an object.', { field: '' });
  const type: unknown = Object.hasOwn(s, 'type') ? s.type : undefined;
  if (!isModelType(type)) throw new BundleError('unknown-model-type', unknownType(type), { field: 'type' });
  const params: unknown = Object.hasOwn(s, 'params') ? s.params : undefined;
  let model: AnyEstimator;
  try {
    model = new (classOf(type))(params as Record<string, unknown>);
  } catch (e) {
    if (!(e instanceof InvalidParamsError)) throw e;
    const field = e.where.field && e.where.field !== 'params' ? `params.${e.where.field}` : 'params';
    throw new BundleError('bad-params', e.message, { field }, { cause: e });
  }
  const reader = StateReader.of(Object.hasOwn(s, 'state') ? s.state : undefined, 'state');
  model.restore(reader);
  reader.rejectUnread();
  return model;
}
