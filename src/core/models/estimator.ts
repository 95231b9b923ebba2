/**
 * The base every estimator extends: scikit-learn's discipline in one class.
 *
 * - The constructor only validates and stores hyperparameters (`resolveParams` over the model's
 *   parameter table) — no work, so building a model to read its params is free.
 * - `fit` learns state and hands it to `setFitted`; the state is held in one private field and
 *   read through `fitted`, which throws the one `NotFittedError` for every model. `predict`,
 *   `toJSON`, `history` and `featureImportance` all go through it.
 * - Serialization is `{type, params, state}`: a model writes its state with `writeState` and
 *   reads it back with `readState` from a `StateReader` (own properties only, every value
 *   checked, BundleError naming the path). The registry rebuilds a model from its params and
 *   then calls `restore`; no model has a fromJSON of its own.
 */
import { NotFittedError } from '../errors';
import { MODEL_CATALOG } from './catalog';
import { emptyHistory, type FitHistory } from './history';
import { resolveParams, type ParamTable } from './params';
import type { StateReader, StateRecord } from './state';
import type { FitOptions, Matrix, ModelType, Regressor, SerializedModel } from './types';

export abstract class Estimator<P extends object, S> implements Regressor<P> {
  abstract readonly type: ModelType;
  readonly params: Readonly<P>;
  #fitted: S | undefined;

  /** Validates `given` against the parameter table the catalog holds for `type`. */
  protected constructor(type: ModelType, given: unknown) {
    const info = MODEL_CATALOG[type];
    this.params = resolveParams(info.params as unknown as ParamTable<P>, given, info.label);
  }

  abstract fit(X: Matrix, y: Float64Array, options?: FitOptions): Promise<this>;
  abstract predict(X: Matrix): Float64Array;

  /** Whether `fit` (or `restore`) has given this model its state. */
  get isFitted(): boolean {
    return this.#fitted !== undefined;
  }

  /** The fitted state; NotFittedError before `fit`. */
  protected get fitted(): S {
    if (this.#fitted === undefined) throw new NotFittedError(`${MODEL_CATALOG[this.type].label} model`);
    return this.#fitted;
  }

  protected setFitted(state: S): void {
    this.#fitted = state;
  }

  /** Per-step losses of the last fit; models without steps have none. */
  history(): FitHistory {
    void this.fitted;
    return emptyHistory();
  }

  /** Per-feature importance where the model has a natural one (the catalog says which kind). */
  featureImportance(): Float64Array | undefined {
    void this.fitted;
    return undefined;
  }

  toJSON(): SerializedModel {
    const state = this.writeState(this.fitted);
    const params: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.params)) params[k] = Array.isArray(v) ? [...v] : v;
    return { type: this.type, params, state };
  }

  /** Takes state read back from a bundle or a run (after the registry rebuilt the params). */
  restore(reader: StateReader): this {
    this.#fitted = this.readState(reader);
    return this;
  }

  /** The fitted state as JSON values and typed arrays (the bundle codec encodes the arrays). */
  protected abstract writeState(state: S): StateRecord;
  /** The inverse of writeState; checks everything predict relies on. */
  protected abstract readState(reader: StateReader): S;
}
