/** Everything the UI needs, created once in src/main.ts and passed to <App>. */
import { DatasetLibrary } from './DatasetLibrary.svelte';
import { Exploration } from './Exploration.svelte';
import { ModelShelf } from './ModelShelf.svelte';
import { MonitorView } from './MonitorView.svelte';
import { Navigation } from './Navigation.svelte';
import { Predictor } from './Predictor.svelte';
import { RecipeEditor } from './RecipeEditor.svelte';
import { RecipeState } from './RecipeState.svelte';
import { Registry } from './Registry.svelte';
import { Retraining } from './Retraining.svelte';
import { RunsView } from './RunsView.svelte';
import { TrainingSession } from './TrainingSession.svelte';
import { ModelSearch } from './ModelSearch.svelte';

export class AppState {
  readonly nav = new Navigation();
  readonly library = new DatasetLibrary();
  /** The recipe for the open dataset (Prepare edits it, Train uses it). */
  readonly recipe = new RecipeState(this.library);
  /** The Prepare screen: edits of the recipe, rows each cleaning step removes, derived-feature previews (worker). */
  readonly prepare = new RecipeEditor(this.library, this.recipe);
  /** The Explore screen: EDA aggregates of the open dataset, computed in a worker. */
  readonly explore = new Exploration(this.library, this.recipe);
  /** Models to predict with (Train adds session models, Models adds registered ones). */
  readonly shelf = new ModelShelf();
  /** The Train screen: candidate models, split, the run in the worker pool, leaderboard. */
  readonly training = new TrainingSession(this.library, this.recipe, this.shelf);
  /** The Train screen's Search mode: a time-budgeted model search in the same pool, with the same split settings. */
  readonly search = new ModelSearch(this.library, this.recipe, this.shelf, () => this.training.workerPool(), () => this.training.split);
  /** The Predict screen: one-row form and whole-file prediction with a shelf model. */
  readonly predictor = new Predictor(this.shelf);
  /** The Runs screen: recorded runs, comparison, tags and notes, deletion, export. */
  readonly runs = new RunsView();
  /** The Models screen: registered models, versions, aliases, import/export, reproduction; puts versions on the shelf. */
  readonly registry = new Registry(this.shelf);
  /** The Models screen's retraining: champion vs challenger in the training pool, promote and roll back, alias history. */
  readonly retraining = new Retraining(this.registry);
  /** The Monitor screen: drift reports of predicted files per model version, thresholds, HTML export. */
  readonly monitor = new MonitorView();

  async init(): Promise<void> {
    // Runs: marks runs of dead tabs 'interrupted' once per page load (this tab's lock held first).
    await Promise.all([this.library.init(), this.runs.init(), this.registry.init()]);
  }

  dispose(): void {
    this.library.dispose();
    this.recipe.dispose();
    this.prepare.dispose();
    this.explore.dispose();
    this.search.dispose();
    this.training.dispose();
    this.predictor.dispose();
    this.runs.dispose();
    this.retraining.dispose();
    this.registry.dispose();
    this.monitor.dispose();
  }
}
