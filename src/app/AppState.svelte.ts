/** Everything the UI needs, created once in src/main.ts and passed to <App>. */
import { DatasetLibrary } from './DatasetLibrary.svelte';
import { Exploration } from './Exploration.svelte';
import { ModelShelf } from './ModelShelf.svelte';
import { Navigation } from './Navigation.svelte';
import { Predictor } from './Predictor.svelte';
import { RecipeState } from './RecipeState.svelte';
import { TrainingSession } from './TrainingSession.svelte';

export class AppState {
  readonly nav = new Navigation();
  readonly library = new DatasetLibrary();
  /** The recipe for the open dataset (Prepare edits it, Train uses it). */
  readonly recipe = new RecipeState(this.library);
  /** The Explore screen: EDA aggregates of the open dataset, computed in a worker. */
  readonly explore = new Exploration(this.library, this.recipe);
  /** Models to predict with (Train adds session models, Models adds registered ones). */
  readonly shelf = new ModelShelf();
  /** The Train screen: candidate models, split, the run in the worker pool, leaderboard. */
  readonly training = new TrainingSession(this.library, this.recipe, this.shelf);
  /** The Predict screen: one-row form and whole-file prediction with a shelf model. */
  readonly predictor = new Predictor(this.shelf);

  async init(): Promise<void> {
    await this.library.init();
  }

  dispose(): void {
    this.library.dispose();
    this.explore.dispose();
    this.training.dispose();
    this.predictor.dispose();
  }
}
