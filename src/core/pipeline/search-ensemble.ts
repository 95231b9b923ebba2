/**
 * The ensemble of a model search's trials (issue 13 §2): the search keeps every trial's
 * out-of-fold predictions of the training rows, so the ensemble is weighed on them and only its
 * members are refitted.
 *
 * trials (full-resource, finished, with out-of-fold predictions) →
 *   1. members: greedy ensemble selection over all of them (in the target's units) picks the few
 *      worth refitting — it starts from the best trial, so that one is always among them;
 *   2. one training run (train.ts) refits those members on every training row (with the steps
 *      their CV fits stopped at: search-schedule.ts `refitParams`), scores them on
 *      the test part, and adds the Ensemble, weighed on the trials' out-of-fold predictions
 *      (`ensembleOutOfFold`; stacking or greedy as asked) — every candidate bundled;
 *   3. the final model is chosen by cross-validation, never by the test rows: the ensemble when
 *      its out-of-fold RMSE (weights chosen without each scored fold) beats the best trial's.
 */
import { PipelineError } from '../errors';
import { modelLabel } from '../models/catalog';
import type { ModelType } from '../models/types';
import { TARGET_UNITS, selectWeights, type EnsembleRequest } from './ensemble';
import { fitsElsewhere, type RefitHook } from './search';
import { ensemblePool, refitParams } from './search-schedule';
import { holdOutCalibrationCoverage, runTraining, type CandidateResult, type FitsElsewhere, type TrainingRequest, type TrainingResult } from './train';

/** A search trial as the ensemble needs it (search.ts's Trial has these fields). */
export interface ScoredTrial {
  id: number;
  model: ModelType;
  params: Record<string, unknown>;
  /** Share of each fold's training rows it was fitted on; only full-resource trials (1) are members. */
  resource: number;
  status: string;
  /** Cross-validated RMSE (target units). */
  cvScore: number;
  /** Out-of-fold predictions of every training row (target units), aligned to `actual`. */
  oof?: Float64Array;
  /** Steps its CV fits ran when they stopped early (search-schedule.ts `refitParams`). */
  stepsRun?: number[];
}

export interface TrialEnsembleRequest extends Omit<TrainingRequest, 'candidates' | 'ensemble' | 'ensembleOutOfFold' | 'bundles'> {
  trials: readonly ScoredTrial[];
  /** The training rows' targets (what every trial's `oof` predicts) and the fold that held each out. */
  actual: Float64Array;
  foldOf: Uint32Array;
  /** How to weigh the members (default: greedy selection). */
  ensemble?: EnsembleRequest;
  /**
   * Fits a member elsewhere (the CLI's trial workers, the app's other pool workers), on every
   * training row and, for hold-out intervals, on the proper part, so that the members' fits go on
   * side by side; resolving to undefined leaves that fit to this thread.
   */
  refit?: RefitHook;
  /**
   * A trial already refitted for this run (runSearch's refit of its best: `SearchResult.bestFits`,
   * or its `candidate.model` as `all`): taken as that member instead of fitting it again.
   */
  refitted?: FitsElsewhere & { trialId: number };
}

export interface TrialEnsemble {
  /** The run that refitted the members and built the ensemble (its leaderboard holds both). */
  run: TrainingResult;
  /** The ensemble as a candidate (failed, with the reason, when it could not be built). */
  ensemble: CandidateResult;
  /** The best trial, refitted. */
  bestTrial: CandidateResult;
  /** The best trial's id. */
  bestTrialId: number;
  /** What to ship: the ensemble when cross-validation says it is better, else the best trial. */
  chosen: CandidateResult;
  /** Cross-validated RMSE of the ensemble (weights chosen without each scored fold) and of the best trial. */
  cvRmse: { ensemble: number; bestTrial: number };
}

/** A trial's name in the run: its model and trial number. */
export function trialName(t: Pick<ScoredTrial, 'id' | 'model'>): string {
  return `${modelLabel(t.model)} (trial ${t.id})`;
}

export async function ensembleOfTrials(req: TrialEnsembleRequest): Promise<TrialEnsemble> {
  const pool = ensemblePool(req.trials);
  if (pool.some((t) => t.oof.length !== req.actual.length))
    throw new PipelineError('bad-ensemble', 'Ensembles blend regression models; this search is a classification (its trials predict class probabilities).', { field: 'ensemble', stage: 'training' });
  if (pool.length === 0) throw new Error('The search has no finished full-resource trial to build an ensemble from.');
  const bestTrial = pool.reduce((a, b) => (b.cvScore < a.cvScore ? b : a));
  // Pre-selection in the target's units (the run weighs the members again in the model's units).
  const picked = selectWeights(
    pool.map((t) => t.oof),
    req.actual,
    TARGET_UNITS,
    { method: 'greedy', size: req.ensemble?.size },
  ).weights;
  const members = pool.filter((t, i) => picked[i] > 0 || t === bestTrial);
  const { trials: _t, actual, foldOf, ensemble, refit, refitted, ...rest } = req;
  const candidates = members.map((t) => ({ name: trialName(t), type: t.model, params: refitParams(t) }));
  // Every member's fits start now, where `refit` sends them (one already refitted is taken as it is); the run takes them in order.
  const properAt = holdOutCalibrationCoverage(req);
  const prefitted = members.map((t, i) => (refitted?.trialId === t.id ? refitted : refit ? fitsElsewhere(refit, candidates[i].type, candidates[i].params, properAt) : undefined));
  const run = await runTraining({
    ...rest,
    candidates,
    ...(prefitted.some((p) => p !== undefined) ? { prefitted } : {}),
    ensemble: ensemble ?? {},
    ensembleOutOfFold: { actual, foldOf, byCandidate: members.map((t) => t.oof) },
    bundles: 'each',
  });
  const byName = (name: string): CandidateResult | undefined => run.leaderboard.find((c) => c.name === name);
  const ens = run.leaderboard.find((c) => c.type === 'ensemble')!;
  const best = byName(trialName(bestTrial))!;
  const ensembleCv = ens.status === 'finished' ? (ens.outOfFoldMetrics ?? ens.metrics!).rmse : Infinity;
  const chosen = ensembleCv < bestTrial.cvScore ? ens : best;
  return { run, ensemble: ens, bestTrial: best, bestTrialId: bestTrial.id, chosen, cvRmse: { ensemble: ensembleCv, bestTrial: bestTrial.cvScore } };
}

/** The ensemble's members as the search's trials they are (trial id, name, weight). */
export function ensembleMembers(e: Pick<TrialEnsemble, 'ensemble'>, trials: readonly Pick<ScoredTrial, 'id' | 'model'>[]): { trial: number; name: string; weight: number }[] {
  const trialOf = new Map(trials.map((t) => [trialName(t), t.id]));
  return (e.ensemble.members ?? []).map((m) => ({ trial: trialOf.get(m.name) ?? -1, name: m.name, weight: m.weight }));
}
