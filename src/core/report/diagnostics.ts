/**
 * The evaluation diagnostics a bundle keeps for its report: predicted-vs-actual and residuals as
 * binned counts, not points. A report made from any bundle (the CLI's, an imported one) can draw
 * both plots, and no row's values travel with the model: axes run between the 0.5th and 99.5th
 * percentiles (the few rows beyond are counted in the edge cells), and a cell is a count.
 * A classifier's (`task: 'classification'`) are aggregates too: the confusion matrix, ROC curves
 * at fixed thresholds (0, 0.01, …, 1), and reliability bins (count, mean probability, share
 * positive) — never a row's probability.
 */
import * as v from 'valibot';
import { decodeState, encodeState, type EncodedValue } from '../bundle/codec';
import { quantileSorted } from '../data/quantile';
import { BundleError } from '../errors';
import { bad, decodeClassificationDiagnostics, encodeClassificationDiagnostics, type ClassificationDiagnostics, type EncodedClassificationDiagnostics } from './class-diagnostics';

export { classificationDiagnostics, ROC_THRESHOLDS, RELIABILITY_BINS, type ClassificationDiagnostics } from './class-diagnostics';

/** Cells per axis of the predicted-vs-actual grid, and residual rows of the residual grid. */
export const GRID_BINS = 40;
export const RESIDUAL_BINS = 30;

/** A regressor's or a classifier's diagnostics (the classifier's say `task: 'classification'`). */
export type EvaluationDiagnostics = RegressionDiagnostics | ClassificationDiagnostics;

export interface RegressionDiagnostics {
  task?: undefined;
  /** Rows scored: the test part, or every row out of fold. */
  kind: 'test' | 'out-of-fold';
  rows: number;
  /** The shared axis of actual and predicted values. */
  range: [number, number];
  /** Residuals (actual − predicted) run from −residualRange to +residualRange. */
  residualRange: number;
  /** GRID_BINS × GRID_BINS: counts[a * GRID_BINS + p], a = actual bin (low to high), p = predicted bin. */
  counts: Uint32Array;
  /** RESIDUAL_BINS × GRID_BINS: residualCounts[r * GRID_BINS + p], r = residual bin (low to high). */
  residualCounts: Uint32Array;
}

const bin = (x: number, lo: number, hi: number, n: number): number => Math.min(n - 1, Math.max(0, Math.floor(((x - lo) / (hi - lo)) * n)));

export function evaluationDiagnostics(kind: RegressionDiagnostics['kind'], actual: Float64Array, predicted: Float64Array, totalRows = actual.length): RegressionDiagnostics {
  const both = Float64Array.from([...actual, ...predicted].filter(Number.isFinite)).sort();
  let lo = quantileSorted(both, 0.005);
  let hi = quantileSorted(both, 0.995);
  if (!(hi > lo)) [lo, hi] = [lo - 0.5, lo + 0.5];
  const res = Float64Array.from(actual, (a, i) => Math.abs(a - predicted[i])).sort();
  const residualRange = quantileSorted(res, 0.995) || 1;
  const counts = new Uint32Array(GRID_BINS * GRID_BINS);
  const residualCounts = new Uint32Array(RESIDUAL_BINS * GRID_BINS);
  for (let i = 0; i < actual.length; i++) {
    const p = bin(predicted[i], lo, hi, GRID_BINS);
    counts[bin(actual[i], lo, hi, GRID_BINS) * GRID_BINS + p]++;
    residualCounts[bin(actual[i] - predicted[i], -residualRange, residualRange, RESIDUAL_BINS) * GRID_BINS + p]++;
  }
  return { kind, rows: totalRows, range: [lo, hi], residualRange, counts, residualCounts };
}

export type EncodedDiagnostics = EncodedRegressionDiagnostics | EncodedClassificationDiagnostics;

interface EncodedRegressionDiagnostics {
  task?: undefined;
  kind: 'test' | 'out-of-fold';
  rows: number;
  range: [number, number];
  residualRange: number;
  counts: EncodedValue;
  residualCounts: EncodedValue;
}

export function encodeDiagnostics(d: EvaluationDiagnostics): EncodedDiagnostics {
  if (d.task === 'classification') return encodeClassificationDiagnostics(d);
  return { kind: d.kind, rows: d.rows, range: d.range, residualRange: d.residualRange, counts: encodeState(d.counts), residualCounts: encodeState(d.residualCounts) };
}

const finite = v.pipe(v.number(), v.finite());
const schema = v.object({
  kind: v.picklist(['test', 'out-of-fold']),
  rows: v.pipe(v.number(), v.integer(), v.minValue(0)),
  range: v.tuple([finite, finite]),
  residualRange: v.pipe(finite, v.gtValue(0)),
  counts: v.unknown(),
  residualCounts: v.unknown(),
});

/** Validates a bundle's `diagnostics` field; failures are BundleError 'invalid-bundle' naming the path. */
export function decodeDiagnostics(json: unknown): EvaluationDiagnostics {
  if (json && typeof json === 'object' && (json as { task?: unknown }).task === 'classification') return decodeClassificationDiagnostics(json);
  const parsed = v.safeParse(schema, json);
  if (!parsed.success) {
    const path = v.getDotPath(parsed.issues[0]);
    throw bad(path ? `diagnostics.${path}` : 'diagnostics', `${parsed.issues[0].message}.`);
  }
  const e = parsed.output;
  if (!(e.range[1] > e.range[0])) throw bad('diagnostics.range', 'the upper end must be above the lower end.');
  const grid = (name: 'counts' | 'residualCounts', length: number): Uint32Array => {
    const a = decodeState(e[name], `diagnostics.${name}`);
    if (!(a instanceof Uint32Array) || a.length !== length) throw bad(`diagnostics.${name}`, `must be a Uint32Array of ${length} counts.`);
    return a;
  };
  return { kind: e.kind, rows: e.rows, range: e.range, residualRange: e.residualRange, counts: grid('counts', GRID_BINS * GRID_BINS), residualCounts: grid('residualCounts', RESIDUAL_BINS * GRID_BINS) };
}
