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
import { Explainer } from '../../src/core/explain';
import { checkParam, resolveParams, type ParamSpec, type SearchSpace } from '../../src/core/models/params';
import { createModel, modelFromJSON } from '../../src/core/models/registry';
import { Rng } from '../../src/core/random';
import { isClassifier, type Classifier, type Matrix, type ModelType, type Regressor, type SerializedModel, type StateValue } from '../../src/core/models/types';
import { argmaxRows } from '../../src/core/models/classifier';
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

/**
 * Class codes 0..k−1 of a score 3·x0 − 2·x1 + x2·x3 + noise (the regression signal, cut): two
 * classes at 0, three at ±1.
 */
export function syntheticClasses(n: number, p: number, k: 2 | 3, seed: number): { X: Matrix; y: Float64Array } {
  const { X, y: score } = synthetic(n, p, seed);
  const y = Float64Array.from(score, (s) => (k === 2 ? (s > 0 ? 1 : 0) : s < -1 ? 0 : s < 1 ? 1 : 2));
  return { X, y };
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
  const classifier = info.tasks.includes('classification');
  // What the model outputs, compared bit for bit: a classifier's probabilities, a regressor's predictions.
  const outputs = (m: Regressor, X: Matrix): Float64Array => (classifier && isClassifier(m) ? m.predictProba(X) : m.predict(X));

  describe(`${info.label} (${type}) conformance`, () => {
    const train = classifier ? syntheticClasses(400, 5, 2, 1) : synthetic(400, 5, 1);
    const test = classifier ? syntheticClasses(100, 5, 2, 2) : synthetic(100, 5, 2);

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

    if (classifier) describeClassifierContract(make, info.seeded);

    if (!classifier)
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
      const a = outputs(await make(11).fit(train.X, train.y), test.X);
      const b = outputs(await make(11).fit(train.X, train.y), test.X);
      expect(Array.from(b)).toEqual(Array.from(a));
    });

    if (info.seeded)
      it('gives a different fit for a different seed', async () => {
        const a = outputs(await make(11).fit(train.X, train.y), test.X);
        const b = outputs(await make(12).fit(train.X, train.y), test.X);
        expect(Array.from(b)).not.toEqual(Array.from(a));
      });

    it('round-trips through the bundle codec and the registry with bit-identical predictions', async () => {
      const m = await make(3).fit(train.X, train.y);
      const before = outputs(m, test.X);
      const s = m.toJSON();
      expect(s.type).toBe(type);
      const restored = modelFromJSON(roundTrip(s));
      expect(restored.type).toBe(type);
      expect(restored.params).toEqual(m.params);
      expect(Array.from(outputs(restored, test.X))).toEqual(Array.from(before));
      if (classifier) expect(Array.from(restored.predict(test.X))).toEqual(Array.from(m.predict(test.X)));
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

    // Explaining a classifier (which output: a class's probability or log-odds) is the pipeline's choice, not yet made.
    if (!classifier)
    it(`explains its predictions (${info.explanation}): base + Σ values = prediction, the same after a round trip`, async () => {
      const m = await make(3).fit(train.X, train.y);
      const names = ['a', 'b', 'c', 'd', 'e'];
      const rows: Matrix = { data: test.X.data.slice(0, 6 * 5), rows: 6, cols: 5 };
      const e = new Explainer(m, { features: names }, { permutations: 64, seed: 1 }).explain(rows);
      expect(e.kind).toBe(info.explanation);
      expect(e.columns).toEqual(names);
      if (e.kind === 'sampling') expect(e.permutations).toBeGreaterThanOrEqual(64);
      const pred = m.predict(rows);
      for (let r = 0; r < 6; r++) {
        let sum = e.base;
        for (let j = 0; j < 5; j++) sum += e.values[r * 5 + j];
        expect(Math.abs(sum - pred[r]), `row ${r}`).toBeLessThan(1e-9 * (1 + Math.abs(pred[r])));
      }
      // y = 3·x0 − 2·x1 + x2·x3: x0 and x1 move predictions more than x4, which is noise.
      const meanAbs = (j: number) => Array.from({ length: 6 }, (_, r) => Math.abs(e.values[r * 5 + j])).reduce((a, b) => a + b) / 6;
      expect(meanAbs(0)).toBeGreaterThan(meanAbs(4));
      const again = new Explainer(modelFromJSON(roundTrip(m.toJSON())), { features: names }, { permutations: 64, seed: 1 }).explain(rows);
      expect(Array.from(again.values)).toEqual(Array.from(e.values));
    });

    it('refuses to predict with the wrong number of columns', async () => {
      const m = await make(3).fit(train.X, train.y);
      expect(() => m.predict({ data: new Float64Array(8), rows: 2, cols: 4 })).toThrow(InvalidInputError);
    });

    it('stops with CancelledError when aborted before or during fit', async () => {
      const pre = new AbortController();
      pre.abort();
      await expect(make(1).fit(train.X, train.y, { signal: pre.signal })).rejects.toBeInstanceOf(CancelledError);

      const big = classifier ? syntheticClasses(30_000, 8, 2, 5) : synthetic(30_000, 8, 5);
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

/**
 * What the Classifier contract adds, on two classes and on three: probabilities in [0, 1] with
 * rows summing to 1, predict = their argmax, columns in class-code order, K columns when
 * `classCount` names a class the rows lack, typed errors for bad class codes.
 */
function describeClassifierContract(make: (seed: number) => Regressor, seeded: boolean): void {
  const fitClassifier = async (seed: number, X: Matrix, y: Float64Array, classCount?: number): Promise<Classifier> => {
    const m = await make(seed).fit(X, y, classCount === undefined ? {} : { classCount });
    expect(isClassifier(m)).toBe(true);
    return m as Classifier;
  };

  for (const k of [2, 3] as const) {
    describe(`classifier contract, ${k} classes`, () => {
      const train = syntheticClasses(400, 5, k, 1);
      const test = syntheticClasses(200, 5, k, 2);

      it('gives rows × K probabilities in [0, 1], each row summing to 1, and predicts their argmax', async () => {
        const m = await fitClassifier(7, train.X, train.y);
        expect(m.task).toBe('classification');
        expect(m.classCount).toBe(k);
        const proba = m.predictProba(test.X);
        expect(proba).toBeInstanceOf(Float64Array);
        expect(proba.length).toBe(test.X.rows * k);
        for (let i = 0; i < test.X.rows; i++) {
          let sum = 0;
          for (let c = 0; c < k; c++) {
            const v = proba[i * k + c];
            expect(v >= 0 && v <= 1, `row ${i} class ${c}: ${v}`).toBe(true);
            sum += v;
          }
          expect(Math.abs(sum - 1), `row ${i} sums to ${sum}`).toBeLessThanOrEqual(1e-12);
        }
        expect(Array.from(m.predict(test.X))).toEqual(Array.from(argmaxRows(proba, k)));
        const row = { data: test.X.data.slice(5 * 3, 5 * 4), rows: 1, cols: 5 };
        const one = m.predictProba(row);
        for (let c = 0; c < k; c++) expect(one[c]).toBeCloseTo(proba[3 * k + c], 12);
      });

      it('learns: accuracy well above the majority class, and each column is its class code’s probability', async () => {
        const m = await fitClassifier(7, train.X, train.y);
        const pred = m.predict(test.X);
        const counts = new Array<number>(k).fill(0);
        let hits = 0;
        for (let i = 0; i < pred.length; i++) {
          counts[test.y[i]]++;
          if (pred[i] === test.y[i]) hits++;
        }
        const majority = Math.max(...counts) / pred.length;
        expect(hits / pred.length).toBeGreaterThan(Math.min(0.95, majority + 0.15));
        // Column c is larger, on average, on the rows of class c than on the others (a column order
        // mixed up would make it smaller; a weak fit, such as a small forest on the narrow middle
        // class, still clears the margin).
        const proba = m.predictProba(test.X);
        for (let c = 0; c < k; c++) {
          let inside = 0;
          let outside = 0;
          for (let i = 0; i < pred.length; i++) {
            if (test.y[i] === c) inside += proba[i * k + c] / counts[c];
            else outside += proba[i * k + c] / (pred.length - counts[c]);
          }
          expect(inside, `class ${c}`).toBeGreaterThan(outside + 0.05);
        }
      });

      if (seeded)
        it('is deterministic under a seed (probabilities bit for bit)', async () => {
          const a = (await fitClassifier(5, train.X, train.y)).predictProba(test.X);
          const b = (await fitClassifier(5, train.X, train.y)).predictProba(test.X);
          expect(Array.from(b)).toEqual(Array.from(a));
        });
    });
  }

  it('keeps K columns when classCount names a class missing from y, and gives that class (almost) no probability', async () => {
    const full = syntheticClasses(600, 5, 3, 3);
    const keep = [...full.y.keys()].filter((i) => full.y[i] !== 1);
    const X: Matrix = { data: Float64Array.from(keep.flatMap((i) => Array.from(full.X.data.subarray(i * 5, i * 5 + 5)))), rows: keep.length, cols: 5 };
    const y = Float64Array.from(keep, (i) => full.y[i]);
    const m = await fitClassifier(1, X, y, 3);
    expect(m.classCount).toBe(3);
    const test = syntheticClasses(100, 5, 3, 4);
    const proba = m.predictProba(test.X);
    expect(proba.length).toBe(300);
    let missing = 0;
    for (let i = 0; i < 100; i++) {
      let sum = 0;
      for (let c = 0; c < 3; c++) sum += proba[i * 3 + c];
      expect(Math.abs(sum - 1)).toBeLessThanOrEqual(1e-12);
      missing += proba[i * 3 + 1] / 100;
    }
    expect(missing).toBeLessThan(0.05);
    const restored = modelFromJSON(roundTrip(m.toJSON())) as Classifier;
    expect(restored.classCount).toBe(3);
    expect(Array.from(restored.predictProba(test.X))).toEqual(Array.from(proba));
  });

  it('rejects class codes that are not whole numbers in 0..K−1, and a single class, naming the row', async () => {
    const { X, y } = syntheticClasses(50, 5, 2, 6);
    const bad = y.slice();
    bad[6] = 0.5;
    await expect(make(1).fit(X, bad)).rejects.toMatchObject({ name: 'InvalidInputError', code: 'bad-class-code', where: { row: 7 } });
    bad[6] = 2;
    await expect(make(1).fit(X, bad, { classCount: 2 })).rejects.toMatchObject({ name: 'InvalidInputError', code: 'bad-class-code', where: { row: 7 } });
    await expect(make(1).fit(X, new Float64Array(50))).rejects.toMatchObject({ name: 'InvalidInputError', code: 'one-class' });
  });
}
