/**
 * The Models screen's state: registered models and their versions (refreshed when any tab
 * writes), registering a run, aliases, deleting, exporting a version's bundle file, importing a
 * bundle file (validated and previewed before the person confirms a name), downloading a
 * version's HTML model report, and reproducing a
 * version: its exact configuration retrained on its dataset version in a training worker, metrics
 * side by side. Registered versions are put on the model shelf so Predict can use them; when
 * nothing else is chosen, Predict uses the champion of the most recently changed model.
 */
import { parseBundle, type BundleLineage, type ModelBundle } from '../core/bundle/bundle';
import { checkBundleSize } from '../core/bundle/limits';
import { LoupeError } from '../core/errors';
import type { Recipe } from '../core/recipe';
import type { FittedRecipeJSON } from '../core/recipe';
import {
  DatasetStore,
  onStorageChange,
  type ModelVersion,
  type RegisteredModel,
  type RegisterOptions,
  type Run,
  type RunMetricName,
  RUN_METRICS,
  runMetricInfo,
} from '../storage';
import type { TrainJobResult, TrainSplit } from '../../workers/protocol';
import type { ModelShelf, ShelfModel } from './ModelShelf.svelte';
import { PredictClient } from './PredictClient';
import { describeProblem, type Problem } from './problems';
import { download, safeFileName } from './RunsView.svelte';
import { onVersionChange, sharedRegistryStore, sharedRunStore, trackingDb } from './tracking-db';
import { TrainWorkerPool } from './WorkerPool';

/** A bundle file read and validated, waiting for the person to confirm its registered name. */
export interface PendingImport {
  fileName: string;
  text: string;
  bundle: ModelBundle;
}

export type ReproduceState =
  | { status: 'running'; fraction: number }
  /** `original`/`reproduced`: the test metrics of the version's task, by name (see `versionMetricNames`). */
  | { status: 'done'; original?: Record<string, number>; reproduced: Record<string, number>; identical: boolean; seconds: number }
  | { status: 'failed'; message: string };

/** What a version was trained from: run → dataset version → recipe. */
export interface Lineage {
  lineage: BundleLineage;
  run?: Run;
  recipe?: Recipe;
}

export const ALIAS_SUGGESTIONS = ['champion', 'challenger'] as const;

export function shelfId(name: string, version: number): string {
  return `registry:${name}@${version}`;
}

/** The unfitted recipe inside a bundle's fitted recipe, when it has one. */
export function bundleRecipe(b: ModelBundle): Recipe | undefined {
  const r = b.recipe as Partial<FittedRecipeJSON> | null;
  return r && typeof r === 'object' && r.recipe && typeof r.recipe === 'object' ? r.recipe : undefined;
}

/** "target price (log1p) · 9 feature columns (1 ignored) · 2 cleaning steps · 1 derived feature" */
export function recipeSummary(r: Recipe | undefined): string {
  if (!r) return 'recipe unknown';
  const features = r.columns.filter((c) => c.role === 'feature').length;
  const ignored = r.columns.length - features;
  const parts = [
    `target ${r.target}${r.targetTransform === 'log1p' ? ' (log1p)' : ''}`,
    `${features} feature column${features === 1 ? '' : 's'}${ignored ? ` (${ignored} ignored)` : ''}`,
    `${r.cleaning.length} cleaning step${r.cleaning.length === 1 ? '' : 's'}`,
    `${r.features.length} derived feature${r.features.length === 1 ? '' : 's'}`,
  ];
  return parts.join(' · ');
}

/** A version's test metric in the user's words. */
export interface MetricFigure {
  name: RunMetricName;
  label: string;
  /** NaN where undefined (ROC AUC on a test part lacking a class). */
  value: number;
}

/** The metric names of a version's task: a classifier's (ROC AUC first), else a regressor's (R² first). */
export function versionMetricNames(m: ModelBundle['metrics']): RunMetricName[] {
  const task = m.classification ? 'classification' : 'regression';
  return RUN_METRICS.filter((x) => x.task === task).map((x) => x.name);
}

/** A version's test metrics of its task, in order (none when the bundle has no test metrics). */
export function versionMetrics(m: ModelBundle['metrics']): MetricFigure[] {
  const values: Partial<Record<string, number>> = { ...m.test, ...m.classification?.test };
  return versionMetricNames(m).flatMap((name) => {
    const value = values[name];
    return value === undefined ? [] : [{ name, label: runMetricInfo(name)?.label ?? name, value }];
  });
}

/** "ROC AUC 0.940" or "R² 0.977": the figure a version is listed by. */
export function versionScore(m: ModelBundle['metrics']): string | undefined {
  const f = versionMetrics(m)[0];
  return f && `${f.label} ${Number.isFinite(f.value) ? f.value.toFixed(3) : '—'}`;
}

export function sameMetrics(a: Partial<Record<string, number>> | undefined, b: Partial<Record<string, number>>, names: readonly string[] = Object.keys(b)): boolean {
  return !!a && names.every((k) => a[k] === b[k] || (Number.isNaN(a[k]) && Number.isNaN(b[k])));
}

export class Registry {
  models = $state.raw<RegisteredModel[]>([]);
  /** The model shown in detail. */
  openName = $state<string | null>(null);
  versions = $state.raw<ModelVersion[]>([]);
  lineages = $state.raw<Record<string, Lineage>>({});
  ready = $state(false);
  problem = $state.raw<(Problem & { field?: string }) | null>(null);
  notice = $state<string | null>(null);
  pending = $state.raw<PendingImport | null>(null);
  importProblem = $state.raw<(Problem & { field?: string }) | null>(null);
  reproductions = $state.raw<Record<string, ReproduceState>>({});
  /** Versions (by shelf id) whose ONNX file is being built. */
  onnxExporting = $state.raw<Record<string, true>>({});
  mustReload = $state(false);

  readonly #shelf: ModelShelf;
  readonly #bundles = new Map<string, ModelBundle>();
  #unsubscribe: (() => void) | null = null;
  #initialized: Promise<void> | null = null;
  #pool: TrainWorkerPool | null = null;
  /** The worker that builds ONNX files, started on the first export. */
  #onnx: PredictClient | null = null;
  #reports: PredictClient | null = null;
  #datasets: DatasetStore | null = null;
  #refreshing = 0;

  constructor(shelf: ModelShelf) {
    this.#shelf = shelf;
  }

  readonly open: RegisteredModel | null = $derived(this.models.find((m) => m.name === this.openName) ?? null);

  init(): Promise<void> {
    this.#initialized ??= this.#init();
    return this.#initialized;
  }

  async #init(): Promise<void> {
    onVersionChange(() => (this.mustReload = true));
    this.#unsubscribe = onStorageChange((c) => {
      if (c.type === 'registry-changed') void this.refresh();
    });
    await this.refresh();
    this.ready = true;
  }

  async refresh(): Promise<void> {
    const n = ++this.#refreshing;
    try {
      const store = await sharedRegistryStore();
      const models = await store.listModels();
      if (n !== this.#refreshing) return;
      this.models = models;
      if (this.openName && !models.some((m) => m.name === this.openName)) this.openName = null;
      if (!this.openName && models.length) this.openName = models[0].name;
      await this.#loadVersions(n);
      await this.#syncShelf(models);
    } catch (e) {
      this.problem = describeProblem(e, 'Could not read the model registry');
    }
  }

  async show(name: string): Promise<void> {
    this.openName = name;
    await this.#loadVersions(this.#refreshing);
  }

  /** Registers a finished run's model as the next version of `options.name`. */
  async registerRun(runId: string, options: RegisterOptions): Promise<ModelVersion | null> {
    try {
      const v = await (await sharedRegistryStore()).register({ runId }, options);
      this.openName = v.name;
      this.notice = `Registered “${v.name}” version ${v.version}.`;
      await this.refresh();
      return v;
    } catch (e) {
      this.problem = describeProblem(e, 'Could not register the model');
      return null;
    }
  }

  async setAlias(name: string, alias: string, version: number): Promise<void> {
    await this.#act('Could not set the alias', async (s) => s.setAlias(name, alias, version));
  }

  async removeAlias(name: string, alias: string): Promise<void> {
    await this.#act('Could not remove the alias', async (s) => s.removeAlias(name, alias));
  }

  async deleteVersion(name: string, version: number): Promise<void> {
    await this.#act('Could not delete the version', async (s) => s.deleteVersion(name, version));
  }

  async deleteModel(name: string): Promise<void> {
    await this.#act('Could not delete the model', async (s) => s.deleteModel(name));
  }

  async describe(name: string, description: string): Promise<void> {
    await this.#act('Could not save the description', async (s) => s.describeModel(name, description));
  }

  /** Downloads a version's bundle file, exactly as registered, or without its drift reference sample. */
  async exportVersion(name: string, version: number, options: { referenceSample?: boolean } = {}): Promise<void> {
    try {
      const text = await (await sharedRegistryStore()).exportBundle(name, version, options);
      download(`${safeFileName(name)}-v${version}${options.referenceSample === false ? '-no-sample' : ''}.json`, text, 'application/json');
    } catch (e) {
      this.problem = describeProblem(e, 'Could not export the bundle');
    }
  }

  /**
   * Downloads a version's model report: one self-contained HTML page (metrics, intervals, plots,
   * parameters, lineage, data profile, SHAP summary; no script, no data rows), made from its
   * bundle alone in a prediction worker.
   */
  async exportReport(name: string, version: number, aliases: string[] = []): Promise<void> {
    try {
      const v = await (await sharedRegistryStore()).getVersion(name, version);
      if (!v) throw new LoupeError('missing-version', `“${name}” has no version ${version} any more.`);
      // In a worker: the SHAP summary runs the model over a thousand rows.
      const html = await (this.#reports ??= new PredictClient('model-report')).modelReport(v.bundle, { title: `${name} v${version}`, registry: { model: name, version, aliases } });
      download(`${safeFileName(name)}-v${version}-report.html`, html, 'text/html');
    } catch (e) {
      this.problem = describeProblem(e, 'Could not make the model report');
    }
  }

  /**
   * Builds a version's ONNX file in a worker (src/core/onnx: recipe + model + target transform)
   * and downloads it. A model the catalog does not export (KNN) is refused there with the reason.
   */
  async exportOnnx(name: string, version: number): Promise<void> {
    const id = shelfId(name, version);
    if (this.onnxExporting[id]) return;
    this.onnxExporting = { ...this.onnxExporting, [id]: true };
    try {
      const v = await (await sharedRegistryStore()).getVersion(name, version);
      if (!v) throw new LoupeError('missing-version', `“${name}” has no version ${version} any more.`);
      const bytes = await (this.#onnx ??= new PredictClient('export-onnx')).exportOnnx(v.bundle);
      // The bytes arrive in a transferred ArrayBuffer (never a shared one).
      download(`${safeFileName(name)}-v${version}.onnx`, bytes as Uint8Array<ArrayBuffer>, 'application/octet-stream');
    } catch (e) {
      this.problem = describeProblem(e, 'Could not export the model as ONNX');
    } finally {
      const { [id]: _, ...rest } = this.onnxExporting;
      this.onnxExporting = rest;
    }
  }

  /** Uses a version on the Predict screen. */
  use(name: string, version: number): void {
    const id = shelfId(name, version);
    if (this.#shelf.models.some((m) => m.id === id)) this.#shelf.select(id);
  }

  /** Reads and validates a bundle file; on success it waits in `pending` for a confirmed name. */
  async readImport(file: File): Promise<void> {
    this.importProblem = null;
    this.pending = null;
    try {
      checkBundleSize(file.size, file.name);
      const text = await file.text();
      const { bundle } = parseBundle(text);
      this.pending = { fileName: file.name, text, bundle };
    } catch (e) {
      const field = e instanceof LoupeError ? e.where.field : undefined;
      this.importProblem = { ...describeProblem(e, `“${file.name}” is not a usable model bundle`), ...(field ? { field } : {}) };
    }
  }

  async confirmImport(options: RegisterOptions): Promise<ModelVersion | null> {
    const p = this.pending;
    if (!p) return null;
    try {
      const v = await (await sharedRegistryStore()).importBundle(p.text, options);
      this.pending = null;
      this.openName = v.name;
      this.notice = `Imported “${p.fileName}” as “${v.name}” version ${v.version}.`;
      await this.refresh();
      return v;
    } catch (e) {
      const field = e instanceof LoupeError ? e.where.field : undefined;
      this.importProblem = { ...describeProblem(e, 'Could not register the imported bundle'), ...(field ? { field } : {}) };
      return null;
    }
  }

  cancelImport(): void {
    this.pending = null;
    this.importProblem = null;
  }

  /**
   * Retrains a version's exact configuration (recipe, model type and parameters, split and seed)
   * on its dataset version in a training worker and compares the test metrics with the stored ones.
   */
  async reproduce(v: ModelVersion): Promise<void> {
    const key = v.id;
    const set = (s: ReproduceState) => (this.reproductions = { ...this.reproductions, [key]: s });
    set({ status: 'running', fraction: 0 });
    try {
      const stored = await (await sharedRegistryStore()).getVersion(v.name, v.version);
      if (!stored) throw new Error(`“${v.name}” version ${v.version} is no longer stored.`);
      const b = stored.bundle;
      const l = b.lineage;
      const lin = this.lineages[key];
      const recipe = lin?.run?.recipe ?? bundleRecipe(b);
      if (!recipe) throw new Error('The bundle does not carry its recipe, so its training cannot be repeated.');
      if (l.retrain)
        throw new Error(
          `This version was retrained from “${l.retrain.champion.name}” on rows drawn from ${(l.parents ?? []).map((p) => p.name ?? p.hash.slice(0, 12)).join(' and ')} (${l.retrain.mode}); those rows are defined by their parents, not stored. Retrain the same champion on the same file with the same choices to repeat it (the same files give the same challenger).`,
        );
      let split: TrainSplit;
      if (l.split.kind === 'holdout') split = { kind: 'holdout', testSize: l.split.testSize ?? 0.2, seed: l.split.seed };
      else if (l.split.kind === 'kfold') split = { kind: 'kfold', k: l.split.k ?? 5, seed: l.split.seed };
      else throw new Error('This version was tested on a separate test file, which is not stored; it cannot be reproduced here.');
      this.#datasets ??= new DatasetStore(await trackingDb());
      const meta = await this.#datasets.get(l.datasetHash);
      if (!meta)
        throw new Error(
          `The dataset version it was trained on (${l.datasetName ?? 'unnamed'}, ${l.datasetHash.slice(0, 12)}…) is no longer stored in this browser. Load that exact file on the Data screen to reproduce this version.`,
        );
      const table = await this.#datasets.loadTable(l.datasetHash);
      const pool = this.pool();
      pool.setTable(l.datasetHash, table);
      const t0 = performance.now();
      const result: TrainJobResult = await pool.run(
        {
          jobId: `reproduce-${key}-${Date.now()}`,
          tableKey: l.datasetHash,
          dataset: { id: l.datasetHash, name: meta.name, rows: table.rowCount },
          recipe,
          candidate: { type: b.model.type, name: `${v.name} v${v.version} (reproduced)`, params: b.model.params },
          split,
          ...(b.decision ? { threshold: b.decision.threshold } : {}),
        },
        { onProgress: (p) => set({ status: 'running', fraction: p.fraction }) },
      );
      const reproduced = b.task === 'classification' ? result.classification : result.metrics;
      if (result.status !== 'finished' || !reproduced) throw new Error(result.error?.message ?? `Training ${result.status}.`);
      const original = b.task === 'classification' ? b.metrics.classification?.test : b.metrics.test;
      const names = versionMetricNames(b.metrics);
      set({
        status: 'done',
        ...(original ? { original: { ...original } } : {}),
        reproduced: { ...reproduced },
        identical: sameMetrics({ ...original }, { ...reproduced }, names),
        seconds: (performance.now() - t0) / 1000,
      });
    } catch (e) {
      set({ status: 'failed', message: e instanceof Error ? e.message : String(e) });
    }
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#pool?.dispose();
    this.#onnx?.dispose();
    this.#reports?.dispose();
  }

  /** The training pool of the Models screen (reproduce, retrain), started on first use. */
  pool(): TrainWorkerPool {
    if (!this.#pool) {
      const wasmPaths = new URL('tfjs/', typeof document !== 'undefined' ? document.baseURI : location.href).href;
      this.#pool = new TrainWorkerPool({ wasmPaths, size: 1 });
    }
    return this.#pool;
  }

  async #act(context: string, fn: (s: Awaited<ReturnType<typeof sharedRegistryStore>>) => Promise<unknown>): Promise<void> {
    try {
      await fn(await sharedRegistryStore());
      await this.refresh();
    } catch (e) {
      const field = e instanceof LoupeError ? e.where.field : undefined;
      this.problem = { ...describeProblem(e, context), ...(field ? { field } : {}) };
    }
  }

  async #loadVersions(n: number): Promise<void> {
    const name = this.openName;
    if (!name) {
      this.versions = [];
      return;
    }
    const versions = await (await sharedRegistryStore()).listVersions(name);
    if (n !== this.#refreshing || name !== this.openName) return;
    this.versions = versions;
    const runs = await sharedRunStore();
    const lineages: Record<string, Lineage> = {};
    for (const v of versions) {
      const run = v.sourceRunId ? await runs.get(v.sourceRunId) : undefined;
      let recipe = run?.recipe;
      if (!recipe) {
        const b = this.#bundles.get(v.id) ?? (await (await sharedRegistryStore()).getVersion(v.name, v.version))?.bundle;
        if (b) {
          this.#bundles.set(v.id, b);
          recipe = bundleRecipe(b);
        }
      }
      lineages[v.id] = { lineage: v.lineage, ...(run ? { run } : {}), ...(recipe ? { recipe } : {}) };
    }
    if (name === this.openName) this.lineages = lineages;
  }

  /** Every registered version on the shelf (bundles cached by version id); champion selected when nothing is. */
  async #syncShelf(models: RegisteredModel[]): Promise<void> {
    const store = await sharedRegistryStore();
    const wanted: ShelfModel[] = [];
    const now = Date.now();
    for (const m of models) {
      const versions = await store.listVersions(m.name);
      for (const v of versions) {
        let b = this.#bundles.get(v.id);
        if (!b) {
          b = (await store.getVersion(v.name, v.version))?.bundle;
          if (!b) continue;
          this.#bundles.set(v.id, b);
        }
        const alias = v.aliases.length ? ` [${v.aliases.join(', ')}]` : '';
        const score = versionScore(v.metrics);
        wanted.push({
          id: shelfId(v.name, v.version),
          name: `${v.name} v${v.version}${alias}${score !== undefined ? ` — ${score}` : ''}`,
          bundle: b,
          source: 'registry',
          addedAt: now,
        });
      }
    }
    const keep = new Set(wanted.map((w) => w.id));
    for (const old of this.#shelf.models) if (old.source === 'registry' && !keep.has(old.id)) this.#shelf.remove(old.id);
    // Keep shelf order stable for entries already there (add() puts new ones first).
    const fresh = wanted.filter((w) => {
      const cur = this.#shelf.models.find((m) => m.id === w.id);
      return !cur || cur.name !== w.name;
    });
    if (fresh.length) {
      const selected = this.#shelf.selectedId;
      this.#shelf.add(fresh);
      if (selected) this.#shelf.selectedId = selected;
    }
    const chosen = this.#shelf.selectedId;
    if (!chosen || !this.#shelf.models.some((m) => m.id === chosen)) {
      const withChampion = models.find((m) => m.aliases.champion !== undefined);
      if (withChampion) this.#shelf.select(shelfId(withChampion.name, withChampion.aliases.champion));
    }
  }
}
