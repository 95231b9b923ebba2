/** Monitored batches for storage and app tests: a real (small) drift report of one numeric column, shifted by `shift`. */
import { computeDrift } from '../../src/core/drift';
import type { MonitorReport } from '../../src/core/pipeline/monitor-settings';
import type { MonitoredBatchInit } from '../../src/storage';

/** 50 reference values 0, 0.1, …, 4.9 against 40 current ones moved by `shift` (KS tests: 50 reference rows). */
export function smallReport(shift: number): MonitorReport {
  const ref = { rowCount: 50, columns: [{ type: 'numeric' as const, name: 'carat', values: Float64Array.from({ length: 50 }, (_, i) => i / 10) }] };
  const cur = { rowCount: 40, columns: [{ type: 'numeric' as const, name: 'carat', values: Float64Array.from({ length: 40 }, (_, i) => i / 10 + shift) }] };
  const drift = computeDrift(ref, cur);
  const prediction = computeDrift({ ...ref, columns: [{ ...ref.columns[0], name: 'prediction' }] }, { ...cur, columns: [{ ...cur.columns[0], name: 'prediction' }] }).columns[0];
  return { ...drift, prediction };
}

export function batchInit(modelKey: string, shift: number): MonitoredBatchInit {
  const r = smallReport(shift);
  return { modelKey, modelName: modelKey, fileName: `batch-${shift}.csv`, rows: r.rows, referenceRows: r.referenceRows, referenceSource: 'bundle', driftShare: r.driftShare, datasetDrift: r.datasetDrift, report: r, settings: {} };
}
