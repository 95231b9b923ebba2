/**
 * The recipe for the open dataset, shared by Prepare (which edits it) and Train (which uses it).
 * Until the person edits it, it is the default recipe inferred from the dataset's schema, with
 * the last numeric column (or `price`) as the target. Edits are kept per dataset version.
 */
import type { Table, ColumnSchema } from '../core/data/types';
import { checkRecipe, defaultRecipe, type Recipe, type RecipeIssue } from '../core/recipe';
import type { DatasetLibrary } from './DatasetLibrary.svelte';

/** The default target: `price` when present, else the last numeric column, else null. */
export function defaultTarget(schema: ColumnSchema[]): string | null {
  const numeric = schema.filter((c) => (c.kind === 'numeric' || c.kind === 'unit') && c.storage === 'numeric');
  if (numeric.some((c) => c.name === 'price')) return 'price';
  return numeric.length ? numeric[numeric.length - 1].name : null;
}

export function initialRecipe(schema: ColumnSchema[], table: Table, target?: string): Recipe | null {
  const t = target ?? defaultTarget(schema);
  return t === null ? null : defaultRecipe(schema, t, table);
}

export class RecipeState {
  /** Edited recipes by dataset id (the default is derived, not stored). */
  #edited = $state.raw<Record<string, Recipe>>({});

  readonly #library: DatasetLibrary;
  constructor(library: DatasetLibrary) {
    this.#library = library;
  }

  readonly datasetId: string | null = $derived.by(() => this.#library.current?.meta.id ?? null);

  /** The recipe in force for the open dataset, or null when there is none (no dataset, no numeric column). */
  readonly recipe: Recipe | null = $derived.by(() => {
    const cur = this.#library.current;
    if (!cur) return null;
    return this.#edited[cur.meta.id] ?? initialRecipe(cur.meta.schema, cur.table);
  });

  /** Whether the person changed the recipe from the inferred default. */
  readonly edited: boolean = $derived(this.datasetId !== null && this.datasetId in this.#edited);

  /** Problems with the recipe, in plain words (empty when it can be trained). */
  readonly issues: RecipeIssue[] = $derived.by(() => {
    const cur = this.#library.current;
    const r = this.recipe;
    return cur && r ? checkRecipe(r, cur.meta.schema, cur.table) : [];
  });

  set(recipe: Recipe): void {
    const id = this.datasetId;
    if (id) this.#edited = { ...this.#edited, [id]: recipe };
  }

  /** Back to the inferred default (optionally for another target). */
  reset(target?: string): void {
    const cur = this.#library.current;
    if (!cur) return;
    const { [cur.meta.id]: _dropped, ...rest } = this.#edited;
    this.#edited = rest;
    if (target !== undefined) {
      const r = initialRecipe(cur.meta.schema, cur.table, target);
      if (r) this.#edited = { ...this.#edited, [cur.meta.id]: r };
    }
  }
}
