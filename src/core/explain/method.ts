/**
 * How an explanation was computed, in words (CLI, Predict and Train screens). Kept free of
 * imports so that the page can show it without loading any model code.
 */
export function explanationMethod(kind: 'tree-shap' | 'linear' | 'sampling' | 'ensemble', permutations?: number): string {
  if (kind === 'tree-shap') return 'exact TreeSHAP (path-dependent)';
  if (kind === 'linear') return 'exact: coefficient × (value − training mean)';
  if (kind === 'ensemble') return "exact: the weighted sum of its members' exact values (TreeSHAP, coefficient × (value − training mean))";
  return `sampled Shapley values, ${permutations ?? 'default'} permutations per row (seeded: the same row gets the same values)`;
}
