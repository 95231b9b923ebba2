/** The Recipe: declared preprocessing (cleaning, derived features, per-column encoding, target transform). */
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
export { FittedRecipe, fitRecipe, type FittedRecipeJSON, type LearnedColumn, type TableTransform, type RecordsTransform, type TransformOptions } from './fitted-recipe';
export { KNOWN_SCALES, matchKnownScale } from './known-scales';
export { MISSING_MARKERS, readNumber, readLabel } from './values';
export { computeDerived, describeDerived } from './derived';
