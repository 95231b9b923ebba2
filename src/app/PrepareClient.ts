/**
 * Owns the Prepare worker (workers/prepare.worker.ts). The worker holds one dataset, sent once per
 * dataset version; only the newest request of a slot is answered: an older one resolves to STALE,
 * whatever the worker says.
 */
import { wrap, type Remote } from 'comlink';
import type { Table } from '../core/data/types';
import type { DerivedFeature, Recipe } from '../core/recipe';
import { installErrorTransfer } from '../../workers/error-transfer';
import { nextTask, transferableColumn } from './column-transfer';
import type { CleaningCounts, DerivedPreview, PrepareApi, PrepareRequest, PrepareSlot } from '../../workers/protocol';

/** What a superseded request resolves to. */
export const STALE: unique symbol = Symbol('stale');
export type Stale = typeof STALE;

export class PrepareClient {
  #worker: Worker | null = null;
  #api: Remote<PrepareApi> | null = null;
  #dataset: string | null = null;
  readonly #seq: Record<PrepareSlot, number> = { cleaning: 0, derived: 0 };
  /** Resolves once every column of the current dataset has been posted. */
  #sent: Promise<void> = Promise.resolve();

  #ensure(): Remote<PrepareApi> {
    if (!this.#api) {
      installErrorTransfer();
      this.#worker = new Worker(new URL('../../workers/prepare.worker.ts', import.meta.url), { type: 'module', name: 'prepare' });
      this.#api = wrap<PrepareApi>(this.#worker);
    }
    return this.#api;
  }

  /** The dataset the worker holds (or is being sent). */
  get dataset(): string | null {
    return this.#dataset;
  }

  /**
   * Sends the table to the worker unless it already holds it, one column per page task, each as a
   * transferred copy (a structured clone of a large column blocks the page); earlier requests'
   * answers become stale.
   */
  load(id: string, table: Table): void {
    if (this.#dataset === id) return;
    this.#seq.cleaning++;
    this.#seq.derived++;
    this.#dataset = id;
    const api = this.#ensure();
    this.#sent = (async () => {
      void api.open(id, table.rowCount);
      for (const column of table.columns) {
        if (this.#dataset !== id) return;
        await nextTask();
        if (this.#dataset !== id) return;
        void api.addColumn(id, transferableColumn(column));
      }
    })();
  }

  cleaning(recipe: Recipe): Promise<CleaningCounts | Stale> {
    return this.#request('cleaning', (api, req) => api.cleaning(req, recipe));
  }

  derived(features: DerivedFeature[], head: number): Promise<DerivedPreview[] | Stale> {
    return this.#request('derived', (api, req) => api.derived(req, features, head));
  }

  async #request<T>(slot: PrepareSlot, call: (api: Remote<PrepareApi>, req: PrepareRequest) => Promise<T>): Promise<T | Stale> {
    const dataset = this.#dataset;
    if (dataset === null) throw new Error('No dataset was sent to the Prepare worker.');
    const seq = ++this.#seq[slot];
    const current = (): boolean => this.#seq[slot] === seq && this.#dataset === dataset;
    try {
      // Messages are handled in order: a request posted after the last column finds the table whole.
      await this.#sent;
      if (!current()) return STALE;
      const answer = await call(this.#ensure(), { dataset, slot, seq });
      return current() ? answer : STALE;
    } catch (e) {
      if (!current()) return STALE;
      throw e;
    }
  }

  dispose(): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#api = null;
    this.#dataset = null;
  }
}
