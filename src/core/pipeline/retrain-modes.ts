/**
 * How a retrain draws its rows, as a module of its own so that the page can offer the choices
 * without loading the retraining pipeline (which runs in a worker).
 */

/**
 * What the challenger learns from: every base row and the new training rows ('all'), the new
 * training rows only ('new'), or the last N rows of base then new ('window').
 */
export type RetrainMode = 'all' | 'new' | 'window';

export const RETRAIN_MODES: readonly RetrainMode[] = ['all', 'new', 'window'];

/** Share of the new rows held out to score champion and challenger, unless the request sets one. */
export const DEFAULT_HOLDOUT_SHARE = 0.2;
