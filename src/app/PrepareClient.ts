/**
 * Owns the Prepare worker (workers/prepare.worker.ts): one dataset at a time, requests in slots,
 * only the newest request of a slot answered (see DatasetWorker).
 */
import type { Table } from '../core/data/types';
import type { DerivedFeature, Recipe } from '../core/recipe';
import type { CleaningCounts, DerivedPreview, PrepareApi, PrepareSlot } from '../../workers/protocol';
import { DatasetWorker, type Stale } from './dataset-worker';
import type { WorkerEndpoint } from './owned-worker';

export { STALE, type Stale } from './dataset-worker';

export class PrepareClient {
  readonly #worker: DatasetWorker<PrepareApi, PrepareSlot>;

  /** @param spawn starts the worker (tests pass an in-process one) */
  constructor(spawn: () => WorkerEndpoint = () => new Worker(new URL('../../workers/prepare.worker.ts', import.meta.url), { type: 'module', name: 'prepare' })) {
    this.#worker = new DatasetWorker<PrepareApi, PrepareSlot>(spawn, ['cleaning', 'derived'], 'Prepare');
  }

  /** The dataset the worker holds (or is being sent). */
  get dataset(): string | null {
    return this.#worker.dataset;
  }

  /** Sends the table to the worker unless it already holds it (one column per page task). */
  load(id: string, table: Table): void {
    this.#worker.load(id, table, (api) => api.open(id, table.rowCount));
  }

  cleaning(recipe: Recipe): Promise<CleaningCounts | Stale> {
    return this.#worker.request('cleaning', (api, req) => api.cleaning(req, recipe));
  }

  derived(features: DerivedFeature[], head: number): Promise<DerivedPreview[] | Stale> {
    return this.#worker.request('derived', (api, req) => api.derived(req, features, head));
  }

  dispose(): void {
    this.#worker.dispose();
  }
}
