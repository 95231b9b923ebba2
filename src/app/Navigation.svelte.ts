/**
 * The app's screens and which one is shown. Add a screen here (and its component in
 * src/ui/App.svelte); the URL hash (#/data) keeps the screen across reloads.
 */
export type ScreenId = 'data';

export interface Screen {
  id: ScreenId;
  label: string;
  /** One line shown under the page title. */
  description: string;
}

export const SCREENS: readonly Screen[] = [
  { id: 'data', label: 'Data', description: 'Load a CSV, check its schema and profile, and keep it in this browser.' },
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
