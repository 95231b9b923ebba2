/**
 * The Data page's state: the stored datasets, the one that is open, loading a new file through
 * the ingest worker, and storage usage. A failed load never replaces the open dataset.
 */
import type { ParseProgress, Table } from '../core/data/types';
import { CHURN_SAMPLE_FILE_NAME, generateSampleChurn, generateSampleGemstones, SAMPLE_FILE_NAME } from '../core/sample';
import {
  DatasetStore,
  onStorageChange,
  openLoupeDb,
  requestPersistence,
  storageEstimate,
  type DatasetMeta,
  type StorageEstimate,
} from '../storage';
import { IngestClient } from './IngestClient.svelte';
import { describeProblem, isCancelled, type Problem } from './problems';

/** The synthetic samples Data offers: gemstone prices (regression) or customer churn (classification). */
export type SampleKind = 'gemstones' | 'churn';

export interface OpenDataset {
  meta: DatasetMeta;
  table: Table;
}

export interface LoadingState {
  name: string;
  progress: ParseProgress | null;
}

export interface StorageStatus extends StorageEstimate {
  /** null until asked; false when the browser may evict data under pressure. */
  persisted: boolean | null;
}

export class DatasetLibrary {
  /** Stored datasets, most recently used first. */
  datasets = $state.raw<DatasetMeta[]>([]);
  /** The open dataset (columns as typed arrays): $state.raw, never deeply proxied. */
  current = $state.raw<OpenDataset | null>(null);
  /** The last problem (bad file, storage failure), shown until dismissed or the next success. */
  problem = $state.raw<Problem | null>(null);
  /** A short note, e.g. that the same file was already stored. */
  notice = $state<string | null>(null);
  storage = $state.raw<StorageStatus>({ usage: null, quota: null, persisted: null });
  /** False until the stored datasets have been read. */
  ready = $state(false);

  #loadingName = $state<string | null>(null);
  readonly #client = new IngestClient();
  #store: DatasetStore | null = null;
  /** Settles when init() has opened the store (null: it could not): a file picked before then waits for it. */
  #storeOpened: Promise<DatasetStore | null>;
  #settleStore: (store: DatasetStore | null) => void = () => {};
  #unsubscribe: (() => void) | null = null;
  /** Increments per open/load so a slower, older request cannot overwrite a newer one. */
  #generation = 0;
  /** Increments per file load; only the newest load may report. */
  #loads = 0;

  /** Non-null while a file is being read. */
  readonly loading: LoadingState | null = $derived(
    this.#loadingName === null ? null : { name: this.#loadingName, progress: this.#client.progress },
  );

  constructor() {
    this.#storeOpened = new Promise((resolve) => (this.#settleStore = resolve));
  }

  async init(): Promise<void> {
    // What was open last time is reopened, unless a file is picked or a dataset opened meanwhile.
    const untouched = this.#generation;
    try {
      this.#store = new DatasetStore(await openLoupeDb());
      this.#settleStore(this.#store);
      // Another tab (or the ingest worker) stored, renamed or deleted a dataset: refresh the list.
      this.#unsubscribe = onStorageChange((c) => {
        if (c.type === 'datasets-changed') void this.#refreshList().catch(() => {});
      });
      this.datasets = await this.#store.list();
      const last = await this.#store.getLastOpened();
      if (last && this.#generation === untouched && this.datasets.some((d) => d.id === last)) await this.open(last);
    } catch (e) {
      this.problem = describeProblem(e, 'Could not open the stored datasets');
    } finally {
      this.#settleStore(null);
      this.ready = true;
    }
    void this.#refreshStorage(true);
  }

  /** Reads a CSV file in the worker, stores it and opens it. */
  async loadFile(file: File): Promise<void> {
    await this.#ingest(file, file.name, false);
  }

  /** Generates a synthetic sample (gemstone prices, or customer churn for classification) and loads it like a file. */
  async loadSample(kind: SampleKind = 'gemstones', rows = 5000, seed = 1): Promise<void> {
    const csv = kind === 'churn' ? generateSampleChurn(rows, seed) : generateSampleGemstones(rows, seed);
    await this.#ingest(new Blob([csv], { type: 'text/csv' }), kind === 'churn' ? CHURN_SAMPLE_FILE_NAME : SAMPLE_FILE_NAME, true);
  }

  cancelLoad(): void {
    this.#client.cancel();
  }

  async open(id: string): Promise<void> {
    const gen = ++this.#generation;
    try {
      const store = await this.#openedStore();
      const [meta, table] = await Promise.all([store.get(id), store.loadTable(id)]);
      if (gen !== this.#generation) return;
      if (!meta) throw new Error(`Dataset ${id} is not stored.`);
      this.current = { meta, table };
      await store.setLastOpened(id);
    } catch (e) {
      if (gen === this.#generation) this.problem = describeProblem(e, 'Could not open the dataset');
    }
  }

  async rename(id: string, name: string): Promise<void> {
    try {
      const meta = await this.#requireStore().rename(id, name);
      if (this.current?.meta.id === id) this.current = { ...this.current, meta };
      await this.#refreshList();
    } catch (e) {
      this.problem = describeProblem(e, 'Could not rename the dataset');
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await this.#requireStore().delete(id);
      if (this.current?.meta.id === id) this.current = null;
      await this.#refreshList();
      void this.#refreshStorage(false);
    } catch (e) {
      this.problem = describeProblem(e, 'Could not delete the dataset');
    }
  }

  dismissProblem(): void {
    this.problem = null;
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#client.dispose();
  }

  async #ingest(file: Blob, name: string, synthetic: boolean): Promise<void> {
    const gen = ++this.#generation;
    const load = ++this.#loads;
    this.#loadingName = name;
    this.notice = null;
    try {
      const store = await this.#openedStore();
      // Stored by the worker: writing the columns to IndexedDB here would block the page.
      const { dataset, hash, stored } = await this.#client.parse(file, { name, synthetic });
      if (load !== this.#loads) return; // superseded by a newer file
      const res = stored ?? (await store.put(dataset, file, name, { id: hash, synthetic }));
      await this.#refreshList();
      void this.#refreshStorage(false);
      if (gen !== this.#generation) return; // another dataset was opened meanwhile: keep it open
      // A reused version keeps its stored name; its columns equal the freshly parsed ones.
      this.current = { meta: res.meta, table: dataset.table };
      this.problem = null;
      if (res.reused) this.notice = `This file was already stored as “${res.meta.name}”; that version was opened.`;
      await store.setLastOpened(res.id);
    } catch (e) {
      if (load !== this.#loads) return;
      if (isCancelled(e)) this.notice = `Loading “${name}” was cancelled.`;
      else this.problem = describeProblem(e, `Could not load “${name}”`);
    } finally {
      if (load === this.#loads) this.#loadingName = null;
    }
  }

  async #refreshList(): Promise<void> {
    this.datasets = await this.#requireStore().list();
  }

  async #refreshStorage(askPersistence: boolean): Promise<void> {
    try {
      const persisted = askPersistence ? await requestPersistence() : this.storage.persisted;
      this.storage = { ...(await storageEstimate()), persisted };
    } catch (e) {
      // Storage estimates are informative only; show why they are missing.
      this.problem = describeProblem(e, 'Could not read storage usage');
    }
  }

  #requireStore(): DatasetStore {
    if (!this.#store) throw new Error('The browser storage could not be opened.');
    return this.#store;
  }

  /** The store, once init() has opened it. */
  async #openedStore(): Promise<DatasetStore> {
    await this.#storeOpened;
    return this.#requireStore();
  }
}
