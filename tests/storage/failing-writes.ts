/**
 * IndexedDB writes that fail, for tests of what a failed write leaves behind: the native
 * IDBObjectStore put and add (idb wraps them) are patched while `fn` runs.
 */

/**
 * Runs `fn` with every put and add throwing what `fail` returns for its store name and value
 * (undefined: the write goes through).
 */
export async function withFailingWrites<T>(fail: (store: string, value: unknown) => Error | undefined, fn: () => Promise<T>): Promise<T> {
  const native = globalThis.IDBObjectStore.prototype;
  const original = { put: native.put, add: native.add };
  const failing = (m: 'put' | 'add') =>
    function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      const e = fail(this.name, args[0]);
      if (e) throw e;
      return original[m].apply(this, args);
    };
  native.put = failing('put');
  native.add = failing('add');
  try {
    return await fn();
  } finally {
    native.put = original.put;
    native.add = original.add;
  }
}

/** What the browser throws when the disk quota is reached. */
export function quotaExceeded(): DOMException {
  return new DOMException('The quota has been exceeded.', 'QuotaExceededError');
}
