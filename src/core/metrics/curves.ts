/**
 * Curves of one class's scores against whether each row is that class, as scikit-learn draws
 * them (sklearn.metrics.roc_curve, precision_recall_curve, sklearn.calibration.calibration_curve),
 * for the Train screen and for ROC AUC.
 *
 * Every curve starts from the confusion counts at each distinct score, highest first (sklearn's
 * `confusion_matrix_at_thresholds`): rows with tied scores enter together, so ties give one
 * diagonal step, never an order-dependent staircase.
 */
import { InvalidInputError, InvalidParamsError } from '../errors';

/** 1 where y is class `c`, else 0. */
export function oneVsRest(y: ArrayLike<number>, c: number): Uint8Array {
  const out = new Uint8Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = y[i] === c ? 1 : 0;
  return out;
}

/** Column `c` of a rows × k row-major matrix. */
export function columnOf(values: ArrayLike<number>, k: number, c: number): Float64Array {
  const rows = values.length / k;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) out[i] = values[i * k + c];
  return out;
}

/** Cumulative true and false positives at each distinct score, from the highest down. */
interface ThresholdCounts {
  tps: Float64Array;
  fps: Float64Array;
  thresholds: Float64Array;
}

function countsAtThresholds(positive: ArrayLike<number>, score: ArrayLike<number>): ThresholdCounts {
  const n = positive.length;
  if (score.length !== n) throw new InvalidInputError('shape', `The targets have ${n} values but the scores ${score.length}.`);
  if (n === 0) throw new InvalidInputError('empty-input', 'Cannot draw a curve from zero rows.');
  let np = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(score[i])) throw new InvalidInputError('bad-score', `Row ${i + 1} has score ${score[i]}; scores must be finite numbers.`, { row: i + 1 });
    if (positive[i]) np++;
  }
  // The positives' and the negatives' scores sorted apart (the typed arrays' native numeric sort,
  // several times faster than ordering row indices with a comparator), then walked together from
  // the highest score down: each distinct score closes one threshold with every row that has it.
  const pos = new Float64Array(np);
  const neg = new Float64Array(n - np);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (positive[i]) pos[a++] = score[i];
    else neg[b++] = score[i];
  }
  pos.sort();
  neg.sort();
  const tps = new Float64Array(n);
  const fps = new Float64Array(n);
  const thresholds = new Float64Array(n);
  let i = np - 1;
  let j = n - np - 1;
  let tp = 0;
  let fp = 0;
  let m = 0;
  while (i >= 0 || j >= 0) {
    const s = i < 0 ? neg[j] : j < 0 ? pos[i] : Math.max(pos[i], neg[j]);
    while (i >= 0 && pos[i] === s) (tp++, i--);
    while (j >= 0 && neg[j] === s) (fp++, j--);
    tps[m] = tp;
    fps[m] = fp;
    thresholds[m++] = s;
  }
  return { tps: tps.slice(0, m), fps: fps.slice(0, m), thresholds: thresholds.slice(0, m) };
}

export interface RocCurve {
  /** False-positive rates, from 0 up to 1; NaN throughout when no row is negative. */
  fpr: Float64Array;
  /** True-positive rates; NaN throughout when no row is positive. */
  tpr: Float64Array;
  /** Score at or above which a row is called positive; the first is +∞ (the point (0, 0)). */
  thresholds: Float64Array;
}

/** sklearn's roc_curve (drop_intermediate=True: points collinear with their neighbours are left out). */
export function rocCurve(positive: ArrayLike<number>, score: ArrayLike<number>): RocCurve {
  return rocFromCounts(countsAtThresholds(positive, score));
}

function rocFromCounts({ tps, fps, thresholds }: ThresholdCounts): RocCurve {
  const n = tps.length;
  // Positions kept (drop_intermediate): the ends and every corner, where the slope changes.
  const keep = new Uint32Array(n);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const end = i === 0 || i === n - 1 || n <= 2;
    if (end || fps[i + 1] - 2 * fps[i] + fps[i - 1] !== 0 || tps[i + 1] - 2 * tps[i] + tps[i - 1] !== 0) keep[kept++] = i;
  }
  const m = kept + 1;
  const fpr = new Float64Array(m);
  const tpr = new Float64Array(m);
  const thr = new Float64Array(m);
  const negatives = fps[n - 1];
  const positives = tps[n - 1];
  thr[0] = Infinity;
  fpr[0] = negatives > 0 ? 0 : NaN;
  tpr[0] = positives > 0 ? 0 : NaN;
  for (let r = 1; r < m; r++) {
    const i = keep[r - 1];
    fpr[r] = negatives > 0 ? fps[i] / negatives : NaN;
    tpr[r] = positives > 0 ? tps[i] / positives : NaN;
    thr[r] = thresholds[i];
  }
  return { fpr, tpr, thresholds: thr };
}

/** Trapezoidal area under the points (x, y), x non-decreasing (sklearn's auc). */
export function trapezoidArea(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 1; i < x.length; i++) s += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return s;
}

/** The area under the ROC curve; NaN when every row is of one kind (sklearn warns and gives NaN). */
export function binaryRocAuc(positive: ArrayLike<number>, score: ArrayLike<number>): number {
  return rocArea(rocCurve(positive, score));
}

/** The area under a ROC curve; NaN when its rates are undefined (every row of one kind). */
export function rocArea({ fpr, tpr }: RocCurve): number {
  if (Number.isNaN(fpr[0]) || Number.isNaN(tpr[0])) return NaN;
  return trapezoidArea(fpr, tpr);
}

export interface PrecisionRecallCurve {
  /** Precision at each threshold, by decreasing recall; the last point is (recall 0, precision 1). */
  precision: Float64Array;
  recall: Float64Array;
  /** Increasing; one fewer than the points (the last point has none). */
  thresholds: Float64Array;
}

/** sklearn's precision_recall_curve (drop_intermediate=False). */
export function precisionRecallCurve(positive: ArrayLike<number>, score: ArrayLike<number>): PrecisionRecallCurve {
  return prFromCounts(countsAtThresholds(positive, score));
}

function prFromCounts({ tps, fps, thresholds }: ThresholdCounts): PrecisionRecallCurve {
  const m = tps.length;
  const positives = tps[m - 1];
  const precision = new Float64Array(m + 1);
  const recall = new Float64Array(m + 1);
  const thr = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const i = m - 1 - j; // reversed: recall decreasing
    const called = tps[i] + fps[i];
    precision[j] = called > 0 ? tps[i] / called : 0;
    // No positive row: sklearn sets recall to 1 at every threshold.
    recall[j] = positives > 0 ? tps[i] / positives : 1;
    thr[j] = thresholds[i];
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds: thr };
}

/** sklearn's average_precision_score: Σ (R_n − R_{n−1}) P_n over the precision–recall curve. */
export function averagePrecision(positive: ArrayLike<number>, score: ArrayLike<number>): number {
  return averagePrecisionOf(precisionRecallCurve(positive, score));
}

/** Average precision read off a precision–recall curve (recall decreasing, as precisionRecallCurve gives it). */
export function averagePrecisionOf({ precision, recall }: PrecisionRecallCurve): number {
  let s = 0;
  for (let i = 0; i < recall.length - 1; i++) s -= (recall[i + 1] - recall[i]) * precision[i];
  return s;
}

/** One class's curves against the rest, for the Train screen's ROC and precision–recall charts. */
export interface ClassCurves {
  /** The class code (binary: 1, the positive class). */
  classCode: number;
  /** Rows of this class. */
  positives: number;
  roc: RocCurve;
  /** ROC AUC; NaN when every row is of one kind. */
  auc: number;
  pr: PrecisionRecallCurve;
  averagePrecision: number;
}

/**
 * ROC and precision–recall curves of each class against the rest (sklearn's one-vs-rest, as
 * roc_auc_score(multi_class='ovr') scores them) from rows × K probabilities; a binary task has
 * one entry, of the positive class (code 1). Each class's scores are sorted once for both curves.
 */
export function oneVsRestCurves(y: ArrayLike<number>, proba: ArrayLike<number>, k: number): ClassCurves[] {
  if (!(Number.isInteger(k) && k >= 2)) throw new InvalidParamsError('bad-class-count', `The number of classes must be a whole number of at least 2; got ${k}.`, { field: 'classCount' });
  if (proba.length !== y.length * k) throw new InvalidInputError('shape', `${y.length} rows of ${k} classes need ${y.length * k} probabilities; got ${proba.length}.`);
  const codes = k === 2 ? [1] : Array.from({ length: k }, (_, c) => c);
  return codes.map((c) => {
    const positive = oneVsRest(y, c);
    const counts = countsAtThresholds(positive, columnOf(proba, k, c));
    const roc = rocFromCounts(counts);
    const pr = prFromCounts(counts);
    return { classCode: c, positives: counts.tps[counts.tps.length - 1], roc, auc: rocArea(roc), pr, averagePrecision: averagePrecisionOf(pr) };
  });
}

export interface ReliabilityBin {
  /** Bin edges in [0, 1]: the bin holds scores in (lower, upper], the first also 0. */
  lower: number;
  upper: number;
  count: number;
  /** Mean score of the bin's rows (the x of a reliability diagram). */
  meanPredicted: number;
  /** Share of the bin's rows that are positive (the y). */
  fractionPositive: number;
}

/**
 * The non-empty bins of a reliability diagram with `bins` equal-width bins, as sklearn's
 * calibration_curve(strategy='uniform'): a score on an inner edge falls in the lower bin.
 */
export function reliabilityBins(positive: ArrayLike<number>, score: ArrayLike<number>, bins = 10): ReliabilityBin[] {
  if (!(Number.isInteger(bins) && bins >= 1)) throw new InvalidParamsError('invalid-param', `The number of bins must be a whole number of at least 1; got ${bins}.`, { field: 'bins' });
  if (score.length !== positive.length) throw new InvalidInputError('shape', `The targets have ${positive.length} values but the scores ${score.length}.`);
  // numpy's linspace(0, 1, bins + 1): i · (1 / bins), the last edge exactly 1.
  const step = 1 / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? 1 : i * step));
  const sums = new Float64Array(bins);
  const hits = new Float64Array(bins);
  const counts = new Float64Array(bins);
  for (let i = 0; i < score.length; i++) {
    const p = score[i];
    if (!(p >= 0 && p <= 1)) throw new InvalidInputError('bad-probability', `Row ${i + 1} has probability ${p}; probabilities lie in [0, 1].`, { row: i + 1 });
    let b = Math.min(bins - 1, Math.floor(p * bins));
    // Settle on numpy's searchsorted(edges[1:-1], p, side='left'): the number of inner edges below p.
    while (b > 0 && p <= edges[b]) b--;
    while (b < bins - 1 && p > edges[b + 1]) b++;
    sums[b] += p;
    hits[b] += positive[i] ? 1 : 0;
    counts[b]++;
  }
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    if (counts[b] === 0) continue;
    out.push({ lower: edges[b], upper: edges[b + 1], count: counts[b], meanPredicted: sums[b] / counts[b], fractionPositive: hits[b] / counts[b] });
  }
  return out;
}
