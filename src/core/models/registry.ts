/**
 * The model registry: maps a model `type` to its class, for building a candidate from its
 * params and rebuilding a fitted model from `{type, params, state}` (bundles, stored runs).
 */
import { InvalidParamsError, BundleError } from '../errors';
import { RandomForestRegressor } from './forest';
import { GradientBoostingRegressor } from './gbdt';
import { KNeighborsRegressor } from './knn';
import { ElasticNet, Lasso, LinearRegression, Ridge } from './linear';
import { MlpRegressor } from './mlp';
import { DecisionTreeRegressor } from './tree';
import { isModelType, MODEL_TYPES, modelLabel } from './catalog';
import type { ModelType, Regressor, SerializedModel } from './types';

export { isModelType, MODEL_LABELS, MODEL_TYPES, modelLabel } from './catalog';

interface ModelClass {
  new (params?: never): Regressor;
  fromJSON(s: SerializedModel): Regressor;
}

interface ModelEntry {
  cls: ModelClass;
  /** The family it belongs to (for grouping in the UI). */
  family: 'linear' | 'neighbors' | 'tree' | 'ensemble' | 'neural';
}

const REGISTRY: Record<ModelType, ModelEntry> = {
  linear: { cls: LinearRegression as unknown as ModelClass, family: 'linear' },
  ridge: { cls: Ridge as unknown as ModelClass, family: 'linear' },
  lasso: { cls: Lasso as unknown as ModelClass, family: 'linear' },
  elasticnet: { cls: ElasticNet as unknown as ModelClass, family: 'linear' },
  knn: { cls: KNeighborsRegressor as unknown as ModelClass, family: 'neighbors' },
  tree: { cls: DecisionTreeRegressor as unknown as ModelClass, family: 'tree' },
  forest: { cls: RandomForestRegressor as unknown as ModelClass, family: 'ensemble' },
  gbdt: { cls: GradientBoostingRegressor as unknown as ModelClass, family: 'ensemble' },
  mlp: { cls: MlpRegressor as unknown as ModelClass, family: 'neural' },
};

export function modelFamily(type: ModelType): ModelEntry['family'] {
  return REGISTRY[type].family;
}

/** A new, unfitted model; params are validated by the class (InvalidParamsError naming the field). */
export function createModel(type: string, params: Record<string, unknown> = {}): Regressor {
  if (!isModelType(type))
    throw new InvalidParamsError('unknown-model-type', `Unknown model type "${type}"; choose one of ${MODEL_TYPES.join(', ')}.`, { field: 'type' });
  const Cls = REGISTRY[type].cls as unknown as new (p: Record<string, unknown>) => Regressor;
  return new Cls(params);
}

/** Rebuilds a fitted model; the class validates its state (BundleError naming the path). */
export function modelFromJSON(s: SerializedModel): Regressor {
  if (!isModelType(s.type))
    throw new BundleError('unknown-model-type', `Unknown model type "${String(s.type)}"; this Loupe knows ${MODEL_TYPES.join(', ')}.`, { field: 'model.type' });
  return REGISTRY[s.type].cls.fromJSON(s);
}
