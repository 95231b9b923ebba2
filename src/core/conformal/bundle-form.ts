/**
 * The calibration as it travels in a bundle's optional `intervals` field, and back. Loading
 * checks every field (BundleError 'bad-intervals' naming the path) and rebuilds σ̂ through the
 * model registry; nothing is executed. Bundles written before intervals existed have no field:
 * they load, and prediction says they have no intervals.
 */
import * as v from 'valibot';
import { encodeState, decodeState, type EncodedValue } from '../bundle/codec';
import { decodedField, parsedField, type FieldError } from '../bundle/field-checks';
import { BundleError } from '../errors';
import { modelFromJSON } from '../models/registry';
import type { Regressor, SerializedModel, StateValue } from '../models/types';
import type { ConformalCalibration } from './calibration';
import type { ConformalSets, SetEvaluation, SetScore } from './sets';

export interface EncodedCalibration {
  method: 'split' | 'cv';
  coverage: number;
  calibrationRows: number;
  scores: EncodedValue;
  scale?: { floor: number; model: { type: string; params: Record<string, unknown>; state: EncodedValue } };
  evaluation?: { kind: 'test' | 'out-of-fold'; coverage: number; empiricalCoverage: number; meanWidth: number; rows: number };
}

export function encodeCalibration(c: ConformalCalibration): EncodedCalibration {
  const out: EncodedCalibration = { method: c.method, coverage: c.coverage, calibrationRows: c.calibrationRows, scores: encodeState(c.scores) };
  if (c.scale) {
    const m = c.scale.model.toJSON();
    out.scale = { floor: c.scale.floor, model: { type: m.type, params: m.params, state: encodeState(m.state) } };
  }
  if (c.evaluation) out.evaluation = { ...c.evaluation };
  return out;
}

const finite = v.pipe(v.number(), v.finite());
const share = v.pipe(v.number(), v.gtValue(0), v.ltValue(1));
const schema = v.object({
  method: v.picklist(['split', 'cv']),
  coverage: share,
  calibrationRows: v.pipe(v.number(), v.integer(), v.minValue(1)),
  scores: v.unknown(),
  scale: v.optional(v.object({ floor: v.pipe(finite, v.minValue(0)), model: v.object({ type: v.string(), params: v.record(v.string(), v.unknown()), state: v.unknown() }) })),
  evaluation: v.optional(
    v.object({ kind: v.picklist(['test', 'out-of-fold']), coverage: share, empiricalCoverage: v.pipe(finite, v.minValue(0), v.maxValue(1)), meanWidth: finite, rows: v.pipe(v.number(), v.integer(), v.minValue(0)) }),
  ),
});

const bad = (field: string, message: string, cause?: unknown): BundleError =>
  new BundleError('bad-intervals', `Invalid bundle: ${field}: ${message}`, { field }, cause === undefined ? undefined : { cause });


/** `<root>.scores`: a non-empty ascending Float64Array of at most calibrationRows scores, each in [0, max]. */
function decodedScores(e: { scores: unknown; calibrationRows: number }, root: string, max: number, fail: FieldError): Float64Array {
  const scores = decodedField(e.scores, `${root}.scores`, fail);
  if (!(scores instanceof Float64Array) || scores.length === 0) throw fail(`${root}.scores`, 'must be a non-empty Float64Array.');
  for (let i = 0; i < scores.length; i++)
    if (!(scores[i] >= 0 && scores[i] <= max && Number.isFinite(scores[i])) || (i > 0 && scores[i] < scores[i - 1]))
      throw fail(`${root}.scores[${i}]`, max === Infinity ? 'scores must be finite, non-negative and ascending.' : `scores must lie in [0, ${max}], ascending.`);
  if (scores.length > e.calibrationRows) throw fail(`${root}.calibrationRows`, `is ${e.calibrationRows}, fewer than the ${scores.length} scores.`);
  return scores;
}

/** Validates a bundle's `intervals` field; every failure names its path under `intervals`. */
export function decodeCalibration(json: unknown): ConformalCalibration {
  const e = parsedField(schema, json, 'intervals', bad);
  const scores = decodedScores(e, 'intervals', Infinity, bad);
  const out: ConformalCalibration = { method: e.method, coverage: e.coverage, calibrationRows: e.calibrationRows, scores };
  if (e.scale) {
    if (e.scale.model.type !== 'gbdt') throw bad('intervals.scale.model.type', `the residual model must be "gbdt"; got ${JSON.stringify(e.scale.model.type)}.`);
    let model: Regressor;
    try {
      const state = decodeState(e.scale.model.state, 'intervals.scale.model.state') as { [k: string]: StateValue };
      model = modelFromJSON({ type: 'gbdt', params: e.scale.model.params, state } satisfies SerializedModel);
    } catch (err) {
      if (err instanceof BundleError) {
        const f = err.where.field ?? '';
        throw bad(f.startsWith('intervals.') ? f : `intervals.scale.model${f ? `.${f}` : ''}`, err.message, err);
      }
      throw err;
    }
    out.scale = { floor: e.scale.floor, model };
  }
  if (e.evaluation) out.evaluation = { ...e.evaluation };
  return out;
}

/** A classifier's prediction-set calibration as it travels in a bundle's optional `predictionSets` field. */
export interface EncodedSets {
  score: SetScore;
  method: 'split' | 'cv';
  coverage: number;
  calibrationRows: number;
  scores: EncodedValue;
  evaluation?: SetEvaluation;
}

export function encodeSets(c: ConformalSets): EncodedSets {
  return { score: c.score, method: c.method, coverage: c.coverage, calibrationRows: c.calibrationRows, scores: encodeState(c.scores), ...(c.evaluation ? { evaluation: { ...c.evaluation } } : {}) };
}

const setsSchema = v.object({
  score: v.picklist(['lac', 'aps']),
  method: v.picklist(['split', 'cv']),
  coverage: share,
  calibrationRows: v.pipe(v.number(), v.integer(), v.minValue(1)),
  scores: v.unknown(),
  evaluation: v.optional(
    v.object({
      kind: v.picklist(['test', 'out-of-fold']),
      coverage: share,
      empiricalCoverage: v.pipe(finite, v.minValue(0), v.maxValue(1)),
      meanSetSize: v.pipe(finite, v.minValue(0)),
      rows: v.pipe(v.number(), v.integer(), v.minValue(0)),
    }),
  ),
});

const badSets = (field: string, message: string, cause?: unknown): BundleError =>
  new BundleError('bad-sets', `Invalid bundle: ${field}: ${message}`, { field }, cause === undefined ? undefined : { cause });

/** Validates a bundle's `predictionSets` field; every failure names its path under `predictionSets`. */
export function decodeSets(json: unknown): ConformalSets {
  const e = parsedField(setsSchema, json, 'predictionSets', badSets);
  // Both scores are probabilities or sums of them: in [0, 1].
  const scores = decodedScores(e, 'predictionSets', 1, badSets);
  return { score: e.score, method: e.method, coverage: e.coverage, calibrationRows: e.calibrationRows, scores, ...(e.evaluation ? { evaluation: { ...e.evaluation } } : {}) };
}
