/**
 * A binary classifier's bundle made to decide at another threshold on the positive class's
 * probability — what the Train screen's threshold slider saves. Everything in the bundle that
 * depends on the decision follows it, so the bundle reads as if it had been trained with that
 * threshold (runTraining's `threshold`):
 *   - `decision.threshold`, which Predict and every registered version predict with;
 *   - the reference sample's predictions (the decided classes drift compares later batches
 *     with), decided again on the sample's rows by the prediction pipeline, as Predict decides;
 *   - the threshold-dependent test metrics (accuracy, balanced accuracy, precision, recall, F1),
 *     from the rows the model was scored on — when the evaluation still holds every one of them
 *     (not a sample): hold-out test rows, or k-fold's out-of-fold rows fold by fold. ROC AUC,
 *     log loss and Brier score do not depend on the threshold and stay as they are;
 *   - the report diagnostics' confusion matrix, from the same rows.
 * Nothing is refitted; the model and its probabilities are unchanged.
 */
import { loadBundle, type LoadedBundle, type ModelBundle } from '../bundle/bundle';
import { encodeReferenceSample } from '../bundle/reference-sample';
import { BundleError, InvalidParamsError } from '../errors';
import { meanMetrics } from '../metrics';
import { classificationMetrics, type ClassificationMetrics } from '../metrics/classification';
import { isClassifier } from '../models/types';
import { classificationDiagnostics, encodeDiagnostics } from '../report/diagnostics';
import { predictTransformed } from './predict';
import type { Evaluation } from './train';

export interface ThresholdedBundle {
  bundle: ModelBundle;
  /** Whether the test metrics were taken again at the new threshold (false: the evaluation was a sample, they stay the training threshold's). */
  metricsUpdated: boolean;
}

/**
 * The bundle deciding at `threshold`. BundleError (field `decision`) for a bundle that is not a
 * binary classifier's; InvalidParamsError (field `threshold`) outside [0, 1].
 */
export function withDecisionThreshold(bundle: ModelBundle, threshold: number, evaluation?: Evaluation): ThresholdedBundle {
  if (!(threshold >= 0 && threshold <= 1))
    throw new InvalidParamsError('invalid-param', `The decision threshold must lie in [0, 1]; got ${threshold}.`, { field: 'threshold' });
  if (bundle.task !== 'classification' || bundle.classes?.length !== 2)
    throw new BundleError('invalid-bundle', `A decision threshold belongs to a classifier of two classes; "${bundle.name}" is not one.`, { field: 'decision' });
  const out: ModelBundle = { ...bundle, decision: { threshold } };
  const loaded: LoadedBundle = { ...loadBundle(bundle), bundle: out };
  if (!isClassifier(loaded.model)) throw new BundleError('invalid-bundle', `"${bundle.name}" holds no classifier.`, { field: 'model' });
  const sample = loaded.referenceSample;
  if (sample && bundle.referenceSample) {
    // Decided as Predict decides (the prediction pipeline, with the new threshold), so drift compares like with like.
    const transformed = loaded.recipe.transformTable(sample.table);
    const { predictions } = predictTransformed(loaded, { ...transformed, inputs: sample.table }, 1);
    out.referenceSample = encodeReferenceSample({ table: sample.table, predictions, sourceRows: sample.sourceRows, seed: sample.seed });
  }
  const rescored = evaluation && bundle.metrics.classification ? metricsAt(evaluation, threshold, bundle.metrics.classification) : undefined;
  if (rescored) out.metrics = { ...bundle.metrics, classification: rescored };
  // The report's confusion matrix follows the decision too (its ROC and reliability bins do not depend on it).
  if (evaluation?.probabilities && bundle.diagnostics?.task === 'classification')
    out.diagnostics = encodeDiagnostics(classificationDiagnostics(evaluation.kind, evaluation.actual, evaluation.probabilities, 2, threshold, evaluation.totalRows));
  return { bundle: out, metricsUpdated: rescored !== undefined };
}

/** The test metrics (k-fold: per fold and their mean) at `threshold`, or undefined when the evaluation is a sample of the rows scored. */
function metricsAt(ev: Evaluation, threshold: number, was: NonNullable<ModelBundle['metrics']['classification']>): ModelBundle['metrics']['classification'] {
  const proba = ev.probabilities;
  if (!proba || ev.actual.length !== ev.totalRows) return undefined;
  if (ev.kind === 'test') return { ...was, test: classificationMetrics(ev.actual, proba, 2, { threshold }) };
  const foldOf = ev.foldOf;
  if (!foldOf || !was.folds) return undefined;
  const folds: ClassificationMetrics[] = was.folds.map((_, f) => {
    const rows: number[] = [];
    for (let i = 0; i < foldOf.length; i++) if (foldOf[i] === f) rows.push(i);
    const y = Float64Array.from(rows, (i) => ev.actual[i]);
    const p = new Float64Array(rows.length * 2);
    rows.forEach((i, j) => p.set(proba.subarray(i * 2, i * 2 + 2), j * 2));
    return classificationMetrics(y, p, 2, { threshold });
  });
  return { test: meanMetrics(folds), folds };
}
