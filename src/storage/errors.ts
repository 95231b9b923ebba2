import { LoupeError } from '../core/errors';

/** The browser refused to store data: the site's quota is full or storage is unavailable. */
export class StorageError extends LoupeError {
  override name = 'StorageError';
}

export function isQuotaError(e: unknown): boolean {
  if (!(e instanceof Error) && !(typeof e === 'object' && e !== null && 'name' in e)) return false;
  const name = (e as { name?: unknown }).name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

/** Turns IndexedDB failures a person can meet into a StorageError with plain words. */
export function toStorageError(e: unknown, action: string): unknown {
  if (e instanceof LoupeError) return e;
  if (isQuotaError(e)) {
    return new StorageError(
      'quota-exceeded',
      `Could not ${action}: this browser's storage for Loupe is full. Delete datasets you no longer need (Data page, stored datasets) and try again.`,
      {},
      { cause: e },
    );
  }
  return e;
}
