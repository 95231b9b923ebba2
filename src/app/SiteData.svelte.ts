/**
 * The "Stored data" panel: everything Loupe keeps in this browser (datasets, runs and model
 * versions in IndexedDB; the app's own files in the service worker's cache) and "delete
 * everything" — the database, those caches, predictions kept for download (OPFS) and the service
 * worker's registration.
 */
import { deleteStoredData, openLoupeDb, storageEstimate, storedSummary, type StorageEstimate, type StoredSummary } from '../storage';
import type { Installation } from './Installation.svelte';
import { removeAllOutputs } from './prediction-files';
import { describeProblem, type Problem } from './problems';

export interface CachedFiles {
  /** Cache names that belong to this copy of Loupe (Workbox suffixes them with the scope). */
  caches: string[];
  files: number;
  bytes: number;
}

/** The Cache Storage caches of this service worker's scope (other apps on the same origin keep theirs). */
async function ownCaches(scope: string | null): Promise<string[]> {
  if (typeof caches === 'undefined') return [];
  const names = await caches.keys();
  return scope ? names.filter((n) => n.endsWith(scope)) : [];
}

async function cachedFiles(scope: string | null): Promise<CachedFiles> {
  const names = await ownCaches(scope);
  let files = 0;
  let bytes = 0;
  for (const name of names) {
    const cache = await caches.open(name);
    for (const req of await cache.keys()) {
      const res = await cache.match(req);
      files++;
      if (res) bytes += (await res.blob()).size;
    }
  }
  return { caches: names, files, bytes };
}

export class SiteData {
  stored = $state.raw<StoredSummary | null>(null);
  cached = $state.raw<CachedFiles | null>(null);
  estimate = $state.raw<StorageEstimate | null>(null);
  problem = $state.raw<Problem | null>(null);
  /** 'idle' → 'confirming' (the person is asked) → 'deleting' → 'deleted' (the page reloads). */
  phase = $state<'idle' | 'confirming' | 'deleting' | 'deleted'>('idle');

  readonly #installation: Installation;
  readonly #reload: () => void;

  constructor(installation: Installation, reload: () => void = () => location.reload()) {
    this.#installation = installation;
    this.#reload = reload;
  }

  /**
   * The service worker's registration: the one Installation was handed, else the browser's own
   * record of it (a page loaded offline may not have heard back from `register()` yet, but the
   * registration that serves it exists).
   */
  async #registration(): Promise<ServiceWorkerRegistration | null> {
    if (this.#installation.registration) return this.#installation.registration;
    if (typeof navigator === 'undefined' || !navigator.serviceWorker) return null;
    return (await navigator.serviceWorker.getRegistration().catch(() => undefined)) ?? null;
  }

  async #scope(): Promise<string | null> {
    return (await this.#registration())?.scope ?? null;
  }

  async refresh(): Promise<void> {
    this.problem = null;
    try {
      const db = await openLoupeDb();
      try {
        this.stored = await storedSummary(db);
      } finally {
        db.close();
      }
      this.cached = await cachedFiles(await this.#scope());
      this.estimate = await storageEstimate();
    } catch (e) {
      this.problem = describeProblem(e, 'Could not list what Loupe stores');
    }
  }

  askToDelete(): void {
    this.phase = 'confirming';
  }

  cancelDelete(): void {
    this.phase = 'idle';
  }

  /** Deletes the database, this copy's caches, predictions kept for download and the service worker registration, then reloads. */
  async deleteEverything(): Promise<void> {
    if (this.phase !== 'confirming') return;
    this.phase = 'deleting';
    this.problem = null;
    try {
      const registration = await this.#registration();
      const scope = registration?.scope ?? null;
      await registration?.unregister();
      for (const name of await ownCaches(scope)) await caches.delete(name);
      await deleteStoredData();
      await removeAllOutputs();
      this.phase = 'deleted';
      this.#reload();
    } catch (e) {
      this.phase = 'idle';
      this.problem = describeProblem(e, 'Could not delete everything');
      await this.refresh();
    }
  }
}
