/**
 * The Train screen's Search mode: a time-budgeted model search (core pipeline/search.ts) whose
 * scheduler runs here — it holds no data, only draws configurations and ranks scores — while
 * every trial is scored in the training pool (hardwareConcurrency − 1 workers, several trials
 * at once). When the search stops (budget, or Cancel: the best so far is kept) the best is
 * refitted on every training row as an ordinary training job, goes onto the model shelf, and
 * is recorded as the search's run with every trial as its child run.
 */
import {
  DEFAULT_CLASSIFICATION_SEARCH_MODELS,
  DEFAULT_SEARCH_BUDGET,
  DEFAULT_SEARCH_FOLDS,
  DEFAULT_SEARCH_MODELS,
  ensemblePool,
  refitParams,
  SEARCH_METRIC_LABELS,
  searchMetricOf,
  searchTrials,
  type BestPoint,
  type SearchMetric,
  type SearchStop,
  type Trial,
  type TrialRunner,
  type TrialSpec,
} from '../core/pipeline/search-schedule';
import { StopSwitch } from '../core/abort';
import { targetIsPositive } from '../core/data/target';
import { candidateTypesFor, MODEL_TYPES, modelLabel } from '../core/models/catalog';
import type { ModelType, Task } from '../core/models/types';
import type { TrainJobResult, TrainSplit } from '../../workers/protocol';
import type { DatasetLibrary } from './DatasetLibrary.svelte';
import type { ModelShelf } from './ModelShelf.svelte';
import { describeProblem, type Problem } from './problems';
import type { RecipeState } from './RecipeState.svelte';
import { RunRecorder } from './RunRecorder';
import { shelfScore, type SplitSettings } from './TrainingSession.svelte';
import type { TrainWorkerPool } from './WorkerPool';

const PUBLISH_MS = 250;

/** A trial as the screen shows it: running ones too; no out-of-fold predictions (they stay in the workers' answers). */
export type TrialView = TrialSpec & { status: Trial['status'] | 'running'; cvScore: number; seconds: number; error?: string };

export type SearchPhase = 'idle' | 'searching' | 'refitting' | 'done' | 'failed';

export interface SearchSettings {
  budgetSeconds: number;
  models: Record<ModelType, boolean>;
  /**
   * Blend the trials scored on every row into an ensemble (greedy selection on their out-of-fold
   * predictions, pipeline/search-ensemble.ts); it replaces the best trial only when its
   * cross-validated RMSE is lower. Regression only.
   */
  ensemble: boolean;
}

export class ModelSearch {
  settings = $state<SearchSettings>({
    budgetSeconds: DEFAULT_SEARCH_BUDGET,
    // Each task's defaults ticked: only the open target's task's families are shown and searched.
    models: Object.fromEntries(MODEL_TYPES.map((t) => [t, DEFAULT_SEARCH_MODELS.includes(t) || DEFAULT_CLASSIFICATION_SEARCH_MODELS.includes(t)])) as Record<ModelType, boolean>,
    ensemble: false,
  });
  /** The Train screen shows Search mode (rather than training the ticked models). */
  active = $state(false);
  phase = $state<SearchPhase>('idle');
  trials = $state.raw<TrialView[]>([]);
  curve = $state.raw<BestPoint[]>([]);
  stoppedBy = $state<SearchStop | null>(null);
  /** The refitted best (test metrics, bundle), once refitted. */
  refit = $state.raw<TrainJobResult | null>(null);
  problem = $state.raw<Problem | null>(null);
  /** Seconds since the search started (frozen when it stops). */
  elapsed = $state(0);
  /** The running (or last) search blends its trials into an ensemble. */
  blending = $state(false);
  /** What the running (or last) search's trials are scored by. */
  scoredBy = $state<SearchMetric>('rmse');

  readonly #library: DatasetLibrary;
  readonly #recipe: RecipeState;
  readonly #shelf: ModelShelf;
  readonly #pool: () => TrainWorkerPool;
  readonly #split: () => SplitSettings;
  readonly #recorder: RunRecorder;
  #stop: StopSwitch | null = null;
  #generation = 0;

  constructor(library: DatasetLibrary, recipe: RecipeState, shelf: ModelShelf, pool: () => TrainWorkerPool, split: () => SplitSettings) {
    this.#library = library;
    this.#recipe = recipe;
    this.#shelf = shelf;
    this.#pool = pool;
    this.#split = split;
    this.#recorder = new RunRecorder((e) => (this.problem = describeProblem(e, 'Could not record the search')));
  }

  readonly running: boolean = $derived(this.phase === 'searching' || this.phase === 'refitting');
  /** The task of the open target (regression until one is resolved). */
  readonly task: Task = $derived.by(() => this.#recipe.task?.task ?? 'regression');
  /** The families a search of that task can try, as the model picker lists them (not the ensemble, made from trials). */
  readonly families: ModelType[] = $derived(candidateTypesFor(this.task));
  readonly chosen: ModelType[] = $derived(this.families.filter((t) => this.settings.models[t]));
  /** What the running (or last) search's scores measure: RMSE, or a classification's log loss. */
  readonly scoreLabel: string = $derived.by(() => SEARCH_METRIC_LABELS[this.scoredBy]);
  /** Ensembles blend regression models. */
  readonly canBlend: boolean = $derived(this.task === 'regression');
  readonly best: TrialView | null = $derived(this.curve.length ? (this.trials.find((t) => t.id === this.curve.at(-1)!.trialId) ?? null) : null);

  /** Why the search cannot start, or null. */
  readonly blocker: string | null = $derived.by(() => {
    if (!this.#library.current) return 'Open a dataset on the Data screen first.';
    if (!this.#recipe.recipe) return 'The dataset has no column to predict.';
    const issue = this.#recipe.issues.find((i) => i.severity === 'error');
    if (issue) return `Fix the recipe on the Prepare screen first: ${issue.message}`;
    if (this.chosen.length === 0) return 'Choose at least one model family to search.';
    const b = this.settings.budgetSeconds;
    if (!(typeof b === 'number' && b >= 1 && b <= 3600)) return 'The budget must be from 1 to 3,600 seconds.';
    const s = this.#split();
    if (!Number.isInteger(s.seed)) return 'The seed must be a whole number.';
    return null;
  });

  async start(): Promise<void> {
    if (this.blocker || this.running) return;
    const cur = this.#library.current!;
    const recipe = $state.snapshot(this.#recipe.recipe!);
    const s = this.#split();
    const split: TrainSplit = s.kind === 'holdout' ? { kind: 'holdout', testSize: s.testSize, seed: s.seed } : { kind: 'kfold', k: s.k, seed: s.seed };
    const folds = s.kind === 'kfold' ? s.k : DEFAULT_SEARCH_FOLDS;
    const models = this.chosen;
    const budgetSeconds = this.settings.budgetSeconds;
    const blend = this.settings.ensemble && this.canBlend;
    const task = this.task;
    const metric = searchMetricOf(task);
    this.scoredBy = metric;
    this.blending = blend;
    const pool = this.#pool();
    pool.setTable(cur.meta.id, cur.table);
    const gen = ++this.#generation;
    const searchKey = `${cur.meta.id}:${gen}:${Date.now()}`;
    const stop = new StopSwitch();
    this.#stop = stop;
    this.problem = null;
    this.refit = null;
    this.trials = [];
    this.curve = [];
    this.stoppedBy = null;
    this.phase = 'searching';
    this.elapsed = 0;
    const t0 = performance.now();
    const views = new Map<number, TrialView>();
    let dirty = false;
    // The clock shows the search's own time: it stops when the trials do, not after the refit.
    let searching = true;
    const publish = (): void => {
      if (gen !== this.#generation) return;
      if (searching) this.elapsed = (performance.now() - t0) / 1000;
      if (!dirty) return;
      dirty = false;
      this.trials = [...views.values()];
    };
    const timer = setInterval(publish, PUBLISH_MS);
    const runner: TrialRunner = {
      parallel: pool.size,
      run: async (spec, signal) => {
        const jobId = `search-${gen}-${spec.id}`;
        const cancel = (): void => pool.cancel(jobId);
        signal.addEventListener('abort', cancel);
        try {
          return await pool.searchTrial({ jobId, tableKey: cur.meta.id, searchKey, recipe, split, folds, seed: s.seed, trial: spec });
        } finally {
          signal.removeEventListener('abort', cancel);
        }
      },
    };
    const rows = cur.table.rowCount * (s.kind === 'holdout' ? 1 - s.testSize : 1);
    try {
      const found = await searchTrials({
        models,
        seed: s.seed,
        budgetSeconds,
        foldTrainRows: Math.floor((rows * (folds - 1)) / folds),
        positiveTarget: task === 'regression' && targetIsPositive(cur.table, recipe.target),
        metric,
        runner,
        signal: stop,
        onTrialStart: (spec) => {
          views.set(spec.id, { ...spec, status: 'running', cvScore: NaN, seconds: 0 });
          dirty = true;
        },
        onTrial: (t) => {
          const { oof: _oof, error, ...rest } = t;
          views.set(t.id, { ...rest, ...(error ? { error: error.message } : {}) });
          dirty = true;
        },
        onProgress: (p) => {
          if (gen === this.#generation && p.best && p.best !== this.curve.at(-1)) this.curve = [...this.curve, p.best];
        },
      });
      dirty = true;
      publish();
      searching = false;
      if (gen !== this.#generation) return;
      this.stoppedBy = found.stoppedBy;
      const best = found.best;
      if (!best) {
        this.phase = 'failed';
        this.problem = describeProblem(
          new Error(found.stoppedBy === 'cancelled' ? 'The search was cancelled before any model was scored on every row.' : 'No model could be scored within the budget; give the search more time.'),
          'The search found no model',
        );
        return;
      }
      // The best (or the trials' ensemble), refitted on every training row and scored on the test part, as Train does.
      this.phase = 'refitting';
      const base = { datasetId: cur.meta.id, datasetName: cur.meta.name, recipe, seed: s.seed };
      const bestName = `Search best — ${modelLabel(best.model)}`;
      const dataset = { id: cur.meta.id, name: cur.meta.name, rows: cur.table.rowCount };
      const summary = { models, budgetSeconds, folds, trials: found.trials.length, stoppedBy: found.stoppedBy, bestTrial: best.id, cvScore: best.cvScore, curve: found.curve, metric };
      let jobId: string;
      let name: string;
      let parentId: string | null;
      let result: TrainJobResult;
      if (blend) {
        // The ensemble job refits its members and picks between it and the best trial: the run is recorded once that is known.
        jobId = `search-${gen}-ensemble`;
        const scored = ensemblePool(found.trials);
        const ensembleParams = { method: 'greedy' };
        result = await pool.run({
          jobId,
          tableKey: cur.meta.id,
          dataset,
          recipe,
          candidate: { type: 'ensemble', name: 'Search ensemble', params: ensembleParams },
          split,
          searchEnsemble: { searchKey, folds, seed: s.seed, trials: scored.map(({ id, model, params, resource, status, cvScore, oof, stepsRun }) => ({ id, model, params, resource, status, cvScore, oof, stepsRun })) },
        });
        if (gen !== this.#generation) return;
        name = result.searchEnsemble?.chosen === 'ensemble' ? 'Search ensemble' : bestName;
        parentId = await this.#recorder.start({ ...base, name, modelType: result.type, params: result.params });
        if (parentId) await this.#recorder.trials(parentId, base, found.trials, result.bundle?.classes);
      } else {
        jobId = `search-${gen}-best`;
        name = bestName;
        // A gbdt whose CV fits stopped early is refitted on every row with the steps they ran.
        const params = refitParams(best);
        parentId = await this.#recorder.start({ ...base, name, modelType: best.model, params });
        // Its hold-out calibration fit goes to another worker meanwhile, on the search's rows.
        result = await pool.run({ jobId, tableKey: cur.meta.id, dataset, recipe, candidate: { type: best.model, name, params }, split, searchRefit: { searchKey, folds, seed: s.seed } });
        // After the refit: a classification's trials are recorded with its bundle's class labels.
        if (parentId) await this.#recorder.trials(parentId, base, found.trials, result.bundle?.classes);
      }
      await this.#recorder.end(parentId, result, (runId) => pool.finishRun(jobId, runId, summary));
      if (gen !== this.#generation) return;
      this.refit = result;
      if (result.status !== 'finished' || !result.bundle) {
        this.phase = 'failed';
        this.problem = describeProblem(new Error(result.error?.message ?? 'Refitting did not finish.'), blend ? 'Could not build the ensemble' : 'Could not refit the best model');
        return;
      }
      this.phase = 'done';
      const bundle = parentId ? { ...result.bundle, lineage: { ...result.bundle.lineage, runId: parentId } } : result.bundle;
      this.#shelf.add([{ id: parentId ?? `session:${jobId}`, name: `${name} — ${shelfScore(result, 'r2')}`, bundle, source: 'session', addedAt: Date.now() }], true);
    } catch (e) {
      if (gen === this.#generation) {
        this.phase = 'failed';
        this.problem = describeProblem(e, 'The search failed');
      }
    } finally {
      clearInterval(timer);
      publish();
      if (this.#stop === stop) this.#stop = null;
    }
  }

  /** Stops the search; the best so far is still refitted and kept. */
  cancel(): void {
    this.#stop?.abort();
  }

  dispose(): void {
    this.#stop?.abort();
    this.#recorder.dispose();
  }
}
