/** A monitoring report as one self-contained HTML page (drift/html.ts with the predictions and the performance). */
import { renderDriftReportHtml, type DriftHtmlOptions } from '../drift/html';
import { describeClassificationPerformance, describePerformance, type MonitorReport } from './monitor-settings';

/** The report as one self-contained HTML page (aggregates only): the input columns, the predictions and the performance. */
export function renderMonitorHtml(report: MonitorReport, options: DriftHtmlOptions = {}): string {
  const notes = [...(options.notes ?? []), ...(report.performance ? [describePerformance(report.performance)] : []), ...(report.classificationPerformance ? [describeClassificationPerformance(report.classificationPerformance)] : [])];
  return renderDriftReportHtml(report, { ...options, notes, prediction: report.prediction });
}
