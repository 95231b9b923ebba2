/**
 * The report's SHAP summary: mean |SHAP value| per input column over the bundle's own sample of
 * training rows (its reference sample), in the target's units — bars only. The per-row values
 * (a beeswarm) are not drawn: a report holds aggregates, never a row.
 */
import type { LoadedBundle } from '../bundle/bundle';
import { Explainer, shapSummary } from '../explain';
import type { ExplanationKind } from '../models/catalog';
import { modelInfo } from '../models/catalog';
import { isClassifier } from '../models/types';

/** Rows explained: exact methods are cheap; sampling Shapley asks the model many times per row. */
const EXACT_ROWS = 1000;
const SAMPLING_ROWS = 100;

export interface ReportShap {
  kind: ExplanationKind;
  columns: string[];
  meanAbs: number[];
  /** The model's expected prediction. */
  base: number;
  rows: number;
  permutations?: number;
}

/**
 * The summary, or why there is none: no sample in the bundle, or a model on TensorFlow.js where
 * the caller has not readied it (`tfReady`: the CLI opens bundles with the backend ready).
 */
export function reportShap(loaded: LoadedBundle, options: { tfReady: boolean }): ReportShap | { reason: string } {
  if (isClassifier(loaded.model)) return { reason: 'SHAP summaries are computed for models that predict a number; this model predicts classes.' };
  if (!loaded.referenceSample) return { reason: 'This bundle carries no sample of its training rows (made before Loupe kept one, or exported without it), so there is nothing to explain.' };
  if (modelInfo(loaded.model.type).tfjs && !options.tfReady)
    return { reason: 'This model runs on TensorFlow.js, which the page does not load for a report; the CLI’s report (npm run cli -- report) includes its SHAP summary.' };
  const explainer = new Explainer(loaded.model, loaded.recipe);
  const { X } = loaded.recipe.transformTable(loaded.referenceSample.table);
  const s = shapSummary(explainer, loaded.recipe, X, { maxRows: explainer.kind === 'sampling' ? SAMPLING_ROWS : EXACT_ROWS, seed: 0 });
  return { kind: s.kind, columns: s.columns, meanAbs: Array.from(s.meanAbs), base: s.base, rows: s.rows, ...(s.permutations ? { permutations: s.permutations } : {}) };
}
