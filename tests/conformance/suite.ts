/**
 * One conformance suite for every model of the catalog (scikit-learn's check_estimator, in
 * spirit). Models are built and restored through the registry and the bundle codec, as the app
 * and the CLI do; the catalog's capabilities and each parameter table are checked against the
 * model's behaviour.
 */
import { describe, expect, it } from 'vitest';
import { decodeState, encodeState } from '../../src/core/bundle/codec';
import { BundleError, CancelledError, InvalidInputError, InvalidParamsError, NotFittedError } from '../../src/core/errors';
import { modelInfo } from '../../src/core/models/catalog';
import { checkParam, resolveParams, type ParamSpec, type SearchSpace } from '../../src/core/models/params';
import { createModel, modelFromJSON } from '../../src/core/models/registry';
import { Rng } from '../../src/core/random';
import type { Matrix, ModelType, Regressor, SerializedModel, StateValue } from '../../src/core/models/types';
import type { ConformanceSpec } from './specs';
import { thrown } from '../helpers/errors';

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

/** Through JSON text and the bundle codec, then the registry: what loading a bundle does. */
function roundTrip(s: SerializedModel): SerializedModel {
  const text = JSON.stringify({ type: s.type, params: s.params, state: encodeState(s.state) });
  const parsed = JSON.parse(text) as { type: SerializedModel['type']; params: Record<string, unknown>; state: unknown };
  return { type: parsed.type, params: parsed.params, state: decodeState(parsed.state) as { [k: string]: StateValue } };
}

/** A value outside what `spec` allows, or undefined when every value of its type is allowed. */
function outOfRange(spec: ParamSpec): unknown[] {
  switch (spec.kind) {
    case 'boolean':
      return ['yes', 1];
    case 'choice':
      return ['no-such-choice', 7];
    case 'integer-list':
      return [[], [spec.min - 1], [spec.max + 1], Array(spec.maxLength + 1).fill(spec.min), 'wide'];
    default: {
      const bad: unknown[] = [NaN, Infinity, 'much', [1]];
      if (spec.nullable === undefined) bad.push(null);
      if (spec.kind === 'integer') bad.push((spec.min ?? 0) + 0.5);
      if (spec.fractionOrCount) bad.push(0, -1, 2.5);
      if (spec.min !== undefined) bad.push(spec.minExclusive ? spec.min : spec.min - 1);
      if (spec.max !== undefined) bad.push(spec.maxExclusive ? spec.max : spec.max + Math.max(1, Math.abs(spec.max) * 1e-9));
      return bad;
    }
  }
}

/** The values a search may draw at the edges of a space (each must pass the parameter's checks). */
function searchEdges(s: SearchSpace): unknown[] {
  return s.type === 'choice' ? [...s.values] : [s.low, s.high];
}

export function describeModelConformance(type: ModelType, spec: ConformanceSpec): void {
  const info = modelInfo(type);
  const make = (seed: number, params = spec.params): Regressor => createModel(type, info.seeded ? { ...params, seed } : params);

  describe(`${info.label} (${type}) conformance`, () => {
    const train = synthetic(400, 5, 1);
    const test = synthetic(100, 5, 2);

    describe('parameter table', () => {
      const table = info.params;
      it('has valid defaults, and help for every field', () => {
        expect(resolveParams(table, {}, info.label)).toEqual(table.defaults);
        for (const [name, s] of Object.entries(table.fields)) {
          expect(checkParam(name, s, s.default), name).toEqual(s.default);
          expect(s.help.length, `${name} has help`).toBeGreaterThan(5);
        }
        expect(createModel(type).params).toEqual(table.defaults);
      });

      it('rejects every out-of-range value with an InvalidParamsError naming the field', () => {
        for (const [name, s] of Object.entries(table.fields)) {
          for (const v of outOfRange(s)) {
            const err = thrown(() => createModel(type, { [name]: v }), InvalidParamsError, `${name} = ${JSON.stringify(v)}`);
            expect(err.where.field?.replace(/\[\d+\]$/, '')).toBe(name);
          }
        }
      });

      it('rejects unknown parameters and non-objects, naming them', () => {
        expect(() => createModel(type, { noSuchParam: 1 })).toThrow(expect.objectContaining({ code: 'unknown-param', where: { field: 'noSuchParam' } }));
        expect(() => createModel(type, ['x'] as unknown as Record<string, unknown>)).toThrow(InvalidParamsError);
      });

      it('declares search spaces inside the allowed values', () => {
        for (const [name, s] of Object.entries(table.fields)) {
          if (!s.search) continue;
          for (const v of searchEdges(s.search)) expect(() => checkParam(name, s, v), `${name} search value ${JSON.stringify(v)}`).not.toThrow();
          if (s.search.type !== 'choice') expect(s.search.low).toBeLessThan(s.search.high);
          if (s.search.type.includes('log') && s.search.type !== 'choice') expect((s.search as { low: number }).low).toBeGreaterThan(0);
        }
      });

      it(`catalog: seeded is ${info.seeded}, as its table has${info.seeded ? '' : ' no'} seed`, () => {
        expect(Object.hasOwn(table.fields, 'seed')).toBe(info.seeded);
        if (info.seeded) expect(table.fields.seed).toMatchObject({ kind: 'integer', min: 0, max: 0xffffffff });
      });
    });

    it('throws NotFittedError from predict, toJSON, history and featureImportance before fit', () => {
      const m = make(1);
      expect(m.isFitted).toBe(false);
      expect(() => m.predict(test.X)).toThrow(NotFittedError);
      expect(() => m.toJSON()).toThrow(NotFittedError);
      expect(() => m.history()).toThrow(NotFittedError);
      expect(() => m.featureImportance()).toThrow(NotFittedError);
    });

    it('predicts one finite value per row, in order, better than the mean', async () => {
      const m = await make(7).fit(train.X, train.y);
      expect(m.isFitted).toBe(true);
      const p = m.predict(test.X);
      expect(p).toBeInstanceOf(Float64Array);
      expect(p.length).toBe(test.X.rows);
      for (const v of p) expect(Number.isFinite(v)).toBe(true);
      const row = { data: test.X.data.slice(5 * 3, 5 * 4), rows: 1, cols: 5 };
      expect(m.predict(row)[0]).toBeCloseTo(p[3], 9);
      let sse = 0;
      let sst = 0;
      const mean = test.y.reduce((a, b) => a + b, 0) / test.y.length;
      for (let i = 0; i < p.length; i++) {
        sse += (p[i] - test.y[i]) ** 2;
        sst += (mean - test.y[i]) ** 2;
      }
      expect(1 - sse / sst).toBeGreaterThan(0.5);
    });

    it(`catalog: importance is ${info.importance ?? 'none'}, loss curve ${info.lossCurve ? 'yes' : 'no'}`, async () => {
      const m = await make(7).fit(train.X, train.y);
      const imp = m.featureImportance();
      if (info.importance === null) expect(imp).toBeUndefined();
      else {
        expect(imp).toBeInstanceOf(Float64Array);
        expect(imp!.length).toBe(5);
        for (const v of imp!) expect(v).toBeGreaterThanOrEqual(0);
        // x0 and x1 carry most of the signal.
        const top = [...imp!.keys()].sort((a, b) => imp![b] - imp![a]).slice(0, 2).sort();
        expect(top).toEqual([0, 1]);
      }
      const h = m.history();
      if (info.lossCurve) {
        expect(h.train.length).toBeGreaterThan(1);
        expect(h.unit).toBe(info.steps);
      } else expect(h.train.length).toBe(0);
    });

    it('is deterministic under a seed', async () => {
      const a = (await make(11).fit(train.X, train.y)).predict(test.X);
      const b = (await make(11).fit(train.X, train.y)).predict(test.X);
      expect(Array.from(b)).toEqual(Array.from(a));
    });

    if (info.seeded)
      it('gives a different fit for a different seed', async () => {
        const a = (await make(11).fit(train.X, train.y)).predict(test.X);
        const b = (await make(12).fit(train.X, train.y)).predict(test.X);
        expect(Array.from(b)).not.toEqual(Array.from(a));
      });

    it('round-trips through the bundle codec and the registry with bit-identical predictions', async () => {
      const m = await make(3).fit(train.X, train.y);
      const before = m.predict(test.X);
      const s = m.toJSON();
      expect(s.type).toBe(type);
      const restored = modelFromJSON(roundTrip(s));
      expect(restored.type).toBe(type);
      expect(restored.params).toEqual(m.params);
      expect(Array.from(restored.predict(test.X))).toEqual(Array.from(before));
      expect(restored.history()).toEqual(m.history());
      expect(restored.featureImportance()).toEqual(m.featureImportance());
    });

    it('refuses state it does not know, bad params and inherited fields when restoring, naming the path', async () => {
      const s = (await make(3).fit(train.X, train.y)).toJSON();
      const extra = roundTrip(s);
      extra.state = { ...extra.state, injected: 1 };
      expect(() => modelFromJSON(extra)).toThrow(expect.objectContaining({ name: 'BundleError', where: { field: 'state.injected' } }));
      const [name, field] = Object.entries(info.params.fields)[0];
      const badParams = roundTrip(s);
      badParams.params = { ...badParams.params, [name]: outOfRange(field)[0] };
      expect(() => modelFromJSON(badParams)).toThrow(expect.objectContaining({ code: 'bad-params', where: { field: `params.${name}` } }));
      // A state whose fields are only inherited (the prototype chain) is not a state.
      const inherited = roundTrip(s);
      inherited.state = Object.create(inherited.state) as { [k: string]: StateValue };
      expect(() => modelFromJSON(inherited)).toThrow(BundleError);
    });

    it('refuses to predict with the wrong number of columns', async () => {
      const m = await make(3).fit(train.X, train.y);
      expect(() => m.predict({ data: new Float64Array(8), rows: 2, cols: 4 })).toThrow(InvalidInputError);
    });

    it('stops with CancelledError when aborted before or during fit', async () => {
      const pre = new AbortController();
      pre.abort();
      await expect(make(1).fit(train.X, train.y, { signal: pre.signal })).rejects.toBeInstanceOf(CancelledError);

      const big = synthetic(30_000, 8, 5);
      const ac = new AbortController();
      let progressAfterAbort = 0;
      const fit = make(1, spec.slowParams).fit(big.X, big.y, {
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

    it('rejects NaN/Infinity in y, Infinity in X and empty input with InvalidInputError naming the row', async () => {
      const yBad = train.y.slice();
      yBad[10] = NaN;
      await expect(make(1).fit(train.X, yBad)).rejects.toMatchObject({ name: 'InvalidInputError', code: 'non-finite-target', where: { row: 11 } });
      yBad[10] = Infinity;
      await expect(make(1).fit(train.X, yBad)).rejects.toMatchObject({ name: 'InvalidInputError', code: 'non-finite-target', where: { row: 11 } });
      const xInf = { ...train.X, data: train.X.data.slice() };
      xInf.data[17] = -Infinity;
      await expect(make(1).fit(xInf, train.y)).rejects.toMatchObject({ name: 'InvalidInputError', code: 'non-finite-feature', where: { row: 4, column: 'feature 2' } });
      const empty = { data: new Float64Array(0), rows: 0, cols: 5 };
      await expect(make(1).fit(empty, new Float64Array(0))).rejects.toBeInstanceOf(InvalidInputError);
    });

    it(spec.handlesMissing ? 'accepts NaN in X as missing' : 'rejects NaN in X the same way: InvalidInputError naming row and feature', async () => {
      const xNaN = { ...train.X, data: train.X.data.slice() };
      for (let i = 0; i < 40; i++) xNaN.data[i * 5 * 7] = NaN;
      if (spec.handlesMissing) {
        const m = await make(1).fit(xNaN, train.y);
        for (const v of m.predict(xNaN)) expect(Number.isFinite(v)).toBe(true);
      } else {
        await expect(make(1).fit(xNaN, train.y)).rejects.toMatchObject({ name: 'InvalidInputError', code: 'non-finite-feature', where: { row: 1, column: 'feature 0' } });
        const m = await make(1).fit(train.X, train.y);
        expect(() => m.predict(xNaN)).toThrow(expect.objectContaining({ code: 'non-finite-feature', where: { row: 1, column: 'feature 0' } }));
      }
    });
  });
}
