/**
 * The Recipe: declared preprocessing (cleaning, derived features, per-column encoding, target
 * transform), JSON in and JSON out, never code.
 *
 * Flow: `defaultRecipe` → person edits → `checkRecipe` (inline issues) → `applyCleaning` (training
 * rows only) → `fitRecipe` on the training rows → `FittedRecipe.transformTable` for train/test,
 * `transformRecords` for a form or CSV chunks → model fits on `encodeTarget(y)`, predictions go
 * through `decodeTarget`. `transformTable` returns y in the target's own units. A classification
 * target (recipe `task`, resolved by data/task.ts) is learned as class codes 0..K−1 in the fitted
 * recipe's `classes` order; `targetCodes` reads them strictly (an unseen label names its row).
 *
 * Decisions: categorical levels are matched by string; missing values, unseen ordinal
 * categories (unknown 'nan') and text in a number column (read as missing, as the CSV loader
 * reads it in the training file) are imputed with a warning; unseen categories with unknown
 * 'error' make the row invalid (valid[i] = 0) but keep it; only an
 * unscaled ordinal column is flagged `categorical: true, levels: k` for tree models.
 */
export type {
  Recipe,
  ColumnRecipe,
  ColumnEncoding,
  RecipeColumnKind,
  ImputeRecipe,
  CleaningStep,
  Comparison,
  DerivedFeature,
  DerivedOp,
  RecipeIssue,
  RowProblem,
  InputColumn,
  RecordValue,
} from './types';
export { parseRecipe, recipeToJSON, validateRecipe } from './schema';
export { defaultRecipe, ONEHOT_MAX_LEVELS, ONEHOT_CAP } from './default-recipe';
export { checkRecipe } from './check';
export { applyCleaning, type CleaningResult, type CleaningReport } from './cleaning';
export { FittedRecipe, fitRecipe, type FitRecipeOptions, type FittedRecipeJSON, type LearnedColumn, type TableTransform, type RecordsTransform, type ReadInputs, type TransformOptions } from './fitted-recipe';
export { KNOWN_SCALES, matchKnownScale } from './known-scales';
export { readNumber, readLabel } from './values';
export { computeDerived, describeDerived } from './derived';
