/**
 * Geometry of the Search mode's two drawings, kept apart from the components so the numbers
 * they plot can be checked: the best-so-far curve (a step line of the CV score — RMSE, or a
 * classification's log loss — over seconds) and the parallel-coordinates view (one axis per
 * searched parameter of a family, then the CV score; one
 * polyline per scored trial). Log-scaled spaces get log axes; choices are spread evenly.
 */
import { MODEL_CATALOG } from '../../core/models/catalog';
import { searchSpaceOf } from '../../core/models/search-space';
import type { SearchSpace } from '../../core/models/params';
import type { ModelType } from '../../core/models/types';
import type { BestPoint } from '../../core/pipeline/search-schedule';
import type { TrialView } from '../../app';

export interface Box {
  width: number;
  height: number;
  /** Inner margins: left, right, top, bottom. */
  pad: [number, number, number, number];
}

/** The best-so-far step line: SVG path data and the axes' ranges. */
export function curvePath(points: readonly BestPoint[], until: number, box: Box): { d: string; x: [number, number]; y: [number, number] } {
  const [l, r, t, b] = box.pad;
  const xMax = Math.max(until, ...points.map((p) => p.seconds), 1e-9);
  const ys = points.map((p) => p.cvScore);
  const yMin = Math.min(...ys);
  const yMax = Math.max(...ys);
  const span = yMax - yMin || Math.abs(yMax) * 0.01 || 1;
  const X = (s: number): number => l + (s / xMax) * (box.width - l - r);
  const Y = (v: number): number => t + (1 - (v - (yMin - span * 0.05)) / (span * 1.1)) * (box.height - t - b);
  let d = '';
  points.forEach((p, i) => {
    d += i === 0 ? `M${X(p.seconds).toFixed(1)},${Y(p.cvScore).toFixed(1)}` : `H${X(p.seconds).toFixed(1)}V${Y(p.cvScore).toFixed(1)}`;
  });
  if (points.length) d += `H${X(xMax).toFixed(1)}`;
  return { d, x: [0, xMax], y: [yMin, yMax] };
}

/**
 * Labels of an axis's two ends as `format` writes them, with more significant digits while they
 * read the same (close log losses: 0.43142 and 0.43136, not 0.4314 twice).
 */
export function endLabels(lo: number, hi: number, format: (v: number) => string): [string, string] {
  let [a, b] = [format(lo), format(hi)];
  for (let digits = 5; a === b && lo !== hi && digits <= 9; digits++) [a, b] = [String(Number(lo.toPrecision(digits))), String(Number(hi.toPrecision(digits)))];
  return [a, b];
}

export interface ParallelAxis {
  name: string;
  /** Position of a value on the axis, 0 (bottom) .. 1 (top); null when the trial has none. */
  at: (v: unknown) => number | null;
  /** Labels at the bottom and the top. */
  low: string;
  high: string;
}

const short = (v: unknown): string => (typeof v === 'number' ? (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(0) : String(Number(v.toPrecision(3)))) : Array.isArray(v) ? v.join('×') : String(v));

function axisOf(name: string, space: SearchSpace): ParallelAxis {
  if (space.type === 'choice') {
    const keys = space.values.map((v) => JSON.stringify(v));
    const n = Math.max(1, keys.length - 1);
    return { name, at: (v) => (keys.includes(JSON.stringify(v)) ? (keys.length === 1 ? 0.5 : keys.indexOf(JSON.stringify(v)) / n) : null), low: short(space.values[0]), high: short(space.values.at(-1)) };
  }
  const log = space.type.includes('log');
  const f = (x: number): number => (log ? Math.log(x) : x);
  return {
    name,
    at: (v) => (typeof v === 'number' ? Math.min(1, Math.max(0, (f(v) - f(space.low)) / (f(space.high) - f(space.low) || 1))) : null),
    low: short(space.low),
    high: short(space.high),
  };
}

/** A family's axes: its searched parameters, then the CV score named `scoreName` (lower is drawn higher: better on top). */
export function parallelAxes(type: ModelType, trials: readonly TrialView[], scoreName = 'CV RMSE'): ParallelAxis[] {
  const scored = trials.filter((t) => t.model === type && t.status === 'finished').map((t) => t.cvScore);
  const lo = Math.min(...scored);
  const hi = Math.max(...scored);
  const axes = searchSpaceOf(MODEL_CATALOG[type].params)
    .filter(([, s]) => !(s.type === 'choice' && s.values.length < 2))
    .map(([k, s]) => axisOf(k, s));
  axes.push({ name: scoreName, at: (v) => (typeof v === 'number' && Number.isFinite(v) ? (hi > lo ? (hi - v) / (hi - lo) : 0.5) : null), low: short(hi), high: short(lo) });
  return axes;
}

/** One polyline per scored trial of the family: its points across the axes (x in 0..1 of the width, y 0..1 from the top). */
export function parallelLines(type: ModelType, trials: readonly TrialView[], axes: readonly ParallelAxis[]): { id: number; points: [number, number][]; best: boolean; resource: number }[] {
  const mine = trials.filter((t) => t.model === type && t.status === 'finished');
  const bestScore = Math.min(...mine.filter((t) => t.resource === 1).map((t) => t.cvScore));
  return mine.map((t) => {
    const points: [number, number][] = [];
    axes.forEach((a, i) => {
      // The last axis is the score.
      const y = a.at(i === axes.length - 1 ? t.cvScore : t.params[a.name]);
      if (y !== null) points.push([axes.length === 1 ? 0.5 : i / (axes.length - 1), 1 - y]);
    });
    return { id: t.id, points, best: t.resource === 1 && t.cvScore === bestScore, resource: t.resource };
  });
}
