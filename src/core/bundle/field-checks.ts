/**
 * Checks of a bundle's optional fields (intervals, prediction sets, probability calibration): each
 * failure a BundleError naming the path it concerns, built by the field's own `fail`.
 */
import * as v from 'valibot';
import { decodeState, type EncodedValue } from './codec';
import { BundleError } from '../errors';
import type { StateValue } from '../models/types';

/** Builds a field's BundleError: the path, the message, what caused it. */
export type FieldError = (field: string, message: string, cause?: unknown) => BundleError;

/** The field `root` checked against `s`; the first failure named by its path under `root`. */
export function parsedField<S extends v.GenericSchema>(s: S, json: unknown, root: string, fail: FieldError): v.InferOutput<S> {
  const r = v.safeParse(s, json);
  if (r.success) return r.output;
  const path = v.getDotPath(r.issues[0]);
  throw fail(path ? `${root}.${path}` : root, `${r.issues[0].message}.`);
}

/** An encoded typed array at `path`, decoded; a codec failure re-thrown as the field's error. */
export function decodedField(value: unknown, path: string, fail: FieldError): StateValue {
  try {
    return decodeState(value as EncodedValue, path);
  } catch (err) {
    if (err instanceof BundleError) throw fail(path, err.message, err);
    throw err;
  }
}
