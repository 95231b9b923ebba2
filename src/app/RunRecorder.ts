/**
 * Records each training candidate as a run in the experiment-tracking store (src/storage's
 * RunStore): started when the candidate starts, then finished (metrics, history, logs, bundle),
 * failed or cancelled. A heartbeat marks running runs alive every few seconds. By default the
 * page's shared RunStore (tracking-db.ts), whose tab session lock keeps other tabs from marking
 * these runs interrupted. Storage failures
 * never stop training: they are reported through `onProblem`.
 */
import type { Recipe } from '../core/recipe';
import { LOUPE_VERSION } from '../core/version';
import { outcomeMetrics, type RunStore, type RunEnvironment } from '../storage';
import { DEFAULT_CLASSIFICATION_METRIC, type ClassificationMetricName } from '../core/metrics/classification-ranking';
import { sharedRunStore } from './tracking-db';
import type { TrainJobResult } from '../../workers/protocol';
import type { Trial } from '../core/pipeline/search-schedule';
import { modelLabel } from '../core/models/catalog';

const HEARTBEAT_MS = 5000;

export interface RunStart {
  datasetId: string;
  datasetName: string;
  recipe: Recipe;
  name: string;
  modelType: TrainJobResult['type'];
  params: Record<string, unknown>;
  seed: number;
  backend?: string;
}

export class RunRecorder {
  #store: Promise<RunStore> | null = null;
  readonly #running = new Set<string>();
  #timer: ReturnType<typeof setInterval> | null = null;
  readonly #onProblem: (e: unknown) => void;
  readonly #open: () => Promise<RunStore>;

  constructor(onProblem: (e: unknown) => void, open: () => Promise<RunStore> = sharedRunStore) {
    this.#onProblem = onProblem;
    this.#open = open;
  }

  #storeP(): Promise<RunStore> {
    this.#store ??= this.#open();
    return this.#store;
  }

  /** Records a running run; resolves to its id, or null when it could not be stored. */
  async start(s: RunStart): Promise<string | null> {
    try {
      const env = this.#environment(s.backend);
      const run = await (await this.#storeP()).start({
        datasetId: s.datasetId,
        datasetName: s.datasetName,
        recipe: s.recipe,
        name: s.name,
        modelType: s.modelType,
        params: s.params,
        seed: s.seed,
        environment: env,
      });
      this.#running.add(run.id);
      this.#beat();
      return run.id;
    } catch (e) {
      this.#onProblem(e);
      return null;
    }
  }

  /**
   * Closes the run with the job's outcome. `finishElsewhere`, when given, saves a finished run
   * (the training worker does it, so the page never clones the bundle into IndexedDB). Otherwise a
   * classifier's run records `rankedBy` (default ROC AUC) as its ranking metric.
   */
  async end(runId: string | null, r: TrainJobResult, finishElsewhere?: (runId: string) => Promise<void>, rankedBy?: ClassificationMetricName): Promise<void> {
    if (!runId) return;
    this.#running.delete(runId);
    try {
      const store = await this.#storeP();
      if (r.status === 'finished' && finishElsewhere) {
        await finishElsewhere(runId);
      } else if (r.status === 'finished' && (r.metrics || r.classification) && r.bundle) {
        const b = r.bundle;
        await store.finish(runId, {
          ...outcomeMetrics(r, { task: b.task ?? 'regression', classes: b.classes, threshold: b.decision?.threshold, rankedBy: rankedBy ?? DEFAULT_CLASSIFICATION_METRIC }),
          fitSeconds: r.fitSeconds,
          predictSeconds: r.predictSeconds,
          history: r.history,
          logs: r.logs,
          split: r.split,
          evaluation: r.evaluation,
          bundle: { ...r.bundle, lineage: { ...r.bundle.lineage, runId } },
        });
      } else if (r.status === 'cancelled') {
        await store.cancel(runId, r.logs);
      } else {
        await store.fail(runId, { code: r.error?.code ?? 'error', message: r.error?.message ?? 'Training failed.', stage: 'training' }, r.logs);
      }
    } catch (e) {
      this.#onProblem(e);
    }
  }

  /**
   * Records a search's trials as ended child runs of `parentId` (each a run: its model, params,
   * cross-validated metrics and time; a classification's with its `classes`). Storage failures
   * are reported, never thrown.
   */
  async trials(parentId: string, base: Omit<RunStart, 'name' | 'modelType' | 'params'>, trials: readonly Trial[], classes?: readonly string[]): Promise<void> {
    try {
      const store = await this.#storeP();
      const environment = this.#environment(base.backend);
      await store.recordTrials(
        trials.map((t) => ({
          datasetId: base.datasetId,
          datasetName: base.datasetName,
          recipe: base.recipe,
          seed: base.seed,
          environment,
          name: `Trial ${t.id} — ${modelLabel(t.model)}`,
          modelType: t.model,
          params: t.params,
          parentRunId: parentId,
          status: t.status,
          trial: { id: t.id, resource: t.resource, bracket: t.bracket, rung: t.rung, ...(t.status === 'finished' ? { cvScore: t.cvScore } : {}) },
          ...(t.metrics ? { metrics: t.metrics } : {}),
          // A classification search ranks its trials by log loss (the labels are the refitted bundle's, code 0 first).
          ...(t.classification && classes ? { classification: { classes: [...classes], rankedBy: 'log_loss' as const, metrics: t.classification } } : {}),
          seconds: t.seconds,
          ...(t.error ? { error: { ...t.error, stage: 'training' as const } } : {}),
        })),
      );
    } catch (e) {
      this.#onProblem(e);
    }
  }

  #environment(backend: string | undefined): RunEnvironment {
    return {
      loupeVersion: LOUPE_VERSION,
      backend,
      userAgent: typeof navigator !== 'undefined' ? navigator.userAgent : undefined,
      hardwareThreads: typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : undefined,
    };
  }

  dispose(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #beat(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (this.#running.size === 0) return this.dispose();
      void this.#storeP().then((s) => Promise.all([...this.#running].map((id) => s.heartbeat(id)))).catch((e: unknown) => this.#onProblem(e));
    }, HEARTBEAT_MS);
  }
}
