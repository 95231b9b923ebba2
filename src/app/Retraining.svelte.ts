/**
 * Retraining on the Models screen: a registered model's champion retrained on a new labelled file
 * in the training pool, champion and challenger side by side, and the alias moves that follow.
 *
 * One retrain, end to end: the champion (alias 'champion', else the latest version) → the new
 * file parsed and stored in the ingest worker (a dataset version) → its base rows (the dataset
 * version the champion was trained on, when stored) → `runRetrain` in a pool worker → recorded:
 * the new file's and the training rows' lineage, a run carrying the retrain lineage, the
 * challenger registered from that run as the next version with the alias 'challenger'. Promoting
 * moves 'champion' (recorded in the alias history, with the comparison as its reason); rolling
 * back moves it to where it was. One retrain at a time: a newer one cancels the older.
 *
 * Recommendation: a model's retraining policy judged against the newest monitored batch of its
 * champion (retrainAdvice); Models and Monitor show it, and `runWithPolicy` retrains as the
 * policy says on the labelled file a person picks.
 */
import type { ModelBundle } from '../core/bundle/bundle';
import type { ParseProgress } from '../core/data/types';
import type { RegressionMetrics } from '../core/metrics';
import { classificationMetric } from '../core/metrics/classification-ranking';
import { isClassificationRanking } from '../core/pipeline/ranking';
import type { CandidateSpec } from '../core/pipeline/train';
import { DEFAULT_HOLDOUT_SHARE, type RetrainMode } from '../core/pipeline/retrain-modes';
import { retrainAdvice, type RetrainAdvice } from '../core/pipeline/retrain-policy';
import { LOUPE_VERSION } from '../core/version';
import { DatasetStore, LineageStore, MonitorStore, onStorageChange, PolicyStore, runMetricInfo, type AliasChange, type ModelVersion, type RetrainPolicy } from '../storage';
import type { RetrainJob, RetrainOutcome, RetrainRows } from '../../workers/protocol';
import { transferableTable } from './column-transfer';
import { IngestClient } from './IngestClient.svelte';
import { describeProblem, isCancelled, type Problem } from './problems';
import { bundleRecipe, type Registry } from './Registry.svelte';
import { sharedRegistryStore, sharedRunStore, trackingDb } from './tracking-db';

export interface RetrainChoice {
  mode: RetrainMode;
  /** mode 'window': rows kept, counted from the newest. */
  window?: number;
  /** Share of the new rows held out to score both models. */
  holdoutShare?: number;
  /** A fresh model choice; default the champion's model and hyperparameters. */
  candidates?: CandidateSpec[];
}

export type RetrainState =
  | { status: 'idle' }
  | { status: 'reading'; file: string; progress: ParseProgress | null }
  | { status: 'training'; file: string; fraction: number }
  | {
      status: 'done';
      file: string;
      outcome: RetrainOutcome;
      championVersion: number;
      /** The registered challenger (null when registering failed: see `problem`). */
      challengerVersion: number | null;
    }
  | { status: 'failed'; problem: Problem & { field?: string } };

type Comparison = Pick<RetrainOutcome, 'challenger' | 'champion' | 'rankedBy' | 'evaluatedRows'>;

/** One metric of champion and challenger side by side (their shared held-out rows). */
export interface ComparisonRow {
  key: string;
  label: string;
  champion: number;
  challenger: number;
  higherIsBetter: boolean;
}

/** A regressor's R², RMSE, MAE, MAPE, max error; a classifier's ROC AUC, log loss, accuracy, balanced accuracy, F1, Brier score. */
export function comparisonRows(o: Pick<RetrainOutcome, 'challenger' | 'champion'>): ComparisonRow[] {
  const a = o.champion.classification;
  const b = o.challenger.classification;
  if (a && b)
    return (['rocAuc', 'logLoss', 'accuracy', 'balancedAccuracy', 'f1', 'brier'] as const).map((key) => {
      const info = runMetricInfo(key)!;
      return { key, label: info.label, champion: a[key], challenger: b[key], higherIsBetter: info.higherIsBetter };
    });
  const ra = o.champion.metrics!;
  const rb = o.challenger.metrics!;
  return (['r2', 'rmse', 'mae', 'mape', 'maxError'] as const).map((key) => ({ key, label: runMetricInfo(key)!.label, champion: ra[key], challenger: rb[key], higherIsBetter: key === 'r2' }));
}

/** The metric `better` was decided by, in words. */
export function rankedByLabel(o: Pick<RetrainOutcome, 'rankedBy'>): string {
  return isClassificationRanking(o.rankedBy) ? classificationMetric(o.rankedBy).label : o.rankedBy === 'r2' ? 'R²' : 'RMSE (R² is undefined on the held-out rows)';
}

/** "R² 0.97739 vs 0.48060" or "ROC AUC 0.8412 vs 0.8377" — challenger first. */
export function comparisonFigures(o: Pick<RetrainOutcome, 'challenger' | 'champion' | 'rankedBy'>): string {
  if (isClassificationRanking(o.rankedBy)) {
    const info = classificationMetric(o.rankedBy);
    return `${info.label} ${o.challenger.classification![info.field].toFixed(4)} vs ${o.champion.classification![info.field].toFixed(4)}`;
  }
  const metric = (m: RegressionMetrics): string => (o.rankedBy === 'r2' ? m.r2.toFixed(5) : m.rmse.toFixed(2));
  return `${o.rankedBy === 'r2' ? 'R²' : 'RMSE'} ${metric(o.challenger.metrics!)} vs ${metric(o.champion.metrics!)}`;
}

/** "R² 0.97739 vs 0.48060 on 2,621 held-out rows" — the comparison in words, for alias history. */
export function comparisonText(o: Comparison): string {
  return `${comparisonFigures(o)} on ${o.evaluatedRows.toLocaleString('en-US')} held-out rows`;
}

export class Retraining {
  /** The registered model the state below is about. */
  model = $state<string | null>(null);
  state = $state.raw<RetrainState>({ status: 'idle' });
  /** Alias moves of `model`, newest first. */
  history = $state.raw<AliasChange[]>([]);
  policy = $state.raw<RetrainPolicy | null>(null);
  problem = $state.raw<(Problem & { field?: string }) | null>(null);
  /** Per registered model asked about (`checkAdvice`): whether its policy recommends retraining, and why. */
  advice = $state.raw<Record<string, RetrainAdvice>>({});

  readonly #registry: Registry;
  readonly #ingest = new IngestClient();
  #jobId: string | null = null;
  #seq = 0;
  #unsubscribe: (() => void) | null = null;

  constructor(registry: Registry) {
    this.#registry = registry;
  }

  /** Shows model `name`: its alias history and policy (refreshed when any tab changes the registry). */
  async show(name: string): Promise<void> {
    if (this.model !== name) {
      this.cancel();
      this.model = name;
      this.state = { status: 'idle' };
      this.problem = null;
    }
    this.#listen();
    await Promise.all([this.#reload(name), this.checkAdvice(name)]);
  }

  /**
   * Judges model `name`'s policy against the newest monitored batch of its champion (of any of
   * its versions when it has no champion) and keeps the answer in `advice[name]`.
   */
  async checkAdvice(name: string): Promise<RetrainAdvice> {
    this.#listen();
    const db = await trackingDb();
    const registry = await sharedRegistryStore();
    const [policy, batches, versions] = await Promise.all([new PolicyStore(db).get(name), new MonitorStore(db).list(), registry.listVersions(name)]);
    const champion = versions.find((v) => v.aliases.includes('champion'));
    const mine = batches.filter((b) => b.registered?.name === name && (!champion || b.registered.version === champion.version));
    const newest = mine[mine.length - 1];
    const version = versions.find((v) => v.version === newest?.registered?.version) ?? champion;
    const a = retrainAdvice(policy, newest, version?.metrics.classification?.test ?? version?.metrics.test);
    this.advice = { ...this.advice, [name]: a };
    return a;
  }

  /** Retrains model `name` on `file` as its stored policy says (mode and window). */
  async runWithPolicy(name: string, file: File): Promise<void> {
    const policy = await new PolicyStore(await trackingDb()).get(name);
    if (this.model !== name) await this.show(name);
    await this.run(name, file, { mode: policy.mode, ...(policy.mode === 'window' ? { window: policy.window } : {}) });
  }

  /** Retrains the champion of model `name` on `file` (labelled rows). */
  async run(name: string, file: File, choice: RetrainChoice): Promise<void> {
    this.cancel();
    const seq = ++this.#seq;
    const live = (): boolean => seq === this.#seq;
    this.problem = null;
    this.state = { status: 'reading', file: file.name, progress: null };
    try {
      const registry = await sharedRegistryStore();
      const champion = await this.#champion(name);
      const recipe = bundleRecipe(champion.bundle);
      if (!recipe) throw new Error(`Version ${champion.version} does not carry its recipe, so it cannot be retrained.`);

      const parsed = await this.#ingest.parse(file, { name: file.name, synthetic: false });
      if (!live()) return;
      const newData: RetrainRows = { table: parsed.dataset.table, dataset: { id: parsed.hash, name: file.name, rows: parsed.dataset.table.rowCount } };
      const base = choice.mode === 'new' ? undefined : await this.#base(champion, choice.mode);
      if (!live()) return;

      this.state = { status: 'training', file: file.name, fraction: 0 };
      const jobId = `retrain-${name}-${Date.now()}`;
      this.#jobId = jobId;
      const job: RetrainJob = {
        jobId,
        champion: champion.bundle,
        newData: { ...newData, table: transferableTable(newData.table) },
        ...(base ? { base: { ...base, table: transferableTable(base.table) } } : {}),
        mode: choice.mode,
        ...(choice.mode === 'window' ? { window: choice.window } : {}),
        holdoutShare: choice.holdoutShare ?? DEFAULT_HOLDOUT_SHARE,
        ...(choice.candidates ? { candidates: choice.candidates } : {}),
      };
      const result = await this.#registry.pool().retrain(job, {
        onProgress: (p) => {
          if (live() && this.state.status === 'training') this.state = { ...this.state, fraction: p.fraction };
        },
      });
      if (this.#jobId === jobId) this.#jobId = null;
      if (!live()) return;
      if (result.status !== 'finished' || !result.outcome) {
        if (result.status === 'cancelled') this.state = { status: 'idle' };
        else this.state = { status: 'failed', problem: { title: 'Could not retrain', message: result.error?.message ?? 'Retraining failed.', code: result.error?.code ?? 'failed', ...(result.error?.column ? { column: result.error.column } : {}), ...(result.error?.field ? { field: result.error.field } : {}) } };
        return;
      }
      const o = result.outcome;
      let challengerVersion: number | null = null;
      try {
        await this.#recordLineage(o, champion, newData);
        const runId = await this.#recordRun(name, champion, o, recipe);
        const v = await this.#registry.registerRun(runId, {
          name,
          description: `Retrained from version ${champion.version} on ${o.training.dataset.name} (${o.mode}${o.window !== undefined ? ` ${o.window}` : ''}); ${comparisonText(o)}.`,
        });
        if (v) {
          challengerVersion = v.version;
          await registry.setAlias(name, 'challenger', v.version, `retrained from version ${champion.version}: ${comparisonText(o)}`);
          await this.#registry.refresh();
        }
      } catch (e) {
        this.problem = describeProblem(e, 'Retrained, but could not record the challenger');
      }
      if (!live()) return;
      this.state = { status: 'done', file: file.name, outcome: o, championVersion: champion.version, challengerVersion };
      this.#registry.notice = `Retrained “${name}”: ${o.better === 'challenger' ? 'the challenger' : 'the champion'} is better (${comparisonText(o)}); the challenger is ${challengerVersion === null ? 'not registered' : `version ${challengerVersion}`}.`;
      await this.#reload(name);
    } catch (e) {
      if (!live() || isCancelled(e)) return;
      this.state = { status: 'failed', problem: describeProblem(e, 'Could not retrain') };
    }
  }

  /** Points 'champion' at `version` (the alias history keeps the move and why). */
  async promote(name: string, version: number, reason?: string): Promise<void> {
    await this.#act('Could not promote the challenger', async () => {
      await (await sharedRegistryStore()).setAlias(name, 'champion', version, reason ?? `promoted version ${version}`);
      await this.#registry.refresh();
      this.#registry.use(name, version);
      this.#registry.notice = `Version ${version} of “${name}” is now the champion; Predict uses it.`;
    });
  }

  /** Moves 'champion' back to where it was before its last move. */
  async rollback(name: string, alias = 'champion'): Promise<void> {
    await this.#act('Could not roll back', async () => {
      const change = await (await sharedRegistryStore()).rollbackAlias(name, alias);
      await this.#registry.refresh();
      if (change.version !== undefined) this.#registry.use(name, change.version);
      this.#registry.notice = `Rolled back “${alias}” of “${name}”: ${change.version === undefined ? 'it is no longer set' : `version ${change.version} again`}.`;
    });
  }

  async savePolicy(policy: Omit<RetrainPolicy, 'updatedAt'>): Promise<void> {
    await this.#act('Could not save the retraining policy', async () => {
      this.policy = await new PolicyStore(await trackingDb()).set(policy);
      await this.checkAdvice(policy.name);
    });
  }

  /** Stops the retrain in flight (its answer is ignored). */
  cancel(): void {
    this.#seq++;
    if (this.#jobId) this.#registry.pool().cancel(this.#jobId);
    this.#jobId = null;
    this.#ingest.cancel();
    if (this.state.status === 'reading' || this.state.status === 'training') this.state = { status: 'idle' };
  }

  dispose(): void {
    this.cancel();
    this.#unsubscribe?.();
    this.#ingest.dispose();
  }

  #listen(): void {
    this.#unsubscribe ??= onStorageChange((c) => {
      if (c.type === 'registry-changed' && this.model && c.ids.includes(this.model)) void this.#reload(this.model);
      // A new batch, a moved alias or a saved policy may change a recommendation.
      if (c.type === 'monitor-changed' || c.type === 'registry-changed') for (const name of Object.keys(this.advice)) void this.checkAdvice(name);
    });
  }

  async #reload(name: string): Promise<void> {
    const [history, policy] = await Promise.all([(await sharedRegistryStore()).aliasHistory(name), new PolicyStore(await trackingDb()).get(name)]);
    if (name !== this.model) return;
    this.history = history.reverse();
    this.policy = policy;
  }

  /** The version to retrain: the champion, else the latest. */
  async #champion(name: string): Promise<ModelVersion & { bundle: ModelBundle }> {
    const store = await sharedRegistryStore();
    const byAlias = await store.getByAlias(name, 'champion');
    if (byAlias) return byAlias;
    const latest = (await store.listVersions(name))[0];
    const v = latest ? await store.getVersion(name, latest.version) : undefined;
    if (!v) throw new Error(`“${name}” has no version to retrain.`);
    return v;
  }

  /** The rows the champion was trained on, when this browser still stores them. */
  async #base(champion: ModelVersion, mode: RetrainMode): Promise<RetrainRows | undefined> {
    const datasets = new DatasetStore(await trackingDb());
    const l = champion.lineage;
    const meta = await datasets.get(l.datasetHash);
    if (!meta) {
      if (mode === 'window') return undefined;
      throw Object.assign(
        new Error(
          `The rows version ${champion.version} was trained on (${l.datasetName ?? 'unnamed'}, ${l.datasetHash.slice(0, 12)}…) are not stored in this browser. Load that file on the Data screen to train on old and new rows, or retrain on the new rows only or on a window of them.`,
        ),
        { field: 'mode' },
      );
    }
    return { table: await datasets.loadTable(l.datasetHash), dataset: { id: meta.id, name: meta.name, rows: meta.rowCount } };
  }

  async #recordLineage(o: RetrainOutcome, champion: ModelVersion, newData: RetrainRows): Promise<void> {
    const lineage = new LineageStore(await trackingDb());
    const t = Date.now();
    const l = champion.lineage;
    await lineage.record({
      id: newData.dataset.id,
      name: newData.dataset.name,
      rows: newData.dataset.rows,
      kind: 'file',
      parents: [{ hash: l.datasetHash, ...(l.datasetName ? { name: l.datasetName } : {}), rows: l.datasetRows, role: 'base' }],
      createdAt: t,
    });
    await lineage.record({
      id: o.training.dataset.hash,
      name: o.training.dataset.name,
      rows: o.training.dataset.rows,
      kind: 'derived',
      parents: o.training.parents,
      derivation: { mode: o.mode, ...(o.window !== undefined ? { window: o.window } : {}), holdoutShare: o.holdoutShare, seed: o.seed },
      createdAt: t,
    });
  }

  /** The retrain as a finished run (with its lineage and comparison); returns its id. */
  async #recordRun(name: string, champion: ModelVersion, o: RetrainOutcome, recipe: NonNullable<ReturnType<typeof bundleRecipe>>): Promise<string> {
    const runs = await sharedRunStore();
    const c = o.candidate;
    const run = await runs.start({
      experiment: `${name} retrains`,
      name: `${name} v${champion.version} retrained (${o.mode}${o.window !== undefined ? ` ${o.window}` : ''})`,
      datasetId: o.training.dataset.hash,
      datasetName: o.training.dataset.name,
      recipe,
      modelType: c.type,
      params: c.params,
      seed: o.seed,
      split: o.split,
      environment: {
        loupeVersion: LOUPE_VERSION,
        userAgent: typeof navigator !== 'undefined' ? navigator.userAgent : undefined,
        hardwareThreads: typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : undefined,
      },
      tags: ['retrain'],
      retrain: {
        champion: { name, version: champion.version },
        parents: o.training.parents,
        mode: o.mode,
        ...(o.window !== undefined ? { window: o.window } : {}),
        holdoutShare: o.holdoutShare,
        evaluatedRows: o.evaluatedRows,
        rankedBy: o.rankedBy,
        ...(o.champion.metrics ? { championMetrics: o.champion.metrics } : {}),
        ...(o.champion.classification ? { championClassification: o.champion.classification } : {}),
        better: o.better,
      },
    });
    await runs.finish(run.id, {
      // The run's metrics are the challenger's on the held-out rows it shared with the champion.
      ...(o.challenger.classification && isClassificationRanking(o.rankedBy)
        ? {
            task: 'classification' as const,
            classification: {
              classes: [...(o.bundle.classes ?? [])],
              ...(o.bundle.decision ? { threshold: o.bundle.decision.threshold } : {}),
              rankedBy: o.rankedBy,
              metrics: o.challenger.classification,
            },
          }
        : { metrics: o.challenger.metrics }),
      fitSeconds: c.fitSeconds,
      predictSeconds: c.predictSeconds,
      history: c.history,
      logs: o.logs,
      split: o.split,
      ...(c.evaluation ? { evaluation: c.evaluation } : {}),
      bundle: { ...o.bundle, lineage: { ...o.bundle.lineage, runId: run.id } },
    });
    return run.id;
  }

  async #act(context: string, fn: () => Promise<void>): Promise<void> {
    this.problem = null;
    try {
      await fn();
      if (this.model) await this.#reload(this.model);
    } catch (e) {
      this.problem = describeProblem(e, context);
    }
  }
}
