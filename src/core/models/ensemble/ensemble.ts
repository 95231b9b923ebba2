/**
 * An ensemble of fitted models: prediction = intercept + Σ weight × member prediction. Every
 * member was fitted on the same matrix (one run's recipe), so all take the same X.
 *
 * Two ways to a fitted ensemble:
 * - From a training run or a search (pipeline/ensemble.ts): their candidates' out-of-fold
 *   predictions give the weights (selection.ts) and their models refitted on every training row
 *   become the members — `EnsembleRegressor.fromMembers`.
 * - Its own `fit` (scikit-learn's StackingRegressor way, and what the conformance suite runs):
 *   the STANDALONE_MEMBERS cross-validated with `folds` folds for their out-of-fold predictions,
 *   weighed, and those with a weight refitted on every row.
 *
 * State: `{cols, members: [{type, params, state}], weights, intercept}`. Each member is a model
 * as the registry serializes it (its typed arrays nested inside; the bundle codec encodes them)
 * and is rebuilt by the registry, which checks it as it checks any model.
 */
import { checkpoint, throwIfAborted } from '../../abort';
import { takeMatrixRows, takeValues } from '../../conformal/rows';
import { kFold } from '../../data/split';
import { BundleError, InvalidInputError, InvalidParamsError } from '../../errors';
import { modelInfo, MODEL_TYPES } from '../catalog';
import { Estimator } from '../estimator';
import { createModel, modelFromJSON } from '../registry';
import type { StateReader, StateRecord } from '../state';
import type { FitOptions, Matrix, ModelType, Regressor, StateValue } from '../types';
import { checkFitInput, checkPredictInput } from '../validate';
import type { EnsembleOptions } from './params';
import { greedySelection, stackingWeights, type Selection } from './selection';

/** The members of an ensemble's own fit: one of each kind explained exactly (linear, forest, boosting), all default params. */
export const STANDALONE_MEMBERS: readonly { type: ModelType; params: Record<string, unknown> }[] = [
  { type: 'ridge', params: {} },
  { type: 'forest', params: {} },
  { type: 'gbdt', params: {} },
];

/** Types an ensemble can hold: every model but another ensemble. */
const MEMBER_TYPES = MODEL_TYPES.filter((t) => t !== 'ensemble');

interface EnsembleState {
  cols: number;
  members: Regressor[];
  weights: Float64Array;
  intercept: number;
}

export class EnsembleRegressor extends Estimator<EnsembleOptions, EnsembleState> {
  readonly type = 'ensemble' as const;

  constructor(options: Partial<EnsembleOptions> = {}) {
    super('ensemble', options);
  }

  /**
   * A fitted ensemble of already fitted members (each fitted on the same `cols` features) with
   * the weights a selection gave; members of weight 0 are left out.
   */
  static fromMembers(params: Partial<EnsembleOptions>, members: readonly Regressor[], selection: Pick<Selection, 'weights' | 'intercept'>, cols: number): EnsembleRegressor {
    if (members.length !== selection.weights.length) throw new InvalidInputError('shape', `${members.length} members but ${selection.weights.length} weights.`);
    const e = new EnsembleRegressor(params);
    const keep = members.map((_, i) => i).filter((i) => selection.weights[i] !== 0);
    if (keep.length === 0) throw new InvalidInputError('no-candidates', 'Every member of this ensemble has weight 0.');
    for (const i of keep) {
      if (members[i].type === 'ensemble') throw new InvalidInputError('nested-ensemble', 'An ensemble cannot hold another ensemble.');
      if (!members[i].isFitted) throw new InvalidInputError('not-fitted', `Member ${i + 1} (${modelInfo(members[i].type).label}) is not fitted.`);
    }
    e.setFitted({ cols, members: keep.map((i) => members[i]), weights: Float64Array.from(keep, (i) => selection.weights[i]), intercept: selection.intercept });
    return e;
  }

  /** The members and their weights, in order. NotFittedError before fit. */
  get members(): readonly { model: Regressor; weight: number }[] {
    const s = this.fitted;
    return s.members.map((model, i) => ({ model, weight: s.weights[i] }));
  }

  get intercept(): number {
    return this.fitted.intercept;
  }

  async fit(X: Matrix, y: Float64Array, options: FitOptions = {}): Promise<this> {
    checkFitInput(X, y);
    throwIfAborted(options.signal);
    const { folds: k, seed, method } = this.params;
    if (X.rows < 2 * k)
      throw new InvalidParamsError('bad-param', `${k}-fold cross-validation of ${X.rows} rows leaves folds of fewer than 2 rows; choose folds ≤ ${Math.floor(X.rows / 2)}.`, { field: 'folds' });
    const specs = STANDALONE_MEMBERS.map((m) => ({ type: m.type, params: modelInfo(m.type).seeded ? { ...m.params, seed } : m.params }));
    const parts = specs.length * (k + 1);
    let part = 0;
    const fitOne = async (type: ModelType, params: Record<string, unknown>, fx: Matrix, fy: Float64Array): Promise<Regressor> => {
      const model = createModel(type, params);
      const at = part++;
      await model.fit(fx, fy, { signal: options.signal, shareTrees: options.shareTrees, onProgress: (p) => options.onProgress?.({ fraction: (at + p.fraction) / parts }) });
      await checkpoint(options.signal);
      return model;
    };
    const splits = kFold(X.rows, k, seed).map((f) => ({ test: f.test, trainX: takeMatrixRows(X, f.train), trainY: takeValues(y, f.train), testX: takeMatrixRows(X, f.test) }));
    const oof = specs.map(() => new Float64Array(X.rows));
    for (let m = 0; m < specs.length; m++)
      for (const f of splits) {
        const pred = (await fitOne(specs[m].type, specs[m].params, f.trainX, f.trainY)).predict(f.testX);
        for (let i = 0; i < f.test.length; i++) oof[m][f.test[i]] = pred[i];
      }
    const selection = method === 'greedy' ? greedySelection(oof, y, { size: this.params.size }) : stackingWeights(oof, y, y, { alpha: this.params.alpha });
    const members: Regressor[] = [];
    for (let m = 0; m < specs.length; m++) {
      if (selection.weights[m] === 0) {
        part++;
        continue;
      }
      members.push(await fitOne(specs[m].type, specs[m].params, X, y));
    }
    const weights = selection.weights.filter((w) => w !== 0);
    options.onProgress?.({ fraction: 1 });
    this.setFitted({ cols: X.cols, members, weights, intercept: selection.intercept });
    return this;
  }

  predict(X: Matrix): Float64Array {
    const s = this.fitted;
    // Members check the values themselves (some accept NaN as missing, others refuse it, naming the row).
    checkPredictInput(X, s.cols, { allowMissingX: true });
    const out = new Float64Array(X.rows).fill(s.intercept);
    s.members.forEach((m, i) => {
      const p = m.predict(X);
      const w = s.weights[i];
      for (let r = 0; r < X.rows; r++) out[r] += w * p[r];
    });
    return out;
  }

  protected writeState(s: EnsembleState): StateRecord {
    return {
      cols: s.cols,
      members: s.members.map((m) => {
        const j = m.toJSON();
        return { type: j.type, params: j.params as { [k: string]: StateValue }, state: j.state };
      }),
      weights: s.weights,
      intercept: s.intercept,
    };
  }

  protected readState(r: StateReader): EnsembleState {
    const cols = r.number('cols', { integer: true, min: 1 });
    const records = r.objects('members');
    if (records.length === 0) r.fail('members', 'holds no member; an ensemble needs at least one.');
    const members = records.map((m) => {
      const type = m.string('type', MEMBER_TYPES);
      const params = m.value('params');
      const state = m.value('state');
      try {
        return modelFromJSON({ type, params: params as Record<string, unknown>, state: state as StateRecord });
      } catch (e) {
        if (!(e instanceof BundleError)) throw e;
        const field = `${m.path}.${e.where.field}`;
        throw new BundleError(e.code, e.message.startsWith('state') || e.message.startsWith('params') ? `${m.path}.${e.message}` : `${m.path}: ${e.message}`, { field }, { cause: e });
      }
    });
    const weights = r.typed('weights', Float64Array, { length: members.length });
    const intercept = r.number('intercept');
    return { cols, members, weights, intercept };
  }
}
