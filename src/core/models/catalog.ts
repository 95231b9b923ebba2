/**
 * The model types and their names in words: one list for the CLI, the UI and the tests. Kept
 * apart from the registry so that naming a model never loads the model code (or tfjs).
 */
import type { ModelType } from './types';

/** Every model type, in the order the CLI and the UI list them. */
export const MODEL_TYPES: readonly ModelType[] = ['linear', 'ridge', 'lasso', 'elasticnet', 'knn', 'tree', 'forest', 'gbdt', 'mlp'];

/** Human label per type, as leaderboards and pickers show it. */
export const MODEL_LABELS: Readonly<Record<ModelType, string>> = {
  linear: 'Linear regression',
  ridge: 'Ridge',
  lasso: 'Lasso',
  elasticnet: 'Elastic net',
  knn: 'k-nearest neighbours',
  tree: 'Decision tree',
  forest: 'Random forest',
  gbdt: 'Gradient-boosted trees',
  mlp: 'Neural network (MLP)',
};

export function isModelType(s: string): s is ModelType {
  return (MODEL_TYPES as readonly string[]).includes(s);
}

export function modelLabel(type: ModelType): string {
  return MODEL_LABELS[type];
}
