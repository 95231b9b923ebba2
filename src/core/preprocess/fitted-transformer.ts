/**
 * The base every column transformer extends, as Estimator is for models: the learned state in
 * one field (undefined until `fit`, or in a serialized transformer that was never fitted), read
 * through `fitted()`, which throws the one NotFittedError models throw too. `fromJSON` rebuilds
 * a transformer from its checked params and hands back the state with `withState`.
 */
import { NotFittedError } from '../errors';

export abstract class FittedTransformer<S> {
  protected state: S | undefined;
  readonly #label: string;

  /** `label` names the transformer in the NotFittedError message ("This StandardScaler is not fitted yet…"). */
  protected constructor(label: string) {
    this.#label = label;
  }

  protected fitted(): S {
    if (this.state === undefined) throw new NotFittedError(this.#label);
    return this.state;
  }

  /** This transformer holding `state` read back from JSON (null: it was serialized unfitted). */
  protected withState(state: S | null): this {
    if (state !== null) this.state = state;
    return this;
  }
}
