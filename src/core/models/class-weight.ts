/**
 * Row weights from a classifier's `classWeight` parameter (scikit-learn's class_weight):
 * 'balanced' gives a row of class k the weight n / (K · n_k), so that each class present weighs
 * n / K in all, K counting the classes present in y as scikit-learn's compute_class_weight does
 * (a fold missing a class leaves it out); 'none' gives no weights (null: every row counts once).
 */
import { classCounts } from './classifier';

export type ClassWeight = 'none' | 'balanced';

export function classWeights(y: Float64Array, k: number, mode: ClassWeight): Float64Array | null {
  if (mode === 'none') return null;
  const counts = classCounts(y, k);
  const n = y.length;
  const present = counts.filter((c) => c > 0).length;
  const perClass = counts.map((c) => (c > 0 ? n / (present * c) : 0));
  return Float64Array.from(y, (c) => perClass[c]);
}
