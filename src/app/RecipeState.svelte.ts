/**
 * The recipe for the open dataset, shared by Prepare (which edits it) and Train (which uses it).
 * Until the person edits it, it is the default recipe inferred from the dataset's schema, with
 * the proposed target (core/data/target: a column named like a target, else the last numeric one). Edits are kept per dataset version, in
 * memory and in IndexedDB's 'settings' store (key `recipe:<dataset id>`), so they survive a reload.
 *
 * Every edit is kept, valid or not (Prepare shows its issues inline; Train refuses to start while
 * `issues` holds an error). Besides `checkRecipe`'s issues, `issues` carries what only running the
 * recipe over the data shows — a cleaning step that removes every row — as reported by Prepare.
 */
import { untrack } from 'svelte';
import { proposeTarget } from '../core/data/target';
import { resolveTask, type TaskProposal } from '../core/data/task';
import type { Table, ColumnSchema } from '../core/data/types';
import { checkRecipe, defaultRecipe, parseRecipe, recipeToJSON, type Recipe, type RecipeIssue } from '../core/recipe';
import { openLoupeDb, type LoupeDb } from '../storage';
import type { DatasetLibrary } from './DatasetLibrary.svelte';

/** The default target: the proposed one (see proposeTarget), or null when no column can be predicted. */
export function defaultTarget(schema: ColumnSchema[]): string | null {
  return proposeTarget(schema)?.column ?? null;
}

/** Inferred recipes by table, schema and target: each is a pass over the table's columns. */
const inferred = new WeakMap<Table, WeakMap<ColumnSchema[], Map<string, Recipe>>>();

/**
 * `defaultRecipe(schema, target, table)`, computed once per table, schema and target (it counts
 * the levels of every categorical column and scans the target: on a large table that is a long
 * main-thread task, and Prepare and this state both need it). Recipes are never mutated in place
 * (every edit makes a new object), so the one object is shared.
 */
export function inferredRecipe(schema: ColumnSchema[], target: string, table: Table): Recipe {
  let bySchema = inferred.get(table);
  if (!bySchema) inferred.set(table, (bySchema = new WeakMap()));
  let byTarget = bySchema.get(schema);
  if (!byTarget) bySchema.set(schema, (byTarget = new Map()));
  let r = byTarget.get(target);
  if (!r) byTarget.set(target, (r = defaultRecipe(schema, target, table)));
  return r;
}

export function initialRecipe(schema: ColumnSchema[], table: Table, target?: string): Recipe | null {
  const t = target ?? defaultTarget(schema);
  return t === null ? null : inferredRecipe(schema, t, table);
}

/**
 * What of a recipe decides the rows its cleaning removes (the steps, the target and the columns
 * the default drop-duplicates / drop-missing steps look at). Two recipes with the same key clean
 * alike.
 */
export function cleaningKey(recipe: Recipe): string {
  return JSON.stringify([
    recipe.cleaning,
    recipe.target,
    recipe.columns.filter((c) => c.role === 'feature').map((c) => c.name),
    recipe.features.map((f) => [f.name, f.columns]),
  ]);
}

const SETTING_PREFIX = 'recipe:';

export interface RecipeStateOptions {
  /** Keep edits in IndexedDB. Default: when IndexedDB exists. */
  persist?: boolean;
}

export class RecipeState {
  /** Edited recipes by dataset id (the default is derived, not stored). */
  #edited = $state.raw<Record<string, Recipe>>({});
  /** Issues found by running the recipe's cleaning over the data, for the recipe whose cleaning key is `key`. */
  #dataIssues = $state.raw<{ datasetId: string; key: string; issues: RecipeIssue[] } | null>(null);
  /** Why stored recipes could not be read or written, or null. */
  storageProblem = $state<string | null>(null);

  readonly #library: DatasetLibrary;
  readonly #persist: boolean;
  #db: Promise<LoupeDb> | null = null;
  /** Writes run one after another, so the last edit is the one stored. */
  #writes: Promise<void> = Promise.resolve();
  /** Datasets whose stored recipe was looked up (or edited before the lookup finished). */
  readonly #restored = new Set<string>();
  #stop: (() => void) | null = null;

  constructor(library: DatasetLibrary, options: RecipeStateOptions = {}) {
    this.#library = library;
    this.#persist = options.persist ?? typeof indexedDB !== 'undefined';
    if (this.#persist) {
      this.#stop = $effect.root(() => {
        $effect(() => {
          const id = this.datasetId;
          if (id) untrack(() => void this.#restore(id));
        });
      });
    }
  }

  readonly datasetId: string | null = $derived.by(() => this.#library.current?.meta.id ?? null);

  /** The recipe in force for the open dataset, or null when there is none (no dataset, no numeric column). */
  readonly recipe: Recipe | null = $derived.by(() => {
    const cur = this.#library.current;
    if (!cur) return null;
    return this.#edited[cur.meta.id] ?? initialRecipe(cur.meta.schema, cur.table);
  });

  /**
   * The task the recipe trains for on the open dataset (its `task`, resolved on the target column,
   * with the reason in words), or null when it cannot be resolved (no recipe; regression asked of
   * a label column, which `checked` reports).
   */
  readonly task: TaskProposal | null = $derived.by(() => {
    const cur = this.#library.current;
    const r = this.recipe;
    const y = cur && r ? cur.table.columns.find((c) => c.name === r.target) : undefined;
    if (!y || !r) return null;
    try {
      return resolveTask(r.task, y);
    } catch {
      return null;
    }
  });

  /** Whether the person changed the recipe from the inferred default. */
  readonly edited: boolean = $derived(this.datasetId !== null && this.datasetId in this.#edited);

  /** `checkRecipe`'s problems, in plain words (the data-dependent cleaning ones are in `issues`). */
  readonly checked: RecipeIssue[] = $derived.by(() => {
    const cur = this.#library.current;
    const r = this.recipe;
    return cur && r ? checkRecipe(r, cur.meta.schema, cur.table) : [];
  });

  /** Problems with the recipe, in plain words (no error: it can be trained). */
  readonly issues: RecipeIssue[] = $derived.by(() => {
    const d = this.#dataIssues;
    const r = this.recipe;
    if (!d || !r || d.datasetId !== this.datasetId || d.key !== cleaningKey(r)) return this.checked;
    return [...this.checked, ...d.issues];
  });

  set(recipe: Recipe): void {
    const id = this.datasetId;
    if (!id) return;
    this.#restored.add(id);
    this.#edited = { ...this.#edited, [id]: recipe };
    this.#store(id, recipe);
  }

  /** Back to the inferred default (optionally for another target). */
  reset(target?: string): void {
    const cur = this.#library.current;
    if (!cur) return;
    const id = cur.meta.id;
    this.#restored.add(id);
    const { [id]: _dropped, ...rest } = this.#edited;
    this.#edited = rest;
    const r = target !== undefined ? initialRecipe(cur.meta.schema, cur.table, target) : null;
    if (r) this.#edited = { ...this.#edited, [id]: r };
    this.#store(id, r);
  }

  /**
   * Issues that running the cleaning of `recipe` over the open dataset showed (a step that removes
   * every row, ...). They count while the recipe's cleaning key is unchanged.
   */
  reportCleaning(recipe: Recipe, issues: RecipeIssue[]): void {
    const id = this.datasetId;
    if (id) this.#dataIssues = { datasetId: id, key: cleaningKey(recipe), issues };
  }

  dispose(): void {
    this.#stop?.();
    this.#stop = null;
  }

  #openDb(): Promise<LoupeDb> {
    this.#db ??= openLoupeDb();
    return this.#db;
  }

  async #restore(id: string): Promise<void> {
    if (this.#restored.has(id)) return;
    this.#restored.add(id);
    try {
      const rec = await (await this.#openDb()).get('settings', SETTING_PREFIX + id);
      if (!rec || id in this.#edited) return; // nothing stored, or edited meanwhile
      this.#edited = { ...this.#edited, [id]: parseRecipe(rec.value) };
    } catch (e) {
      this.storageProblem = `The recipe saved for this dataset could not be restored (${e instanceof Error ? e.message : String(e)}); the inferred one is used.`;
    }
  }

  #store(id: string, recipe: Recipe | null): void {
    if (!this.#persist) return;
    this.#writes = this.#writes.then(async () => {
      try {
        const db = await this.#openDb();
        if (recipe) await db.put('settings', { key: SETTING_PREFIX + id, value: recipeToJSON(recipe) });
        else await db.delete('settings', SETTING_PREFIX + id);
        this.storageProblem = null;
      } catch (e) {
        this.storageProblem = `The recipe could not be saved in this browser (${e instanceof Error ? e.message : String(e)}); it is kept until the tab closes.`;
      }
    });
  }
}
