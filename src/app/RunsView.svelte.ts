/**
 * The Runs screen's state: every recorded run (refreshed when any tab writes), filters, sorting,
 * visible columns, the runs picked for comparison, editing tags and notes, deleting runs with the
 * space reclaimed, and exporting an experiment's history. On `init` (once per page load) runs
 * left 'running' by a tab that died are marked 'interrupted'.
 */
import type { ModelType } from '../core/models/types';
import type { Task } from '../core/models/types';
import {
  largestItems,
  onStorageChange,
  RUN_METRICS,
  runMetric,
  runMetricInfo,
  runTask,
  sharedRunMetrics,
  sortRuns,
  storageEstimate,
  type ExperimentSummary,
  type MetricName,
  type Run,
  type RunEvaluation,
  type RunMetricInfo,
  type RunSort,
  type RunStatus,
  type StorageEstimate,
  type StoredItem,
} from '../storage';
import { describeProblem, type Problem } from './problems';
import { onVersionChange, sharedRunStore, trackingDb } from './tracking-db';

export type RunColumn =
  | 'experiment'
  | 'model'
  | 'task'
  | 'status'
  | 'started'
  | 'duration'
  | 'dataset'
  | 'seed'
  | 'r2'
  | 'rmse'
  | 'mae'
  | 'mape'
  | 'rocAuc'
  | 'logLoss'
  | 'accuracy'
  | 'f1'
  | 'params'
  | 'tags';

export const RUN_COLUMNS: readonly { id: RunColumn; label: string }[] = [
  { id: 'experiment', label: 'Experiment' },
  { id: 'model', label: 'Model' },
  { id: 'task', label: 'Task' },
  { id: 'status', label: 'Status' },
  { id: 'started', label: 'Started' },
  { id: 'duration', label: 'Duration' },
  { id: 'dataset', label: 'Dataset' },
  { id: 'seed', label: 'Seed' },
  { id: 'r2', label: 'R²' },
  { id: 'rmse', label: 'RMSE' },
  { id: 'mae', label: 'MAE' },
  { id: 'mape', label: 'MAPE' },
  { id: 'rocAuc', label: 'ROC AUC' },
  { id: 'logLoss', label: 'Log loss' },
  { id: 'accuracy', label: 'Accuracy' },
  { id: 'f1', label: 'F1' },
  { id: 'params', label: 'Parameters' },
  { id: 'tags', label: 'Tags' },
];

/** Every test metric a run can carry, regression's first (see storage's run-metrics.ts). */
export const METRICS: readonly MetricName[] = RUN_METRICS.map((m) => m.name);

/** A metric's name in the user's words ("ROC AUC"). */
export function metricLabel(name: MetricName): string {
  return runMetricInfo(name)?.label ?? name;
}

/** The metric columns of the table and the task whose runs carry them. */
const METRIC_COLUMN_TASK: Partial<Record<RunColumn, Task>> = { r2: 'regression', rmse: 'regression', mae: 'regression', mape: 'regression', rocAuc: 'classification', logLoss: 'classification', accuracy: 'classification', f1: 'classification' };

/**
 * The chosen columns that say something about these runs: a task's metric columns only when
 * some run has that task, and the task column only when both tasks are present.
 */
export function shownColumns(columns: readonly RunColumn[], runs: readonly Run[]): RunColumn[] {
  const tasks = new Set(runs.map(runTask));
  return columns.filter((c) => {
    if (c === 'task') return tasks.size > 1;
    const t = METRIC_COLUMN_TASK[c];
    return t === undefined || tasks.has(t);
  });
}

/**
 * What the compared runs can be compared by: the metrics of their task. Runs of both tasks share
 * no test metric (only times), and the note says so plainly; so do runs of different targets.
 */
export interface MetricComparison {
  metrics: RunMetricInfo[];
  note: string | null;
}

export function compareMetrics(runs: readonly Run[]): MetricComparison {
  const { tasks, metrics } = sharedRunMetrics(runs);
  if (tasks.length > 1) {
    const count = (t: Task): number => runs.filter((r) => runTask(r) === t).length;
    return {
      metrics,
      note: `These runs predict different kinds of target (${count('regression')} regression, ${count('classification')} classification): they share no test metric, so only their times are compared.`,
    };
  }
  const targets = [...new Set(runs.map((r) => r.recipe.target))];
  const classSets = [...new Set(runs.flatMap((r) => (r.classification ? [r.classification.classes.join('\u0000')] : [])))];
  if (targets.length > 1) return { metrics, note: `These runs predict different columns (${targets.join(', ')}): their metrics are not measured on the same thing.` };
  if (classSets.length > 1) return { metrics, note: 'These runs predict different sets of classes: their metrics are not measured on the same thing.' };
  return { metrics, note: null };
}

/** The best value of a metric among runs (undefined below two values): highest or lowest as the metric goes. */
export function bestMetric(runs: readonly Run[], m: RunMetricInfo): number | undefined {
  const vals = runs.map((r) => runMetric(r, m.name)).filter((v): v is number => v !== undefined);
  if (vals.length < 2) return undefined;
  return m.higherIsBetter ? Math.max(...vals) : Math.min(...vals);
}

/** Filter fields as typed in the form ('' = any). */
export interface RunFilterDraft {
  experiment: string;
  modelType: string;
  status: string;
  tag: string;
  metric: MetricName;
  min: string;
  max: string;
}

/** One hyperparameter across the compared runs. */
export interface ParamRow {
  name: string;
  /** Display text per compared run ('' when the run has no such parameter). */
  values: string[];
  /** True when not every run has the same value. */
  differs: boolean;
}

/** Space before and after a delete: the browser's usage and the store's own estimate. */
export interface SpaceReport {
  runs: number;
  before: StorageEstimate;
  after: StorageEstimate;
  /** RunStore.delete's estimate of the bytes removed. */
  reclaimedEstimate: number;
}

const DEFAULT_COLUMNS: RunColumn[] = ['experiment', 'model', 'task', 'status', 'started', 'duration', 'r2', 'rmse', 'mae', 'rocAuc', 'logLoss', 'accuracy', 'params', 'tags'];

export function paramText(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** Parameters of the compared runs side by side, differing ones first flagged. */
export function compareParams(runs: readonly Run[]): ParamRow[] {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const rows: ParamRow[] = [
    { name: 'model', values: runs.map((r) => r.modelType), differs: false },
    { name: 'split seed', values: runs.map((r) => String(r.seed)), differs: false },
    ...(runs.some((r) => r.classification)
      ? [
          { name: 'task', values: runs.map((r) => runTask(r)), differs: false },
          { name: 'decision threshold', values: runs.map((r) => paramText(r.classification?.threshold)), differs: false },
        ]
      : []),
    ...names.map((name) => ({ name, values: runs.map((r) => paramText(r.params[name])), differs: false })),
  ];
  for (const row of rows) row.differs = row.values.some((v) => v !== row.values[0]);
  return rows;
}

export function matchesFilter(r: Run, f: RunFilterDraft): boolean {
  if (f.experiment && r.experiment !== f.experiment) return false;
  if (f.modelType && r.modelType !== f.modelType) return false;
  if (f.status && r.status !== f.status) return false;
  if (f.tag && !r.tags.includes(f.tag)) return false;
  const min = f.min.trim() === '' ? undefined : Number(f.min);
  const max = f.max.trim() === '' ? undefined : Number(f.max);
  if ((min !== undefined && Number.isFinite(min)) || (max !== undefined && Number.isFinite(max))) {
    const v = runMetric(r, f.metric);
    if (v === undefined) return false;
    if (min !== undefined && Number.isFinite(min) && v < min) return false;
    if (max !== undefined && Number.isFinite(max) && v > max) return false;
  }
  return true;
}

export function download(fileName: string, content: string | Uint8Array<ArrayBuffer>, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function safeFileName(s: string): string {
  return s.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'export';
}

/**
 * The filter with its metric moved to the stored runs' task when none of them carries the chosen
 * one (classifier runs only: ROC AUC, not R²) — unless a bound is typed, which stays as asked.
 */
export function withMetricOfStoredTask(filter: RunFilterDraft, runs: readonly Run[]): RunFilterDraft {
  if (filter.min !== '' || filter.max !== '' || runs.length === 0) return filter;
  const tasks = new Set(runs.map(runTask));
  const chosen = runMetricInfo(filter.metric)?.task;
  if (chosen === undefined || tasks.has(chosen)) return filter;
  const metric: MetricName = tasks.has('classification') ? 'rocAuc' : 'r2';
  return metric === filter.metric ? filter : { ...filter, metric };
}

export class RunsView {
  /** Every stored run, newest first. */
  runs = $state.raw<Run[]>([]);
  experiments = $state.raw<ExperimentSummary[]>([]);
  ready = $state(false);
  filter = $state<RunFilterDraft>({ experiment: '', modelType: '', status: '', tag: '', metric: 'r2', min: '', max: '' });
  sort = $state<Required<RunSort>>({ by: 'startedAt', direction: 'desc' });
  columns = $state<RunColumn[]>([...DEFAULT_COLUMNS]);
  /** Runs ticked for comparison or deletion, in the order ticked. */
  selectedIds = $state<string[]>([]);
  problem = $state.raw<Problem | null>(null);
  notice = $state<string | null>(null);
  /** Ids this page load marked 'interrupted'. */
  interrupted = $state.raw<string[]>([]);
  space = $state.raw<SpaceReport | null>(null);
  usage = $state.raw<StorageEstimate | null>(null);
  /** Largest stored items (shown when storage is full, or on request). */
  largest = $state.raw<StoredItem[]>([]);
  /** Another tab upgraded the database: this tab must reload. */
  mustReload = $state(false);
  /** Per-row test predictions of runs shown in Compare, loaded on demand (null: the run kept none). */
  evaluations = $state.raw<Record<string, RunEvaluation | null>>({});

  #unsubscribe: (() => void) | null = null;
  #initialized: Promise<void> | null = null;
  #refreshing = 0;

  readonly visible: Run[] = $derived(
    sortRuns(
      this.runs.filter((r) => matchesFilter(r, this.filter)),
      this.sort,
    ),
  );
  readonly selected: Run[] = $derived(this.selectedIds.map((id) => this.runs.find((r) => r.id === id)).filter((r): r is Run => r !== undefined));
  readonly params: ParamRow[] = $derived(compareParams(this.selected));
  /** The compared runs' metrics (of their task), and a plain note when they cannot be compared by one. */
  readonly comparison: MetricComparison = $derived(compareMetrics(this.selected));
  /** The table's chosen columns that apply to the stored runs. */
  readonly shownColumns: RunColumn[] = $derived(shownColumns(this.columns, this.runs));
  readonly tags: string[] = $derived([...new Set(this.runs.flatMap((r) => r.tags))].sort());
  readonly modelTypes: ModelType[] = $derived([...new Set(this.runs.map((r) => r.modelType))].sort());
  /** Numeric hyperparameters found on the runs (for the scatter chart). */
  readonly numericParams: string[] = $derived(
    [...new Set(this.runs.flatMap((r) => Object.entries(r.params).filter(([, v]) => typeof v === 'number').map(([k]) => k)))].sort(),
  );

  /** Once per page load: marks orphaned runs interrupted, reads the runs, follows other tabs' writes. */
  init(): Promise<void> {
    this.#initialized ??= this.#init();
    return this.#initialized;
  }

  async #init(): Promise<void> {
    onVersionChange(() => (this.mustReload = true));
    try {
      const store = await sharedRunStore();
      this.interrupted = await store.markInterrupted();
    } catch (e) {
      this.problem = describeProblem(e, 'Could not check for interrupted runs');
    }
    this.#unsubscribe = onStorageChange((c) => {
      if (c.type === 'runs-changed') void this.refresh();
    });
    await this.refresh();
    this.ready = true;
  }

  async refresh(): Promise<void> {
    const n = ++this.#refreshing;
    try {
      const store = await sharedRunStore();
      const [runs, experiments] = await Promise.all([store.list(), store.listExperiments()]);
      if (n !== this.#refreshing) return; // a newer refresh is under way
      this.runs = runs;
      this.experiments = experiments;
      this.filter = withMetricOfStoredTask(this.filter, runs);
      const ids = new Set(runs.map((r) => r.id));
      if (this.selectedIds.some((id) => !ids.has(id))) this.selectedIds = this.selectedIds.filter((id) => ids.has(id));
    } catch (e) {
      this.problem = describeProblem(e, 'Could not read the recorded runs');
    }
  }

  /** Loads the per-row test predictions of these runs (once each). */
  async loadEvaluations(ids: readonly string[]): Promise<void> {
    const missing = ids.filter((id) => !Object.hasOwn(this.evaluations, id));
    if (missing.length === 0) return;
    try {
      const store = await sharedRunStore();
      const got = await Promise.all(missing.map((id) => store.getEvaluation(id)));
      this.evaluations = { ...this.evaluations, ...Object.fromEntries(missing.map((id, i) => [id, got[i] ?? null])) };
    } catch (e) {
      this.problem = describeProblem(e, 'Could not read the runs’ test predictions');
    }
  }

  toggle(id: string): void {
    this.selectedIds = this.selectedIds.includes(id) ? this.selectedIds.filter((x) => x !== id) : [...this.selectedIds, id];
  }

  clearSelection(): void {
    this.selectedIds = [];
  }

  sortBy(by: Required<RunSort>['by']): void {
    this.sort = this.sort.by === by ? { by, direction: this.sort.direction === 'desc' ? 'asc' : 'desc' } : { by, direction: 'desc' };
  }

  toggleColumn(id: RunColumn): void {
    this.columns = this.columns.includes(id) ? this.columns.filter((c) => c !== id) : RUN_COLUMNS.map((c) => c.id).filter((c) => c === id || this.columns.includes(c));
  }

  clearFilter(): void {
    this.filter = { experiment: '', modelType: '', status: '', tag: '', metric: this.filter.metric, min: '', max: '' };
  }

  async edit(id: string, patch: { tags?: string[]; note?: string }): Promise<boolean> {
    try {
      const next = await (await sharedRunStore()).update(id, patch);
      this.runs = this.runs.map((r) => (r.id === id ? next : r));
      return true;
    } catch (e) {
      await this.#fail(e, 'Could not save the run');
      return false;
    }
  }

  /** Deletes runs with their models; reports the browser's usage before and after and the store's estimate. */
  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      const before = await storageEstimate();
      const reclaimedEstimate = await (await sharedRunStore()).delete(ids);
      const after = await storageEstimate();
      this.space = { runs: ids.length, before, after, reclaimedEstimate };
      this.usage = after;
      this.selectedIds = this.selectedIds.filter((id) => !ids.includes(id));
      await this.refresh();
    } catch (e) {
      await this.#fail(e, 'Could not delete the runs');
    }
  }

  async readUsage(): Promise<void> {
    try {
      this.usage = await storageEstimate();
      this.largest = await largestItems(await trackingDb(), 8);
    } catch (e) {
      this.problem = describeProblem(e, 'Could not read storage usage');
    }
  }

  /** Downloads an experiment's run history as CSV or JSON. */
  async exportExperiment(experiment: string, format: 'csv' | 'json'): Promise<void> {
    try {
      const text = await (await sharedRunStore()).exportExperiment(experiment, format);
      download(`${safeFileName(experiment)}-runs.${format}`, text, format === 'csv' ? 'text/csv' : 'application/json');
    } catch (e) {
      this.problem = describeProblem(e, 'Could not export the runs');
    }
  }

  dispose(): void {
    this.#unsubscribe?.();
  }

  async #fail(e: unknown, context: string): Promise<void> {
    this.problem = describeProblem(e, context);
    if (this.problem.code === 'quota-exceeded') await this.readUsage();
  }
}

export type { RunStatus };
