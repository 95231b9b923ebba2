/**
 * Prediction intervals by conformal regression. The flow of this folder:
 *
 *   training.ts      where the calibration rows come from: a held-out part of the training rows
 *                    refitted without it (hold-out, test file), or k-fold's out-of-fold errors;
 *   calibration.ts   errors → sorted nonconformity scores (plain, or normalised by σ̂), intervals
 *                    at any coverage, their empirical coverage and width;
 *   residual-scale.ts σ̂: the residual model of normalised intervals (which one, and why);
 *   quantile.ts      the conformal quantile and the fewest scores a coverage needs;
 *   bundle-form.ts   the calibration in a bundle's optional `intervals` field, validated on load.
 *
 * runTraining (pipeline/train.ts) calibrates each candidate; bundles carry it; prediction turns
 * it into `prediction_lower` / `prediction_upper` at the stored coverage or any other.
 */
export { calibrate, intervalCoverage, intervalHalfWidths, intervalSummary, predictIntervals, scoreIntervals, outOfFoldEvaluation, MIN_NORMALIZED_ROWS } from './calibration';
export type { CalibrationMethod, ConformalCalibration, IntervalEvaluation, Intervals, IntervalSummary } from './calibration';
export { checkCoverage, conformalQuantile, conformalRank, minimumScores } from './quantile';
export { RESIDUAL_MODEL_PARAMS, residualScale, type ResidualScale } from './residual-scale';
export { decodeCalibration, encodeCalibration, type EncodedCalibration } from './bundle-form';
export {
  CALIBRATION_SHARE,
  DEFAULT_COVERAGE,
  MAX_CALIBRATION_ROWS,
  calibrationPart,
  crossCalibration,
  intervalPlan,
  splitCalibration,
  tooFewForCrossCalibration,
  type IntervalPlan,
  type IntervalRequest,
} from './training';
