/**
 * The Train screen's charts, built with Observable Plot from small aggregates: loss curves
 * (thinned to ≤ 200 points per series), predicted-vs-actual and residuals as 2D binned densities
 * (a few thousand rects at most, never one node per row), importance as bars.
 */
import * as Plot from '@observablehq/plot';
import type { LossPoint } from '../../app';
import { lossAxes, plottableLoss, thin } from '../loss-axes';

const MAX_LINE_POINTS = 200;

export function lossChart(losses: LossPoint[], unit: string, width = 320): SVGSVGElement | HTMLElement {
  const rows: { step: number; loss: number; series: string }[] = [];
  for (const p of thin(losses, MAX_LINE_POINTS)) {
    if (plottableLoss(p.train)) rows.push({ step: p.step, loss: p.train, series: 'train' });
    if (plottableLoss(p.validation)) rows.push({ step: p.step, loss: p.validation, series: 'validation' });
  }
  return Plot.plot({
    ...lossAxes(unit, { width, height: 150, marginLeft: 50 }),
    color: { domain: ['train', 'validation'], range: ['#2857d6', '#d9822b'], legend: true },
    marks: [Plot.line(rows, { x: 'step', y: 'loss', stroke: 'series' })],
  });
}

const BINS = 40;

interface Cell {
  x1: number;
  x2: number;
  y1: number;
  y2: number;
  count: number;
}

/** Counts points on a BINS×BINS grid in one pass over typed arrays; only non-empty cells are kept. */
export function binGrid(xs: ArrayLike<number>, ys: ArrayLike<number>, xDomain: [number, number], yDomain: [number, number], bins = BINS): Cell[] {
  const [x0, x1] = xDomain;
  const [y0, y1] = yDomain;
  const wx = (x1 - x0) / bins || 1;
  const wy = (y1 - y0) / bins || 1;
  const counts = new Uint32Array(bins * bins);
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    const y = ys[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const bx = Math.min(bins - 1, Math.max(0, Math.floor((x - x0) / wx)));
    const by = Math.min(bins - 1, Math.max(0, Math.floor((y - y0) / wy)));
    counts[by * bins + bx]++;
  }
  const out: Cell[] = [];
  for (let by = 0; by < bins; by++)
    for (let bx = 0; bx < bins; bx++) {
      const c = counts[by * bins + bx];
      if (c > 0) out.push({ x1: x0 + bx * wx, x2: x0 + (bx + 1) * wx, y1: y0 + by * wy, y2: y0 + (by + 1) * wy, count: c });
    }
  return out;
}

export function extent(...arrays: ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays)
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** Binned density of predicted vs actual with the y = x line (at most 40×40 rects); `domain` shares axes between charts. */
export function predictedVsActual(actual: ArrayLike<number>, predicted: ArrayLike<number>, target: string, width = 420, domain?: [number, number]): SVGSVGElement | HTMLElement {
  const [lo, hi] = domain ?? extent(actual, predicted);
  return Plot.plot({
    width,
    height: width,
    marginLeft: 60,
    x: { label: `actual ${target}`, domain: [lo, hi] },
    y: { label: `predicted ${target}`, domain: [lo, hi], grid: true },
    // No ramp legend: Plot draws it on a canvas, ~50 ms of main thread each; the caption says darker = more rows.
    color: { scheme: 'blues', type: 'log', label: 'rows' },
    marks: [
      Plot.rect(binGrid(actual, predicted, [lo, hi], [lo, hi]), { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: 'count' }),
      Plot.line([[lo, lo], [hi, hi]], { stroke: '#b42318', strokeDasharray: '4,3' }),
    ],
  });
}

/** Residual (actual − predicted) per row. */
export function residuals(actual: ArrayLike<number>, predicted: ArrayLike<number>): Float64Array {
  const res = new Float64Array(actual.length);
  for (let i = 0; i < res.length; i++) res[i] = actual[i] - predicted[i];
  return res;
}

/** Binned density of residual (actual − predicted) against predicted; `domains` shares axes between charts. */
export function residualPlot(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  target: string,
  width = 420,
  domains?: { x: [number, number]; y: [number, number] },
): SVGSVGElement | HTMLElement {
  const res = residuals(actual, predicted);
  const xd = domains?.x ?? extent(predicted);
  const yd = domains?.y ?? extent(res);
  return Plot.plot({
    width,
    height: 300,
    marginLeft: 60,
    x: { label: `predicted ${target}`, domain: xd },
    y: { label: 'residual (actual − predicted)', domain: yd, grid: true },
    // No ramp legend: Plot draws it on a canvas, ~50 ms of main thread each; the caption says darker = more rows.
    color: { scheme: 'blues', type: 'log', label: 'rows' },
    marks: [Plot.rect(binGrid(predicted, res, xd, yd), { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: 'count' }), Plot.ruleY([0], { stroke: '#b42318', strokeDasharray: '4,3' })],
  });
}

/** Horizontal bars, largest first (at most `top`). */
export function importanceChart(names: string[], values: Float64Array, label: string, top = 20, width = 420): SVGSVGElement | HTMLElement {
  const rows = names.map((name, i) => ({ name, value: values[i] })).filter((r) => Number.isFinite(r.value));
  rows.sort((a, b) => b.value - a.value);
  const shown = rows.slice(0, top);
  return Plot.plot({
    width,
    height: 24 + shown.length * 20,
    marginLeft: 130,
    x: { label, grid: true },
    y: { label: null, domain: shown.map((r) => r.name) },
    marks: [Plot.barX(shown, { x: 'value', y: 'name', fill: '#2857d6' }), Plot.ruleX([0])],
  });
}

/**
 * Draws one small chart of each kind off-screen, so Plot's code is compiled while the page is
 * idle rather than in the task that shows the first result.
 */
export function warmUpCharts(): void {
  const a = Float64Array.from([1, 2, 3]);
  lossChart([{ step: 1, train: 1, validation: 2 }, { step: 2, train: 0.5, validation: 1 }], 'step');
  predictedVsActual(a, a, 'y');
  residualPlot(a, a, 'y');
  importanceChart(['a', 'b'], Float64Array.from([1, 2]), 'x');
}
