/**
 * Retraining policies, one per registered model: what trips "retraining recommended" (dataset
 * drift of a monitored batch, the metric degrading past a threshold, or nothing: manual) and how
 * the one-click retrain draws its rows. A model without a stored policy is manual.
 */
import { postStorageChange } from './broadcast';
import type { LoupeDb } from './db';
import { StorageError } from './errors';
import type { RetrainPolicy } from './records';
import { writeTransaction } from './transact';

export const MANUAL_POLICY: Omit<RetrainPolicy, 'name' | 'updatedAt'> = { trigger: 'manual', mode: 'all' };

/** Checks a policy's fields; a StorageError names the bad one. */
export function checkPolicy(p: Omit<RetrainPolicy, 'updatedAt'>): void {
  if (!['drift', 'degradation', 'manual'].includes(p.trigger)) throw new StorageError('invalid-policy', `Unknown trigger "${p.trigger}".`, { field: 'trigger' });
  if (p.trigger === 'degradation' && !(typeof p.threshold === 'number' && p.threshold > 0 && Number.isFinite(p.threshold)))
    throw new StorageError('invalid-policy', 'A degradation trigger needs a threshold above 0 (0.1 = RMSE 10 % above the test RMSE).', { field: 'threshold' });
  if (!['all', 'new', 'window'].includes(p.mode)) throw new StorageError('invalid-policy', `Unknown retraining mode "${p.mode}".`, { field: 'mode' });
  if (p.mode === 'window' && !(Number.isInteger(p.window) && p.window! >= 2))
    throw new StorageError('invalid-policy', 'A window must be a whole number of rows, at least 2.', { field: 'window' });
}

export class PolicyStore {
  readonly #db: LoupeDb;
  readonly #now: () => number;

  constructor(db: LoupeDb, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
  }

  /** The model's policy; manual when none is stored. */
  async get(name: string): Promise<RetrainPolicy> {
    return (await this.#db.get('retrain-policies', name)) ?? { name, ...MANUAL_POLICY, updatedAt: 0 };
  }

  async set(policy: Omit<RetrainPolicy, 'updatedAt'>): Promise<RetrainPolicy> {
    checkPolicy(policy);
    const rec: RetrainPolicy = {
      name: policy.name,
      trigger: policy.trigger,
      ...(policy.trigger === 'degradation' ? { threshold: policy.threshold } : {}),
      mode: policy.mode,
      ...(policy.mode === 'window' ? { window: policy.window } : {}),
      updatedAt: this.#now(),
    };
    await writeTransaction(this.#db, ['retrain-policies'], `save the retraining policy of "${policy.name}"`, async (tx) => {
      await tx.objectStore('retrain-policies').put(rec);
    });
    postStorageChange({ type: 'registry-changed', ids: [policy.name] });
    return rec;
  }
}
