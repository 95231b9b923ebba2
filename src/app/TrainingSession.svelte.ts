/**
 * The Train screen's state: which models to train with which hyperparameters, the split, and the
 * run in progress (one entry per candidate: status, progress, elapsed time, ETA, live losses,
 * result). Candidates train in a TrainWorkerPool; when the run ends every finished candidate's
 * bundle goes onto the model shelf (best first, selected) and each candidate is recorded as a
 * run (RunRecorder). Views are published at most every PUBLISH_MS so the page stays responsive.
 */
import type { PartialDependence, ShapSummary } from '../core/explain';
import { candidateTypesFor, MODEL_TYPES, modelLabel } from '../core/models/catalog';
import { classificationMetric, DEFAULT_CLASSIFICATION_METRIC, type ClassificationMetricName } from '../core/metrics/classification-ranking';
import type { CalibrationChoice } from '../core/models/calibration-model';
import { rankingScore, type RankedBy } from '../core/pipeline/ranking';
import type { CandidateSpec, RunWarning } from '../core/pipeline/train';
import type { Recipe } from '../core/recipe';
import type { ModelType, Task } from '../core/models/types';
import type { TfBackendInfo } from '../core/tf';
import type { PermutationImportanceResult, TrainJobProgress, TrainJobResult, TrainSplit } from '../../workers/protocol';
import type { DatasetLibrary } from './DatasetLibrary.svelte';
import type { ModelShelf, ShelfModel } from './ModelShelf.svelte';
import { describeProblem, type Problem } from './problems';
import type { RecipeState } from './RecipeState.svelte';
import { RunRecorder } from './RunRecorder';
import { DEFAULT_SELECTION, defaultDraft, defaultDrafts, readParams, type ParamDraft, type ReadParams } from './train-params';
import { TrainWorkerPool } from './WorkerPool';

const PUBLISH_MS = 250;

export type CandidateStatus = 'queued' | 'running' | 'finished' | 'failed' | 'cancelled';

export interface LossPoint {
  step: number;
  train?: number;
  validation?: number;
}

export interface CandidateView {
  id: string;
  name: string;
  type: ModelType;
  status: CandidateStatus;
  /** 0..1 of this candidate. */
  fraction: number;
  step?: number;
  totalSteps?: number;
  /** Milliseconds since it started (frozen when it ends). */
  elapsedMs: number;
  /** Estimated milliseconds left, from fraction and elapsed; null when unknown. */
  etaMs: number | null;
  /** Live losses (train/validation per step). */
  losses: LossPoint[];
  /** Set when it ends. */
  result?: TrainJobResult;
  /** The run record's id, when it was recorded. */
  runId?: string | null;
}

export interface SplitSettings {
  kind: 'holdout' | 'kfold';
  testSize: number;
  k: number;
  seed: number;
}

export type ImportanceState = { status: 'running' } | { status: 'done'; result: PermutationImportanceResult } | { status: 'failed'; message: string };
/** A decision threshold saved into a model, and whether the bundle's test metrics were taken again at it (not when the evaluation is a sample). */
export interface SavedThreshold {
  threshold: number;
  metricsUpdated: boolean;
}
/** A computation asked of the worker that trained a candidate: running, its result, or why it failed. */
export type WorkerAnswer<T> = { status: 'running' } | { status: 'done'; result: T } | { status: 'failed'; message: string };

/** What every job of one run shares. */
interface JobContext {
  gen: number;
  pool: TrainWorkerPool;
  dataset: NonNullable<DatasetLibrary['current']>;
  recipe: Recipe;
  split: TrainSplit;
  seed: number;
  /** Classification: the metric the candidates are ranked and reported by. */
  metric?: ClassificationMetricName;
  /** Classification: the candidates' probability calibration. */
  calibration?: CalibrationChoice;
}

interface Rec {
  /** Mutable working copy. */
  view: CandidateView;
  /** The last published copy: kept as is while nothing changed, so views and charts of finished candidates do not re-render. */
  out: CandidateView | null;
  dirty: boolean;
  startedAt: number | null;
  endedAt: number | null;
}

function tfLabel(b: TfBackendInfo): string {
  if (b.backend !== 'wasm') return `tfjs: ${b.backend}${b.fallbackReason ? ` (WASM unavailable: ${b.fallbackReason})` : ''}`;
  const build = b.multithread ? 'threaded SIMD' : b.simd ? 'SIMD' : 'plain';
  const n = b.multithread ? (b.threads ?? 1) : 1;
  const threads = `${n} thread${n === 1 ? '' : 's'}`;
  return `tfjs: wasm (${build}, ${threads})`;
}

/** A finished candidate's score as the shelf names it: R², or the classification metric ranked by. */
/** A finished model's headline score on the model shelf: R², or the classification metric it was ranked by. */
export function shelfScore(r: TrainJobResult, by: RankedBy | ClassificationMetricName): string {
  if (r.classification) {
    const info = classificationMetric(by === 'r2' || by === 'rmse' ? DEFAULT_CLASSIFICATION_METRIC : by);
    return `${info.label} ${r.classification[info.field].toFixed(3)}`;
  }
  return `R² ${r.metrics!.r2.toFixed(3)}`;
}

/** A finished candidate's id on the model shelf: its run's, or the session's when it was not recorded. */
function shelfIdOf(c: CandidateView): string {
  return c.runId ?? `session:${c.id}`;
}

export class TrainingSession {
  /** Models ticked for the next run. */
  selected = $state<Record<ModelType, boolean>>(Object.fromEntries(MODEL_TYPES.map((t) => [t, DEFAULT_SELECTION.includes(t)])) as Record<ModelType, boolean>);
  /** Hyperparameters as edited (text per field). */
  drafts = $state<Record<ModelType, ParamDraft>>(defaultDrafts());
  split = $state<SplitSettings>({ kind: 'holdout', testSize: 0.2, k: 5, seed: 42 });
  /** Classification: the metric the leaderboard ranks by. */
  metric = $state<ClassificationMetricName>(DEFAULT_CLASSIFICATION_METRIC);
  /** Classification: calibrate the candidates' probabilities (Platt or isotonic, on a held-out 20 %), or not. */
  calibration = $state<CalibrationChoice>('none');

  /** The current (or last) run's candidates, in the order they were queued. */
  candidates = $state.raw<CandidateView[]>([]);
  /** tfjs backend of the training workers, once known. */
  backend = $state.raw<TfBackendInfo | null>(null);
  backendError = $state<string | null>(null);
  problem = $state.raw<Problem | null>(null);
  /** Candidate shown in detail (plots, importance); defaults to the best. */
  focusId = $state<string | null>(null);
  importance = $state.raw<Record<string, ImportanceState>>({});
  /** SHAP summary per candidate (mean |SHAP| and the beeswarm's rows). */
  explanations = $state.raw<Record<string, WorkerAnswer<ShapSummary>>>({});
  /** Partial dependence per candidate, for the column last asked. */
  dependence = $state.raw<Record<string, WorkerAnswer<PartialDependence>>>({});
  /** Binary classifiers: the decision threshold on each candidate's slider (absent: the one its bundle decides with). */
  thresholds = $state.raw<Record<string, number>>({});
  /** Saving a slider's threshold into a candidate's bundle: running, done (the threshold saved, and whether its test metrics were taken again) or failed. */
  thresholdSaves = $state.raw<Record<string, WorkerAnswer<SavedThreshold>>>({});
  /** Epoch ms of the run's start and end. */
  runStartedAt = $state<number | null>(null);
  runEndedAt = $state<number | null>(null);

  readonly poolSize: number;
  readonly #library: DatasetLibrary;
  readonly #recipe: RecipeState;
  readonly #shelf: ModelShelf;
  #pool: TrainWorkerPool | null = null;
  readonly #recorder: RunRecorder;
  #recs: Rec[] = [];
  #timer: ReturnType<typeof setInterval> | null = null;
  #dirty = false;
  #generation = 0;

  constructor(library: DatasetLibrary, recipe: RecipeState, shelf: ModelShelf, pool?: TrainWorkerPool) {
    this.#library = library;
    this.#recipe = recipe;
    this.#shelf = shelf;
    this.#pool = pool ?? null;
    this.poolSize = pool?.size ?? Math.max(1, (typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2) - 1);
    this.#recorder = new RunRecorder((e) => (this.problem = describeProblem(e, 'Could not record the run')));
  }

  readonly backendLabel: string | null = $derived(this.backend ? tfLabel(this.backend) : null);

  /** Per model: params read from the drafts and problems by field. */
  readonly paramCheck: Record<ModelType, ReadParams> = $derived(
    Object.fromEntries(MODEL_TYPES.map((t) => [t, readParams(t, this.drafts[t])])) as Record<ModelType, ReadParams>,
  );

  readonly splitError: string | null = $derived.by(() => {
    const s = this.split;
    if (!Number.isInteger(s.seed)) return 'The seed must be a whole number.';
    if (s.kind === 'holdout') return s.testSize > 0 && s.testSize < 1 ? null : 'The test share must be between 0 and 1 (e.g. 0.2).';
    return Number.isInteger(s.k) && s.k >= 2 && s.k <= 20 ? null : 'k must be a whole number from 2 to 20.';
  });

  /** The recipe's task on the open dataset (regression until it is known): which models the run trains. */
  readonly task: Task = $derived.by(() => this.#recipe.task?.task ?? 'regression');

  /** The ticked models of the task, in catalog order. */
  readonly chosen: ModelType[] = $derived(candidateTypesFor(this.task).filter((t) => this.selected[t]));

  readonly running: boolean = $derived(this.candidates.some((c) => c.status === 'queued' || c.status === 'running'));

  /** Why the run cannot start, or null. */
  readonly blocker: string | null = $derived.by(() => {
    if (!this.#library.current) return 'Open a dataset on the Data screen first.';
    if (!this.#recipe.recipe) return 'The dataset has no column to predict.';
    const issue = this.#recipe.issues.find((i) => i.severity === 'error');
    if (issue) return `Fix the recipe on the Prepare screen first: ${issue.message}`;
    const chosen = this.chosen;
    if (chosen.length === 0) return `Choose at least one ${this.task} model.`;
    const bad = chosen.find((t) => Object.keys(this.paramCheck[t].errors).length > 0);
    if (bad) return `Fix the hyperparameters of ${modelLabel(bad)}.`;
    return this.splitError;
  });

  /** What the run's candidates warned about (the same for each: the data and the split), once each. */
  readonly warnings: RunWarning[] = $derived.by(() => {
    const seen = new Map<string, RunWarning>();
    for (const c of this.candidates) for (const w of c.result?.warnings ?? []) seen.set(w.message, w);
    return [...seen.values()];
  });

  /** R², or RMSE where R² is undefined on the test part (the training run says so); classification: the chosen metric. */
  readonly rankedBy: RankedBy | ClassificationMetricName = $derived(
    this.candidates.some((c) => c.result?.classification) ? this.metric : this.warnings.some((w) => w.code === 'r2-undefined') ? 'rmse' : 'r2',
  );

  /** Finished candidates best first (by `rankedBy`), then the others. */
  readonly leaderboard: CandidateView[] = $derived(
    [...this.candidates].sort((a, b) => {
      const score = (c: CandidateView): number => (c.result ? rankingScore(c.result, this.rankedBy) : -Infinity);
      return score(b) - score(a);
    }),
  );

  readonly best: CandidateView | null = $derived(this.leaderboard.find((c) => c.status === 'finished') ?? null);
  readonly focus: CandidateView | null = $derived(this.candidates.find((c) => c.id === this.focusId) ?? this.best);

  setDraft(type: ModelType, field: string, value: string): void {
    this.drafts = { ...this.drafts, [type]: { ...this.drafts[type], [field]: value } };
  }

  resetDraft(type: ModelType): void {
    this.drafts = { ...this.drafts, [type]: defaultDraft(type) };
  }

  /** Asks a worker for the backend (starts one) so the screen can say which is active. */
  async probeBackend(): Promise<void> {
    if (this.backend) return;
    try {
      this.backend = await this.#ensurePool().backend();
    } catch (e) {
      this.backendError = e instanceof Error ? e.message : String(e);
    }
  }

  /** Queues every selected model. */
  start(): void {
    if (this.blocker || this.running) return;
    const cur = this.#library.current!;
    const recipe = $state.snapshot(this.#recipe.recipe!);
    const pool = this.#ensurePool();
    pool.release();
    pool.setTable(cur.meta.id, cur.table);
    const gen = ++this.#generation;
    const s = this.split;
    const split: TrainSplit = s.kind === 'holdout' ? { kind: 'holdout', testSize: s.testSize, seed: s.seed } : { kind: 'kfold', k: s.k, seed: s.seed };
    const types = this.chosen;
    const classification = this.task === 'classification';
    const metric = this.metric;
    const calibration = this.calibration;
    this.problem = null;
    this.focusId = null;
    this.importance = {};
    this.explanations = {};
    this.dependence = {};
    this.thresholds = {};
    this.thresholdSaves = {};
    this.runStartedAt = Date.now();
    this.runEndedAt = null;
    this.#recs = types.map((type, i) => ({
      view: { id: `${gen}-${i}-${type}`, name: modelLabel(type), type, status: 'queued', fraction: 0, elapsedMs: 0, etaMs: null, losses: [] },
      out: null,
      dirty: true,
      startedAt: null,
      endedAt: null,
    }));
    this.#publish();
    this.#startTicker();
    void this.probeBackend();
    const ctx: JobContext = { gen, pool, dataset: cur, recipe, split, seed: s.seed, ...(classification ? { metric, calibration } : {}) };
    const jobs = this.#recs.map((rec) => this.#runJob(rec, ctx, $state.snapshot(this.paramCheck[rec.view.type].params) as Record<string, unknown>));
    void Promise.all(jobs).then(() => {
      if (gen === this.#generation) this.#finishRun();
    });
  }

  /**
   * Why the last run's models cannot be blended into an ensemble now, or null: it needs a
   * finished k-fold run with at least two finished models and no ensemble yet.
   */
  readonly ensembleBlocker: string | null = $derived.by(() => {
    if (this.running) return 'The run is still going.';
    if (this.task === 'classification') return 'Ensembles blend regression models; Loupe does not blend classifiers yet.';
    const done = this.candidates.filter((c) => c.status === 'finished' && c.type !== 'ensemble');
    if (done.length === 0) return 'Train some models first.';
    if (done[0].result?.split?.kind !== 'kfold') return 'An ensemble is weighed on out-of-fold predictions: train with k-fold cross-validation.';
    if (done.length < 2) return 'An ensemble blends two or more finished models.';
    if (this.candidates.some((c) => c.type === 'ensemble' && c.status !== 'failed' && c.status !== 'cancelled')) return 'This run already has its ensemble.';
    return null;
  });

  /**
   * Blends the last k-fold run's finished models into an "Ensemble" candidate (greedy ensemble
   * selection on their out-of-fold predictions), trained in one worker and recorded like the
   * others. Its members are trained again there with the params (and seeds) they had.
   */
  buildEnsemble(): void {
    if (this.ensembleBlocker) return;
    const cur = this.#library.current;
    const first = this.candidates.find((c) => c.status === 'finished')?.result;
    if (!cur || !first?.split || !this.#job) return;
    const members = this.candidates
      .filter((c) => c.status === 'finished' && c.type !== 'ensemble')
      .map((c) => ({ type: c.type, name: c.name, params: { ...c.result!.params } }));
    const gen = this.#generation;
    const rec: Rec = {
      view: { id: `${gen}-ensemble`, name: modelLabel('ensemble'), type: 'ensemble', status: 'queued', fraction: 0, elapsedMs: 0, etaMs: null, losses: [] },
      out: null,
      dirty: true,
      startedAt: null,
      endedAt: null,
    };
    this.#recs = [...this.#recs, rec];
    this.runEndedAt = null;
    // Published now, not at the next tick: the run counts as running at once (no second ensemble).
    this.#dirty = true;
    this.#publish();
    this.#startTicker();
    void this.#runJob(rec, this.#job, $state.snapshot(this.paramCheck.ensemble.params) as Record<string, unknown>, members).then(() => {
      if (gen === this.#generation) this.#finishRun();
    });
  }

  cancel(id: string): void {
    this.#pool?.cancel(id);
  }

  cancelAll(): void {
    this.#pool?.cancelAll();
  }

  /** Permutation importance of a finished candidate, computed in the worker that trained it. */
  async computeImportance(id: string): Promise<void> {
    const gen = this.#generation;
    this.importance = { ...this.importance, [id]: { status: 'running' } };
    const next: ImportanceState = await answer(() => this.#ensurePool().permutationImportance(id, { repeats: 3, seed: this.split.seed, maxRows: 5000 }));
    if (gen === this.#generation) this.importance = { ...this.importance, [id]: next };
  }

  /** SHAP summary of a finished candidate on a seeded sample of its evaluation rows, from its worker. */
  async computeExplanations(id: string): Promise<void> {
    const gen = this.#generation;
    this.explanations = { ...this.explanations, [id]: { status: 'running' } };
    const next = await answer(() => this.#ensurePool().explainSummary(id, { seed: this.split.seed }));
    if (gen === this.#generation) this.explanations = { ...this.explanations, [id]: next };
  }

  /**
   * Partial dependence and ICE curves of one input column for a finished candidate (a
   * classifier's: of the probability of `classCode`); a newer ask replaces an older one.
   */
  async computeDependence(id: string, column: string, classCode?: number): Promise<void> {
    const gen = this.#generation;
    const ask = ++this.#dependenceAsk;
    this.dependence = { ...this.dependence, [id]: { status: 'running' } };
    const next = await answer(() => this.#ensurePool().partialDependence(id, column, { seed: this.split.seed, ...(classCode !== undefined ? { classCode } : {}) }));
    if (gen === this.#generation && ask === this.#dependenceAsk) this.dependence = { ...this.dependence, [id]: next };
  }

  #dependenceAsk = 0;

  /** Moves a binary classifier's slider (the screen rescores live; nothing is saved yet). */
  setThreshold(id: string, threshold: number): void {
    this.thresholds = { ...this.thresholds, [id]: threshold };
  }

  /**
   * Saves the slider's threshold into the candidate's bundle, in the worker that trained it
   * (core withDecisionThreshold) and over its stored run's bundle, then on the model shelf, so
   * Predict and a version registered from the run decide with it. A newer save's answer wins.
   */
  async saveThreshold(id: string): Promise<void> {
    const c = this.candidates.find((x) => x.id === id);
    const threshold = this.thresholds[id];
    if (!c?.result?.bundle || threshold === undefined) return;
    const gen = this.#generation;
    const ask = (this.#thresholdAsks[id] = (this.#thresholdAsks[id] ?? 0) + 1);
    this.thresholdSaves = { ...this.thresholdSaves, [id]: { status: 'running' } };
    const next = await answer(() => this.#ensurePool().setDecisionThreshold(id, threshold, c.runId ?? undefined));
    if (gen !== this.#generation || ask !== this.#thresholdAsks[id]) return;
    if (next.status === 'done') {
      const rec = this.#recs.find((r) => r.view.id === id);
      if (rec?.view.result) {
        const b = next.result.bundle;
        const bundle = c.runId ? { ...b, lineage: { ...b.lineage, runId: c.runId } } : b;
        rec.view.result = { ...rec.view.result, bundle };
        rec.dirty = true;
        this.#dirty = true;
        this.#publish();
        this.#shelf.replaceBundle(shelfIdOf(c), bundle);
      }
    }
    this.thresholdSaves = { ...this.thresholdSaves, [id]: next.status === 'done' ? { status: 'done', result: { threshold, metricsUpdated: next.result.metricsUpdated } } : next };
  }

  #thresholdAsks: Record<string, number> = {};

  /** The last run's job context (dataset, recipe, split), for an ensemble built after it. */
  #job: JobContext | null = null;

  /** Runs one candidate's job in the pool and records it as a run; a superseded run's answers are dropped. */
  async #runJob(rec: Rec, ctx: JobContext, params: Record<string, unknown>, members?: (CandidateSpec & { name: string })[]): Promise<void> {
    this.#job = ctx;
    const { gen, pool, dataset: cur, recipe, split } = ctx;
    const v = rec.view;
    let runId: Promise<string | null> = Promise.resolve(null);
    const result = await pool.run(
      {
        jobId: v.id,
        tableKey: cur.meta.id,
        dataset: { id: cur.meta.id, name: cur.meta.name, rows: cur.table.rowCount },
        recipe,
        candidate: { type: v.type, name: v.name, params },
        split,
        ...(members ? { members } : {}),
        ...(ctx.metric !== undefined ? { metric: ctx.metric } : {}),
        ...(ctx.calibration !== undefined && ctx.calibration !== 'none' ? { calibration: ctx.calibration } : {}),
      },
      {
        onStart: () => {
          if (gen !== this.#generation) return;
          rec.startedAt = performance.now();
          v.status = 'running';
          rec.dirty = true;
          this.#dirty = true;
          runId = this.#recorder.start({
            datasetId: cur.meta.id,
            datasetName: cur.meta.name,
            recipe,
            name: v.name,
            modelType: v.type,
            params,
            seed: ctx.seed,
            backend: this.backend?.backend,
          });
        },
        onProgress: (p) => gen === this.#generation && this.#onProgress(rec, p),
      },
    );
    const id = await runId;
    await this.#recorder.end(id, result, (runId) => pool.finishRun(v.id, runId));
    if (gen !== this.#generation) return; // a newer run superseded this one
    rec.endedAt = performance.now();
    v.result = result;
    v.runId = id;
    v.status = result.status;
    v.fraction = result.status === 'finished' ? 1 : v.fraction;
    if (result.history.train.length > 0 && v.losses.length < result.history.train.length)
      v.losses = result.history.train.map((t, i) => ({ step: i + 1, train: t, validation: result.history.validation[i] }));
    rec.dirty = true;
    this.#dirty = true;
    this.#publish();
  }

  dispose(): void {
    this.#stopTicker();
    this.#recorder.dispose();
    this.#pool?.dispose();
  }

  /** The training pool (created on first use), shared with the Search mode (ModelSearch). */
  workerPool(): TrainWorkerPool {
    return this.#ensurePool();
  }

  #ensurePool(): TrainWorkerPool {
    if (!this.#pool) {
      const wasmPaths = new URL('tfjs/', typeof document !== 'undefined' ? document.baseURI : location.href).href;
      this.#pool = new TrainWorkerPool({ wasmPaths });
    }
    return this.#pool;
  }

  #onProgress(rec: Rec, p: TrainJobProgress): void {
    const v = rec.view;
    if (v.status !== 'running') return;
    v.fraction = p.fraction;
    v.step = p.step;
    v.totalSteps = p.totalSteps;
    if (p.losses.length) v.losses = [...v.losses, ...p.losses];
    rec.dirty = true;
    this.#dirty = true;
  }

  #finishRun(): void {
    this.runEndedAt = Date.now();
    this.#stopTicker();
    this.#publish();
    const finished = this.leaderboard.filter((c) => c.status === 'finished' && c.result?.bundle);
    const now = Date.now();
    const models: ShelfModel[] = finished.map((c) => ({
      id: shelfIdOf(c),
      name: `${c.name} — ${shelfScore(c.result!, this.rankedBy)}`,
      bundle: c.runId ? { ...c.result!.bundle!, lineage: { ...c.result!.bundle!.lineage, runId: c.runId } } : c.result!.bundle!,
      source: 'session',
      addedAt: now,
    }));
    if (models.length) this.#shelf.add(models, true);
  }

  #startTicker(): void {
    this.#stopTicker();
    this.#timer = setInterval(() => this.#publish(), PUBLISH_MS);
  }

  #stopTicker(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #publish(): void {
    const now = performance.now();
    let any = this.#dirty;
    for (const r of this.#recs) {
      if (r.startedAt === null) continue;
      const v = r.view;
      const end = r.endedAt ?? now;
      const elapsed = end - r.startedAt;
      if (elapsed !== v.elapsedMs) r.dirty = any = true;
      v.elapsedMs = elapsed;
      v.etaMs = v.status === 'running' && v.fraction > 0.01 ? (elapsed * (1 - v.fraction)) / v.fraction : v.status === 'running' ? null : 0;
    }
    if (!any) return;
    this.#dirty = false;
    this.candidates = this.#recs.map((r) => {
      if (r.dirty || !r.out) {
        r.out = { ...r.view };
        r.dirty = false;
      }
      return r.out;
    });
  }
}

/** A worker computation's outcome as state: its result, or its error in words. */
async function answer<T>(work: () => Promise<T>): Promise<WorkerAnswer<T>> {
  try {
    return { status: 'done', result: await work() };
  } catch (e) {
    return { status: 'failed', message: e instanceof Error ? e.message : String(e) };
  }
}
