/**
 * The ensemble model beyond the conformance suite: built from fitted members, its nested state
 * checked member by member on load (errors name the path inside the member), and no nesting.
 */
import { describe, expect, it } from 'vitest';
import { decodeState, encodeState } from '../../../src/core/bundle/codec';
import { BundleError, InvalidInputError } from '../../../src/core/errors';
import { EnsembleRegressor } from '../../../src/core/models/ensemble';
import { createModel, modelFromJSON } from '../../../src/core/models/registry';
import type { Regressor, SerializedModel, StateValue } from '../../../src/core/models/types';
import { synthetic } from '../../conformance/suite';

const train = synthetic(300, 4, 1);
const test = synthetic(50, 4, 2);

async function members(): Promise<Regressor[]> {
  return Promise.all([createModel('ridge').fit(train.X, train.y), createModel('tree', { maxDepth: 4 }).fit(train.X, train.y), createModel('knn', { k: 7 }).fit(train.X, train.y)]);
}

/** JSON text through the codec and back, as a bundle does. */
function reload(s: SerializedModel): SerializedModel {
  const parsed = JSON.parse(JSON.stringify({ ...s, state: encodeState(s.state) })) as SerializedModel;
  return { ...parsed, state: decodeState(parsed.state) as { [k: string]: StateValue } };
}

describe('EnsembleRegressor', () => {
  it('predicts intercept + Σ weight × member, leaving out members of weight 0', async () => {
    const ms = await members();
    const e = EnsembleRegressor.fromMembers({}, ms, { weights: Float64Array.of(0.25, 0, 0.75), intercept: 3 }, 4);
    expect(e.members.map((m) => m.model.type)).toEqual(['ridge', 'knn']);
    const p = e.predict(test.X);
    const a = ms[0].predict(test.X);
    const c = ms[2].predict(test.X);
    for (let i = 0; i < p.length; i++) expect(p[i]).toBeCloseTo(3 + 0.25 * a[i] + 0.75 * c[i], 10);
    // Its state holds each member as the registry serializes it, and reloads to the same predictions.
    const s = reload(e.toJSON());
    expect((s.state.members as { type: string }[]).map((m) => m.type)).toEqual(['ridge', 'knn']);
    expect(Array.from(modelFromJSON(s).predict(test.X))).toEqual(Array.from(p));
  });

  it('refuses an ensemble inside an ensemble, an unfitted member and all-zero weights', async () => {
    const ms = await members();
    const inner = EnsembleRegressor.fromMembers({}, ms, { weights: Float64Array.of(1, 0, 0), intercept: 0 }, 4);
    expect(() => EnsembleRegressor.fromMembers({}, [inner, ms[0]], { weights: Float64Array.of(0.5, 0.5), intercept: 0 }, 4)).toThrow(expect.objectContaining({ code: 'nested-ensemble' }));
    expect(() => EnsembleRegressor.fromMembers({}, [createModel('ridge')], { weights: Float64Array.of(1), intercept: 0 }, 4)).toThrow(InvalidInputError);
    expect(() => EnsembleRegressor.fromMembers({}, ms, { weights: new Float64Array(3), intercept: 0 }, 4)).toThrow(expect.objectContaining({ code: 'no-candidates' }));
  });

  it('checks every member on load: a damaged member state, an unknown or nested type, a weight per member — errors name the path', async () => {
    const e = EnsembleRegressor.fromMembers({}, await members(), { weights: Float64Array.of(0.2, 0.3, 0.5), intercept: 0 }, 4);
    const good = reload(e.toJSON());
    const state = good.state as { members: { type: string; params: Record<string, unknown>; state: Record<string, StateValue> }[]; weights: Float64Array };

    const truncated = structuredClone(good);
    const tree = (truncated.state as typeof state).members[1].state;
    const key = Object.keys(tree).find((k) => tree[k] instanceof Float64Array || tree[k] instanceof Int32Array)!;
    tree[key] = (tree[key] as Float64Array).subarray(0, 1).slice();
    const err = (() => {
      try {
        modelFromJSON(truncated);
      } catch (x) {
        return x;
      }
    })();
    expect(err).toBeInstanceOf(BundleError);
    expect((err as BundleError).where.field).toMatch(/^state\.members\[1\]\.state\./);

    const unknown = structuredClone(good);
    (unknown.state as typeof state).members[0].type = 'ensemble';
    expect(() => modelFromJSON(unknown)).toThrow(expect.objectContaining({ name: 'BundleError', where: { field: 'state.members[0].type' } }));

    const badParams = structuredClone(good);
    (badParams.state as typeof state).members[2].params = { k: 0 };
    expect(() => modelFromJSON(badParams)).toThrow(expect.objectContaining({ name: 'BundleError', where: { field: 'state.members[2].params.k' } }));

    const weights = structuredClone(good);
    (weights.state as typeof state).weights = Float64Array.of(0.5, 0.5);
    expect(() => modelFromJSON(weights)).toThrow(expect.objectContaining({ name: 'BundleError', where: { field: 'state.weights' } }));

    const extra = structuredClone(good);
    (extra.state as typeof state).members[0] = { ...(extra.state as typeof state).members[0], injected: 1 } as never;
    expect(() => modelFromJSON(extra)).toThrow(expect.objectContaining({ name: 'BundleError', where: { field: 'state.members[0].injected' } }));
  });
});
