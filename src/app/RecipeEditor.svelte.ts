/**
 * The Prepare screen's state: edits of the open dataset's recipe (target, per-column role, kind,
 * imputation, encoding and level order, cleaning steps, derived features, target transform), the
 * inferred default beside each choice, the issues of every field, and — computed in the Prepare
 * worker so the page never blocks — the rows each cleaning step removes and a preview of every
 * derived feature.
 *
 * Every edit goes to the shared RecipeState at once (valid or not): the person's work is never
 * lost, and Train refuses to start while `issues` holds an error, naming it. The worker's cleaning
 * errors (a step that removes every row) are reported to RecipeState, so Train sees them too.
 *
 * The page calls `sync()` from an effect: it sends the dataset to the worker once per version and
 * asks again only when what a result depends on changed; a superseded answer is dropped.
 */
import { untrack } from 'svelte';
import type { Column, ColumnSchema, Table } from '../core/data/types';
import {
  matchKnownScale,
  type CleaningStep,
  type ColumnEncoding,
  type ColumnRecipe,
  type DerivedFeature,
  type ImputeRecipe,
  type Recipe,
  type RecipeColumnKind,
  type RecipeIssue,
} from '../core/recipe';
import { levelCounts } from '../core/data/table';
import { isClassColumn } from '../core/data/target';
import type { TaskChoice, TaskProposal } from '../core/data/task';
import type { CleaningCounts, DerivedPreview } from '../../workers/protocol';
import type { DatasetLibrary, OpenDataset } from './DatasetLibrary.svelte';
import { PrepareClient, STALE } from './PrepareClient';
import { describeProblem, type Problem } from './problems';
import { cleaningKey, defaultTarget, inferredRecipe, type RecipeState } from './RecipeState.svelte';

/** Rows shown in a derived feature's preview. */
export const PREVIEW_ROWS = 6;
/** A number column with at most this many distinct values may be treated as categories. */
export const MAX_LEVELS_FROM_NUMBERS = 50;

/** A worker-computed result: the value (null until first computed), whether a newer one is coming, and a failure. */
export interface Computed<T> {
  value: T | null;
  loading: boolean;
  problem: Problem | null;
}

const idle = <T>(): Computed<T> => ({ value: null, loading: false, problem: null });

/** The field path an issue is about, without the `columns[2].encode: ` prefix validateRecipe puts on its message. */
export function issueText(issue: RecipeIssue): string {
  return issue.field && issue.message.startsWith(`${issue.field}: `) ? issue.message.slice(issue.field.length + 2) : issue.message;
}

/** Whether `field` is `at` or inside it (`columns[2]` holds `columns[2].order`). */
function within(field: string, at: string): boolean {
  return field === at || field.startsWith(`${at}.`) || field.startsWith(`${at}[`);
}

function removed<T>(list: readonly T[], i: number): T[] {
  return list.filter((_, k) => k !== i);
}

function moved<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  if (from < 0 || from >= out.length || to < 0 || to >= out.length || from === to) return out;
  const [x] = out.splice(from, 1);
  out.splice(to, 0, x);
  return out;
}

function sameColumn(a: ColumnRecipe | undefined, b: ColumnRecipe | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class RecipeEditor {
  /** Rows each cleaning step removes (worker). */
  cleaning = $state.raw<Computed<CleaningCounts>>(idle());
  /** Previews of the recipe's derived features, in order (worker). */
  derived = $state.raw<Computed<DerivedPreview[]>>(idle());
  /** Preview of the feature being composed in the add form (worker). */
  draftPreview = $state.raw<Computed<DerivedPreview>>(idle());
  /** The feature being composed, once it names an op and its columns; null otherwise. */
  draft = $state.raw<DerivedFeature | null>(null);

  /** The dataset the worker results are about. */
  dataset = $state.raw<OpenDataset | null>(null);

  readonly #library: DatasetLibrary;
  readonly #state: RecipeState;
  readonly #client: PrepareClient;
  #cleaningKey: string | null = null;
  #derivedKey: string | null = null;

  constructor(library: DatasetLibrary, state: RecipeState, client: PrepareClient = new PrepareClient()) {
    this.#library = library;
    this.#state = state;
    this.#client = client;
    this.#target = $derived(state.recipe?.target ?? null);
  }

  /** The shared recipe (RecipeState's) for the open dataset. */
  get recipe(): Recipe | null {
    return this.#state.recipe;
  }
  /** Its issues: checkRecipe's and the cleaning ones the worker found. */
  get issues(): RecipeIssue[] {
    return this.#state.issues;
  }
  get edited(): boolean {
    return this.#state.edited;
  }
  get storageProblem(): string | null {
    return this.#state.storageProblem;
  }
  get schema(): ColumnSchema[] {
    return this.#library.current?.meta.schema ?? [];
  }
  get #table(): Table | null {
    return this.#library.current?.table ?? null;
  }
  readonly #bySchema = $derived(new Map(this.schema.map((s) => [s.name, s])));

  /** The target alone, so that the defaults (a pass over the table) are recomputed only when it changes. */
  readonly #target: string | null;

  /** Columns that can be the target: numbers (regression, or a few whole numbers as classes) and labels (classification). */
  readonly targetChoices: string[] = $derived(this.schema.filter((s) => s.storage === 'numeric' || isClassColumn(s)).map((s) => s.name));

  /** The task the recipe trains for, with the reason in words (null when it cannot be resolved: see the target issues). */
  get task(): TaskProposal | null {
    return this.#state.task;
  }

  /** The recipe inferred for the current target: what "default" means beside each choice. */
  readonly defaults: Recipe | null = $derived.by(() => {
    const target = this.#target;
    const t = this.#table;
    if (target === null || !t || !this.#bySchema.has(target)) return null;
    return inferredRecipe(this.schema, target, t);
  });

  /** Levels observed in a categorical column (in the table's level order), counted when first asked, once per column. */
  readonly #observed = new WeakMap<Column, string[]>();

  /** Names of the columns the model receives (feature columns, then derived features). */
  readonly featureNames: string[] = $derived.by(() => {
    const r = this.recipe;
    if (!r) return [];
    return [...r.columns.filter((c) => c.role === 'feature').map((c) => c.name), ...r.features.map((f) => f.name)];
  });

  /** The recipe as the CLI's `--recipe` takes it. */
  readonly json: string = $derived(this.recipe ? JSON.stringify(this.recipe, null, 2) : '');

  /** Issues of `field` and everything inside it (e.g. `columns[2]`, `cleaning[0]`, `target`). */
  issuesAt(field: string): RecipeIssue[] {
    return this.issues.filter((i) => within(i.field, field));
  }

  /** The inferred recipe of a column (for the current target), if it has one. */
  defaultColumn(name: string): ColumnRecipe | undefined {
    return this.defaults?.columns.find((c) => c.name === name);
  }

  schemaOf(name: string): ColumnSchema | undefined {
    return this.#bySchema.get(name);
  }

  /** Levels seen in the data, as labels (numbers as their text), or null when a number column has too many values. */
  observedLevels(name: string): string[] | null {
    const col = this.#table?.columns.find((c) => c.name === name);
    if (!col) return null;
    if (col.type === 'categorical') {
      let known = this.#observed.get(col);
      if (!known) {
        const { counts } = levelCounts(col);
        known = col.levels.filter((_, k) => counts[k] > 0);
        this.#observed.set(col, known);
      }
      return known;
    }
    const distinct = new Set<number>();
    for (let i = 0; i < col.values.length; i++) {
      const x = col.values[i];
      if (x === x) {
        distinct.add(x);
        if (distinct.size > MAX_LEVELS_FROM_NUMBERS) return null;
      }
    }
    return [...distinct].sort((a, b) => a - b).map(String);
  }

  /** Kinds a column can take: categories for labels; numbers (and, with few values, categories) for numbers. */
  kindChoices(name: string): RecipeColumnKind[] {
    const s = this.#bySchema.get(name);
    if (!s) return [];
    if (s.storage === 'categorical') return ['categorical', 'ordinal'];
    const out: RecipeColumnKind[] = ['numeric'];
    if (s.kind === 'unit' || s.unit) out.push('unit');
    const distinct = this.#library.current?.meta.profile.find((p) => p.name === name)?.distinct ?? Infinity;
    if (distinct <= MAX_LEVELS_FROM_NUMBERS) out.push('categorical', 'ordinal');
    return out;
  }

  /** Levels the data holds that an ordinal order leaves out, and order entries the data never holds. */
  orderCoverage(c: ColumnRecipe): { unlisted: string[]; unseen: string[] } {
    const seen = this.observedLevels(c.name) ?? [];
    const order = c.order ?? [];
    return { unlisted: seen.filter((l) => !order.includes(l)), unseen: order.filter((l) => !seen.includes(l)) };
  }

  /**
   * Reads the open dataset and recipe (call it from an effect, so it runs again when they change)
   * and asks the worker for whatever they changed.
   */
  sync(): void {
    const current = this.#library.current;
    const recipe = this.recipe;
    const draft = this.draft;
    untrack(() => this.#sync(current, recipe, draft));
  }

  // ---- edits (each one replaces the shared recipe) ----

  setTarget(name: string): void {
    const r = this.recipe;
    const t = this.#table;
    if (!r || !t || name === r.target || !this.targetChoices.includes(name)) return;
    const fresh = inferredRecipe(this.schema, name, t);
    const old = new Map(r.columns.map((c) => [c.name, c]));
    const columns = fresh.columns.map((c) => old.get(c.name) ?? c);
    const cleaning = r.cleaning.filter((s) => !(s.op === 'drop-missing' && s.column === r.target));
    for (const s of fresh.cleaning) if (!cleaning.some((x) => JSON.stringify(x) === JSON.stringify(s))) cleaning.push(s);
    this.#commit({ ...r, target: name, columns, cleaning });
  }

  /** The task: inferred from the target ('auto'), or regression / classification as chosen. */
  setTask(task: TaskChoice): void {
    const r = this.recipe;
    if (!r) return;
    // Classes take no log transform: choosing classification drops it.
    this.#commit({ ...r, task, ...(task === 'classification' ? { targetTransform: 'none' as const } : {}) });
  }

  setTargetLog(log: boolean): void {
    const r = this.recipe;
    if (r) this.#commit({ ...r, targetTransform: log ? 'log1p' : 'none' });
  }

  setRole(i: number, role: ColumnRecipe['role']): void {
    this.#updateColumn(i, (c) => ({ ...c, role }));
  }

  /** Changes a column's kind; the column takes the inferred settings when they are of that kind, else sensible ones. */
  setKind(i: number, kind: RecipeColumnKind): void {
    this.#updateColumn(i, (c) => {
      if (c.kind === kind) return c;
      const d = this.defaultColumn(c.name);
      if (d && d.kind === kind) return { ...d, role: c.role };
      const base = { name: c.name, role: c.role };
      switch (kind) {
        case 'numeric':
          return { ...base, kind, impute: { strategy: 'median' }, encode: 'standard' };
        case 'unit': {
          const unit = this.#bySchema.get(c.name)?.unit;
          return { ...base, kind, impute: { strategy: 'median' }, encode: 'standard', ...(unit ? { unit } : {}) };
        }
        case 'categorical':
          return { ...base, kind, impute: { strategy: 'most_frequent' }, encode: 'onehot' };
        case 'ordinal': {
          const levels = this.observedLevels(c.name) ?? [];
          const order = matchKnownScale(levels)?.order ?? levels;
          return { ...base, kind, impute: { strategy: 'most_frequent' }, encode: 'ordinal', order, scale: 'standard', unknown: 'nan' };
        }
      }
    });
  }

  setImpute(i: number, impute: ImputeRecipe): void {
    this.#updateColumn(i, (c) => ({ ...c, impute }));
  }

  /**
   * Sets a column's encoding. Numbers: standard | minmax | none. Categories: onehot, or ordinal
   * (for an ordinal kind, `scale` says how its codes are scaled; a categorical column's ordinal
   * codes go by frequency, unscaled).
   */
  setEncoding(i: number, encode: ColumnEncoding, scale?: 'standard' | 'minmax' | 'none'): void {
    this.#updateColumn(i, (c) => {
      const { order: _o, scale: _s, unknown: _u, maxCategories: _m, range: _r, ...rest } = c;
      if (c.kind === 'numeric' || c.kind === 'unit') return { ...rest, encode };
      if (encode === 'onehot') return { ...rest, encode };
      const d = this.defaultColumn(c.name);
      const order = c.order ?? (d?.encode === 'ordinal' ? d.order : undefined) ?? this.#byFrequency(c.name);
      return { ...rest, encode: 'ordinal', order, scale: scale ?? c.scale ?? (c.kind === 'ordinal' ? 'standard' : 'none'), unknown: c.unknown ?? 'nan' };
    });
  }

  /** Moves a level of an ordinal column's order from one place to another (drag and drop, or up/down). */
  moveLevel(i: number, from: number, to: number): void {
    this.#updateColumn(i, (c) => (c.order ? { ...c, order: moved(c.order, from, to) } : c));
  }

  /** Adds the data's levels that the order leaves out, at its end. */
  addMissingLevels(i: number): void {
    this.#updateColumn(i, (c) => (c.order ? { ...c, order: [...c.order, ...this.orderCoverage(c).unlisted] } : c));
  }

  /** Back to the inferred settings of one column. */
  resetColumn(i: number): void {
    this.#updateColumn(i, (c) => this.defaultColumn(c.name) ?? c);
  }

  isDefaultColumn(c: ColumnRecipe): boolean {
    return sameColumn(c, this.defaultColumn(c.name));
  }

  addCleaning(step: CleaningStep): void {
    const r = this.recipe;
    if (r) this.#commit({ ...r, cleaning: [...r.cleaning, step] });
  }

  removeCleaning(i: number): void {
    this.#editList('cleaning', (steps) => removed(steps, i));
  }

  moveCleaning(from: number, to: number): void {
    this.#editList('cleaning', (steps) => moved(steps, from, to));
  }

  addFeature(f: DerivedFeature): void {
    const r = this.recipe;
    if (!r) return;
    this.#commit({ ...r, features: [...r.features, f] });
    this.draft = null;
  }

  removeFeature(i: number): void {
    this.#editList('features', (features) => removed(features, i));
  }

  moveFeature(from: number, to: number): void {
    this.#editList('features', (features) => moved(features, from, to));
  }

  /** Commits the recipe with one of its ordered lists edited. */
  #editList<K extends 'cleaning' | 'features'>(key: K, edit: (list: Recipe[K]) => Recipe[K]): void {
    const r = this.recipe;
    if (r) this.#commit({ ...r, [key]: edit(r[key]) });
  }

  /** Sets the feature being composed (previewed live), or null. */
  setDraft(f: DerivedFeature | null): void {
    this.draft = f;
  }

  /** Back to the inferred recipe, keeping the chosen target. */
  reset(): void {
    const r = this.recipe;
    const cur = this.#library.current;
    if (!r || !cur) return;
    if (r.target === defaultTarget(cur.meta.schema)) this.#state.reset();
    else this.#state.reset(r.target);
  }

  dispose(): void {
    this.#client.dispose();
  }

  // ---- internals ----

  #commit(recipe: Recipe): void {
    this.#state.set(recipe);
  }

  #updateColumn(i: number, change: (c: ColumnRecipe) => ColumnRecipe): void {
    const r = this.recipe;
    if (!r || !r.columns[i]) return;
    const columns = [...r.columns];
    columns[i] = change(columns[i]);
    this.#commit({ ...r, columns });
  }

  #byFrequency(name: string): string[] {
    const col = this.#table?.columns.find((c) => c.name === name);
    if (!col) return [];
    if (col.type === 'numeric') return this.observedLevels(name) ?? [];
    const { counts } = levelCounts(col);
    return col.levels
      .map((l, k) => ({ l, n: counts[k] }))
      .filter((x) => x.n > 0)
      .sort((a, b) => b.n - a.n || (a.l < b.l ? -1 : a.l > b.l ? 1 : 0))
      .map((x) => x.l);
  }

  #sync(current: OpenDataset | null, recipe: Recipe | null, draft: DerivedFeature | null): void {
    if (!current || !recipe) {
      this.dataset = null;
      this.cleaning = idle();
      this.derived = idle();
      this.draftPreview = idle();
      this.#cleaningKey = this.#derivedKey = null;
      return;
    }
    if (this.dataset?.meta.id !== current.meta.id) {
      this.#client.load(current.meta.id, current.table);
      this.cleaning = idle();
      this.derived = idle();
      this.draftPreview = idle();
      this.#cleaningKey = this.#derivedKey = null;
    }
    this.dataset = current;

    const ck = cleaningKey(recipe);
    if (ck !== this.#cleaningKey) {
      this.#cleaningKey = ck;
      void this.#requestCleaning(recipe);
    }
    const dk = JSON.stringify([recipe.features, draft]);
    if (dk !== this.#derivedKey) {
      this.#derivedKey = dk;
      void this.#requestDerived(recipe.features, draft);
    }
  }

  async #requestCleaning(recipe: Recipe): Promise<void> {
    this.cleaning = { ...this.cleaning, loading: true };
    try {
      const counts = await this.#client.cleaning(recipe);
      if (counts === STALE) return;
      this.cleaning = { value: counts, loading: false, problem: null };
      const issues: RecipeIssue[] = [];
      counts.steps.forEach((s) => {
        if (s.status === 'error') issues.push({ severity: 'error', field: s.field, message: s.message });
      });
      this.#state.reportCleaning(recipe, issues);
    } catch (e) {
      this.cleaning = { value: null, loading: false, problem: describeProblem(e, 'Could not count the rows the cleaning removes') };
    }
  }

  async #requestDerived(features: DerivedFeature[], draft: DerivedFeature | null): Promise<void> {
    const all = draft ? [...features, draft] : features;
    if (all.length === 0) {
      this.derived = { value: [], loading: false, problem: null };
      this.draftPreview = idle();
      return;
    }
    this.derived = { ...this.derived, loading: features.length > 0 };
    this.draftPreview = draft ? { ...this.draftPreview, loading: true } : idle();
    try {
      const previews = await this.#client.derived(all, PREVIEW_ROWS);
      if (previews === STALE) return;
      this.derived = { value: previews.slice(0, features.length), loading: false, problem: null };
      this.draftPreview = draft ? { value: previews[features.length], loading: false, problem: null } : idle();
    } catch (e) {
      const problem = describeProblem(e, 'Could not preview the derived features');
      this.derived = { value: null, loading: false, problem };
      this.draftPreview = draft ? { value: null, loading: false, problem } : idle();
    }
  }
}
