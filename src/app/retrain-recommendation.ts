/**
 * Whether a registered model's retraining policy (PolicyStore) is tripped by its latest monitored
 * batch: trigger 'drift' by dataset drift, 'degradation' by RMSE on the batch's labelled rows more
 * than the policy's threshold above the test RMSE; 'manual' never. Judged on the report as the
 * Monitor screen shows it (under the model's current thresholds).
 */
import { formatPercent, plural } from '../core/format';
import type { MonitorReport } from '../core/pipeline/monitor-settings';
import type { RetrainPolicy } from '../storage';

/** The reason in plain words, or null when the policy is not tripped. */
export function retrainingReason(policy: Pick<RetrainPolicy, 'trigger' | 'threshold'>, fileName: string, report: MonitorReport): string | null {
  if (policy.trigger === 'drift') {
    if (!report.datasetDrift) return null;
    const n = report.columns.filter((c) => c.drift).length;
    return `“${fileName}” drifts (${n} of ${plural(report.columns.length, 'column')}), and this model’s policy retrains on dataset drift.`;
  }
  if (policy.trigger === 'degradation') {
    const p = report.performance;
    if (!p?.test || policy.threshold === undefined) return null;
    const change = p.metrics.rmse / p.test.rmse - 1;
    if (!(change > policy.threshold)) return null;
    return `RMSE on “${fileName}” is ${Math.round(change * 100)}% above the test RMSE, past the policy’s ${formatPercent(policy.threshold)}.`;
  }
  return null;
}
