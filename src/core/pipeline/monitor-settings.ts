/**
 * Monitoring settings and verdicts, apart from the statistics so that the page can load them: the
 * settings' validation, re-judging a stored report under new thresholds (a test's value does not
 * depend on its threshold) and the performance in words (the HTML export is monitor-html.ts). The statistics and the
 * batch itself stay in workers (monitor.ts).
 */
import { resolveRule, validateDriftConfig } from '../drift/config';
import { defaultThreshold, DRIFT_DEFAULTS, isPValueTest, type DriftColumnResult, type DriftConfig, type DriftReport, type DriftRule } from '../drift/types';
import { InvalidParamsError } from '../errors';
import { formatCount, formatPercent, formatValue, plural } from '../format';
import type { RegressionMetrics } from '../metrics';
import type { ClassificationMetrics } from '../metrics/classification';

export type DegradationMetric = 'rmse' | 'mae' | 'r2';

export const DEGRADATION_DEFAULTS = { metric: 'rmse' as DegradationMetric, threshold: 0.1 } as const;

export interface MonitorOptions {
  /** Tests and thresholds of the input columns (global, per kind, per column), as in computeDrift. */
  drift?: DriftConfig;
  /** Test and threshold for the predictions (default: Evidently's choice by reference size). */
  prediction?: DriftRule;
  /** When the batch holds the target: which metric to compare with the test metrics, and how far it may fall. */
  degradation?: { metric?: DegradationMetric; threshold?: number };
}

export interface BatchPerformance {
  /** Labelled rows scored (rows with a target value and a prediction). */
  rows: number;
  metrics: RegressionMetrics;
  /** The model's metrics on its test part (k-fold: mean over folds), when the bundle records them. */
  test?: RegressionMetrics;
  metric: DegradationMetric;
  /** RMSE/MAE: batch ÷ test − 1 (0.25 = 25 % worse); R²: test − batch. Absent without test metrics. */
  change?: number;
  threshold: number;
  degraded: boolean;
}

/**
 * A classifier's performance on a labelled batch: every classification metric on the rows with a
 * known class and a prediction, beside the test figures. Degraded when ROC AUC falls more than
 * the degradation threshold below the test's (an absolute drop, as R²'s); where ROC AUC is
 * undefined (the batch lacks a class), by log loss more than the threshold worse, relatively.
 */
export interface ClassificationBatchPerformance {
  rows: number;
  metrics: ClassificationMetrics;
  test?: ClassificationMetrics;
  /** What the verdict was judged by. */
  metric: 'roc_auc' | 'log_loss';
  /** ROC AUC: test − batch; log loss: batch ÷ test − 1. Absent without test metrics. */
  change?: number;
  threshold: number;
  degraded: boolean;
}

export interface MonitorReport extends DriftReport {
  /** Drift of the model's predictions (its column is named "prediction"). */
  prediction: DriftColumnResult;
  /** Present when the batch holds the target column with at least one value (a regressor's). */
  performance?: BatchPerformance;
  /** A classifier's, when the batch holds labels of its classes. */
  classificationPerformance?: ClassificationBatchPerformance;
}

/** The metric and threshold with defaults filled in; InvalidParamsError naming the field. */
export function degradationSetting(setting: NonNullable<MonitorOptions['degradation']>): { metric: DegradationMetric; threshold: number } {
  const metric = setting.metric ?? DEGRADATION_DEFAULTS.metric;
  const threshold = setting.threshold ?? DEGRADATION_DEFAULTS.threshold;
  if (metric !== 'rmse' && metric !== 'mae' && metric !== 'r2')
    throw new InvalidParamsError('invalid-degradation', `degradation.metric: must be rmse, mae or r2; got ${String(metric)}.`, { field: 'degradation.metric' });
  if (!(typeof threshold === 'number' && Number.isFinite(threshold) && threshold >= 0))
    throw new InvalidParamsError('invalid-degradation', `degradation.threshold: must be a number of at least 0 (0.1 = 10 % worse); got ${String(threshold)}.`, {
      field: 'degradation.threshold',
    });
  return { metric, threshold };
}

/** A relative change as a percentage; formatPercent is for shares and stops at 100 %. */
function changePercent(x: number): string {
  return x < 0.99 ? formatPercent(x) : `${formatCount(Math.round(x * 100))}%`;
}

const METRIC_LABELS: Record<DegradationMetric, string> = { rmse: 'RMSE', mae: 'MAE', r2: 'R²' };

/** The performance in one sentence, e.g. "RMSE on 4,404 labelled rows: 1557.92 (test 1022; 52% worse): degraded (the limit is 10% worse)." */
export function describePerformance(p: BatchPerformance): string {
  const label = METRIC_LABELS[p.metric];
  const value = formatValue(p.metrics[p.metric]);
  const head = `${label} on ${plural(p.rows, 'labelled row')}: ${value}`;
  if (p.test === undefined || p.change === undefined) return `${head} (the model records no test metrics to compare with).`;
  const test = formatValue(p.test[p.metric]);
  const change =
    Math.abs(p.change) < 1e-9
      ? 'the same'
      : p.metric === 'r2'
        ? `${p.change > 0 ? `${formatValue(p.change)} lower` : `${formatValue(-p.change)} higher`}`
        : `${changePercent(Math.abs(p.change))} ${p.change > 0 ? 'worse' : 'better'}`;
  const limit = p.metric === 'r2' ? `a drop of ${formatValue(p.threshold)}` : `${formatPercent(p.threshold)} worse`;
  return `${head} (test ${test}; ${change}): ${p.degraded ? 'degraded' : 'not degraded'} (the limit is ${limit}).`;
}


/**
 * MonitorOptions from JSON a person wrote (a --config file, stored settings): only the known
 * fields, each checked; InvalidParamsError names the field in full (`drift.perColumn.carat.threshold`).
 */
export function parseMonitorOptions(json: unknown): MonitorOptions {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new InvalidParamsError('invalid-monitor-options', 'Monitoring settings must be an object with drift, prediction and degradation.', { field: '(root)' });
  const o = json as Record<string, unknown>;
  for (const key of Object.keys(o))
    if (key !== 'drift' && key !== 'prediction' && key !== 'degradation')
      throw new InvalidParamsError('invalid-monitor-options', `${key}: unknown setting; the settings are drift, prediction and degradation.`, { field: key });
  const out: MonitorOptions = {};
  const within = (prefix: string, check: () => void): void => {
    try {
      check();
    } catch (e) {
      if (!(e instanceof InvalidParamsError)) throw e;
      const field = `${prefix}.${e.where.field ?? ''}`.replace(/\.$/, '');
      throw new InvalidParamsError(e.code, `${prefix}.${e.message}`, { ...e.where, field }, { cause: e });
    }
  };
  if (o.drift !== undefined) {
    within('drift', () => validateDriftConfig(o.drift as DriftConfig));
    out.drift = o.drift as DriftConfig;
  }
  if (o.prediction !== undefined) {
    const rule = o.prediction as DriftRule;
    within('prediction', () => {
      if (typeof rule !== 'object' || rule === null || Object.keys(rule).some((k) => k !== 'test' && k !== 'threshold'))
        throw new InvalidParamsError('invalid-monitor-options', ': must be {test, threshold}.', {});
      validateDriftConfig({ test: rule.test, threshold: rule.threshold });
    });
    out.prediction = rule;
  }
  if (o.degradation !== undefined) {
    const d = o.degradation as MonitorOptions['degradation'];
    if (typeof d !== 'object' || d === null) throw new InvalidParamsError('invalid-degradation', 'degradation: must be {metric, threshold}.', { field: 'degradation' });
    degradationSetting(d);
    out.degradation = d;
  }
  return out;
}

/**
 * The report judged again under new settings: each column's threshold resolved as computeDrift
 * resolves it (perColumn → kind → global → the test's default), the drift share and dataset
 * drift, the prediction's threshold and the degradation threshold. Tests are kept (changing a
 * test needs the data). Throws InvalidParamsError for bad settings.
 */
export function rejudgeReport(report: MonitorReport, options: MonitorOptions): MonitorReport {
  const parsed = parseMonitorOptions(options);
  const config: DriftConfig = parsed.drift ?? {};
  const judge = (c: DriftColumnResult, threshold: number | undefined): DriftColumnResult => {
    const t = threshold ?? defaultThreshold(c.test);
    if (isPValueTest(c.test) && t > 1)
      throw new InvalidParamsError('invalid-drift-config', `${c.name}: ${c.test} gives a p-value, so its threshold must be at most 1 (e.g. 0.05); got ${t}.`, { column: c.name, field: 'threshold' });
    return { ...c, threshold: t, drift: isPValueTest(c.test) ? c.value < t : c.value >= t };
  };
  const columns = report.columns.map((c) => judge(c, resolveRule(config, c.name, c.kind).threshold));
  const driftShare = columns.filter((c) => c.drift).length / columns.length;
  const driftShareThreshold = config.driftShare ?? DRIFT_DEFAULTS.driftShare;
  const out: MonitorReport = {
    ...report,
    columns,
    driftShare,
    driftShareThreshold,
    datasetDrift: driftShare >= driftShareThreshold,
    prediction: judge(report.prediction, parsed.prediction?.threshold),
  };
  if (report.performance) out.performance = judgePerformance(report.performance.metrics, report.performance.test, report.performance.rows, parsed.degradation ?? {});
  const cp = report.classificationPerformance;
  if (cp) out.classificationPerformance = judgeClassification(cp.metrics, cp.test, cp.rows, parsed.degradation ?? {});
  return out;
}

/** A classifier's verdict: ROC AUC's drop against the threshold, or log loss's relative rise where ROC AUC is undefined. */
export function judgeClassification(
  metrics: ClassificationMetrics,
  test: ClassificationMetrics | undefined,
  rows: number,
  setting: NonNullable<MonitorOptions['degradation']>,
): ClassificationBatchPerformance {
  const { threshold } = degradationSetting(setting);
  const byAuc = Number.isFinite(metrics.rocAuc) && (!test || Number.isFinite(test.rocAuc));
  const metric = byAuc ? 'roc_auc' : 'log_loss';
  if (!test) return { rows, metrics, metric, threshold, degraded: false };
  const change = byAuc ? test.rocAuc - metrics.rocAuc : metrics.logLoss / test.logLoss - 1;
  return { rows, metrics, test, metric, change, threshold, degraded: change > threshold };
}

/** A classifier's performance in one sentence: ROC AUC, log loss and accuracy beside the test's, then the verdict. */
export function describeClassificationPerformance(p: ClassificationBatchPerformance): string {
  const fig = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : 'undefined');
  const pair = (label: string, k: 'rocAuc' | 'logLoss' | 'accuracy'): string => `${label} ${fig(p.metrics[k])}${p.test ? ` (test ${fig(p.test[k])})` : ''}`;
  const head = `On ${plural(p.rows, 'labelled row')}: ${[pair('ROC AUC', 'rocAuc'), pair('log loss', 'logLoss'), pair('accuracy', 'accuracy')].join(', ')}`;
  if (p.test === undefined || p.change === undefined) return `${head} (the model records no test metrics to compare with).`;
  const limit = p.metric === 'roc_auc' ? `a drop in ROC AUC of ${formatValue(p.threshold)}` : `log loss ${formatPercent(p.threshold)} worse (ROC AUC is undefined here)`;
  return `${head}: ${p.degraded ? 'degraded' : 'not degraded'} (the limit is ${limit}).`;
}

/** The performance verdict from the batch's and the test's metrics. */
export function judgePerformance(metrics: RegressionMetrics, test: RegressionMetrics | undefined, rows: number, setting: NonNullable<MonitorOptions['degradation']>): BatchPerformance {
  const { metric, threshold } = degradationSetting(setting);
  if (!test) return { rows, metrics, metric, threshold, degraded: false };
  const change = metric === 'r2' ? test.r2 - metrics.r2 : metrics[metric] / test[metric] - 1;
  return { rows, metrics, test, metric, change, threshold, degraded: change > threshold };
}
