/**
 * The model report: a bundle → one self-contained HTML page (html.ts). Its plots come from the
 * binned evaluation diagnostics every new bundle keeps (diagnostics.ts), so a report needs no
 * data besides the bundle and carries no row of it.
 */
import type { LoadedBundle } from '../bundle/bundle';
import { intervalSummary } from '../conformal/calibration';
import { renderModelReportHtml, type ModelReportInput } from './html';
import { reportShap } from './shap';

export { evaluationDiagnostics, classificationDiagnostics, GRID_BINS, RESIDUAL_BINS, ROC_THRESHOLDS, RELIABILITY_BINS, type EvaluationDiagnostics, type RegressionDiagnostics, type ClassificationDiagnostics } from './diagnostics';
export { MIN_LEVEL_ROWS, renderModelReportHtml, type ModelReportInput } from './html';
export { reportShap, type ReportShap } from './shap';

/**
 * The report of a loaded (validated) bundle. Its SHAP summary needs the model to predict: pass
 * `tfReady` when the bundle was opened with the TensorFlow.js backend ready (openBundle).
 */
export function modelReport(loaded: LoadedBundle, extra: Pick<ModelReportInput, 'title' | 'registry'> = {}, options: { tfReady?: boolean } = {}): string {
  return renderModelReportHtml({
    bundle: loaded.bundle,
    shap: reportShap(loaded, { tfReady: options.tfReady === true }),
    ...(loaded.intervals ? { intervals: intervalSummary(loaded.intervals) } : {}),
    ...(loaded.diagnostics ? { diagnostics: loaded.diagnostics } : {}),
    ...extra,
  });
}
