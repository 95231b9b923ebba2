/**
 * The report's SHAP summary: mean |SHAP value| per input column over the bundle's own sample of
 * training rows (its reference sample), in the target's units — bars only. The per-row values
 * (a beeswarm) are not drawn: a report holds aggregates, never a row. A classifier's are of the
 * positive class for two classes, else of each row's predicted class, in log-odds or probability.
 */
import type { LoadedBundle } from '../bundle/bundle';
import { Explainer, shapSummary, summaryForClass, type ExplanationUnit } from '../explain';
import { ExplainError } from '../errors';
import type { ExplanationKind } from '../models/catalog';
import { modelInfo } from '../models/catalog';

/** Rows explained: exact methods are cheap; sampling Shapley asks the model many times per row. */
const EXACT_ROWS = 1000;
const SAMPLING_ROWS = 100;

export interface ReportShap {
  kind: ExplanationKind;
  /** What meanAbs and base are in: the target's units, or a classifier's log-odds or probability. */
  unit: ExplanationUnit;
  /** A classifier's class explained: its label (two classes: the positive one), or null for each row's predicted class. */
  explainedClass?: string | null;
  columns: string[];
  meanAbs: number[];
  /** The model's expected prediction (a classifier's: of the class explained; NaN for each row's predicted class). */
  base: number;
  rows: number;
  permutations?: number;
}

/**
 * The summary, or why there is none: no sample in the bundle, or a model on TensorFlow.js where
 * the caller has not readied it (`tfReady`: the CLI opens bundles with the backend ready).
 */
export function reportShap(loaded: LoadedBundle, options: { tfReady: boolean }): ReportShap | { reason: string } {
  if (!loaded.referenceSample) return { reason: 'This bundle carries no sample of its training rows (made before Loupe kept one, or exported without it), so there is nothing to explain.' };
  if (modelInfo(loaded.model.type).tfjs && !options.tfReady)
    return { reason: 'This model runs on TensorFlow.js, which the page does not load for a report; the CLI’s report (npm run cli -- report) includes its SHAP summary.' };
  let explainer: Explainer;
  try {
    explainer = new Explainer(loaded.model, loaded.recipe);
  } catch (e) {
    // A model Loupe cannot explain (a calibrated classifier, an older bundle): the report says why instead.
    if (e instanceof ExplainError) return { reason: e.message };
    throw e;
  }
  const { X } = loaded.recipe.transformTable(loaded.referenceSample.table);
  const full = shapSummary(explainer, loaded.recipe, X, { maxRows: explainer.kind === 'sampling' ? SAMPLING_ROWS : EXACT_ROWS, seed: 0 });
  const one = full.classes?.length === 1 ? full.classes[0] : undefined;
  const s = full.classes ? summaryForClass(full, one ?? 'predicted') : full;
  const out: ReportShap = { kind: s.kind, unit: s.unit, columns: s.columns, meanAbs: Array.from(s.meanAbs), base: s.base, rows: s.rows, ...(s.permutations ? { permutations: s.permutations } : {}) };
  if (full.classes) out.explainedClass = one !== undefined ? loaded.recipe.classes[one] : null;
  return out;
}
