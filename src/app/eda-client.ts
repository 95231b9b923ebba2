/**
 * Owns the EDA worker (workers/eda.worker.ts). The worker holds one dataset, sent once per
 * dataset version; requests are grouped in slots, and only the newest request of a slot is
 * answered: an older one resolves to STALE, whatever the worker says.
 */
import { wrap, type Remote } from 'comlink';
import type { ColumnProfile, ColumnSchema, Table } from '../core/data/types';
import { installErrorTransfer } from '../../workers/error-transfer';
import { transferableColumn } from './column-transfer';
import type { EdaApi, EdaRequest, EdaSlot } from '../../workers/protocol';

/** What a superseded request resolves to. */
export const STALE: unique symbol = Symbol('stale');
export type Stale = typeof STALE;

export class EdaClient {
  #worker: Worker | null = null;
  #api: Remote<EdaApi> | null = null;
  #dataset: string | null = null;
  /** Settles when the loaded dataset's columns have all been posted. */
  #sent: Promise<void> = Promise.resolve();
  readonly #seq: Record<EdaSlot, number> = { findings: 0, target: 0, correlation: 0, columns: 0, relation: 0 };

  #ensure(): Remote<EdaApi> {
    if (!this.#api) {
      installErrorTransfer();
      this.#worker = new Worker(new URL('../../workers/eda.worker.ts', import.meta.url), { type: 'module', name: 'eda' });
      this.#api = wrap<EdaApi>(this.#worker);
    }
    return this.#api;
  }

  /**
   * Sends the dataset to the worker unless it already holds it: one column per page task, so
   * that copying a large table never blocks the page for long. Answers to earlier requests
   * become stale; later requests wait until the columns are sent.
   */
  load(id: string, table: Table, schema: ColumnSchema[], profile: ColumnProfile[]): void {
    if (this.#dataset === id) return;
    for (const slot of Object.keys(this.#seq) as EdaSlot[]) this.#seq[slot]++;
    this.#dataset = id;
    const api = this.#ensure();
    this.#sent = (async () => {
      void api.open(id, table.rowCount, table.columns.length, schema, profile);
      for (const column of table.columns) {
        await nextTask();
        if (this.#dataset !== id) return; // another dataset came first
        void api.addColumn(id, transferableColumn(column)); // a transferred copy (a structured clone blocks longer)
      }
    })();
  }

  /** Makes the pending request of `slot` stale (e.g. its chart is no longer shown). */
  invalidate(slot: EdaSlot): void {
    this.#seq[slot]++;
  }

  /**
   * Sends a request of `slot`, superseding the slot's previous one. Resolves with the answer, or
   * STALE when a newer request of the slot (or another dataset) came first. Rejects with the
   * worker's error otherwise.
   */
  async request<T>(slot: EdaSlot, call: (api: Remote<EdaApi>, req: EdaRequest) => Promise<T>): Promise<T | Stale> {
    const dataset = this.#dataset;
    if (dataset === null) throw new Error('No dataset was sent to the EDA worker.');
    const seq = ++this.#seq[slot];
    const current = (): boolean => this.#seq[slot] === seq && this.#dataset === dataset;
    await this.#sent;
    if (!current()) return STALE;
    try {
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


/** Resolves in a later task, so that the page can paint and handle input in between. */
function nextTask(): Promise<void> {
  return new Promise((ok) => setTimeout(ok, 0));
}
