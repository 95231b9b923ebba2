/**
 * A worker that holds one dataset and answers requests about it (the EDA and Prepare workers).
 * The dataset is sent once per dataset version, one column per page task as a transferred copy
 * (a structured clone of a large table blocks the page). Requests are grouped in slots and only
 * the newest request of a slot is answered: an older one resolves to STALE, whatever the worker
 * says — a superseded answer never overwrites a newer one.
 */
import type { Remote } from 'comlink';
import type { Column, Table } from '../core/data/types';
import { nextTask, transferableColumn } from './column-transfer';
import { OwnedWorker, type WorkerEndpoint } from './owned-worker';

/** What a superseded request resolves to. */
export const STALE: unique symbol = Symbol('stale');
export type Stale = typeof STALE;

/** What every request carries so the worker can skip superseded work too. */
export interface SlotRequest<Slot extends string> {
  dataset: string;
  slot: Slot;
  seq: number;
}

/** The part of the worker API this class drives; `open` is called by the owner's `start`. */
export interface DatasetWorkerApi {
  addColumn(dataset: string, column: Column): unknown;
}

export class DatasetWorker<Api extends DatasetWorkerApi, Slot extends string> {
  readonly #worker: OwnedWorker<Api>;
  #dataset: string | null = null;
  /** Settles once every column of the current dataset has been posted. */
  #sent: Promise<void> = Promise.resolve();
  readonly #seq: Record<Slot, number>;

  /**
   * @param spawn creates the Worker (written at the call site as `new Worker(new URL(...,
   *   import.meta.url))` so that Vite bundles it)
   * @param label names the worker in error messages
   */
  constructor(
    spawn: () => WorkerEndpoint,
    slots: readonly Slot[],
    private readonly label: string,
  ) {
    this.#worker = new OwnedWorker<Api>(spawn);
    this.#seq = Object.fromEntries(slots.map((s) => [s, 0])) as Record<Slot, number>;
  }

  /** The dataset the worker holds (or is being sent). */
  get dataset(): string | null {
    return this.#dataset;
  }

  /**
   * Sends the table unless the worker already holds this dataset version: `open` first (it
   * tells the worker what is coming), then one column per page task. Pending answers become stale;
   * later requests wait until every column is posted (messages are handled in order).
   */
  load(id: string, table: Table, open: (api: Remote<Api>) => unknown): void {
    if (this.#dataset === id) return;
    for (const slot of Object.keys(this.#seq) as Slot[]) this.#seq[slot]++;
    this.#dataset = id;
    const api = this.#worker.api;
    this.#sent = (async () => {
      void open(api);
      for (const column of table.columns) {
        if (this.#dataset !== id) return;
        await nextTask();
        if (this.#dataset !== id) return; // another dataset came first
        void api.addColumn(id, transferableColumn(column));
      }
    })();
  }

  /** Makes the pending request of `slot` stale (e.g. its chart is no longer shown). */
  invalidate(slot: Slot): void {
    this.#seq[slot]++;
  }

  /**
   * Sends a request of `slot`, superseding the slot's previous one. Resolves with the answer, or
   * STALE when a newer request of the slot (or another dataset) came first. Rejects with the
   * worker's error otherwise.
   */
  async request<T>(slot: Slot, call: (api: Remote<Api>, req: SlotRequest<Slot>) => Promise<T>): Promise<T | Stale> {
    const dataset = this.#dataset;
    if (dataset === null) throw new Error(`No dataset was sent to the ${this.label} worker.`);
    const seq = ++this.#seq[slot];
    const current = (): boolean => this.#seq[slot] === seq && this.#dataset === dataset;
    try {
      await this.#sent;
      if (!current()) return STALE;
      const answer = await call(this.#worker.api, { dataset, slot, seq });
      return current() ? answer : STALE;
    } catch (e) {
      if (!current()) return STALE;
      throw e;
    }
  }

  dispose(): void {
    this.#worker.terminate();
    this.#dataset = null;
  }
}
