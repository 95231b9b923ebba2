/**
 * Classification metrics with scikit-learn's definitions (sklearn.metrics 1.9), over class codes
 * 0..K−1 and probabilities rows × K row-major (the Classifier contract's `predictProba`).
 * Regression metrics live in ../metrics.ts; curves for the screens in ./curves.ts.
 *
 * - precision / recall / F1 of a binary task are those of the positive class, code 1; of a
 *   multiclass task, the macro averages (sklearn has no "binary" average there).
 * - Macro averages run over the classes present in y or in the predictions, as sklearn's default
 *   `labels`; a class in neither does not count. Undefined ratios are 0 (zero_division=0).
 * - Balanced accuracy: the mean recall over the classes present in y.
 * - ROC AUC: binary on the positive class; multiclass one-vs-rest, macro. NaN when a class of
 *   0..K−1 is missing from y (sklearn warns and returns NaN too).
 * - Log loss: probabilities clipped to [eps, 1 − eps], eps = float64 machine epsilon (sklearn 1.5+);
 *   rows are not renormalised.
 * - Brier score: binary, the mean squared error of the positive class's probability; multiclass,
 *   sklearn 1.7+'s `brier_score_loss`: the mean over rows of Σ_k (1[y = k] − p_k)², not halved.
 */
import { InvalidInputError, InvalidParamsError } from '../errors';
import { argmaxRows } from '../models/classifier';
import { binaryRocAuc, columnOf, oneVsRest } from './curves';

/** numpy's float64 machine epsilon: log loss clips probabilities to [eps, 1 − eps]. */
export const LOG_LOSS_EPS = 2.220446049250313e-16;

export interface ClassificationMetrics {
  accuracy: number;
  balancedAccuracy: number;
  /** Binary: of the positive class (code 1). Multiclass: macro average. */
  precision: number;
  /** Binary: of the positive class (code 1). Multiclass: macro average. */
  recall: number;
  /** Binary: of the positive class (code 1). Multiclass: macro average. */
  f1: number;
  f1Macro: number;
  f1Weighted: number;
  /** Binary, or one-vs-rest macro; NaN when y lacks a class. */
  rocAuc: number;
  logLoss: number;
  brier: number;
}

type Codes = ArrayLike<number>;

/**
 * Checks k ≥ 2 (InvalidParamsError, field classCount) and that every code is a whole number in
 * 0..k−1 (InvalidInputError naming the first bad row and `field`).
 */
export function checkClassCodes(y: Codes, k: number, field = 'y'): void {
  if (!(Number.isInteger(k) && k >= 2))
    throw new InvalidParamsError('bad-class-count', `The number of classes must be a whole number of at least 2; got ${k}.`, { field: 'classCount' });
  for (let i = 0; i < y.length; i++) {
    const c = y[i];
    if (!(Number.isInteger(c) && c >= 0 && c < k))
      throw new InvalidInputError('bad-class-code', `Row ${i + 1} has class code ${c}; classes must be coded 0..${k - 1}.`, { row: i + 1, field });
  }
}

function checkCodes(y: Codes, k: number, field: string): void {
  if (y.length === 0) throw new InvalidInputError('empty-input', 'Cannot score zero rows.');
  checkClassCodes(y, k, field);
}

function checkSameLength(a: Codes, b: Codes, what: string): void {
  if (a.length !== b.length)
    throw new InvalidInputError('shape', `The targets have ${a.length} values but the ${what} ${b.length}.`);
}

/** Checks rows × K probabilities against n targets: the shape, and every value in [0, 1]. */
function checkProba(y: Codes, proba: ArrayLike<number>, k: number): void {
  checkCodes(y, k, 'y');
  if (proba.length !== y.length * k)
    throw new InvalidInputError('shape', `${y.length} rows of ${k} classes need ${y.length * k} probabilities; got ${proba.length}.`);
  for (let j = 0; j < proba.length; j++) {
    const p = proba[j];
    if (!(p >= 0 && p <= 1))
      throw new InvalidInputError('bad-probability', `Row ${Math.floor(j / k) + 1} has probability ${p} for class ${j % k}; probabilities lie in [0, 1].`, {
        row: Math.floor(j / k) + 1,
        field: 'proba',
      });
  }
}

/**
 * The K × K confusion matrix: `counts[t][p]` rows whose true class is t were predicted p
 * (sklearn's orientation: rows true, columns predicted).
 */
export function confusionMatrix(y: Codes, predicted: Codes, k: number): number[][] {
  checkSameLength(y, predicted, 'predictions');
  checkCodes(y, k, 'y');
  checkCodes(predicted, k, 'predicted');
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < y.length; i++) m[y[i]][predicted[i]]++;
  return m;
}

export function accuracy(y: Codes, predicted: Codes): number {
  checkSameLength(y, predicted, 'predictions');
  if (y.length === 0) throw new InvalidInputError('empty-input', 'Cannot score zero rows.');
  let hits = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === predicted[i]) hits++;
  return hits / y.length;
}

/** Per class k: precision, recall, F1 and support (true count), read off a confusion matrix. */
export interface ClassScores {
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
  /** Whether class k occurs in y or in the predictions (sklearn's default `labels`). */
  present: boolean[];
}

export function classScores(confusion: number[][]): ClassScores {
  const k = confusion.length;
  const out: ClassScores = { precision: [], recall: [], f1: [], support: [], present: [] };
  for (let c = 0; c < k; c++) {
    const tp = confusion[c][c];
    let trueCount = 0;
    let predictedCount = 0;
    for (let j = 0; j < k; j++) {
      trueCount += confusion[c][j];
      predictedCount += confusion[j][c];
    }
    const fp = predictedCount - tp;
    const fn = trueCount - tp;
    out.precision.push(predictedCount > 0 ? tp / predictedCount : 0);
    out.recall.push(trueCount > 0 ? tp / trueCount : 0);
    // sklearn's F-beta from counts, (1 + β²)·tp / ((1 + β²)·tp + β²·fn + fp), not from P and R.
    const denom = 2 * tp + fn + fp;
    out.f1.push(denom > 0 ? (2 * tp) / denom : 0);
    out.support.push(trueCount);
    out.present.push(trueCount > 0 || predictedCount > 0);
  }
  return out;
}

/** Mean of `values` over the present classes (macro average). */
function macro(values: number[], present: boolean[]): number {
  let s = 0;
  let n = 0;
  for (let c = 0; c < values.length; c++) {
    if (!present[c]) continue;
    s += values[c];
    n++;
  }
  return s / n;
}

/** Mean of `values` weighted by each class's support (weighted average). */
function weighted(values: number[], support: number[]): number {
  let s = 0;
  let n = 0;
  for (let c = 0; c < values.length; c++) {
    s += values[c] * support[c];
    n += support[c];
  }
  return s / n;
}

/** Mean recall over the classes present in y (sklearn's balanced_accuracy_score, adjusted=False). */
export function balancedAccuracy(confusion: number[][]): number {
  const s = classScores(confusion);
  let sum = 0;
  let n = 0;
  for (let c = 0; c < confusion.length; c++) {
    if (s.support[c] === 0) continue;
    sum += s.recall[c];
    n++;
  }
  return sum / n;
}

/** Averages of a confusion matrix's per-class scores, as sklearn's precision/recall/f1 `average=`. */
export interface AveragedScores {
  precisionMacro: number;
  recallMacro: number;
  f1Macro: number;
  f1Weighted: number;
}

export function averagedScores(confusion: number[][]): AveragedScores {
  const s = classScores(confusion);
  return {
    precisionMacro: macro(s.precision, s.present),
    recallMacro: macro(s.recall, s.present),
    f1Macro: macro(s.f1, s.present),
    f1Weighted: weighted(s.f1, s.support),
  };
}

/** Mean cross-entropy of the true class's probability, clipped to [eps, 1 − eps] (sklearn 1.5+). */
export function logLoss(y: Codes, proba: ArrayLike<number>, k: number): number {
  checkProba(y, proba, k);
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const p = Math.min(Math.max(proba[i * k + y[i]], LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    s -= Math.log(p);
  }
  return s / y.length;
}

/** Binary: mean (1[y = 1] − p₁)². Multiclass: mean over rows of Σ_k (1[y = k] − p_k)² (sklearn 1.7+). */
export function brierScore(y: Codes, proba: ArrayLike<number>, k: number): number {
  checkProba(y, proba, k);
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    if (k === 2) {
      s += ((y[i] === 1 ? 1 : 0) - proba[i * 2 + 1]) ** 2;
      continue;
    }
    for (let c = 0; c < k; c++) s += ((y[i] === c ? 1 : 0) - proba[i * k + c]) ** 2;
  }
  return s / y.length;
}

/** Binary: the ROC AUC of the positive class's probability. Multiclass: one-vs-rest, macro; NaN if y lacks a class. */
export function rocAuc(y: Codes, proba: ArrayLike<number>, k: number): number {
  checkProba(y, proba, k);
  if (k === 2) return binaryRocAuc(oneVsRest(y, 1), columnOf(proba, k, 1));
  let s = 0;
  for (let c = 0; c < k; c++) s += binaryRocAuc(oneVsRest(y, c), columnOf(proba, k, c));
  return s / k;
}

/**
 * Class codes from probabilities: the argmax of each row (ties: the lowest code), or for a binary
 * task with a decision `threshold`, class 1 where p₁ ≥ threshold (sklearn's FixedThresholdClassifier).
 */
export function decide(proba: Float64Array, k: number, threshold?: number): Float64Array {
  if (threshold !== undefined) {
    const rows = proba.length / k;
    const out = new Float64Array(rows);
    if (k !== 2) throw new InvalidParamsError('invalid-param', `A decision threshold applies to two classes, not ${k}.`, { field: 'threshold' });
    if (!(threshold >= 0 && threshold <= 1))
      throw new InvalidParamsError('invalid-param', `The decision threshold must lie in [0, 1]; got ${threshold}.`, { field: 'threshold' });
    for (let i = 0; i < rows; i++) out[i] = proba[i * 2 + 1] >= threshold ? 1 : 0;
    return out;
  }
  return argmaxRows(proba, k);
}

/**
 * Every metric of the record from the targets and the probabilities; the predicted classes are
 * `decide(proba, k, threshold)`.
 */
export function classificationMetrics(y: Codes, proba: Float64Array, k: number, options: { threshold?: number } = {}): ClassificationMetrics {
  checkProba(y, proba, k);
  const predicted = decide(proba, k, options.threshold);
  const confusion = confusionMatrix(y, predicted, k);
  const avg = averagedScores(confusion);
  const s = classScores(confusion);
  const binary = k === 2;
  return {
    accuracy: accuracy(y, predicted),
    balancedAccuracy: balancedAccuracy(confusion),
    precision: binary ? s.precision[1] : avg.precisionMacro,
    recall: binary ? s.recall[1] : avg.recallMacro,
    f1: binary ? s.f1[1] : avg.f1Macro,
    f1Macro: avg.f1Macro,
    f1Weighted: avg.f1Weighted,
    rocAuc: rocAuc(y, proba, k),
    logLoss: logLoss(y, proba, k),
    brier: brierScore(y, proba, k),
  };
}
