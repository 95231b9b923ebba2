/**
 * A calibrated classifier's calibration as it travels in a bundle's optional
 * `probabilityCalibration` field (beside the base model in `model`), and back. Loading checks
 * every field (BundleError 'bad-calibration' naming its path); nothing is executed. Bundles
 * without the field hold uncalibrated models, as every bundle before calibration existed.
 */
import * as v from 'valibot';
import { encodeState, type EncodedValue } from '../bundle/codec';
import { decodedField, parsedField } from '../bundle/field-checks';
import { BundleError } from '../errors';
import type { Calibrator, ProbabilityCalibration } from './calibration';

export interface EncodedProbabilityCalibration {
  method: 'sigmoid' | 'isotonic';
  classCount: number;
  /** Held-out training rows the calibration was fitted on. */
  rows: number;
  calibrators: Array<{ method: 'sigmoid'; a: number; b: number; scale: number } | { method: 'isotonic'; x: EncodedValue; y: EncodedValue }>;
}

export function encodeProbabilityCalibration(c: ProbabilityCalibration, rows: number): EncodedProbabilityCalibration {
  return {
    method: c.method,
    classCount: c.classCount,
    rows,
    calibrators: c.calibrators.map((cb) => (cb.method === 'sigmoid' ? { ...cb } : { method: 'isotonic' as const, x: encodeState(cb.x), y: encodeState(cb.y) })),
  };
}

const finite = v.pipe(v.number(), v.finite());
const schema = v.object({
  method: v.picklist(['sigmoid', 'isotonic']),
  classCount: v.pipe(v.number(), v.integer(), v.minValue(2)),
  rows: v.pipe(v.number(), v.integer(), v.minValue(1)),
  calibrators: v.array(
    v.variant('method', [
      v.object({ method: v.literal('sigmoid'), a: finite, b: finite, scale: v.pipe(finite, v.gtValue(0)) }),
      v.object({ method: v.literal('isotonic'), x: v.unknown(), y: v.unknown() }),
    ]),
  ),
});

const FIELD = 'probabilityCalibration';
const bad = (field: string, message: string, cause?: unknown): BundleError =>
  new BundleError('bad-calibration', `Invalid bundle: ${field}: ${message}`, { field }, cause === undefined ? undefined : { cause });

/** Validates a bundle's `probabilityCalibration` against the model's class count. */
export function decodeProbabilityCalibration(json: unknown, classCount: number): { calibration: ProbabilityCalibration; rows: number } {
  const e = parsedField(schema, json, FIELD, bad);
  if (e.classCount !== classCount) throw bad(`${FIELD}.classCount`, `is ${e.classCount}; the model has ${classCount} classes.`);
  const want = classCount === 2 ? 1 : classCount;
  if (e.calibrators.length !== want) throw bad(`${FIELD}.calibrators`, `${classCount} classes need ${want} calibrator${want === 1 ? '' : 's'}; there are ${e.calibrators.length}.`);
  const calibrators: Calibrator[] = e.calibrators.map((cb, j) => {
    const at = `${FIELD}.calibrators[${j}]`;
    if (cb.method !== e.method) throw bad(`${at}.method`, `is ${cb.method}, the calibration's method is ${e.method}.`);
    if (cb.method === 'sigmoid') return { ...cb };
    const read = (key: 'x' | 'y'): Float64Array => {
      const a = decodedField(cb[key], `${at}.${key}`, bad);
      if (!(a instanceof Float64Array) || a.length === 0) throw bad(`${at}.${key}`, 'must be a non-empty Float64Array.');
      return a;
    };
    const x = read('x');
    const y = read('y');
    for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]) || (i > 0 && !(x[i] > x[i - 1]))) throw bad(`${at}.x[${i}]`, 'scores must be finite and increasing.');
    if (x.length !== y.length) throw bad(`${at}.y`, `has ${y.length} values for ${x.length} scores.`);
    for (let i = 0; i < y.length; i++) if (!(y[i] >= 0 && y[i] <= 1) || (i > 0 && y[i] < y[i - 1])) throw bad(`${at}.y[${i}]`, 'probabilities must lie in [0, 1] and never decrease.');
    return { method: 'isotonic', x, y };
  });
  return { calibration: { method: e.method, classCount, calibrators }, rows: e.rows };
}
