/**
 * The drift report and its settings. A report holds aggregates only (test results, histograms on
 * shared edges, counts per level) — never a row of either sample — so it can be stored, sent to
 * the page and exported as a self-contained file.
 */

/**
 * The column tests (Evidently's names):
 * - 'ks': two-sample Kolmogorov–Smirnov p-value (numeric columns);
 * - 'z': two-proportion Z-test p-value (at most two levels);
 * - 'chisquare': chi-square goodness-of-fit p-value of the current counts against the reference shares;
 * - 'wasserstein': Wasserstein distance divided by the reference's standard deviation (numeric columns);
 * - 'jensenshannon': Jensen–Shannon distance (natural log) between the level shares.
 */
export type DriftTestName = 'ks' | 'z' | 'chisquare' | 'wasserstein' | 'jensenshannon';

export const DRIFT_TESTS: readonly DriftTestName[] = ['ks', 'z', 'chisquare', 'wasserstein', 'jensenshannon'];

/** p-value tests drift when value < threshold; distance tests when value ≥ threshold. */
export function isPValueTest(test: DriftTestName): boolean {
  return test === 'ks' || test === 'z' || test === 'chisquare';
}

/** Evidently's default thresholds: 0.05 for p-values, 0.1 for distances. */
export function defaultThreshold(test: DriftTestName): number {
  return isPValueTest(test) ? 0.05 : 0.1;
}

/** A test and/or threshold; whatever is left out comes from the next, broader level. */
export interface DriftRule {
  test?: DriftTestName;
  threshold?: number;
}

/**
 * Settings of a drift report. Test and threshold are resolved separately for each column, the
 * first one set winning:
 *
 *   perColumn[name]  →  numeric / categorical (by the column's storage)  →  the top-level test / threshold
 *   →  Evidently's default (the test by reference size and distinct values; its default threshold).
 *
 * So setting one column's threshold changes neither its test nor any other column, and a global
 * threshold applies to every column whose own (or kind's) threshold is not set — whatever its
 * test, as in Evidently (a global 0.05 also becomes the distance threshold of Wasserstein columns).
 */
export interface DriftConfig extends DriftRule {
  /** Rule for columns stored as numbers (including numbers with at most five distinct values). */
  numeric?: DriftRule;
  /** Rule for columns stored as levels. */
  categorical?: DriftRule;
  /** Rules for single columns, by name. */
  perColumn?: Record<string, DriftRule>;
  /** Dataset drift when at least this share of the compared columns drift. Default 0.5. */
  driftShare?: number;
  /** Columns to compare, in this order. Default: every column of the reference. */
  columns?: readonly string[];
}

export const DRIFT_DEFAULTS = {
  driftShare: 0.5,
  /** At most this many non-missing reference values: p-value tests; more: distances. */
  smallReferenceMax: 1000,
  /** Numbers with at most this many distinct values (both samples together) are tested as levels. */
  maxDistinctAsLevels: 5,
} as const;

/** Reference and current histograms on the same edges (for numeric columns). */
export interface DriftHistogram {
  /** Bin edges ascending, length = bins + 1; bins are [e_i, e_i+1), the last one closed. */
  edges: number[];
  /** Non-missing reference values per bin. */
  reference: number[];
  /** Non-missing current values per bin. */
  current: number[];
}

/** Rows per level in each sample (for columns tested as levels). */
export interface DriftLevelCount {
  level: string;
  reference: number;
  current: number;
}

export interface DriftColumnResult {
  name: string;
  /**
   * How the column was tested: 'numeric' for numbers with more than five distinct values, else
   * 'categorical' (levels, or the few distinct numbers taken as levels).
   */
  kind: 'numeric' | 'categorical';
  test: DriftTestName;
  /** The p-value (ks, z, chisquare) or the distance (wasserstein, jensenshannon). */
  value: number;
  /** KS: the statistic D; chi-square: the chi-square statistic; Z-test: z. */
  statistic?: number;
  /** KS only: whether the p-value is exact or asymptotic (scipy's choice by sample size). */
  method?: 'exact' | 'asymptotic';
  threshold: number;
  drift: boolean;
  /** Non-missing values compared. */
  referenceCount: number;
  currentCount: number;
  /** Missing values (NaN, ±Infinity, or no level) left out before testing. */
  referenceMissing: number;
  currentMissing: number;
  /** For numeric columns: both distributions on shared bin edges. */
  histogram?: DriftHistogram;
  /** For categorical columns: counts per level, reference levels first, then levels new in the current data. */
  levels?: DriftLevelCount[];
}

export interface DriftReport {
  /** Rows in the current data (the batch). */
  rows: number;
  /** Rows in the reference data. */
  referenceRows: number;
  /** One result per compared column, in the order compared. */
  columns: DriftColumnResult[];
  /** Share of columns that drift. */
  driftShare: number;
  /** The share at which the dataset counts as drifting (DriftConfig.driftShare). */
  driftShareThreshold: number;
  datasetDrift: boolean;
}
