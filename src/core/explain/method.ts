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

/** What an explanation's numbers are measured in: the target's units (a regressor), or a classifier's log-odds or probability. */
export type ExplanationUnit = 'target' | 'log-odds' | 'probability';

/** The unit in words, for captions and the CLI ("in …"). */
export function unitWords(unit: ExplanationUnit | undefined, target: string): string {
  if (unit === 'log-odds') return 'log-odds (the model’s raw score; +1 multiplies the odds by e ≈ 2.7)';
  if (unit === 'probability') return 'probability';
  return target;
}
