/**
 * The Explore screen's state: which target, column, scale and correlation method are shown, and
 * the aggregates behind each chart, computed in the EDA worker. Every chart has a slot; a newer
 * request of a slot supersedes an older one, whose answer is dropped (so quick clicks through
 * columns never leave a stale chart). Results are kept for the open dataset while the person
 * visits other screens.
 *
 * The page calls `sync()` from an effect: it reads the open dataset and the recipe's target and
 * (re)computes what changed. Picking a target here only changes what Explore shows; the recipe
 * keeps its own until `useAsRecipeTarget()` is called.
 */
import { untrack } from 'svelte';
import { isMeasurement } from '../core/data/schema';
import { isClassColumn, isTargetCandidate } from '../core/data/target';
import type { ColumnSchema } from '../core/data/types';
import type {
  ClassBalance,
  ColumnDistribution,
  CorrelationMatrix,
  CorrelationMethod,
  FeatureVsClass,
  FeatureVsClassOptions,
  Finding,
  TargetDistribution,
  TargetVsFeature,
  TargetVsFeatureOptions,
} from '../core/eda';
import { isCancelled } from '../core/errors';
import type { Remote } from 'comlink';
import type { EdaApi, EdaRequest, EdaSlot } from '../../workers/protocol';
import type { DatasetLibrary, OpenDataset } from './DatasetLibrary.svelte';
import { EdaClient, STALE } from './eda-client';
import { describeProblem, type Problem } from './problems';
import { defaultTarget, type RecipeState } from './RecipeState.svelte';

/** One chart's data: the aggregate (null until computed), whether a request is in flight, and its failure. */
export interface Slot<T> {
  value: T | null;
  loading: boolean;
  problem: Problem | null;
}

/** A number target's histogram, or a class target's balance. */
export type TargetSummary = TargetDistribution | ClassBalance;
/** The target against a feature: for a number target, a density grid or boxes per level; for a class target, per-class views. */
export type TargetRelation = TargetVsFeature | FeatureVsClass;

interface SlotValues {
  findings: Finding[];
  target: TargetSummary;
  correlation: CorrelationMatrix;
  columns: ColumnDistribution[];
  relation: TargetRelation;
}

/** At most this many columns in the correlation heatmap (the most complete numeric ones, in table order). */
export const MAX_HEATMAP_COLUMNS = 30;
/** Density grid resolution and scatter budget of the target-vs-feature chart. */
export const RELATION_GRID = 40;
export const RELATION_MAX_POINTS = 5000;
/** Most boxes in a box-plot chart; rarer levels merge into "other". */
export const RELATION_MAX_LEVELS = 30;
/** Bins of the per-class histograms of a numeric feature against a class target. */
export const CLASS_RELATION_BINS = 30;

const idle = <T>(): Slot<T> => ({ value: null, loading: false, problem: null });

export class Exploration {
  /** The column whose distribution and relations are shown (numeric), or null when the dataset has none. */
  target = $state<string | null>(null);
  /** Target on a log10 scale: its histogram is binned on log10, and target-vs-feature uses a log y axis. */
  targetLog = $state(false);
  method = $state<CorrelationMethod>('pearson');
  /** The column picked in the column list. */
  selected = $state<string | null>(null);

  findings = $state.raw<Slot<Finding[]>>(idle());
  /** The target's histogram, or its class balance when the target holds classes (see `targetIsClasses`). */
  targetDistribution = $state.raw<Slot<TargetSummary>>(idle());
  correlation = $state.raw<Slot<CorrelationMatrix>>(idle());
  /** Distribution of every column, in table order (the column list and the picked column's chart). */
  columns = $state.raw<Slot<ColumnDistribution[]>>(idle());
  /** The target against the selected column. */
  relation = $state.raw<Slot<TargetRelation>>(idle());

  /** The dataset shown (the library's open one once `sync` has run). */
  dataset = $state.raw<OpenDataset | null>(null);

  readonly #library: DatasetLibrary;
  readonly #recipe: RecipeState;
  readonly #client: EdaClient;
  /** The recipe's target when last synced: a change there moves Explore's target too. */
  #recipeTarget: string | null = null;
  /** Whether the target was read as classes when last synced. */
  #classes: boolean | null = null;

  constructor(library: DatasetLibrary, recipe: RecipeState, client: EdaClient = new EdaClient()) {
    this.#library = library;
    this.#recipe = recipe;
    this.#client = client;
  }

  readonly schema: ColumnSchema[] = $derived(this.dataset?.meta.schema ?? []);

  /** Columns that can be the target: numeric measurements, and columns of classes (labels, yes/no, 0/1 flags). */
  readonly targetChoices: string[] = $derived(this.schema.filter(isTargetCandidate).map((s) => s.name));

  /** Numeric measurement columns in the heatmap (at most MAX_HEATMAP_COLUMNS). */
  readonly heatmapColumns: string[] = $derived(this.schema.filter(isMeasurement).map((s) => s.name).slice(0, MAX_HEATMAP_COLUMNS));

  /**
   * The target holds classes, so Explore shows its class balance and the features against the
   * classes (never numeric-only code on labels). Labels always do; for the recipe's own target
   * once the recipe is edited, the recipe's task decides (a 0/1 or 1–5 column can be either);
   * otherwise the schema's kind (categorical, yes/no, ordered levels).
   */
  readonly targetIsClasses: boolean = $derived.by(() => {
    const s = this.schema.find((c) => c.name === this.target);
    if (!s) return false;
    if (s.storage === 'categorical') return true;
    if (this.#recipe.edited && this.#recipe.recipe?.target === s.name && this.#recipe.task) return this.#recipe.task.task === 'classification';
    return isClassColumn(s);
  });

  /** Why there is no target-vs-feature chart for the selected column, or null when there is one. */
  readonly relationNote: string | null = $derived.by(() => {
    const sel = this.selected;
    if (sel === null) return 'Pick a column to see how the target moves with it.';
    if (this.target === null) return 'There is no numeric or class column to use as the target.';
    if (sel === this.target) return `“${sel}” is the target; pick another column to see the target against it.`;
    const kind = this.schema.find((s) => s.name === sel)?.kind;
    if (kind === 'id') return `“${sel}” is a row identifier, not a feature: the target against it says nothing about new rows.`;
    if (kind === 'constant') return `“${sel}” never changes, so the target cannot depend on it.`;
    return null;
  });

  /**
   * The recipe's target (Prepare, Train). Until the recipe is edited it is the schema's default
   * target: read that without building the whole default recipe (a pass over the table).
   */
  readonly recipeTarget: string | null = $derived.by(() => {
    const cur = this.#library.current;
    if (!cur) return null;
    return this.#recipe.edited ? (this.#recipe.recipe?.target ?? null) : defaultTarget(cur.meta.schema);
  });

  /** Whether the recipe uses another target than the one shown here. */
  readonly differsFromRecipe: boolean = $derived(this.target !== null && this.recipeTarget !== null && this.recipeTarget !== this.target);

  /**
   * Reads the open dataset and the recipe's target (call it from an effect, so that it runs
   * again when they change) and requests whatever is missing or out of date.
   */
  sync(): void {
    const current = this.#library.current;
    const recipeTarget = this.recipeTarget;
    const classes = this.targetIsClasses;
    untrack(() => {
      this.#sync(current, recipeTarget);
      // The recipe's task changed what the target is (numbers or classes): its views follow.
      if (this.dataset && this.#classes !== null && this.#classes !== classes) {
        this.#requestTarget();
        this.#requestRelation();
        this.#requestFindings();
      }
      this.#classes = this.dataset ? this.targetIsClasses : null;
    });
  }

  setTarget(name: string): void {
    if (name === this.target || !this.targetChoices.includes(name)) return;
    this.target = name;
    this.#requestTarget();
    this.#requestRelation();
    this.#requestFindings();
  }

  setTargetLog(log: boolean): void {
    if (log === this.targetLog) return;
    this.targetLog = log;
    this.#requestTarget(true);
    this.#requestRelation(true);
  }

  setMethod(method: CorrelationMethod): void {
    if (method === this.method) return;
    this.method = method;
    this.#requestCorrelation(true);
  }

  select(column: string): void {
    if (column === this.selected) return;
    this.selected = column;
    this.#requestRelation();
  }

  /** Makes the shown target the recipe's (Prepare and Train): the recipe goes back to its default for that target. */
  useAsRecipeTarget(): void {
    if (this.target === null) return;
    this.#recipeTarget = this.target;
    this.#recipe.reset(this.target);
  }

  dispose(): void {
    this.#client.dispose();
  }

  #sync(current: OpenDataset | null, recipeTarget: string | null): void {
    if (!current) {
      if (this.dataset) this.#clear();
      return;
    }
    if (current.meta.id === this.dataset?.meta.id) {
      this.dataset = current; // e.g. renamed: same version, new meta
      if (recipeTarget !== this.#recipeTarget) {
        this.#recipeTarget = recipeTarget;
        if (recipeTarget !== null) this.setTarget(recipeTarget);
      }
      return;
    }
    this.#clear();
    this.dataset = current;
    this.#recipeTarget = recipeTarget;
    const { schema, profile } = current.meta;
    const choices = schema.filter(isTargetCandidate).map((s) => s.name);
    const fallback = defaultTarget(schema);
    // Without a recipe or a proposed target: the last numeric measurement, else the last column of classes.
    const last = schema.filter(isMeasurement).pop()?.name ?? choices[choices.length - 1] ?? null;
    this.target =
      recipeTarget !== null && choices.includes(recipeTarget)
        ? recipeTarget
        : fallback !== null && choices.includes(fallback)
          ? fallback
          : last;
    this.selected = schema.find((s) => s.name !== this.target && s.kind !== 'id' && s.kind !== 'constant')?.name ?? null;
    this.#client.load(current.meta.id, current.table, schema, profile);
    // The worker answers in this order: the target's histogram first, the slower findings last.
    this.#requestTarget();
    this.#requestCorrelation();
    this.#requestColumns();
    this.#requestRelation();
    this.#requestFindings();
  }

  #clear(): void {
    this.dataset = null;
    this.target = null;
    this.selected = null;
    this.targetLog = false;
    for (const slot of ['findings', 'target', 'correlation', 'columns', 'relation'] as const) {
      this.#client.invalidate(slot);
      this.#set(slot, idle());
    }
  }

  #requestTarget(keep = false): void {
    const target = this.target;
    const log = this.targetLog;
    if (target === null) return this.#drop('target');
    if (this.targetIsClasses) void this.#fetch('target', false, (api, req) => api.classBalance(req, target));
    else void this.#fetch('target', keep, (api, req) => api.targetDistribution(req, target, log));
  }

  #requestCorrelation(keep = false): void {
    const columns = this.heatmapColumns;
    const method = this.method;
    if (columns.length < 2) return this.#drop('correlation');
    void this.#fetch('correlation', keep, (api, req) => api.correlation(req, columns, method));
  }

  #requestColumns(): void {
    const columns = this.schema.map((s) => s.name);
    void this.#fetch('columns', false, (api, req) => api.distributions(req, columns));
  }

  #requestFindings(): void {
    const target = this.target;
    const classes = this.targetIsClasses;
    void this.#fetch('findings', true, (api, req) => api.findings(req, target, classes));
  }

  #requestRelation(keep = false): void {
    const target = this.target;
    const feature = this.selected;
    if (target === null || feature === null || this.relationNote !== null) return this.#drop('relation');
    const s = this.schema.find((c) => c.name === feature);
    if (this.targetIsClasses) {
      const byClass: FeatureVsClassOptions = { bins: CLASS_RELATION_BINS, maxLevels: RELATION_MAX_LEVELS, order: s?.order ?? [] };
      void this.#fetch('relation', false, (api, req) => api.featureVsClass(req, target, feature, byClass));
      return;
    }
    const options: TargetVsFeatureOptions =
      s?.storage === 'categorical'
        ? { order: s.order ?? [], maxLevels: RELATION_MAX_LEVELS }
        : { gridX: RELATION_GRID, gridY: RELATION_GRID, maxPoints: RELATION_MAX_POINTS, logY: this.targetLog };
    void this.#fetch('relation', keep, (api, req) => api.targetVsFeature(req, target, feature, options));
  }

  /** Nothing to show in the slot: any pending answer is dropped. */
  #drop(slot: EdaSlot): void {
    this.#client.invalidate(slot);
    this.#set(slot, idle());
  }

  /** `keep`: leave the previous chart up (dimmed) while the new one is computed, e.g. for a scale toggle. */
  async #fetch<K extends EdaSlot>(
    slot: K,
    keep: boolean,
    call: (api: Remote<EdaApi>, req: EdaRequest) => Promise<SlotValues[K]>,
  ): Promise<void> {
    this.#set(slot, { value: keep ? this.#get(slot).value : null, loading: true, problem: null });
    try {
      const value = await this.#client.request(slot, call);
      if (value === STALE) return;
      this.#set(slot, { value, loading: false, problem: null });
    } catch (e) {
      // A cancellation is only ever the answer to a superseded request, which request() drops.
      const problem = isCancelled(e)
        ? { title: 'The computation was cancelled', message: String(e), code: 'cancelled' }
        : describeProblem(e, 'Could not compute this chart');
      this.#set(slot, { value: null, loading: false, problem });
    }
  }

  #get<K extends EdaSlot>(slot: K): Slot<SlotValues[K]> {
    const slots: { [S in EdaSlot]: Slot<SlotValues[S]> } = {
      findings: this.findings,
      target: this.targetDistribution,
      correlation: this.correlation,
      columns: this.columns,
      relation: this.relation,
    };
    return slots[slot];
  }

  #set<K extends EdaSlot>(slot: K, s: Slot<SlotValues[K]>): void {
    // One assignment per slot: each chart depends on its own slot only.
    if (slot === 'findings') this.findings = s as Slot<Finding[]>;
    else if (slot === 'target') this.targetDistribution = s as Slot<TargetSummary>;
    else if (slot === 'correlation') this.correlation = s as Slot<CorrelationMatrix>;
    else if (slot === 'columns') this.columns = s as Slot<ColumnDistribution[]>;
    else this.relation = s as Slot<TargetRelation>;
  }
}
