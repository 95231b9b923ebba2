/**
 * A classifier's evaluation diagnostics, kept in its bundle for the model report: the confusion
 * matrix at the bundle's decision, ROC curves read at fixed thresholds, and a reliability diagram's
 * bins. Aggregates only — counts and rates — so no row's probability leaves with the model.
 *
 * - ROC: binary, one curve for the positive class (code 1); multiclass, one per class, one vs rest.
 *   Each is the false- and true-positive rates of "probability ≥ t" for t = 0, 0.01, …, 1 (101
 *   points), enough to draw it; the exact ROC AUC is in the bundle's metrics.
 * - Reliability: RELIABILITY_BINS equal-width bins of the positive class's probability (binary) or
 *   of the top class's (multiclass: its confidence, "positive" meaning the top class was right).
 */
import * as v from 'valibot';
import { decodeState, encodeState, type EncodedValue } from '../bundle/codec';
import { BundleError } from '../errors';
import { confusionMatrix, decide } from '../metrics/classification';
import { reliabilityBins } from '../metrics/curves';

/** Thresholds the ROC curves are read at: 0, 0.01, …, 1. */
export const ROC_THRESHOLDS = 101;
export const RELIABILITY_BINS = 10;

export interface ClassificationDiagnostics {
  task: 'classification';
  kind: 'test' | 'out-of-fold';
  /** Rows scored (all of them, even when the run kept a sample of their predictions). */
  rows: number;
  classCount: number;
  /** classCount × classCount: confusion[actual * classCount + decided]. */
  confusion: Uint32Array;
  /** Curves × ROC_THRESHOLDS each: binary 1 curve (positive class), multiclass one per class. */
  rocFpr: Float64Array;
  rocTpr: Float64Array;
  /** Per reliability bin: rows, mean probability, share positive (0 where a bin is empty). */
  reliabilityCounts: Uint32Array;
  reliabilityMean: Float64Array;
  reliabilityPositive: Float64Array;
}

/**
 * The diagnostics of `actual` class codes against probabilities rows × k, decided at `threshold`
 * (binary). `totalRows` is how many rows were scored when these are a sample of them.
 */
export function classificationDiagnostics(
  kind: ClassificationDiagnostics['kind'],
  actual: Float64Array,
  probabilities: Float64Array,
  k: number,
  threshold?: number,
  totalRows = actual.length,
): ClassificationDiagnostics {
  const n = actual.length;
  const decided = decide(probabilities, k, threshold);
  const confusion = Uint32Array.from(confusionMatrix(actual, decided, k).flat());
  const curves = k === 2 ? [1] : Array.from({ length: k }, (_, c) => c);
  const rocFpr = new Float64Array(curves.length * ROC_THRESHOLDS);
  const rocTpr = new Float64Array(curves.length * ROC_THRESHOLDS);
  curves.forEach((c, j) => {
    let positives = 0;
    for (let i = 0; i < n; i++) positives += actual[i] === c ? 1 : 0;
    const negatives = n - positives;
    for (let t = 0; t < ROC_THRESHOLDS; t++) {
      const cut = t / (ROC_THRESHOLDS - 1);
      let tp = 0;
      let fp = 0;
      for (let i = 0; i < n; i++)
        if (probabilities[i * k + c] >= cut) {
          if (actual[i] === c) tp++;
          else fp++;
        }
      rocFpr[j * ROC_THRESHOLDS + t] = negatives > 0 ? fp / negatives : NaN;
      rocTpr[j * ROC_THRESHOLDS + t] = positives > 0 ? tp / positives : NaN;
    }
  });
  const score = new Float64Array(n);
  const positive = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (k === 2) {
      score[i] = probabilities[i * 2 + 1];
      positive[i] = actual[i] === 1 ? 1 : 0;
    } else {
      let top = 0;
      for (let c = 1; c < k; c++) if (probabilities[i * k + c] > probabilities[i * k + top]) top = c;
      score[i] = probabilities[i * k + top];
      positive[i] = actual[i] === top ? 1 : 0;
    }
  }
  const reliabilityCounts = new Uint32Array(RELIABILITY_BINS);
  const reliabilityMean = new Float64Array(RELIABILITY_BINS);
  const reliabilityPositive = new Float64Array(RELIABILITY_BINS);
  for (const b of reliabilityBins(positive, score, RELIABILITY_BINS)) {
    const at = Math.round(b.lower * RELIABILITY_BINS);
    reliabilityCounts[at] = b.count;
    reliabilityMean[at] = b.meanPredicted;
    reliabilityPositive[at] = b.fractionPositive;
  }
  return { task: 'classification', kind, rows: totalRows, classCount: k, confusion, rocFpr, rocTpr, reliabilityCounts, reliabilityMean, reliabilityPositive };
}

export interface EncodedClassificationDiagnostics {
  task: 'classification';
  kind: 'test' | 'out-of-fold';
  rows: number;
  classCount: number;
  confusion: EncodedValue;
  rocFpr: EncodedValue;
  rocTpr: EncodedValue;
  reliabilityCounts: EncodedValue;
  reliabilityMean: EncodedValue;
  reliabilityPositive: EncodedValue;
}

const ARRAYS = ['confusion', 'rocFpr', 'rocTpr', 'reliabilityCounts', 'reliabilityMean', 'reliabilityPositive'] as const;

export function encodeClassificationDiagnostics(d: ClassificationDiagnostics): EncodedClassificationDiagnostics {
  return {
    task: 'classification',
    kind: d.kind,
    rows: d.rows,
    classCount: d.classCount,
    ...(Object.fromEntries(ARRAYS.map((name) => [name, encodeState(d[name])])) as Record<(typeof ARRAYS)[number], EncodedValue>),
  };
}

/** A BundleError 'invalid-bundle' naming the field. */
export function bad(field: string, message: string): BundleError {
  return new BundleError('invalid-bundle', `Invalid bundle: ${field}: ${message}`, { field });
}

const schema = v.object({
  task: v.literal('classification'),
  kind: v.picklist(['test', 'out-of-fold']),
  rows: v.pipe(v.number(), v.integer(), v.minValue(0)),
  classCount: v.pipe(v.number(), v.integer(), v.minValue(2)),
  ...Object.fromEntries(ARRAYS.map((name) => [name, v.unknown()])),
});

/** Validates a classifier's `diagnostics`: every array of its type and length, or a BundleError naming it. */
export function decodeClassificationDiagnostics(json: unknown): ClassificationDiagnostics {
  const parsed = v.safeParse(schema, json);
  if (!parsed.success) {
    const path = v.getDotPath(parsed.issues[0]);
    throw bad(path ? `diagnostics.${path}` : 'diagnostics', `${parsed.issues[0].message}.`);
  }
  const e = parsed.output as unknown as EncodedClassificationDiagnostics;
  const k = e.classCount;
  const curves = k === 2 ? 1 : k;
  const lengths: Record<(typeof ARRAYS)[number], number> = {
    confusion: k * k,
    rocFpr: curves * ROC_THRESHOLDS,
    rocTpr: curves * ROC_THRESHOLDS,
    reliabilityCounts: RELIABILITY_BINS,
    reliabilityMean: RELIABILITY_BINS,
    reliabilityPositive: RELIABILITY_BINS,
  };
  const arrays = Object.fromEntries(
    ARRAYS.map((name) => {
      const a = decodeState(e[name], `diagnostics.${name}`);
      const want = name === 'confusion' || name === 'reliabilityCounts' ? Uint32Array : Float64Array;
      if (!(a instanceof want) || a.length !== lengths[name]) throw bad(`diagnostics.${name}`, `must be a ${want.name} of ${lengths[name]} values.`);
      return [name, a];
    }),
  ) as unknown as Pick<ClassificationDiagnostics, (typeof ARRAYS)[number]>;
  return { task: 'classification', kind: e.kind, rows: e.rows, classCount: k, ...arrays };
}
