/// <reference lib="webworker" />
/**
 * Training worker: a thin wrapper over src/core's training run. The page's pool sends the dataset
 * table once (`setTable`), then jobs of one candidate each; `runTraining` does everything (the
 * split is seeded, so every worker sees the same rows) and its result goes back as it is, minus
 * the live model, which stays here for permutation importance and for saving the run.
 */
import { expose, transfer } from 'comlink';
import type { Table } from '../src/core/data/types';
import { intervalSummary } from '../src/core/conformal/calibration';
import { setSummary } from '../src/core/conformal/sets';
import { isCancelled } from '../src/core/errors';
import { classProbability, Explainer, explanationKindOf, partialDependence, shapSummary } from '../src/core/explain';
import { Checkpointer } from '../src/core/abort';
import { trainSharedTrees } from '../src/core/models/forest/trainer';
import { permutationImportance } from '../src/core/pipeline/importance';
import type { LogLine } from '../src/core/pipeline/log';
import { holdOutCalibrationCoverage, runTraining, type CandidateResult, type TrainingProgress, type TrainingResult } from '../src/core/pipeline/train';
import { ensembleMembers, ensembleOfTrials } from '../src/core/pipeline/search-ensemble';
import type { Recipe } from '../src/core/recipe';
import { loadBundle } from '../src/core/bundle/bundle';
import { withDecisionThreshold } from '../src/core/pipeline/decision-threshold';
import { accuracy, decide } from '../src/core/metrics/classification';
import { isClassifier, type Classifier, type ModelType } from '../src/core/models/types';
import { runRetrain } from '../src/core/pipeline/retrain';
import { evaluateTrial, fitOnTrainingRows, prefittedOf, searchData, type RefitHook, type SearchData } from '../src/core/pipeline/search';
import { initTf } from '../src/core/tf';
import { openLoupeDb, outcomeMetrics, RunStore } from '../src/storage';
import { installErrorTransfer } from './error-transfer';
import { unfinishedJob, unfinishedRetrain, type RetrainOutcome, type SearchEnsembleOutcome, type TrainApi, type TrainJob, type TrainJobProgress, type TrainJobResult, type TrainSplit } from './protocol';
import { shareThrough, transferTrees } from './tree-share-link';

installErrorTransfer();

const PROGRESS_MS = 100;

let table: { key: string; table: Table } | null = null;
const running = new Map<string, AbortController>();
/** Finished jobs' candidates and runs, for permutation importance and saving the run. */
const kept = new Map<string, { candidate: CandidateResult; run: TrainingResult }>();
let runStore: Promise<RunStore> | null = null;
/** The last search's prepared folds (one search at a time per page). */
let search: { key: string; data: Promise<SearchData> } | null = null;

/** The search's prepared folds: kept per `key`, so every trial (and its ensemble) of one search sees the same. */
function searchDataFor(req: { key: string; recipe: Recipe; split: TrainSplit; folds: number; seed: number }): Promise<SearchData> {
  if (!search || search.key !== req.key) search = { key: req.key, data: searchData({ table: table!.table, recipe: req.recipe, split: req.split, folds: req.folds, seed: req.seed }) };
  return search.data;
}

const api: TrainApi = {
  init: (opts) => initTf({ wasmPaths: opts.wasmPaths, threads: opts.threads }),

  setTable(key, t) {
    table = { key, table: t };
  },

  async train(job, onProgress, trees, refitLink) {
    if (!table || table.key !== job.tableKey) throw new Error(`The dataset ${job.tableKey} was not sent to this worker.`);
    const controller = new AbortController();
    running.set(job.jobId, controller);
    const logs: LogLine[] = [];
    let done: CandidateResult | undefined;
    let pending: TrainJobProgress = { jobId: job.jobId, fraction: 0, losses: [] };
    let last = 0;
    const flush = (): void => {
      last = performance.now();
      onProgress?.(pending);
      pending = { ...pending, losses: [] };
    };
    // An ensemble job trains its members here and keeps only the ensemble (see TrainJob.members);
    // a search's ensemble job refits the trials it blends and keeps the chosen model (TrainJob.searchEnsemble).
    const ensemble = job.candidate.type === 'ensemble';
    try {
      const common = {
        table: table.table,
        recipe: job.recipe,
        split: job.split,
        ...(job.metric !== undefined ? { metric: job.metric } : {}),
        ...(job.threshold !== undefined ? { threshold: job.threshold } : {}),
        ...(job.calibration !== undefined ? { calibration: job.calibration } : {}),
        dataset: { hash: job.dataset.id, name: job.dataset.name, rows: job.dataset.rows },
        signal: controller.signal,
        onLog: (l: LogLine) => logs.push(l),
        shareTrees: trees && shareThrough(trees),
        onProgress: (p: TrainingProgress) => {
          pending.fraction = ensemble ? p.overall : p.fraction;
          pending.step = p.step;
          pending.totalSteps = p.totalSteps;
          if (p.loss && p.step !== undefined) pending.losses.push({ step: p.step, train: p.loss.train, validation: p.loss.validation });
          if (performance.now() - last >= PROGRESS_MS) flush();
        },
      };
      let run: TrainingResult;
      let c: CandidateResult;
      let searchEnsemble: SearchEnsembleOutcome | undefined;
      // A search's refits go on side by side in other pool workers when the page offers them (RefitLink); a fit none could make is made here.
      let elsewhere = 0;
      const refit: RefitHook | undefined = refitLink
        ? async (model, params, rows) => {
            const fitted = prefittedOf(await refitLink.fit(model, params, rows));
            if (fitted) elsewhere++;
            return fitted;
          }
        : undefined;
      if (job.searchEnsemble) {
        const se = job.searchEnsemble;
        const data = await searchDataFor({ key: se.searchKey, recipe: job.recipe, split: job.split, folds: se.folds, seed: se.seed });
        const e = await ensembleOfTrials({ ...common, trials: se.trials, actual: data.actual, foldOf: data.foldOf, ensemble: job.candidate.params ?? {}, refit });
        run = e.run;
        c = e.chosen;
        done = c;
        searchEnsemble = {
          chosen: e.chosen === e.ensemble ? 'ensemble' : 'best-trial',
          cvRmse: e.cvRmse,
          bestTrial: e.bestTrialId,
          members: ensembleMembers(e, se.trials),
          ...(e.ensemble.status !== 'finished' ? { ensembleError: e.ensemble.error?.message ?? e.ensemble.status } : {}),
          ...(refit ? { refittedElsewhere: elsewhere } : {}),
        };
      } else {
        // A search's best: its calibration fit in another worker while this one fits every row.
        const properAt = job.searchRefit && refit && !ensemble ? holdOutCalibrationCoverage(common) : null;
        run = await runTraining({
          ...common,
          candidates: ensemble ? (job.members ?? []) : [job.candidate],
          ...(properAt !== null && refit ? { prefitted: [{ proper: refit(job.candidate.type, job.candidate.params ?? {}, { properAt }).catch(() => undefined) }] } : {}),
          ...(ensemble ? { ensemble: job.candidate.params ?? {} } : {}),
          onCandidateDone: (r) => {
            if (!ensemble || r.type === 'ensemble') done = r;
          },
        });
        c = ensemble ? run.leaderboard.find((r) => r.type === 'ensemble')! : run.leaderboard[0];
      }
      if (c.status !== 'finished') return unfinishedJob(job, 'failed', new Error(c.error?.message ?? 'The ensemble could not be built.'), c, logs);
      kept.set(job.jobId, { candidate: c, run });
      pending.fraction = 1;
      flush();
      // The page gets copies of the arrays, transferred; the originals stay for finishRun.
      const { model: _model, intervals, predictionSets, ...result } = c;
      const ev = c.evaluation!;
      const evaluation = { ...ev, actual: ev.actual.slice(), predicted: ev.predicted.slice() };
      const featureImportance = c.featureImportance?.slice();
      const out: TrainJobResult = {
        ...result,
        ...(intervals ? { intervals: intervalSummary(intervals) } : {}),
        ...(predictionSets ? { predictionSets: setSummary(predictionSets) } : {}),
        evaluation,
        featureImportance,
        jobId: job.jobId,
        split: run.split,
        featureNames: run.recipe.featureNames,
        warnings: run.warnings,
        logs: run.logs,
        ...(searchEnsemble ? { searchEnsemble } : {}),
      };
      return transfer(out, [evaluation.actual.buffer, evaluation.predicted.buffer, ...(featureImportance ? [featureImportance.buffer] : [])] as ArrayBuffer[]);
    } catch (e) {
      return unfinishedJob(job, controller.signal.aborted || isCancelled(e) ? 'cancelled' : 'failed', e, done, logs);
    } finally {
      running.delete(job.jobId);
    }
  },

  cancel(jobId) {
    running.get(jobId)?.abort();
  },

  async trainTrees(X, y, params, take) {
    // No signal of its own: the page stops a helper by handing out −1.
    const grown = await trainSharedTrees(X, y, params, async () => take(), new Checkpointer(undefined));
    return transferTrees(grown);
  },

  async permutationImportance(jobId, opts = {}) {
    const k = kept.get(jobId);
    if (!k) throw new Error('This model is no longer kept in its worker; train it again to compute permutation importance.');
    const { model } = k.candidate;
    const { recipe, evaluationRows: rows, threshold } = k.run;
    const settings = { repeats: opts.repeats ?? 3, seed: opts.seed ?? 0, maxRows: opts.maxRows ?? 5000 };
    // A classifier: the drop in accuracy (sklearn's default scorer for one) of the classes it decides, at its saved threshold for two.
    const decisionAt = k.candidate.bundle?.decision?.threshold ?? threshold;
    const res = isClassifier(model!)
      ? await permutationImportance((m) => decide((model as Classifier).predictProba(m), recipe.classes.length, decisionAt), rows.X, rows.y, { ...settings, score: accuracy })
      : await permutationImportance((m) => recipe.decodeTarget(model!.predict(m)), rows.X, rows.y, settings);
    return transfer({ ...res, featureNames: recipe.featureNames }, [res.mean.buffer, res.std.buffer] as ArrayBuffer[]);
  },

  async explainSummary(jobId, opts = {}) {
    const k = kept.get(jobId);
    if (!k) throw new Error('This model is no longer kept in its worker; train it again to explain it.');
    const { recipe, evaluationRows: rows } = k.run;
    const model = k.candidate.model!;
    // Sampling explanations predict hundreds of rows per row explained: fewer rows and permutations.
    const sampled = explanationKindOf(model) === 'sampling';
    const seed = opts.seed ?? 0;
    const explainer = new Explainer(model, recipe, sampled ? { permutations: 64, seed } : { seed });
    const s = shapSummary(explainer, recipe, rows.X, { maxRows: opts.maxRows ?? (sampled ? 100 : 2000), seed });
    return transfer(s, [s.values.buffer, s.meanAbs.buffer, s.valueRank.buffer, ...(s.predictedClass ? [s.predictedClass.buffer] : [])] as ArrayBuffer[]);
  },

  async partialDependence(jobId, column, opts = {}) {
    const k = kept.get(jobId);
    if (!k || !table) throw new Error('This model is no longer kept in its worker; train it again to explore it.');
    const { recipe } = k.run;
    const model = k.candidate.model!;
    if (isClassifier(model)) {
      const classCode = opts.classCode ?? (model.classCount === 2 ? 1 : 0);
      const pd = partialDependence(classProbability(model, classCode), recipe, table.table, column, opts);
      return transfer({ ...pd, classCode }, [pd.pd.buffer, pd.ice.buffer] as ArrayBuffer[]);
    }
    const pd = partialDependence((X) => recipe.decodeTarget(model.predict(X)), recipe, table.table, column, opts);
    return transfer(pd, [pd.pd.buffer, pd.ice.buffer] as ArrayBuffer[]);
  },

  async searchTrial(job) {
    if (!table || table.key !== job.tableKey) throw new Error(`The dataset ${job.tableKey} was not sent to this worker.`);
    const controller = new AbortController();
    running.set(job.jobId, controller);
    try {
      const data = await searchDataFor({ key: job.searchKey, recipe: job.recipe, split: job.split, folds: job.folds, seed: job.seed });
      const outcome = await evaluateTrial(data, job.trial, { signal: controller.signal });
      return outcome.oof ? transfer(outcome, [outcome.oof.buffer as ArrayBuffer]) : outcome;
    } finally {
      running.delete(job.jobId);
    }
  },

  async fitSearchModel(job) {
    if (!table || table.key !== job.tableKey) throw new Error(`The dataset ${job.tableKey} was not sent to this worker.`);
    const controller = new AbortController();
    running.set(job.jobId, controller);
    try {
      return await fitOnTrainingRows(searchDataFor({ key: job.searchKey, recipe: job.recipe, split: job.split, folds: job.folds, seed: job.seed }), job.model, job.params, controller.signal, job.rows ?? 'all');
    } finally {
      running.delete(job.jobId);
    }
  },

  async finishRun(jobId, runId, searchSummary) {
    const k = kept.get(jobId);
    if (!k) throw new Error('This model is no longer kept in its worker; its run could not be saved.');
    const c = k.candidate;
    runStore ??= openLoupeDb().then((db) => new RunStore(db));
    const bundle = c.bundle!;
    await (
      await runStore
    ).finish(runId, {
      ...outcomeMetrics(c, k.run),
      fitSeconds: c.fitSeconds,
      predictSeconds: c.predictSeconds,
      history: c.history,
      logs: k.run.logs,
      split: k.run.split,
      evaluation: c.evaluation,
      bundle: { ...bundle, lineage: { ...bundle.lineage, runId } },
      ...(searchSummary ? { search: searchSummary } : {}),
    });
  },

  async setDecisionThreshold(jobId, threshold, runId) {
    const k = kept.get(jobId);
    if (!k?.candidate.bundle) throw new Error('This model is no longer kept in its worker; train it again to change its decision threshold.');
    const out = withDecisionThreshold(k.candidate.bundle, threshold, k.candidate.evaluation);
    k.candidate.bundle = out.bundle;
    if (runId) {
      runStore ??= openLoupeDb().then((db) => new RunStore(db));
      await (await runStore).replaceBundle(runId, { ...out.bundle, lineage: { ...out.bundle.lineage, runId } });
    }
    return out;
  },

  async retrain(job, onProgress) {
    const controller = new AbortController();
    running.set(job.jobId, controller);
    let last = 0;
    try {
      const r = await runRetrain({
        champion: loadBundle(job.champion),
        newData: { table: job.newData.table, dataset: { hash: job.newData.dataset.id, name: job.newData.dataset.name, rows: job.newData.dataset.rows } },
        ...(job.base ? { base: { table: job.base.table, dataset: { hash: job.base.dataset.id, name: job.base.dataset.name, rows: job.base.dataset.rows } } } : {}),
        mode: job.mode,
        window: job.window,
        holdoutShare: job.holdoutShare,
        seed: job.seed,
        candidates: job.candidates,
        signal: controller.signal,
        onProgress: (p) => {
          if (performance.now() - last < PROGRESS_MS) return;
          last = performance.now();
          onProgress?.({ jobId: job.jobId, fraction: p.overall });
        },
      });
      const { run, ...rest } = r;
      const best = run.leaderboard.find((c) => c.name === run.best)!;
      const { model: _model, bundle: _bundle, ...candidate } = best;
      const outcome: RetrainOutcome = { ...rest, split: run.split, candidate, logs: run.logs };
      onProgress?.({ jobId: job.jobId, fraction: 1 });
      return { jobId: job.jobId, status: 'finished', outcome };
    } catch (e) {
      return unfinishedRetrain(job.jobId, controller.signal.aborted || isCancelled(e) ? 'cancelled' : 'failed', e);
    } finally {
      running.delete(job.jobId);
    }
  },

  release(jobIds) {
    if (!jobIds) {
      kept.clear();
      search = null;
    } else for (const id of jobIds) kept.delete(id);
  },
};

expose(api);
