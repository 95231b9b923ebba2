/**
 * The Runs screen's charts (Observable Plot): learning curves of compared runs overlaid, and one
 * hyperparameter against one metric across runs, and binary classifiers' ROC curves overlaid. Curves are thinned to 400 evenly spaced points
 * per series, and the last.
 */
import * as Plot from '@observablehq/plot';
import { columnOf, oneVsRest, rocCurve } from '../../core/metrics/curves';
import type { Run, RunEvaluation } from '../../storage';
import { lossAxes, plottableLoss, thin } from '../loss-axes';

const MAX_POINTS = 400;

/** Short label that tells compared runs apart: "Gradient-boosted trees · 3f2a". */
export function runLabel(r: Run): string {
  return `${r.name} · ${r.id.slice(0, 4)}`;
}

/** Train (solid) and validation (dashed) loss per step, one colour per run. */
export function learningCurves(runs: readonly Run[], width = 640): SVGSVGElement | HTMLElement {
  const rows: { step: number; loss: number; run: string; series: string }[] = [];
  for (const r of runs) {
    const h = r.history;
    if (!h) continue;
    for (const [series, values] of [['train', h.train], ['validation', h.validation]] as const) {
      const steps = Array.from(values, (_, i) => i);
      for (const i of thin(steps, MAX_POINTS)) if (plottableLoss(values[i])) rows.push({ step: i + 1, loss: values[i], run: runLabel(r), series });
    }
  }
  const unit = runs.find((r) => r.history && r.history.unit !== 'none')?.history?.unit ?? 'step';
  return Plot.plot({
    ...lossAxes(unit, { width, height: 260, marginLeft: 60 }),
    color: { legend: true, label: 'run' },
    marks: [
      Plot.line(rows.filter((d) => d.series === 'train'), { x: 'step', y: 'loss', stroke: 'run', z: 'run' }),
      Plot.line(rows.filter((d) => d.series === 'validation'), { x: 'step', y: 'loss', stroke: 'run', z: 'run', strokeDasharray: '5,3' }),
    ],
  });
}

/** One dot per run: a hyperparameter against a test metric. */
export function paramScatter(points: { x: number; y: number; label: string; model: string }[], param: string, metric: string, width = 560): SVGSVGElement | HTMLElement {
  return Plot.plot({
    width,
    height: 300,
    marginLeft: 60,
    x: { label: param, grid: true },
    y: { label: metric, grid: true },
    color: { legend: true, label: 'model' },
    marks: [
      Plot.dot(points, { x: 'x', y: 'y', stroke: 'model', fill: 'model', r: 4, tip: true, title: 'label' }),
    ],
  });
}

/**
 * ROC curves of binary classifier runs on their kept test rows (positive class = code 1), one
 * colour per run, with the chance diagonal.
 */
export function rocCurves(scored: readonly { run: Run; ev: RunEvaluation }[], width = 480): SVGSVGElement | HTMLElement {
  const rows: { fpr: number; tpr: number; run: string }[] = [];
  for (const { run, ev } of scored) {
    if (!ev.probabilities) continue;
    const roc = rocCurve(oneVsRest(ev.actual, 1), columnOf(ev.probabilities, 2, 1));
    for (let i = 0; i < roc.fpr.length; i++) if (Number.isFinite(roc.fpr[i]) && Number.isFinite(roc.tpr[i])) rows.push({ fpr: roc.fpr[i], tpr: roc.tpr[i], run: runLabel(run) });
  }
  return Plot.plot({
    width,
    height: width * 0.75,
    marginLeft: 50,
    x: { label: 'false-positive rate', domain: [0, 1], grid: true },
    y: { label: 'true-positive rate', domain: [0, 1], grid: true },
    color: { legend: true, label: 'run' },
    marks: [
      Plot.line([[0, 0], [1, 1]], { stroke: '#999', strokeDasharray: '4,3' }),
      // Straight between the curve's corners, as the area (ROC AUC) is measured.
      Plot.line(rows, { x: 'fpr', y: 'tpr', stroke: 'run', z: 'run' }),
    ],
  });
}
