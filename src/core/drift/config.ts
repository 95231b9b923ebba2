/** Validation of DriftConfig and the per-column resolution of test and threshold (precedence in types.ts). */
import { InvalidParamsError } from '../errors';
import { DRIFT_DEFAULTS, DRIFT_TESTS, isPValueTest, type DriftConfig, type DriftRule, type DriftTestName } from './types';

/** Checks every field a person can set; throws InvalidParamsError naming the field (e.g. `perColumn.price.threshold`). */
export function validateDriftConfig(config: DriftConfig): void {
  checkRule(config, '');
  checkRule(config.numeric, 'numeric.');
  checkRule(config.categorical, 'categorical.');
  if (config.perColumn !== undefined) {
    if (typeof config.perColumn !== 'object' || config.perColumn === null)
      throw bad('perColumn', 'perColumn: must map column names to {test, threshold}.');
    for (const [name, rule] of Object.entries(config.perColumn)) checkRule(rule, `perColumn.${name}.`);
  }
  if (config.driftShare !== undefined) {
    const s = config.driftShare;
    if (typeof s !== 'number' || !(s > 0 && s <= 1))
      throw bad('driftShare', `driftShare: must be a share above 0 and at most 1 (0.5 = half the columns); got ${String(s)}.`);
  }
  if (config.columns !== undefined) {
    if (!Array.isArray(config.columns) || config.columns.some((c) => typeof c !== 'string'))
      throw bad('columns', 'columns: must be a list of column names.');
    const seen = new Set<string>();
    for (const c of config.columns) {
      if (seen.has(c)) throw bad('columns', `columns: "${c}" is listed twice.`);
      seen.add(c);
    }
    if (config.columns.length === 0) throw bad('columns', 'columns: name at least one column to compare.');
  }
}

function checkRule(rule: DriftRule | undefined, prefix: string): void {
  if (rule === undefined) return;
  if (typeof rule !== 'object' || rule === null) throw bad(prefix.slice(0, -1), `${prefix.slice(0, -1)}: must be {test, threshold}.`);
  if (rule.test !== undefined && !DRIFT_TESTS.includes(rule.test))
    throw bad(`${prefix}test`, `${prefix}test: unknown test "${String(rule.test)}"; choose one of ${DRIFT_TESTS.join(', ')}.`);
  if (rule.threshold !== undefined && !(typeof rule.threshold === 'number' && Number.isFinite(rule.threshold) && rule.threshold > 0))
    throw bad(`${prefix}threshold`, `${prefix}threshold: must be a number above 0; got ${String(rule.threshold)}.`);
  if (rule.test !== undefined && rule.threshold !== undefined) checkThresholdFor(rule.test, rule.threshold, `${prefix}threshold`);
}

/** A p-value threshold above 1 would flag every column: refused. Distances take any positive threshold. */
export function checkThresholdFor(test: DriftTestName, threshold: number, field: string): void {
  if (isPValueTest(test) && threshold > 1)
    throw bad(field, `${field}: ${test} gives a p-value, so its threshold must be at most 1 (e.g. 0.05); got ${threshold}.`);
}

export interface ResolvedRule {
  test: DriftTestName | undefined;
  threshold: number | undefined;
  /** Where the threshold came from, for error messages. */
  thresholdField: string;
  testField: string;
}

/** The first test and the first threshold set along perColumn → kind → top level (undefined: use the default). */
export function resolveRule(config: DriftConfig, name: string, storage: 'numeric' | 'categorical'): ResolvedRule {
  const levels: [DriftRule | undefined, string][] = [
    [config.perColumn?.[name], `perColumn.${name}.`],
    [storage === 'numeric' ? config.numeric : config.categorical, `${storage}.`],
    [config, ''],
  ];
  let test: DriftTestName | undefined;
  let threshold: number | undefined;
  let testField = '';
  let thresholdField = '';
  for (const [rule, prefix] of levels) {
    if (test === undefined && rule?.test !== undefined) {
      test = rule.test;
      testField = `${prefix}test`;
    }
    if (threshold === undefined && rule?.threshold !== undefined) {
      threshold = rule.threshold;
      thresholdField = `${prefix}threshold`;
    }
  }
  return { test, threshold, testField, thresholdField };
}

export function driftShareOf(config: DriftConfig): number {
  return config.driftShare ?? DRIFT_DEFAULTS.driftShare;
}

function bad(field: string, message: string): InvalidParamsError {
  return new InvalidParamsError('invalid-drift-config', message, { field });
}
