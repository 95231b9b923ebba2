/** Everything the UI needs, created once in src/main.ts and passed to <App>. */
import { DatasetLibrary } from './DatasetLibrary.svelte';
import { Navigation } from './Navigation.svelte';

export class AppState {
  readonly nav = new Navigation();
  readonly library = new DatasetLibrary();

  async init(): Promise<void> {
    await this.library.init();
  }

  dispose(): void {
    this.library.dispose();
  }
}
