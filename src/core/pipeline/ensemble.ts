/**
 * An ensemble of a k-fold run's candidates (or of a search's trials), made into one more
 * candidate: scored, ranked, bundled and tracked like any other.
 *
 * candidates' out-of-fold predictions (every training row predicted by the fold that left it
 * out) + their models refitted on every row →
 *   1. weights from all rows' out-of-fold predictions (models/ensemble/selection.ts: greedy
 *      selection or ridge stacking, in the model's units, RMSE measured in the target's);
 *   2. its score, honestly: for each fold, weights chosen on the other folds' rows only, then
 *      used on this fold's rows — the ensemble's own out-of-fold predictions, scored per fold
 *      as every candidate is (weights chosen on the rows they are scored on would flatter it);
 *   3. the ensemble model: the members with a weight, as refitted on every training row.
 */
import { PipelineError } from '../errors';
import { meanMetrics, regressionMetrics, type RegressionMetrics } from '../metrics';
import { EnsembleRegressor } from '../models/ensemble/ensemble';
import { greedySelection, stackingWeights, type Selection } from '../models/ensemble/selection';
import { emptyHistory } from '../models/history';
import type { ModelType, Regressor } from '../models/types';
import type { FittedRecipe } from '../recipe';
import type { CandidateResult } from './train';

/** How to weigh the members (the ensemble's params; defaults from its parameter table). */
export interface EnsembleRequest {
  method?: 'greedy' | 'stacking';
  size?: number;
  alpha?: number;
}

/** A candidate as an ensemble sees it: its out-of-fold predictions and its model refitted on every row. */
export interface OutOfFoldCandidate {
  name: string;
  type: ModelType;
  /** Out-of-fold predictions in the target's units, aligned with `actual`. */
  oof: Float64Array;
  model: Regressor;
  fitSeconds: number;
  predictSeconds: number;
}

export interface EnsembleMemberInfo {
  name: string;
  type: ModelType;
  weight: number;
}

export interface EnsembleCandidate {
  result: CandidateResult;
  /** The ensemble's own out-of-fold predictions (target units), aligned with `actual` (for interval calibration). */
  oofPredicted: Float64Array;
  /** Whether they are honest (weights chosen without the fold) or in-sample (no fold assignment was known). */
  nested: boolean;
}

export const ENSEMBLE_NAME = 'Ensemble';

/** Model units ↔ the target's units (a fitted recipe; identity for a recipe without a target transform). */
export type TargetUnits = Pick<FittedRecipe, 'encodeTarget' | 'decodeTarget'>;

/** The target's own units (no transform). */
export const TARGET_UNITS: TargetUnits = { encodeTarget: (y) => y.slice(), decodeTarget: (y) => y.slice() };

/** Weights for candidates' out-of-fold predictions (target units) of rows whose target is `actual`. */
export function selectWeights(oof: readonly Float64Array[], actual: Float64Array, recipe: TargetUnits, request: EnsembleRequest): Selection {
  const params = new EnsembleRegressor(request).params;
  const inModelUnits = oof.map((p) => recipe.encodeTarget(p));
  const decode = (p: Float64Array): Float64Array => recipe.decodeTarget(p);
  if (params.method === 'stacking') return stackingWeights(inModelUnits, recipe.encodeTarget(actual), actual, { alpha: params.alpha, decode });
  return greedySelection(inModelUnits, actual, { size: params.size, decode });
}

/** The blend of out-of-fold predictions (target units) with weights chosen in model units. */
function blend(oof: readonly Float64Array[], rows: ArrayLike<number>, s: Selection, recipe: TargetUnits): Float64Array {
  const out = new Float64Array(rows.length).fill(s.intercept);
  oof.forEach((p, m) => {
    const w = s.weights[m];
    if (w === 0) return;
    const enc = recipe.encodeTarget(Float64Array.from(rows, (r) => p[r]));
    for (let i = 0; i < out.length; i++) out[i] += w * enc[i];
  });
  return recipe.decodeTarget(out);
}

function rowsWhere(foldOf: ArrayLike<number>, test: (fold: number) => boolean): Uint32Array {
  const out: number[] = [];
  for (let i = 0; i < foldOf.length; i++) if (test(foldOf[i])) out.push(i);
  return Uint32Array.from(out);
}

/**
 * The ensemble of `candidates` as one more candidate. `foldOf[i]` is the fold that predicted
 * row i out of fold (0..k−1); without it the score is in-sample (said so in the log by the caller).
 */
export function ensembleCandidate(input: {
  candidates: readonly OutOfFoldCandidate[];
  actual: Float64Array;
  recipe: FittedRecipe;
  foldOf: ArrayLike<number> | null;
  k: number;
  request: EnsembleRequest;
  name?: string;
}): EnsembleCandidate {
  const { candidates, actual, recipe, foldOf, k } = input;
  if (candidates.length < 2)
    throw new PipelineError(
      'ensemble-too-few',
      `An ensemble blends several models; ${candidates.length === 0 ? 'no candidate' : 'only one candidate'} finished with out-of-fold predictions. Train two or more models with k-fold cross-validation.`,
      { stage: 'training' },
    );
  const t0 = performance.now();
  const oof = candidates.map((c) => c.oof);
  const selection = selectWeights(oof, actual, recipe, input.request);
  const selectSeconds = (performance.now() - t0) / 1000;

  let oofPredicted: Float64Array;
  let folds: RegressionMetrics[] | undefined;
  if (foldOf) {
    oofPredicted = new Float64Array(actual.length);
    folds = [];
    for (let f = 0; f < k; f++) {
      const fit = rowsWhere(foldOf, (x) => x !== f);
      const score = rowsWhere(foldOf, (x) => x === f);
      const s = selectWeights(
        oof.map((p) => Float64Array.from(fit, (r) => p[r])),
        Float64Array.from(fit, (r) => actual[r]),
        recipe,
        input.request,
      );
      const pred = blend(oof, score, s, recipe);
      score.forEach((r, i) => (oofPredicted[r] = pred[i]));
      folds.push(regressionMetrics(Float64Array.from(score, (r) => actual[r]), pred));
    }
  } else {
    oofPredicted = blend(oof, Uint32Array.from(actual.keys()), selection, recipe);
  }
  const metrics = folds ? meanMetrics(folds) : regressionMetrics(actual, oofPredicted);

  const models = candidates.map((c) => c.model);
  const model = EnsembleRegressor.fromMembers(input.request, models, selection, recipe.featureNames.length);
  const members: EnsembleMemberInfo[] = [];
  candidates.forEach((c, m) => {
    if (selection.weights[m] !== 0) members.push({ name: c.name, type: c.type, weight: selection.weights[m] });
  });
  // Its fit is its members' fits (already made) plus choosing the weights; predicting runs every member.
  const fitSeconds = members.reduce((s, mm) => s + candidates.find((c) => c.name === mm.name)!.fitSeconds, 0) + selectSeconds;
  const predictSeconds = members.reduce((s, mm) => s + candidates.find((c) => c.name === mm.name)!.predictSeconds, 0);
  const result: CandidateResult = {
    name: input.name ?? ENSEMBLE_NAME,
    type: 'ensemble',
    params: { ...model.params },
    status: 'finished',
    metrics,
    folds,
    fitSeconds,
    predictSeconds,
    history: emptyHistory(),
    model,
    members,
  };
  return { result, oofPredicted, nested: foldOf !== null };
}
