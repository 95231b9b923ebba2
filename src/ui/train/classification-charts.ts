/**
 * The Train screen's charts of a classifier, built with Observable Plot from the curves of
 * src/core/metrics/curves.ts: ROC and precision–recall (one line per class, one-vs-rest for
 * more than two; AUC or average precision in the legend; the decision threshold's operating
 * point marked) and the reliability diagram (bins' mean predicted probability against the
 * observed frequency, with the diagonal and each bin's row count). Curves are thinned to at most
 * MAX_CURVE_POINTS points to draw; the areas are computed on every point.
 */
import * as Plot from '@observablehq/plot';
import type { ClassCurves, ReliabilityBin } from '../../core/metrics/curves';

const MAX_CURVE_POINTS = 400;
const SIZE = 340;
const POINT_COLOUR = '#b42318';

interface XY {
  x: number;
  y: number;
}

/**
 * At most `max` points of a curve, always its first and last: a point is kept when it moved
 * at least 1/max in x or y since the last one kept, so steps survive and long runs of tiny
 * moves do not.
 */
export function thinCurve(x: ArrayLike<number>, y: ArrayLike<number>, max = MAX_CURVE_POINTS): XY[] {
  const n = x.length;
  if (n <= max) return Array.from({ length: n }, (_, i) => ({ x: x[i], y: y[i] }));
  const step = 1 / max;
  const out: XY[] = [{ x: x[0], y: y[0] }];
  for (let i = 1; i < n - 1; i++) {
    const last = out[out.length - 1];
    if (Math.abs(x[i] - last.x) >= step || Math.abs(y[i] - last.y) >= step) out.push({ x: x[i], y: y[i] });
  }
  out.push({ x: x[n - 1], y: y[n - 1] });
  return out;
}

/** "Yes (AUC 0.842)": a class's label with a score, as the legend and text alternatives name its line. */
export function seriesName(label: string, what: string, value: number): string {
  return `${label} (${what} ${Number.isFinite(value) ? value.toFixed(3) : 'undefined'})`;
}

function curveChart(
  lines: { name: string; points: XY[] }[],
  axes: { x: string; y: string },
  extra: Plot.Markish[],
  width: number,
): SVGSVGElement | HTMLElement {
  const rows = lines.flatMap((l) => l.points.map((p) => ({ ...p, series: l.name })));
  return Plot.plot({
    width,
    height: width,
    marginLeft: 45,
    x: { label: axes.x, domain: [0, 1] },
    y: { label: axes.y, domain: [0, 1], grid: true },
    color: { domain: lines.map((l) => l.name), scheme: 'tableau10', legend: true },
    marks: [...extra, Plot.line(rows, { x: 'x', y: 'y', stroke: 'series', curve: 'linear' })],
  });
}

function pointMarks(point: XY | undefined): Plot.Markish[] {
  if (!point || !Number.isFinite(point.x) || !Number.isFinite(point.y)) return [];
  return [Plot.dot([point], { x: 'x', y: 'y', r: 5, fill: POINT_COLOUR, stroke: 'white' })];
}

/** ROC curves, the chance diagonal and, for a binary task, the operating point (false-positive rate, true-positive rate). */
export function rocChart(curves: ClassCurves[], labels: readonly string[], point?: XY, width = SIZE): SVGSVGElement | HTMLElement {
  const lines = curves.map((c) => ({ name: seriesName(labels[c.classCode], 'AUC', c.auc), points: thinCurve(c.roc.fpr, c.roc.tpr) }));
  return curveChart(
    lines,
    { x: 'false-positive rate', y: 'true-positive rate (recall)' },
    [Plot.line([[0, 0], [1, 1]], { stroke: '#9aa4b1', strokeDasharray: '4,3' }), ...pointMarks(point)],
    width,
  );
}

/** Precision–recall curves (recall on x) and, for a binary task, the operating point (recall, precision). */
export function prChart(curves: ClassCurves[], labels: readonly string[], point?: XY, width = SIZE): SVGSVGElement | HTMLElement {
  const lines = curves.map((c) => ({ name: seriesName(labels[c.classCode], 'AP', c.averagePrecision), points: thinCurve(c.pr.recall, c.pr.precision) }));
  return curveChart(lines, { x: 'recall', y: 'precision' }, pointMarks(point), width);
}

/** Mean predicted probability against the observed frequency per bin, the diagonal of perfect calibration, and each bin's row count above its dot. */
export function reliabilityChart(bins: ReliabilityBin[], label: string, width = SIZE): SVGSVGElement | HTMLElement {
  return Plot.plot({
    width,
    height: width,
    marginLeft: 45,
    x: { label: `mean predicted probability of ${label}`, domain: [0, 1] },
    y: { label: `observed share of ${label}`, domain: [0, 1], grid: true },
    marks: [
      Plot.line([[0, 0], [1, 1]], { stroke: '#9aa4b1', strokeDasharray: '4,3' }),
      Plot.line(bins, { x: 'meanPredicted', y: 'fractionPositive', stroke: '#2857d6' }),
      Plot.dot(bins, { x: 'meanPredicted', y: 'fractionPositive', fill: '#2857d6', r: 3.5 }),
      Plot.text(bins, { x: 'meanPredicted', y: 'fractionPositive', text: (b: ReliabilityBin) => String(b.count), dy: -9, fontSize: 10, fill: '#5b6574' }),
    ],
  });
}
