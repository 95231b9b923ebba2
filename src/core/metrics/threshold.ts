/**
 * A binary classifier's scores at one decision threshold on the positive class's probability
 * (class 1 where p₁ ≥ threshold, as `decide` and sklearn's FixedThresholdClassifier), for the
 * Train screen's threshold slider: recomputed on every move from the stored test (or
 * out-of-fold) probabilities, so it is one pass over the rows and allocates little.
 * The definitions are classification.ts's (sklearn's, zero_division=0).
 */
import { balancedAccuracy, classScores, confusionMatrix, decide } from './classification';

export interface ThresholdScores {
  threshold: number;
  /** 2 × 2, rows the true class (0, 1), columns the predicted one (sklearn's orientation). */
  confusion: number[][];
  accuracy: number;
  balancedAccuracy: number;
  /** Of the positive class (code 1). */
  precision: number;
  /** Of the positive class: the true-positive rate, the ROC curve's y. */
  recall: number;
  f1: number;
  /** Share of negative rows called positive: the ROC curve's x; NaN when no row is negative. */
  falsePositiveRate: number;
}

/**
 * The confusion matrix and label metrics of a binary task at `threshold`, from class codes `y`
 * and probabilities rows × 2 row-major. InvalidParamsError (field `threshold`) outside [0, 1], from decide.
 */
export function thresholdScores(y: ArrayLike<number>, proba: Float64Array, threshold: number): ThresholdScores {
  const predicted = decide(proba, 2, threshold);
  const confusion = confusionMatrix(y, predicted, 2);
  const s = classScores(confusion);
  const [[tn, fp], [fn, tp]] = confusion;
  return {
    threshold,
    confusion,
    accuracy: (tn + tp) / (tn + fp + fn + tp),
    balancedAccuracy: balancedAccuracy(confusion),
    precision: s.precision[1],
    recall: s.recall[1],
    f1: s.f1[1],
    falsePositiveRate: tn + fp > 0 ? fp / (tn + fp) : NaN,
  };
}

/** Each row of a confusion matrix as shares of its row's total (what share of each true class went where); 0 for an empty row. */
export function rowShares(confusion: number[][]): number[][] {
  return confusion.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (total > 0 ? v / total : 0));
  });
}
