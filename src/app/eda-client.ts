/**
 * Owns the EDA worker (workers/eda.worker.ts): one dataset at a time, requests in slots, only the
 * newest request of a slot answered (see DatasetWorker).
 */
import type { Remote } from 'comlink';
import type { ColumnProfile, ColumnSchema, Table } from '../core/data/types';
import type { EdaApi, EdaRequest, EdaSlot } from '../../workers/protocol';
import { DatasetWorker, type Stale } from './dataset-worker';
import type { WorkerEndpoint } from './owned-worker';

export { STALE, type Stale } from './dataset-worker';

export class EdaClient {
  readonly #worker: DatasetWorker<EdaApi, EdaSlot>;

  /** @param spawn starts the worker (tests pass an in-process one) */
  constructor(spawn: () => WorkerEndpoint = () => new Worker(new URL('../../workers/eda.worker.ts', import.meta.url), { type: 'module', name: 'eda' })) {
    this.#worker = new DatasetWorker<EdaApi, EdaSlot>(spawn, ['findings', 'target', 'correlation', 'columns', 'relation'], 'EDA');
  }

  /** Sends the dataset to the worker unless it already holds it (one column per page task). */
  load(id: string, table: Table, schema: ColumnSchema[], profile: ColumnProfile[]): void {
    this.#worker.load(id, table, (api) => api.open(id, table.rowCount, table.columns.length, schema, profile));
  }

  /** Makes the pending request of `slot` stale (e.g. its chart is no longer shown). */
  invalidate(slot: EdaSlot): void {
    this.#worker.invalidate(slot);
  }

  /** A request of `slot`, superseding the slot's previous one; STALE when superseded. */
  request<T>(slot: EdaSlot, call: (api: Remote<EdaApi>, req: EdaRequest) => Promise<T>): Promise<T | Stale> {
    return this.#worker.request(slot, call);
  }

  dispose(): void {
    this.#worker.dispose();
  }
}
