/**
 * Data drift: how far a batch of current data has moved from the reference data, column by
 * column, with the tests and defaults of Evidently's DataDriftPreset, the statistics computed as
 * scipy computes them (tests/core/drift reproduce ../shared/reference/drift-oracle.json).
 *
 * Per column, missing values (NaN, ±Infinity, no level) dropped first; n = the reference's
 * remaining values, "distinct" counted over both samples together:
 * - n ≤ 1000: numbers with > 5 distinct values → two-sample Kolmogorov–Smirnov p-value;
 *   otherwise 2 or fewer distinct values → two-proportion Z-test p-value, else chi-square p-value.
 *   Drift when p < threshold (default 0.05).
 * - n > 1000: numbers with > 5 distinct values → Wasserstein distance / max(std of reference, 0.001);
 *   otherwise Jensen–Shannon distance between the level shares. Drift when distance ≥ threshold
 *   (default 0.1).
 * - The dataset drifts when the share of drifting columns is ≥ 0.5.
 * Tests and thresholds can be set globally, per kind and per column (DriftConfig, types.ts).
 */
export { computeDrift } from './report';
export { renderDriftReportHtml, escapeHtml } from './html';
export type { DriftHtmlOptions } from './html';
export { validateDriftConfig } from './config';
export {
  ksTwoSample,
  wassersteinDistance,
  normedWasserstein,
  chiSquareTest,
  chiSquareDrift,
  zTestDrift,
  jensenShannonDistance,
  jensenShannonDrift,
  sharesWithoutZeros,
  meanAndStd,
} from './statistics';
export type { KsResult, TestResult } from './statistics';
export { kolmogorovSf, smirnovSf, ksTwoSampleExactSf } from './kolmogorov';
export { chiSquareSf, gammaP, gammaQ, logGamma, normalCdf, erf, erfc } from './special';
export { DRIFT_TESTS, DRIFT_DEFAULTS, defaultThreshold, isPValueTest } from './types';
export type { DriftConfig, DriftRule, DriftTestName, DriftReport, DriftColumnResult, DriftHistogram, DriftLevelCount } from './types';
