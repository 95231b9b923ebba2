/**
 * Explanation charts with Observable Plot: the waterfall of one row (base → contributions →
 * prediction), the global summary (mean |SHAP| bars and a beeswarm) and partial dependence with
 * ICE curves. All values are in the target's units.
 */
import * as Plot from '@observablehq/plot';
import type { PartialDependence, ShapSummary } from '../../core/explain';

const UP = '#c0392b';
const DOWN = '#2857d6';

/** Contributions of one row, largest |value| first; beyond `top`, the rest as one "other columns" step. */
export interface WaterfallStep {
  label: string;
  value: number;
}

export function waterfallSteps(columns: string[], values: ArrayLike<number>, top = 10): WaterfallStep[] {
  const steps = columns.map((c, j) => ({ label: c, value: values[j] })).sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
  if (steps.length <= top + 1) return steps;
  const rest = steps.slice(top);
  return [...steps.slice(0, top), { label: `${rest.length} other columns`, value: rest.reduce((s, x) => s + x.value, 0) }];
}

/** Horizontal waterfall: one bar per step from the running total before it to the one after. */
export function waterfallChart(base: number, steps: WaterfallStep[], prediction: number, target: string, width = 520): SVGSVGElement | HTMLElement {
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));
  const rows: { label: string; x1: number; x2: number; sign: string; text: string }[] = [];
  let at = base;
  rows.push({ label: 'expected (base)', x1: Math.min(0, base), x2: base, sign: 'total', text: fmt(base) });
  for (const s of steps) {
    rows.push({ label: s.label, x1: at, x2: at + s.value, sign: s.value >= 0 ? 'up' : 'down', text: `${s.value >= 0 ? '+' : '−'}${fmt(Math.abs(s.value))}` });
    at += s.value;
  }
  rows.push({ label: 'prediction', x1: Math.min(0, prediction), x2: prediction, sign: 'total', text: fmt(prediction) });
  const lo = Math.min(...rows.map((r) => Math.min(r.x1, r.x2)));
  const hi = Math.max(...rows.map((r) => Math.max(r.x1, r.x2)));
  // Totals start at the axis's left edge when it is above zero, so the steps stay readable.
  const left = lo > 0 ? lo - (hi - lo) * 0.15 : lo;
  for (const r of rows) if (r.sign === 'total' && r.x1 === 0 && left > 0) r.x1 = left;
  return Plot.plot({
    width,
    height: 34 + rows.length * 24,
    marginLeft: 140,
    marginRight: 60,
    x: { label: target, grid: true, domain: [left, hi + (hi - left) * 0.05] },
    y: { domain: rows.map((r) => r.label), label: null },
    color: { domain: ['up', 'down', 'total'], range: [UP, DOWN, '#8a94a6'] },
    marks: [
      Plot.barX(rows, { y: 'label', x1: 'x1', x2: 'x2', fill: 'sign', insetTop: 3, insetBottom: 3 }),
      Plot.text(rows, { y: 'label', x: (r: { x1: number; x2: number }) => Math.max(r.x1, r.x2), text: 'text', textAnchor: 'start', dx: 4, fontSize: 11 }),
    ],
  });
}

/** Mean |SHAP| per column, largest first. */
export function meanAbsChart(s: ShapSummary, target: string, width = 420): SVGSVGElement | HTMLElement {
  const rows = s.columns.map((c, j) => ({ column: c, v: s.meanAbs[j] })).sort((a, b) => b.v - a.v);
  return Plot.plot({
    width,
    height: 30 + rows.length * 22,
    marginLeft: 110,
    x: { label: `mean |SHAP| (${target})`, grid: true },
    y: { domain: rows.map((r) => r.column), label: null },
    marks: [Plot.barX(rows, { y: 'column', x: 'v', fill: '#2857d6' }), Plot.ruleX([0])],
  });
}

/** Dots drawn in the beeswarm at most (the bars use every explained row). */
export const BEESWARM_MAX_DOTS = 6000;

/**
 * Beeswarm: per column (largest mean |SHAP| on top), one dot per row at its SHAP value, spread
 * vertically by a fixed jitter, coloured by the row's own value of the column (blue low, red
 * high; grey where the column has no single ordered value). Draws every k-th row so that at most
 * BEESWARM_MAX_DOTS dots are drawn.
 */
export function beeswarmChart(s: ShapSummary, target: string, width = 520): SVGSVGElement | HTMLElement {
  const c = s.columns.length;
  const order = s.columns.map((_, j) => j).sort((a, b) => s.meanAbs[b] - s.meanAbs[a]);
  const step = Math.max(1, Math.ceil((s.rows * c) / BEESWARM_MAX_DOTS));
  const dots: { y: number; v: number; rank: number }[] = [];
  for (let r = 0; r < s.rows; r += step)
    order.forEach((j, i) => {
      // A fixed pseudo-random offset per row (golden ratio), so redraws do not move dots.
      const jitter = ((r * 0.618033988749895) % 1) - 0.5;
      dots.push({ y: i + jitter * 0.7, v: s.values[r * c + j], rank: s.valueRank[r * c + j] });
    });
  return Plot.plot({
    width,
    height: 30 + c * 34,
    marginLeft: 110,
    x: { label: `SHAP value (${target})`, grid: true },
    y: { domain: [c - 0.5, -0.5], ticks: order.map((_, i) => i), tickFormat: (i: number) => s.columns[order[i]] ?? '', label: null, tickSize: 0 },
    color: { type: 'linear', domain: [0, 1], range: [DOWN, UP], unknown: '#9aa3b2' },
    marks: [Plot.ruleX([0], { stroke: '#8a94a6' }), Plot.dot(dots, { x: 'v', y: 'y', r: 1.6, fill: 'rank', fillOpacity: 0.7 })],
  });
}

/** How many rows the beeswarm draws out of the summary's. */
export function beeswarmRows(s: ShapSummary): number {
  return Math.ceil(s.rows / Math.max(1, Math.ceil((s.rows * s.columns.length) / BEESWARM_MAX_DOTS)));
}

/** ICE curves (thin, grey) and their mean, the partial dependence (bold); categories as dots and ticks per level. */
export function dependenceChart(d: PartialDependence, target: string, width = 520): SVGSVGElement | HTMLElement {
  const g = d.grid.length;
  const ice: { x: number | string; y: number; curve: number }[] = [];
  for (let r = 0; r < d.curves; r++) for (let k = 0; k < g; k++) if (Number.isFinite(d.ice[r * g + k])) ice.push({ x: d.grid[k], y: d.ice[r * g + k], curve: r });
  const pd = Array.from({ length: g }, (_, k) => ({ x: d.grid[k], y: d.pd[k] }));
  if (d.categorical)
    return Plot.plot({
      width,
      height: 300,
      marginLeft: 60,
      x: { label: d.column, domain: d.grid as string[], type: 'band' },
      y: { label: `predicted ${target}`, grid: true },
      marks: [Plot.tickY(ice, { x: 'x', y: 'y', stroke: '#9aa3b2', strokeOpacity: 0.5 }), Plot.dot(pd, { x: 'x', y: 'y', fill: UP, r: 5 })],
    });
  return Plot.plot({
    width,
    height: 300,
    marginLeft: 60,
    x: { label: d.column },
    y: { label: `predicted ${target}`, grid: true },
    marks: [
      Plot.line(ice, { x: 'x', y: 'y', z: 'curve', stroke: '#9aa3b2', strokeOpacity: 0.45, strokeWidth: 1 }),
      Plot.line(pd, { x: 'x', y: 'y', stroke: UP, strokeWidth: 3 }),
    ],
  });
}
