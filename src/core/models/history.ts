/** Per-step losses of a fit: boosting iterations, epochs, trees. */
export interface FitHistory {
  /** What a step is, for axis labels. */
  unit: 'iteration' | 'epoch' | 'tree' | 'none';
  /** Loss name, e.g. "mse" or "rmse". */
  metric: string;
  train: number[];
  validation: number[];
  /** Step kept after early stopping (0-based), when early stopping was used. */
  bestStep?: number;
}

export function emptyHistory(): FitHistory {
  return { unit: 'none', metric: 'mse', train: [], validation: [] };
}
