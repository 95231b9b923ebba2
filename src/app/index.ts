export { AppState } from './AppState.svelte';
export { DatasetLibrary, type OpenDataset, type LoadingState, type StorageStatus } from './DatasetLibrary.svelte';
export { IngestClient } from './IngestClient.svelte';
export { Navigation, SCREENS, type Screen, type ScreenId } from './Navigation.svelte';
export { describeProblem, type Problem } from './problems';
export { RecipeState, defaultTarget, initialRecipe } from './RecipeState.svelte';
export { ModelShelf, type ShelfModel } from './ModelShelf.svelte';
