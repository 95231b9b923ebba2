/**
 * Parameter table of the ensemble (ensemble.ts): how it weighs its members. Members themselves
 * are not parameters: a training run or a search hands over its fitted candidates, and the
 * ensemble's own `fit` uses a fixed set (STANDALONE_MEMBERS in ensemble.ts).
 */
import { defineParams, seedParam } from '../params';

export interface EnsembleOptions {
  /**
   * 'greedy': Caruana's ensemble selection with replacement (weights ≥ 0 summing to 1);
   * 'stacking': a ridge meta-model with an intercept on the members' predictions (see selection.ts).
   */
  method: 'greedy' | 'stacking';
  /** Greedy selection: picks made (auto-sklearn's ensemble_size, 50); the best prefix is kept. */
  size: number;
  /** Stacking: ridge penalty relative to the members' prediction variance (0: least squares). */
  alpha: number;
  /** The ensemble's own fit: folds of the cross-validation that gives its members' out-of-fold predictions. */
  folds: number;
  /** The ensemble's own fit: seed of its folds and of its seeded members. */
  seed: number;
}

export const ENSEMBLE_PARAMS = defineParams<EnsembleOptions>({
  method: {
    kind: 'choice',
    choices: ['greedy', 'stacking'],
    default: 'greedy',
    help: 'greedy selection (weights ≥ 0 summing to 1) or a ridge meta-model (stacking)',
    basic: true,
    search: null,
  },
  // auto-sklearn's default ensemble_size.
  size: { kind: 'integer', min: 1, max: 1000, default: 50, help: 'greedy selection: picks made (the best prefix is kept)', basic: true, search: null },
  // Members' predictions are nearly collinear (corr. ≈ 0.99), so even 1 % of their variance as a
  // penalty pulls the weights towards equal shares: on the gemstone split (5 models, 5 folds)
  // 1e-2 scored 609.3 out of fold, 1e-3 599.8, 1e-4 and below 599.1. 1e-4 keeps many nearly
  // identical members (a search's trials) well conditioned at no cost in accuracy.
  alpha: { kind: 'number', min: 0, default: 1e-4, help: 'stacking: ridge penalty, relative to the members’ prediction variance', search: null },
  folds: { kind: 'integer', min: 2, max: 20, default: 5, help: 'its own fit only: cross-validation folds for the members’ out-of-fold predictions', search: null },
  seed: seedParam('its own fit only: seed of the folds and of the members; the same seed gives the same ensemble'),
});

export const ENSEMBLE_DEFAULTS = ENSEMBLE_PARAMS.defaults;
