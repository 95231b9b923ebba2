/**
 * One conformance suite for every regressor (scikit-learn's check_estimator, in spirit).
 * Each model's test file calls `describeRegressorConformance` with a factory.
 */
import { describe, expect, it } from 'vitest';
import { decodeState, encodeState } from '../../src/core/bundle/codec';
import { CancelledError, InvalidInputError } from '../../src/core/errors';
import { Rng } from '../../src/core/random';
import type { Matrix, Regressor, SerializedModel, StateValue } from '../../src/core/models/types';

export interface ConformanceSpec {
  name: string;
  /** A fresh, unfitted model; `seed` must fully determine its fit. */
  make: (seed: number) => Regressor;
  /** Rebuild from serialized form (the registry's job, per model). */
  fromJSON: (s: SerializedModel) => Regressor;
  /** Parameters heavy enough that a fit on `slowData()` lasts well over a second. */
  makeSlow: (seed: number) => Regressor;
  /** Model accepts NaN in X as missing (histogram GBDT). */
  handlesMissing?: boolean;
}

/** y = 3·x0 − 2·x1 + x2·x3 + noise, on n rows × p features. */
export function synthetic(n: number, p: number, seed: number): { X: Matrix; y: Float64Array } {
  const rng = new Rng(seed);
  const data = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) data[i * p + j] = rng.normal();
    const r = data.subarray(i * p, i * p + p);
    y[i] = 3 * r[0] - 2 * r[1] + (p > 3 ? r[2] * r[3] : 0) + 0.1 * rng.normal();
  }
  return { X: { data, rows: n, cols: p }, y };
}

function roundTrip(m: Regressor): SerializedModel {
  const s = m.toJSON();
  const text = JSON.stringify({ type: s.type, params: s.params, state: encodeState(s.state) });
  const parsed = JSON.parse(text) as { type: SerializedModel['type']; params: Record<string, unknown>; state: unknown };
  return { type: parsed.type, params: parsed.params, state: decodeState(parsed.state) as { [k: string]: StateValue } };
}

export function describeRegressorConformance(spec: ConformanceSpec): void {
  describe(`${spec.name} conformance`, () => {
    const train = synthetic(400, 5, 1);
    const test = synthetic(100, 5, 2);

    it('predicts one finite value per row, in order', async () => {
      const m = await spec.make(7).fit(train.X, train.y);
      const p = m.predict(test.X);
      expect(p).toBeInstanceOf(Float64Array);
      expect(p.length).toBe(test.X.rows);
      for (const v of p) expect(Number.isFinite(v)).toBe(true);
      // Row order: predicting a single row gives the same as its place in the batch.
      const row = { data: test.X.data.slice(5 * 3, 5 * 4), rows: 1, cols: 5 };
      expect(m.predict(row)[0]).toBeCloseTo(p[3], 9);
      // Learns something: better than predicting the mean.
      let sse = 0;
      let sst = 0;
      const mean = test.y.reduce((a, b) => a + b, 0) / test.y.length;
      for (let i = 0; i < p.length; i++) {
        sse += (p[i] - test.y[i]) ** 2;
        sst += (mean - test.y[i]) ** 2;
      }
      expect(1 - sse / sst).toBeGreaterThan(0.5);
    });

    it('is deterministic under a seed', async () => {
      const a = (await spec.make(11).fit(train.X, train.y)).predict(test.X);
      const b = (await spec.make(11).fit(train.X, train.y)).predict(test.X);
      expect(Array.from(b)).toEqual(Array.from(a));
    });

    it('round-trips through serialization with bit-identical predictions', async () => {
      const m = await spec.make(3).fit(train.X, train.y);
      const before = m.predict(test.X);
      const restored = spec.fromJSON(roundTrip(m));
      const after = restored.predict(test.X);
      expect(restored.type).toBe(m.type);
      expect(Array.from(after)).toEqual(Array.from(before));
    });

    it('refuses to predict with the wrong number of columns', async () => {
      const m = await spec.make(3).fit(train.X, train.y);
      expect(() => m.predict({ data: new Float64Array(8), rows: 2, cols: 4 })).toThrow(InvalidInputError);
    });

    it('stops with CancelledError when aborted before or during fit', async () => {
      const pre = new AbortController();
      pre.abort();
      await expect(spec.make(1).fit(train.X, train.y, { signal: pre.signal })).rejects.toBeInstanceOf(CancelledError);

      const big = synthetic(30_000, 8, 5);
      const ac = new AbortController();
      let progressAfterAbort = 0;
      const fit = spec.makeSlow(1).fit(big.X, big.y, {
        signal: ac.signal,
        onProgress: () => {
          if (ac.signal.aborted) progressAfterAbort++;
          else ac.abort();
        },
      });
      await expect(fit).rejects.toBeInstanceOf(CancelledError);
      // The fit stops at its next checkpoint instead of running on.
      expect(progressAfterAbort).toBeLessThanOrEqual(1);
    });

    it('rejects NaN/Infinity in y, Infinity in X and empty input with InvalidInputError', async () => {
      const yBad = train.y.slice();
      yBad[10] = NaN;
      await expect(spec.make(1).fit(train.X, yBad)).rejects.toBeInstanceOf(InvalidInputError);
      yBad[10] = Infinity;
      await expect(spec.make(1).fit(train.X, yBad)).rejects.toBeInstanceOf(InvalidInputError);
      const xInf = { ...train.X, data: train.X.data.slice() };
      xInf.data[17] = -Infinity;
      await expect(spec.make(1).fit(xInf, train.y)).rejects.toBeInstanceOf(InvalidInputError);
      const empty = { data: new Float64Array(0), rows: 0, cols: 5 };
      await expect(spec.make(1).fit(empty, new Float64Array(0))).rejects.toBeInstanceOf(InvalidInputError);
    });

    it(spec.handlesMissing ? 'accepts NaN in X as missing' : 'rejects NaN in X with InvalidInputError', async () => {
      const xNaN = { ...train.X, data: train.X.data.slice() };
      for (let i = 0; i < 40; i++) xNaN.data[i * 5 * 7] = NaN;
      if (spec.handlesMissing) {
        const m = await spec.make(1).fit(xNaN, train.y);
        for (const v of m.predict(xNaN)) expect(Number.isFinite(v)).toBe(true);
      } else {
        await expect(spec.make(1).fit(xNaN, train.y)).rejects.toBeInstanceOf(InvalidInputError);
      }
    });
  });
}
