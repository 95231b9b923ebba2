/**
 * The app's screens and which one is shown. Add a screen here (and its component in
 * src/ui/App.svelte); the URL hash (#/data) keeps the screen across reloads.
 */
export type ScreenId = 'data' | 'explore' | 'prepare' | 'train' | 'predict' | 'runs' | 'models' | 'monitor';

export interface Screen {
  id: ScreenId;
  label: string;
  /** One line shown under the page title. */
  description: string;
}

export const SCREENS: readonly Screen[] = [
  { id: 'data', label: 'Data', description: 'Load a CSV, check its schema and profile, and keep it in this browser.' },
  { id: 'explore', label: 'Explore', description: 'Distributions, correlations, the target against each feature, and data-quality findings.' },
  { id: 'prepare', label: 'Prepare', description: 'Choose the target and build the recipe: cleaning, derived features, imputation and encoding.' },
  { id: 'train', label: 'Train', description: 'Train candidate models side by side in workers and pick the best by R² (regression) or a chosen classification metric.' },
  { id: 'predict', label: 'Predict', description: 'Predict one row from a form, or a whole CSV file streamed through the model.' },
  { id: 'runs', label: 'Runs', description: 'Every training run recorded: compare parameters, metrics and learning curves.' },
  { id: 'models', label: 'Models', description: 'Registered model versions, aliases such as champion, lineage, export and import.' },
  { id: 'monitor', label: 'Monitor', description: 'Drift of every file predicted, per model version: which columns moved, the predictions, the model’s metrics when labelled.' },
];

function fromHash(hash: string): ScreenId | null {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return SCREENS.find((s) => s.id === id)?.id ?? null;
}

export class Navigation {
  current = $state<ScreenId>('data');
  readonly screen = $derived(SCREENS.find((s) => s.id === this.current) ?? SCREENS[0]);

  constructor() {
    if (typeof location !== 'undefined') {
      this.current = fromHash(location.hash) ?? 'data';
      addEventListener('hashchange', () => {
        const id = fromHash(location.hash);
        if (id) this.current = id;
      });
    }
  }

  go(id: ScreenId): void {
    this.current = id;
    if (typeof location !== 'undefined' && fromHash(location.hash) !== id) location.hash = `#/${id}`;
  }
}
