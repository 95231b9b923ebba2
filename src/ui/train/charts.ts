/**
 * The Train screen's charts, built with Observable Plot from small aggregates: loss curves
 * (thinned to ≤ 600 points per series), predicted-vs-actual and residuals as 2D binned densities
 * (a few thousand rects at most, never one node per row), importance as bars.
 */
import * as Plot from '@observablehq/plot';
import type { LossPoint } from '../../app';

const MAX_LINE_POINTS = 600;

function thin<T>(xs: T[], max: number): T[] {
  if (xs.length <= max) return xs;
  const out: T[] = [];
  const step = xs.length / max;
  for (let i = 0; i < max; i++) out.push(xs[Math.floor(i * step)]);
  out.push(xs[xs.length - 1]);
  return out;
}

export function lossChart(losses: LossPoint[], unit: string, width = 320): SVGSVGElement | HTMLElement {
  const rows: { step: number; loss: number; series: string }[] = [];
  for (const p of thin(losses, MAX_LINE_POINTS)) {
    if (p.train !== undefined && Number.isFinite(p.train)) rows.push({ step: p.step, loss: p.train, series: 'train' });
    if (p.validation !== undefined && Number.isFinite(p.validation)) rows.push({ step: p.step, loss: p.validation, series: 'validation' });
  }
  return Plot.plot({
    width,
    height: 150,
    marginLeft: 50,
    y: { type: 'log', label: 'loss', grid: true },
    x: { label: unit },
    color: { domain: ['train', 'validation'], range: ['#2857d6', '#d9822b'], legend: true },
    marks: [Plot.line(rows, { x: 'step', y: 'loss', stroke: 'series' })],
  });
}

/** Binned density of predicted vs actual with the y = x line. */
export function predictedVsActual(actual: Float64Array, predicted: Float64Array, target: string, width = 420): SVGSVGElement | HTMLElement {
  const idx = Array.from({ length: actual.length }, (_, i) => i);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < actual.length; i++) {
    lo = Math.min(lo, actual[i], predicted[i]);
    hi = Math.max(hi, actual[i], predicted[i]);
  }
  return Plot.plot({
    width,
    height: width,
    marginLeft: 60,
    x: { label: `actual ${target}`, domain: [lo, hi] },
    y: { label: `predicted ${target}`, domain: [lo, hi], grid: true },
    color: { scheme: 'blues', type: 'log', legend: true, label: 'rows' },
    marks: [
      Plot.rect(idx, Plot.bin({ fill: 'count' }, { x: (i: number) => actual[i], y: (i: number) => predicted[i], thresholds: 60 })),
      Plot.line([[lo, lo], [hi, hi]], { stroke: '#b42318', strokeDasharray: '4,3' }),
    ],
  });
}

/** Binned density of residual (actual − predicted) against predicted. */
export function residualPlot(actual: Float64Array, predicted: Float64Array, target: string, width = 420): SVGSVGElement | HTMLElement {
  const idx = Array.from({ length: actual.length }, (_, i) => i);
  return Plot.plot({
    width,
    height: 300,
    marginLeft: 60,
    x: { label: `predicted ${target}` },
    y: { label: 'residual (actual − predicted)', grid: true },
    color: { scheme: 'blues', type: 'log', legend: true, label: 'rows' },
    marks: [
      Plot.rect(idx, Plot.bin({ fill: 'count' }, { x: (i: number) => predicted[i], y: (i: number) => actual[i] - predicted[i], thresholds: 60 })),
      Plot.ruleY([0], { stroke: '#b42318', strokeDasharray: '4,3' }),
    ],
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
