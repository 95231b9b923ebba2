/** Everything the UI needs, created once in src/main.ts and passed to <App>. */
import { DatasetLibrary } from './DatasetLibrary.svelte';
import { ModelShelf } from './ModelShelf.svelte';
import { Navigation } from './Navigation.svelte';
import { RecipeState } from './RecipeState.svelte';

export class AppState {
  readonly nav = new Navigation();
  readonly library = new DatasetLibrary();
  /** The recipe for the open dataset (Prepare edits it, Train uses it). */
  readonly recipe = new RecipeState(this.library);
  /** Models to predict with (Train adds session models, Models adds registered ones). */
  readonly shelf = new ModelShelf();

  async init(): Promise<void> {
    await this.library.init();
  }

  dispose(): void {
    this.library.dispose();
  }
}
