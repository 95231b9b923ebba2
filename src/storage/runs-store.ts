/**
 * Experiment tracking: one Run record per training candidate, its fitted model in 'run-models'.
 *
 * A run is 'finished' only together with its model: `finish` writes both in one transaction.
 * Runs left 'running' by a tab that died are marked 'interrupted' by `markInterrupted` (the
 * owner tab's Web Lock, or heartbeat age where locks are unavailable). Every committed write
 * posts a 'runs-changed' notice on the 'loupe-db' BroadcastChannel.
 */
import type { ModelBundle } from '../core/bundle/bundle';
import type { RegressionMetrics } from '../core/metrics';
import type { FitHistory } from '../core/models/history';
import type { ModelType, SerializedModel, Task } from '../core/models/types';
import type { LogLine } from '../core/pipeline/log';
import type { CandidateResult, Evaluation, SplitInfo, TrainingResult } from '../core/pipeline/train';
import { isClassificationRanking } from '../core/pipeline/ranking';
import { DEFAULT_CLASSIFICATION_METRIC } from '../core/metrics/classification-ranking';
import type { FittedRecipeJSON } from '../core/recipe';
import { postStorageChange } from './broadcast';
import { runsToCsv, runsToJson } from './export';
import type { LoupeDb, StoreName } from './db';
import { StorageError } from './errors';
import type { Run, RunClassification, RunError, RunEvaluation, RunModel, RunSearch, RunStatus, RunTrial } from './records';
import { runMetric, type RunMetricName } from './run-metrics';
import { sessionLockName, type TabSession } from './session';
import { estimateBytes } from './space';
import { writeTransaction, type WriteTx } from './transact';

/** What the caller knows when a candidate starts training: those fields of the Run. */
export interface RunInit
  extends Pick<Run, 'datasetId' | 'datasetName' | 'recipe' | 'modelType' | 'params' | 'seed' | 'split' | 'environment'>,
    Partial<Pick<Run, 'tags' | 'note' | 'retrain' | 'parentRunId'>> {
  /** Defaults to `datasetName`. */
  experiment?: string;
  /** Candidate display name; defaults to the model type. */
  name?: string;
}

/**
 * What a finished candidate hands over; `model` and/or `bundle` is required. A regressor hands
 * `metrics`, a classifier `classification` (and `task: 'classification'`).
 */
export interface RunOutcome {
  /** What the run predicted (default: regression). */
  task?: Task;
  metrics?: RegressionMetrics;
  folds?: RegressionMetrics[];
  classification?: RunClassification;
  fitSeconds?: number;
  predictSeconds?: number;
  history: FitHistory;
  logs: LogLine[];
  /** Set when the split was not known at start. */
  split?: SplitInfo;
  /** The fitted model with its fitted recipe. */
  model?: { model: SerializedModel; recipe: FittedRecipeJSON };
  /** The whole bundle (needed to register the run in the model registry). */
  bundle?: ModelBundle;
  /** Per-row test predictions (stored as float32 in 'run-evaluations'). */
  evaluation?: Evaluation;
  /** A search's run: how the search went (its model is the refitted best). */
  search?: RunSearch;
}

/**
 * A finished candidate's task and test metrics as a run keeps them, from the training run's
 * facts (its task, classes, threshold and ranking metric).
 */
export function outcomeMetrics(
  c: Pick<CandidateResult, 'metrics' | 'folds' | 'classification' | 'classificationFolds'>,
  run: Pick<TrainingResult, 'task' | 'classes' | 'threshold' | 'rankedBy'>,
): Pick<RunOutcome, 'task' | 'metrics' | 'folds' | 'classification'> {
  if (run.task !== 'classification' || !c.classification) return { task: 'regression', ...(c.metrics ? { metrics: c.metrics } : {}), ...(c.folds ? { folds: c.folds } : {}) };
  return {
    task: 'classification',
    classification: {
      classes: [...(run.classes ?? [])],
      ...(run.threshold !== undefined ? { threshold: run.threshold } : {}),
      rankedBy: isClassificationRanking(run.rankedBy) ? run.rankedBy : DEFAULT_CLASSIFICATION_METRIC,
      metrics: c.classification,
      ...(c.classificationFolds ? { folds: c.classificationFolds } : {}),
    },
  };
}

/** A search trial as it ended: recorded closed, in one write, under its search's run. */
export interface TrialRecord extends Omit<RunInit, 'parentRunId'> {
  parentRunId: string;
  status: 'finished' | 'failed' | 'cancelled';
  trial: RunTrial;
  /** Its cross-validated metrics (out-of-fold predictions of the training rows). */
  metrics?: RegressionMetrics;
  /** A classification trial's: the same out-of-fold predictions' classification metrics, ranked by log loss. */
  classification?: RunClassification;
  /** Seconds of the whole trial (its k fits and predictions). */
  seconds: number;
  error?: RunError;
  logs?: LogLine[];
}

/** A test metric of either task (see run-metrics.ts). */
export type MetricName = RunMetricName;

export interface RunFilter {
  experiment?: string;
  modelType?: ModelType;
  status?: RunStatus;
  /** Runs carrying this tag. */
  tag?: string;
  /** Runs whose test metric lies in [min, max] (runs without metrics are left out). */
  metric?: { name: MetricName; min?: number; max?: number };
  datasetId?: string;
  /** The trials of one search (runs whose parent is this run). */
  parentRunId?: string;
}

export interface RunSort {
  /** Default 'startedAt'. */
  by?: 'startedAt' | 'endedAt' | 'duration' | MetricName;
  /** Default 'desc' (newest or largest first). Runs lacking the value come last either way. */
  direction?: 'asc' | 'desc';
}

export interface ExperimentSummary {
  name: string;
  runCount: number;
  /** Count per status. */
  statuses: Partial<Record<RunStatus, number>>;
  /** Epoch milliseconds of the newest run. */
  lastStartedAt: number;
  /** Highest test R² among finished regression runs. */
  bestR2?: number;
  /** Highest test ROC AUC among finished classification runs. */
  bestRocAuc?: number;
}

export interface RunStoreOptions {
  /** This tab's session (startTabSession); a lock-less session with a random id when absent. */
  session?: Pick<TabSession, 'id' | 'locks'>;
  /** Injectable clock for tests. */
  now?: () => number;
  /**
   * Without Web Locks, a 'running' run from another session whose last heartbeat is older than
   * this is interrupted. Default 60 s; the trainer should heartbeat every few seconds.
   */
  heartbeatTimeoutMs?: number;
}

const DEFAULT_HEARTBEAT_TIMEOUT = 60_000;

export function normalizeTags(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tags) {
    const s = t.trim();
    if (s && !out.includes(s)) out.push(s);
  }
  return out;
}

export class RunStore {
  readonly #db: LoupeDb;
  readonly #now: () => number;
  readonly #session: Pick<TabSession, 'id' | 'locks'>;
  readonly #timeout: number;

  constructor(db: LoupeDb, options: RunStoreOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#session = options.session ?? { id: crypto.randomUUID() };
    this.#timeout = options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT;
  }

  get sessionId(): string {
    return this.#session.id;
  }

  /** Records a new run with status 'running'. */
  async start(init: RunInit): Promise<Run> {
    const t = this.#now();
    const experiment = (init.experiment ?? init.datasetName).trim() || init.datasetName;
    const run: Run = {
      id: crypto.randomUUID(),
      experiment,
      name: init.name ?? init.modelType,
      startedAt: t,
      heartbeatAt: t,
      status: 'running',
      datasetId: init.datasetId,
      datasetName: init.datasetName,
      recipe: init.recipe,
      modelType: init.modelType,
      params: init.params,
      seed: init.seed,
      ...(init.split ? { split: init.split } : {}),
      environment: init.environment,
      logs: [],
      tags: normalizeTags(init.tags ?? []),
      note: init.note ?? '',
      sessionId: this.#session.id,
      ...(init.retrain ? { retrain: init.retrain } : {}),
      ...(init.parentRunId ? { parentRunId: init.parentRunId } : {}),
    };
    await this.#write(['runs'], `record the run "${run.name}"`, [run.id], async (tx) => {
      await tx.objectStore('runs').add(run);
    });
    return run;
  }

  /**
   * Records a search trial that has ended, as a child of its search's run. A trial is scored
   * by cross-validation and keeps no model, so unlike `finish` a finished trial has none.
   */
  async recordTrial(t: TrialRecord): Promise<Run> {
    return (await this.recordTrials([t]))[0];
  }

  /**
   * Records a search's trials in one transaction with one change notice: a search of hundreds
   * of trials recorded one by one made every open Runs list reload hundreds of times.
   */
  async recordTrials(trials: readonly TrialRecord[]): Promise<Run[]> {
    const end = this.#now();
    const runs = trials.map((t) => this.#trialRun(t, end));
    if (runs.length === 0) return runs;
    const what = runs.length === 1 ? `the trial "${runs[0].name}"` : `${runs.length} trials`;
    await this.#write(['runs'], `record ${what}`, runs.map((r) => r.id), async (tx) => {
      const store = tx.objectStore('runs');
      for (const run of runs) await store.add(run);
    });
    return runs;
  }

  #trialRun(t: TrialRecord, end: number): Run {
    const start = end - Math.max(0, t.seconds) * 1000;
    return {
      id: crypto.randomUUID(),
      experiment: (t.experiment ?? t.datasetName).trim() || t.datasetName,
      name: t.name ?? t.modelType,
      startedAt: start,
      endedAt: end,
      heartbeatAt: end,
      status: t.status,
      datasetId: t.datasetId,
      datasetName: t.datasetName,
      recipe: t.recipe,
      modelType: t.modelType,
      params: t.params,
      seed: t.seed,
      ...(t.split ? { split: t.split } : {}),
      ...(t.metrics ? { metrics: t.metrics } : {}),
      ...(t.classification ? { task: 'classification' as const, classification: t.classification } : {}),
      fitSeconds: t.seconds,
      environment: t.environment,
      logs: t.logs ?? [],
      ...(t.error ? { error: t.error } : {}),
      tags: normalizeTags(t.tags ?? []),
      note: t.note ?? '',
      sessionId: this.#session.id,
      parentRunId: t.parentRunId,
      trial: t.trial,
    };
  }

  /** Marks a running run as alive now. No change notice (it would be noise). */
  async heartbeat(id: string): Promise<void> {
    await this.#write(
      ['runs'],
      'update the run',
      null,
      async (tx) => {
        const store = tx.objectStore('runs');
        const run = await store.get(id);
        if (run && run.status === 'running') await store.put({ ...run, heartbeatAt: this.#now() });
      },
    );
  }

  /**
   * Stores the model and marks the run finished, in one transaction: a run is never 'finished'
   * without its model. Allowed from 'running' and 'interrupted' (a slow tab that was presumed dead).
   */
  async finish(id: string, outcome: RunOutcome): Promise<Run> {
    if (!outcome.model && !outcome.bundle)
      throw new StorageError('run-model-missing', 'A finished run needs its fitted model (model and recipe, or a bundle).', { field: 'model' });
    const record: RunModel = {
      runId: id,
      ...(outcome.model ? { model: outcome.model.model, recipe: outcome.model.recipe } : {}),
      ...(outcome.bundle ? { bundle: outcome.bundle } : {}),
      bytes: 0,
    };
    record.bytes = estimateBytes(record);
    const ev: RunEvaluation | undefined = outcome.evaluation && {
      runId: id,
      kind: outcome.evaluation.kind,
      totalRows: outcome.evaluation.totalRows,
      actual: Float32Array.from(outcome.evaluation.actual),
      predicted: Float32Array.from(outcome.evaluation.predicted),
      ...(outcome.evaluation.probabilities ? { probabilities: Float32Array.from(outcome.evaluation.probabilities) } : {}),
    };
    return this.#write(['runs', 'run-models', 'run-evaluations'], 'save the finished run and its model', [id], async (tx) => {
      const runs = tx.objectStore('runs');
      const run = await this.#require(runs.get(id), id);
      if (run.status !== 'running' && run.status !== 'interrupted')
        throw new StorageError('run-closed', `The run "${run.name}" is already ${run.status}; its result was not saved.`);
      const t = this.#now();
      const next: Run = {
        ...run,
        status: 'finished',
        endedAt: t,
        heartbeatAt: t,
        task: outcome.task ?? (outcome.classification ? 'classification' : 'regression'),
        ...(outcome.metrics ? { metrics: outcome.metrics } : {}),
        ...(outcome.classification ? { classification: outcome.classification } : {}),
        history: outcome.history,
        logs: outcome.logs,
        modelBytes: record.bytes,
        ...(outcome.folds ? { folds: outcome.folds } : {}),
        ...(outcome.fitSeconds !== undefined ? { fitSeconds: outcome.fitSeconds } : {}),
        ...(outcome.predictSeconds !== undefined ? { predictSeconds: outcome.predictSeconds } : {}),
        ...(outcome.split ? { split: outcome.split } : {}),
        ...(outcome.search ? { search: outcome.search } : {}),
      };
      // Model first, then the status: either both commit or neither does.
      await tx.objectStore('run-models').put(record);
      if (ev) await tx.objectStore('run-evaluations').put(ev);
      await runs.put(next);
      return next;
    });
  }

  async fail(id: string, error: RunError, logs: LogLine[] = []): Promise<Run> {
    return this.#close(id, 'failed', logs, error);
  }

  async cancel(id: string, logs?: LogLine[]): Promise<Run> {
    return this.#close(id, 'cancelled', logs);
  }

  async get(id: string): Promise<Run | undefined> {
    return this.#db.get('runs', id);
  }

  /** Runs matching every given filter field, sorted (default: newest first). */
  async list(filter: RunFilter = {}, sort: RunSort = {}): Promise<Run[]> {
    let runs: Run[];
    if (filter.experiment !== undefined) runs = await this.#db.getAllFromIndex('runs', 'by-experiment', filter.experiment);
    else if (filter.status !== undefined) runs = await this.#db.getAllFromIndex('runs', 'by-status', filter.status);
    else if (filter.datasetId !== undefined) runs = await this.#db.getAllFromIndex('runs', 'by-dataset', filter.datasetId);
    else runs = await this.#db.getAll('runs');
    const m = filter.metric;
    const kept = runs.filter(
      (r) =>
        (filter.experiment === undefined || r.experiment === filter.experiment) &&
        (filter.status === undefined || r.status === filter.status) &&
        (filter.datasetId === undefined || r.datasetId === filter.datasetId) &&
        (filter.parentRunId === undefined || r.parentRunId === filter.parentRunId) &&
        (filter.modelType === undefined || r.modelType === filter.modelType) &&
        (filter.tag === undefined || r.tags.includes(filter.tag)) &&
        (m === undefined || inRange(runMetric(r, m.name), m.min, m.max)),
    );
    return sortRuns(kept, sort);
  }

  /** The fitted model of a finished run. */
  async getModel(id: string): Promise<RunModel | undefined> {
    return this.#db.get('run-models', id);
  }

  /** A finished run's per-row test predictions (runs finished before they were kept have none). */
  async getEvaluation(id: string): Promise<RunEvaluation | undefined> {
    return this.#db.get('run-evaluations', id);
  }

  /**
   * Replaces a finished run's stored bundle with the same model deciding otherwise (a decision
   * threshold saved on the Train screen), so that registering the run registers what the person
   * chose. Versions registered before keep their own bundles.
   */
  async replaceBundle(id: string, bundle: ModelBundle): Promise<void> {
    await this.#write(['run-models'], 'save the model with its decision threshold', [id], async (tx) => {
      const models = tx.objectStore('run-models');
      const rec = await models.get(id);
      if (!rec?.bundle)
        throw new StorageError('run-bundle-missing', `The run ${id.slice(0, 8)}… has no stored model bundle in this browser (it may have been deleted in another tab).`);
      const next: RunModel = { ...rec, bundle };
      next.bytes = estimateBytes(next);
      await models.put(next);
    });
  }

  /** Changes what a person may edit: tags, note, experiment. */
  async update(id: string, patch: { tags?: string[]; note?: string; experiment?: string }): Promise<Run> {
    let experiment: string | undefined;
    if (patch.experiment !== undefined) {
      experiment = patch.experiment.trim();
      if (!experiment) throw new StorageError('invalid-name', 'An experiment name cannot be empty.', { field: 'experiment' });
    }
    return this.#write(['runs'], 'update the run', [id], async (tx) => {
      const runs = tx.objectStore('runs');
      const run = await this.#require(runs.get(id), id);
      const next: Run = {
        ...run,
        ...(patch.tags !== undefined ? { tags: normalizeTags(patch.tags) } : {}),
        ...(patch.note !== undefined ? { note: patch.note } : {}),
        ...(experiment !== undefined ? { experiment } : {}),
      };
      await runs.put(next);
      return next;
    });
  }

  /**
   * Deletes runs and their models in one transaction. Returns the estimated bytes reclaimed.
   * Model versions registered from these runs keep their own bundles.
   */
  async delete(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.#write(['runs', 'run-models', 'run-evaluations'], `delete ${ids.length === 1 ? 'the run' : `${ids.length} runs`}`, [...ids], async (tx) => {
      const runs = tx.objectStore('runs');
      const models = tx.objectStore('run-models');
      const evaluations = tx.objectStore('run-evaluations');
      let bytes = 0;
      for (const id of ids) {
        const run = await runs.get(id);
        if (run) bytes += estimateBytes(run);
        const model = await models.get(id);
        if (model) bytes += model.bytes;
        const ev = await evaluations.get(id);
        if (ev) bytes += ev.actual.byteLength + ev.predicted.byteLength + (ev.probabilities?.byteLength ?? 0);
        await runs.delete(id);
        await models.delete(id);
        await evaluations.delete(id);
      }
      return bytes;
    });
  }

  /**
   * On app start: marks 'interrupted' every 'running' run whose tab is gone — its session's Web
   * Lock is not held, or (without Web Locks) its heartbeat is older than the timeout. This tab's
   * own runs are never touched. Returns the ids marked.
   */
  async markInterrupted(): Promise<string[]> {
    const locks = this.#session.locks;
    let held: Set<string> | undefined;
    if (locks) {
      // Before the transaction: awaiting anything but IndexedDB inside one would end it.
      const snapshot = await locks.query();
      held = new Set((snapshot.held ?? []).map((l) => l.name ?? ''));
    }
    const now = this.#now();
    const orphaned = (r: Run): boolean => {
      if (r.sessionId === this.#session.id) return false;
      if (held) return !held.has(sessionLockName(r.sessionId));
      return now - r.heartbeatAt > this.#timeout;
    };
    const marked: string[] = [];
    await this.#write(['runs'], 'mark interrupted runs', marked, async (tx) => {
      const runs = tx.objectStore('runs');
      const running = await runs.index('by-status').getAll('running');
      for (const r of running) {
        if (!orphaned(r)) continue;
        marked.push(r.id);
        await runs.put({
          ...r,
          status: 'interrupted',
          endedAt: r.heartbeatAt,
          error: { code: 'interrupted', message: 'The tab training this run was closed or crashed before it finished.' },
        });
      }
    });
    return marked;
  }

  /** Experiments with their run counts, most recently active first. */
  async listExperiments(): Promise<ExperimentSummary[]> {
    const runs = await this.#db.getAll('runs');
    const byName = new Map<string, ExperimentSummary>();
    for (const r of runs) {
      let e = byName.get(r.experiment);
      if (!e) byName.set(r.experiment, (e = { name: r.experiment, runCount: 0, statuses: {}, lastStartedAt: r.startedAt }));
      e.runCount++;
      e.statuses[r.status] = (e.statuses[r.status] ?? 0) + 1;
      e.lastStartedAt = Math.max(e.lastStartedAt, r.startedAt);
      if (r.status !== 'finished') continue;
      const r2 = runMetric(r, 'r2');
      if (r2 !== undefined && (e.bestR2 === undefined || r2 > e.bestR2)) e.bestR2 = r2;
      const auc = runMetric(r, 'rocAuc');
      if (auc !== undefined && (e.bestRocAuc === undefined || auc > e.bestRocAuc)) e.bestRocAuc = auc;
    }
    return [...byName.values()].sort((a, b) => b.lastStartedAt - a.lastStartedAt || a.name.localeCompare(b.name));
  }

  /** An experiment's run history, oldest first, as CSV (one row per run) or JSON. */
  async exportExperiment(experiment: string, format: 'csv' | 'json'): Promise<string> {
    const runs = sortRuns(await this.list({ experiment }), { by: 'startedAt', direction: 'asc' });
    return format === 'csv' ? runsToCsv(runs) : runsToJson(runs, { experiment, now: this.#now() });
  }

  async #close(id: string, status: 'failed' | 'cancelled', logs?: LogLine[], error?: RunError): Promise<Run> {
    return this.#write(['runs'], status === 'failed' ? 'record the failed run' : 'record the cancelled run', [id], async (tx) => {
      const runs = tx.objectStore('runs');
      const run = await this.#require(runs.get(id), id);
      if (run.status === 'finished') throw new StorageError('run-closed', `The run "${run.name}" already finished.`);
      const t = this.#now();
      const next: Run = { ...run, status, endedAt: t, heartbeatAt: t, ...(logs ? { logs } : {}), ...(error ? { error } : {}) };
      await runs.put(next);
      return next;
    });
  }

  async #require(p: Promise<Run | undefined>, id: string): Promise<Run> {
    const run = await p;
    if (!run) throw new StorageError('run-missing', `The run ${id.slice(0, 8)}… is not stored in this browser (it may have been deleted in another tab).`);
    return run;
  }

  /** One all-or-nothing transaction; after the commit, a change notice for `ids`. */
  async #write<T>(stores: StoreName[], action: string, ids: string[] | null, fn: (tx: WriteTx) => Promise<T>): Promise<T> {
    const result = await writeTransaction(this.#db, stores, action, fn);
    if (ids && ids.length > 0) postStorageChange({ type: 'runs-changed', ids });
    return result;
  }
}

function sortValue(r: Run, by: NonNullable<RunSort['by']>): number | undefined {
  switch (by) {
    case 'startedAt':
      return r.startedAt;
    case 'endedAt':
      return r.endedAt;
    case 'duration':
      return r.endedAt !== undefined ? r.endedAt - r.startedAt : undefined;
    default:
      return runMetric(r, by);
  }
}

function inRange(v: number | undefined, min: number | undefined, max: number | undefined): boolean {
  return v !== undefined && (min === undefined || v >= min) && (max === undefined || v <= max);
}

export function sortRuns(runs: Run[], sort: RunSort = {}): Run[] {
  const by = sort.by ?? 'startedAt';
  const sign = (sort.direction ?? 'desc') === 'desc' ? -1 : 1;
  return runs
    .map((r) => ({ r, v: sortValue(r, by) }))
    .sort((a, b) => {
      if (a.v === undefined || b.v === undefined) return a.v === undefined ? (b.v === undefined ? 0 : 1) : -1;
      return sign * (a.v - b.v) || b.r.startedAt - a.r.startedAt || a.r.id.localeCompare(b.r.id);
    })
    .map((x) => x.r);
}
