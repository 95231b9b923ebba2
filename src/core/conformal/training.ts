/**
 * Intervals in the training run: where the calibration rows come from for each kind of split.
 * `runTraining` calls these per candidate; the result travels in the candidate's bundle.
 *
 * - Hold-out / test file: a seeded 20 % of the training rows (at most 20,000) is held out of a
 *   second fit of the same model with the same params; its errors there are the calibration.
 *   The shipped model is still the one fitted on every training row, so its metrics do not
 *   change; its errors are, if anything, a little smaller than the calibration model's, which
 *   makes its intervals slightly conservative. The test part then measures the coverage.
 * - k-fold: the out-of-fold errors (every row, at most 20,000 of them seeded) calibrate the
 *   model refitted on all rows — no extra fit. See `outOfFoldEvaluation` for the coverage.
 */
import { InvalidParamsError } from '../errors';
import type { Matrix } from '../models/types';
import { permutation, Rng } from '../random';
import { calibrate, outOfFoldEvaluation, percent, predictIntervals, scoreIntervals, type ConformalCalibration } from './calibration';
import { checkCoverage, minimumScores } from './quantile';
import { takeMatrixRows, takeValues } from './rows';
import type { SetScore } from './sets';

export const DEFAULT_COVERAGE = 0.9;
/** Share of the training rows held out for calibration (hold-out and test-file splits). */
export const CALIBRATION_SHARE = 0.2;
/** Most calibration rows: beyond this the quantile hardly moves, and the scores travel in the bundle. */
export const MAX_CALIBRATION_ROWS = 20_000;

/** What a training request asks of intervals. */
export interface IntervalRequest {
  /** Default coverage stored in the bundle (0 < c < 1; default 0.9). */
  coverage?: number;
  /** Normalise by a residual model so intervals widen where the model is less sure (default true). */
  normalized?: boolean;
  /** Classifiers' prediction sets: the nonconformity score, 'lac' (1 − p of the class; default) or 'aps' (sets.ts). */
  setScore?: SetScore;
}

export interface IntervalPlan {
  coverage: number;
  normalized: boolean;
  setScore: SetScore;
}

export function intervalPlan(req: IntervalRequest | false | undefined): IntervalPlan | null {
  if (req === false) return null;
  const coverage = checkCoverage(req?.coverage ?? DEFAULT_COVERAGE, 'intervals.coverage');
  if (req?.normalized !== undefined && typeof req.normalized !== 'boolean')
    throw new InvalidParamsError('bad-intervals', 'intervals.normalized must be true or false.', { field: 'intervals.normalized' });
  const setScore = req?.setScore ?? 'lac';
  if (setScore !== 'lac' && setScore !== 'aps')
    throw new InvalidParamsError('bad-intervals', `intervals.setScore is 'lac' or 'aps'; got ${JSON.stringify(setScore)}.`, { field: 'intervals.setScore' });
  return { coverage, normalized: req?.normalized ?? true, setScore };
}

/**
 * The calibration part of `n` training rows (seeded): 20 % of them (at most 20,000), or on small
 * data the fewest the coverage needs, but never more than half; else why there is none.
 */
export function calibrationPart(n: number, seed: number, coverage: number, kind: 'intervals' | 'sets' = 'intervals'): { proper: Uint32Array; calibration: Uint32Array } | { reason: string } {
  const need = minimumScores(coverage);
  const m = Math.min(MAX_CALIBRATION_ROWS, Math.max(need, Math.round(CALIBRATION_SHARE * n)));
  if (n - m < m)
    return {
      reason: `No prediction ${kind}: ${percent(coverage)} ${kind === 'sets' ? 'prediction sets' : 'intervals'} need at least ${need} calibration rows set apart from at least as many training rows, and there are ${n} training rows.`,
    };
  const order = permutation(n, new Rng(seed ^ 0xca1b));
  return { calibration: order.slice(0, m).sort(), proper: order.slice(m).sort() };
}

export interface SplitCalibrationInput {
  plan: IntervalPlan;
  /** The calibration part of the training rows. */
  part: { proper: Uint32Array; calibration: Uint32Array };
  /** Training rows as the shipped model saw them: features, encoded target, target in its units. */
  train: { X: Matrix; y: Float64Array; yRaw: Float64Array };
  /** Fits the candidate's model (same params) on other rows and predicts in the target's units. */
  fitAndPredict: (fitX: Matrix, fitY: Float64Array, predictX: Matrix) => Promise<Float64Array>;
  /** The test part and the shipped model's predictions there, to measure coverage. */
  test: { X: Matrix; yRaw: Float64Array; predicted: Float64Array };
  seed: number;
  signal?: AbortSignalLike;
}

export async function splitCalibration(input: SplitCalibrationInput): Promise<ConformalCalibration> {
  const { part, train } = input;
  const calX = takeMatrixRows(train.X, part.calibration);
  const predicted = await input.fitAndPredict(takeMatrixRows(train.X, part.proper), takeValues(train.y, part.proper), calX);
  const { calibration } = await calibrate({
    method: 'split',
    coverage: input.plan.coverage,
    normalized: input.plan.normalized,
    X: calX,
    actual: takeValues(train.yRaw, part.calibration),
    predicted,
    seed: input.seed,
    signal: input.signal,
  });
  const iv = predictIntervals(calibration, input.test.X, input.test.predicted);
  return { ...calibration, evaluation: scoreIntervals('test', input.test.yRaw, iv) };
}

/** Why k-fold out-of-fold errors of `n` rows cannot calibrate intervals at `coverage`, or null when they can. */
export function tooFewForCrossCalibration(n: number, coverage: number, kind: 'intervals' | 'sets' = 'intervals'): string | null {
  const need = minimumScores(coverage);
  return n < need ? `No prediction ${kind}: ${percent(coverage)} ${kind === 'sets' ? 'prediction sets' : 'intervals'} need the ${kind === 'sets' ? 'scores' : 'errors'} of at least ${need} rows; there are ${n}.` : null;
}

export interface CrossCalibrationInput {
  plan: IntervalPlan;
  /** Every training row as the refitted model sees it. */
  X: Matrix;
  actual: Float64Array;
  /** Out-of-fold predictions, in the target's units. */
  predicted: Float64Array;
  /** The fold that left each row out. */
  foldOf: ArrayLike<number>;
  seed: number;
  signal?: AbortSignalLike;
}

/** The rows (ascending) of n out-of-fold rows that calibrate: all, or a seeded sample of MAX_CALIBRATION_ROWS. */
export function crossCalibrationRows(n: number, seed: number): Uint32Array {
  return n > MAX_CALIBRATION_ROWS ? permutation(n, new Rng(seed ^ 0xca1b)).slice(0, MAX_CALIBRATION_ROWS).sort() : Uint32Array.from({ length: n }, (_, i) => i);
}

export async function crossCalibration(input: CrossCalibrationInput): Promise<ConformalCalibration> {
  const rows = crossCalibrationRows(input.actual.length, input.seed);
  const X = takeMatrixRows(input.X, rows);
  const cal = await calibrate({
    method: 'cv',
    coverage: input.plan.coverage,
    normalized: input.plan.normalized,
    X,
    actual: takeValues(input.actual, rows),
    predicted: takeValues(input.predicted, rows),
    seed: input.seed,
    signal: input.signal,
  });
  const foldOf = Uint32Array.from(rows, (r) => input.foldOf[r]);
  return { ...cal.calibration, evaluation: outOfFoldEvaluation(cal, X, foldOf) };
}
