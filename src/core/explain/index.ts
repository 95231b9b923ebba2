/**
 * Explanations (issue 12 §1): why a model predicts what it does, per input column, in the
 * target's units, adding up to the prediction.
 *
 * Flow: `new Explainer(model, fittedRecipe)` picks the method the catalog names for the model
 * (exact TreeSHAP, exact linear, or sampling Shapley), folds one-hot and derived features back
 * to input columns (players.ts), and `explain(X)` returns base + per-column values per row.
 * A classifier is explained per class (classifier.ts: log-odds or probability, said in `unit`);
 * `pickClass` takes one class per row from it. `partialDependence` varies one input column over a grid (PD and ICE curves). exact.ts holds
 * the brute-force references the tests and the bench compare with.
 */
export { Explainer, explanationKindOf, type Explanation, type ExplainOptions, type ExplanationUnit } from './explain';
export { pickClass, summaryForClass, type ClassPick } from './class-pick';
export { unitWords } from './method';
export { playersFromSources, featurePlayers, foldToColumns, type Players } from './players';
export { exactShapley, pathExpectation, backgroundExpectation } from './exact';
export { shapSummary, type ShapSummary } from './summary';
export { classProbability, partialDependence, type PartialDependence, type PartialDependenceOptions } from './partial-dependence';
