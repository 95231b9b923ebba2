/**
 * Calibration: from a model's errors on rows it was not fitted on, the sorted nonconformity
 * scores that turn any later prediction into an interval at any coverage.
 *
 * score = |actual − predicted|                 (plain: the same width everywhere)
 * score = |actual − predicted| / σ̂(x)          (normalised: σ̂ fitted on one half of the rows,
 *                                               the scores taken on the other half)
 */
import { permutation, Rng } from '../random';
import type { Matrix } from '../models/types';
import { InvalidParamsError } from '../errors';
import { checkCoverage, conformalQuantile, conformalRank, minimumScores } from './quantile';
import { fitResidualScale, residualScale, type ResidualScale } from './residual-scale';
import { takeMatrixRows, takeValues } from './rows';

/** Below this many calibration rows, intervals are not normalised: each half would be too small to fit σ̂ and to rank scores. */
export const MIN_NORMALIZED_ROWS = 200;

/**
 * How the calibration rows were obtained:
 * - `split`: a seeded part of the training rows held out of a second fit of the same model
 *   (hold-out and test-file splits);
 * - `cv`: the out-of-fold predictions of k-fold cross-validation (every training row).
 */
export type CalibrationMethod = 'split' | 'cv';

/** How well intervals did on rows apart from the calibration. */
export interface IntervalEvaluation {
  /** `test`: the test part; `out-of-fold`: each fold's score rows with the other folds' scores. */
  kind: 'test' | 'out-of-fold';
  coverage: number;
  /** Share of those rows whose actual value lies inside their interval. */
  empiricalCoverage: number;
  meanWidth: number;
  rows: number;
}

export interface ConformalCalibration {
  method: CalibrationMethod;
  /** The coverage intervals are given at unless another is asked for. */
  coverage: number;
  /** Nonconformity scores, ascending. */
  scores: Float64Array;
  /** Rows the errors were measured on (scores plus, when normalised, the rows σ̂ was fitted on). */
  calibrationRows: number;
  /** σ̂ when the intervals are normalised. */
  scale?: ResidualScale;
  evaluation?: IntervalEvaluation;
}

export interface CalibrationInput {
  method: CalibrationMethod;
  coverage: number;
  normalized: boolean;
  /** Features of the calibration rows, as the shipped model sees them. */
  X: Matrix;
  actual: Float64Array;
  predicted: Float64Array;
  seed: number;
  signal?: AbortSignalLike;
}

export interface Calibrated {
  calibration: ConformalCalibration;
  /** Which input rows gave the scores, and each one's score in that order (for out-of-fold evaluation). */
  scoreRows: Uint32Array;
  rowScores: Float64Array;
}

export async function calibrate(input: CalibrationInput): Promise<Calibrated> {
  const n = input.actual.length;
  const absResidual = Float64Array.from(input.actual, (a, i) => Math.abs(a - input.predicted[i]));
  let scale: ResidualScale | undefined;
  let scoreRows: Uint32Array = Uint32Array.from({ length: n }, (_, i) => i);
  let rowScores = absResidual;
  if (input.normalized && n >= MIN_NORMALIZED_ROWS && absResidual.some((r) => r > 0)) {
    const order = permutation(n, new Rng(input.seed ^ 0x5eed));
    const fitRows = order.slice(0, n >> 1).sort();
    scoreRows = order.slice(n >> 1).sort();
    scale = await fitResidualScale(takeMatrixRows(input.X, fitRows), takeValues(absResidual, fitRows), input.seed, input.signal);
    const sigma = residualScale(scale, takeMatrixRows(input.X, scoreRows));
    rowScores = Float64Array.from(scoreRows, (r, i) => absResidual[r] / sigma[i]);
  }
  const scores = Float64Array.from(rowScores).sort();
  return { calibration: { method: input.method, coverage: input.coverage, scores, calibrationRows: n, ...(scale ? { scale } : {}) }, scoreRows, rowScores };
}

export interface Intervals {
  lower: Float64Array;
  upper: Float64Array;
  coverage: number;
}

/** Half the interval width for each row of X at `coverage` (Infinity where there are too few scores for it). */
export function intervalHalfWidths(c: ConformalCalibration, X: Matrix, coverage = c.coverage): Float64Array {
  const q = conformalQuantile(c.scores, coverage);
  if (!c.scale) return new Float64Array(X.rows).fill(q);
  const sigma = residualScale(c.scale, X);
  for (let i = 0; i < sigma.length; i++) sigma[i] *= q;
  return sigma;
}

/** Intervals around `predicted` (rows of X) at `coverage` (default: the calibration's). */
export function predictIntervals(c: ConformalCalibration, X: Matrix, predicted: Float64Array, coverage = c.coverage): Intervals {
  const half = intervalHalfWidths(c, X, coverage);
  const lower = Float64Array.from(predicted, (p, i) => p - half[i]);
  const upper = Float64Array.from(predicted, (p, i) => p + half[i]);
  return { lower, upper, coverage };
}

/**
 * The coverage to predict intervals at: `requested`, or the one the model was calibrated at.
 * Refused, in words, when the model has no calibration or too few scores for the coverage.
 */
export function intervalCoverage(c: ConformalCalibration | undefined, requested?: number, field = 'interval'): number {
  if (!c)
    throw new InvalidParamsError(
      'no-intervals',
      'This model has no prediction intervals: its bundle was made before Loupe computed them, or its training data was too small to calibrate them. Train it again to get intervals.',
      { field },
    );
  return reachableCoverage(c.scores.length, c.coverage, requested, 'intervals', field);
}

/**
 * `requested` (or, when none is asked, the stored coverage) checked against the n calibration
 * scores a model keeps: refused, in words, when n is too few for a finite quantile. `what` names
 * what is asked for ('intervals', 'prediction sets').
 */
export function reachableCoverage(n: number, stored: number, requested: number | undefined, what: string, field: string): number {
  if (requested === undefined) return stored;
  checkCoverage(requested, field);
  if (conformalRank(n, requested) > n) {
    const most = n / (n + 1);
    throw new InvalidParamsError(
      'coverage-unreachable',
      `${percent(requested)} ${what} need at least ${minimumScores(requested)} calibration scores; this model has ${n}, enough for at most ${percent(Math.floor(most * 1000) / 1000)}.`,
      { field },
    );
  }
  return requested;
}

export function percent(share: number): string {
  return `${Number((share * 100).toPrecision(4))} %`;
}

/** Share of rows inside their interval, and the mean width. */
export function scoreIntervals(kind: IntervalEvaluation['kind'], actual: Float64Array, iv: Intervals): IntervalEvaluation {
  let inside = 0;
  let width = 0;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] >= iv.lower[i] && actual[i] <= iv.upper[i]) inside++;
    width += iv.upper[i] - iv.lower[i];
  }
  return { kind, coverage: iv.coverage, empiricalCoverage: inside / actual.length, meanWidth: width / actual.length, rows: actual.length };
}

/**
 * k-fold has no test part the calibration did not see, so coverage is estimated the way CV+
 * is argued (Barber et al. 2021): each fold's score rows get the quantile of the OTHER folds'
 * scores, so no row's own error sets its interval.
 */
export function outOfFoldEvaluation(cal: Calibrated, X: Matrix, foldOf: ArrayLike<number>): IntervalEvaluation {
  const { calibration, scoreRows, rowScores } = cal;
  let folds = 0;
  for (const r of scoreRows) folds = Math.max(folds, foldOf[r] + 1);
  const sigma = calibration.scale ? residualScale(calibration.scale, takeMatrixRows(X, scoreRows)) : undefined;
  let inside = 0;
  let width = 0;
  for (let k = 0; k < folds; k++) {
    const others = Float64Array.from(rowScores.filter((_, i) => foldOf[scoreRows[i]] !== k)).sort();
    const q = conformalQuantile(others, calibration.coverage);
    for (let i = 0; i < scoreRows.length; i++) {
      if (foldOf[scoreRows[i]] !== k) continue;
      if (rowScores[i] <= q) inside++;
      width += 2 * q * (sigma ? sigma[i] : 1);
    }
  }
  return { kind: 'out-of-fold', coverage: calibration.coverage, empiricalCoverage: inside / scoreRows.length, meanWidth: width / scoreRows.length, rows: scoreRows.length };
}

/** What a person is told about a model's intervals (no scores, no residual model): for screens, reports and worker messages. */
export interface IntervalSummary {
  method: CalibrationMethod;
  coverage: number;
  calibrationRows: number;
  /** Scores kept (the calibration rows, or half of them when normalised). */
  scores: number;
  normalized: boolean;
  evaluation?: IntervalEvaluation;
}

export function intervalSummary(c: ConformalCalibration): IntervalSummary {
  return {
    method: c.method,
    coverage: c.coverage,
    calibrationRows: c.calibrationRows,
    scores: c.scores.length,
    normalized: c.scale !== undefined,
    ...(c.evaluation ? { evaluation: { ...c.evaluation } } : {}),
  };
}
