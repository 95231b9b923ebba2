/**
 * RecipeEditor's worker slots on an in-process Prepare worker whose answers the test releases in
 * any order: the cleaning counts and derived previews shown are always those of the newest recipe
 * and draft, and only the newest counts are reported to the shared recipe state.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DatasetLibrary } from '../../src/app/DatasetLibrary.svelte';
import { PrepareClient } from '../../src/app/PrepareClient';
import { RecipeEditor } from '../../src/app/RecipeEditor.svelte';
import type { RecipeState } from '../../src/app/RecipeState.svelte';
import { defaultRecipe, type DerivedFeature, type Recipe, type RecipeIssue } from '../../src/core/recipe';
import type { CleaningCounts, DerivedPreview, PrepareRequest } from '../../workers/protocol';
import { sampleDataset } from './datasets';
import { Deferred, FakeWorkers } from './fake-worker';

/** The Prepare worker: each request waits for the test to answer it. */
class PrepareWorker {
  readonly cleanings: { req: PrepareRequest; steps: number; answer: Deferred<CleaningCounts> }[] = [];
  readonly derivations: { req: PrepareRequest; names: string[]; answer: Deferred<DerivedPreview[]> }[] = [];
  open(): void {}
  addColumn(): void {}
  cleaning(req: PrepareRequest, recipe: Recipe): Promise<CleaningCounts> {
    const answer = new Deferred<CleaningCounts>();
    this.cleanings.push({ req, steps: recipe.cleaning.length, answer });
    return answer.promise;
  }
  derived(req: PrepareRequest, features: DerivedFeature[]): Promise<DerivedPreview[]> {
    const answer = new Deferred<DerivedPreview[]>();
    this.derivations.push({ req, names: features.map((f) => f.name), answer });
    return answer.promise;
  }
}

/** The shared recipe state, reduced to what the editor uses, recording what it is told. */
class FakeRecipeState {
  recipe: Recipe;
  issues: RecipeIssue[] = [];
  edited = false;
  storageProblem = null;
  reported: { steps: number; issues: RecipeIssue[] }[] = [];
  constructor(recipe: Recipe) {
    this.recipe = recipe;
  }
  set(recipe: Recipe): void {
    this.recipe = recipe;
    this.edited = true;
  }
  reportCleaning(recipe: Recipe, issues: RecipeIssue[]): void {
    this.reported.push({ steps: recipe.cleaning.length, issues });
  }
  reset(): void {}
}

/** Counts as the worker would give them for `steps` steps (each removing `removed` rows). */
function counts(steps: number, removed: number, rows = 200): CleaningCounts {
  return {
    rows,
    steps: Array.from({ length: steps }, (_, i) => ({ status: 'ok', removed, field: `cleaning[${i}]` })) as unknown as CleaningCounts['steps'],
    kept: rows - steps * removed,
  };
}

const preview = (name: string) => ({ name, marker: name }) as unknown as DerivedPreview;

let workers: FakeWorkers<PrepareWorker>;
let editor: RecipeEditor;
let state: FakeRecipeState;

async function setup(): Promise<void> {
  workers = new FakeWorkers(() => new PrepareWorker());
  const current = await sampleDataset('v1');
  state = new FakeRecipeState(defaultRecipe(current.meta.schema, 'price', current.table));
  editor = new RecipeEditor({ current } as unknown as DatasetLibrary, state as unknown as RecipeState, new PrepareClient(workers.spawn));
  editor.sync();
}

const worker = () => workers.started[0].api;

afterEach(() => {
  editor?.dispose();
  workers?.closeAll();
});

describe('RecipeEditor', () => {
  it('shows and reports the cleaning counts of the newest recipe, whatever order the answers come in', async () => {
    await setup();
    await expect.poll(() => worker().cleanings.length).toBe(1);
    editor.addCleaning({ op: 'filter', column: 'carat', cmp: '>', value: 0 });
    editor.sync();
    await expect.poll(() => worker().cleanings.length).toBe(2);
    editor.addCleaning({ op: 'filter', column: 'x', cmp: '>', value: 0 });
    editor.sync();
    await expect.poll(() => worker().cleanings.length).toBe(3);
    expect(worker().cleanings.map((c) => c.steps)).toEqual([0, 1, 2]);
    expect(editor.cleaning.loading).toBe(true);

    worker().cleanings[2].answer.resolve(counts(2, 3));
    await expect.poll(() => editor.cleaning.value?.kept).toBe(194);
    worker().cleanings[1].answer.resolve(counts(1, 7));
    worker().cleanings[0].answer.resolve(counts(0, 0));
    await new Promise((ok) => setTimeout(ok, 30));
    expect(editor.cleaning.value?.kept).toBe(194);
    expect(editor.cleaning.loading).toBe(false);
    expect(state.reported.map((r) => r.steps)).toEqual([2]);
  });

  it('a recipe that cleans alike asks nothing new', async () => {
    await setup();
    await expect.poll(() => worker().cleanings.length).toBe(1);
    editor.setTargetLog(true); // the log target changes no row the cleaning removes
    editor.sync();
    await new Promise((ok) => setTimeout(ok, 30));
    expect(worker().cleanings).toHaveLength(1);
  });

  it('previews the newest draft feature; a late answer for an older draft is dropped', async () => {
    await setup();
    editor.setDraft({ name: 'volume', op: 'product', columns: ['x', 'y'] });
    editor.sync();
    await expect.poll(() => worker().derivations.length).toBe(1);
    editor.setDraft({ name: 'volume', op: 'product', columns: ['x', 'y', 'z'] });
    editor.sync();
    await expect.poll(() => worker().derivations.length).toBe(2);
    worker().derivations[1].answer.resolve([preview('x·y·z')]);
    await expect.poll(() => (editor.draftPreview.value as unknown as { marker: string } | null)?.marker).toBe('x·y·z');
    worker().derivations[0].answer.resolve([preview('x·y')]);
    await new Promise((ok) => setTimeout(ok, 30));
    expect((editor.draftPreview.value as unknown as { marker: string }).marker).toBe('x·y·z');
    expect(editor.derived.value).toEqual([]);
  });

  it('moves and removes cleaning steps and derived features, ignoring moves out of the list', async () => {
    await setup();
    const steps = () => state.recipe.cleaning.map((c) => (c.op === 'filter' ? c.column : c.op));
    const names = () => state.recipe.features.map((f) => f.name);
    for (const column of ['carat', 'x', 'y']) editor.addCleaning({ op: 'filter', column, cmp: '>', value: 0 });
    for (const name of ['a', 'b', 'c']) editor.addFeature({ name, op: 'product', columns: ['x', 'y'] });
    editor.moveCleaning(2, 0);
    editor.moveCleaning(0, -1);
    expect(steps()).toEqual(['y', 'carat', 'x']);
    editor.removeCleaning(1);
    expect(steps()).toEqual(['y', 'x']);
    editor.moveFeature(0, 1);
    editor.moveFeature(2, 3);
    expect(names()).toEqual(['b', 'a', 'c']);
    editor.removeFeature(2);
    expect(names()).toEqual(['b', 'a']);
  });
});
