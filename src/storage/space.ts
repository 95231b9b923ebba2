/**
 * Space accounting for runs, model versions and datasets: size estimates, the largest stored
 * items, and the quota error that names them so a person knows what to delete.
 */
import { LoupeError } from '../core/errors';
import { formatBytes } from '../core/format';
import type { LoupeDb } from './db';
import { StorageError, isQuotaError } from './errors';
import type { StoredItem } from './records';

/**
 * Rough stored size of a structured-clone value: typed arrays by their bytes, strings by
 * their length, numbers as 8 bytes. Browsers add their own overhead; this is for ranking
 * and "about N MB" messages, not accounting.
 */
export function estimateBytes(value: unknown): number {
  const seen = new Set<object>();
  const walk = (v: unknown): number => {
    if (v === null || v === undefined) return 1;
    switch (typeof v) {
      case 'number':
        return 8;
      case 'boolean':
        return 1;
      case 'string':
        return v.length + 4;
      case 'object': {
        if (seen.has(v)) return 0;
        seen.add(v);
        if (ArrayBuffer.isView(v)) return v.byteLength + 16;
        if (v instanceof ArrayBuffer) return v.byteLength + 16;
        if (typeof Blob !== 'undefined' && v instanceof Blob) return v.size + 16;
        if (Array.isArray(v)) {
          let s = 8;
          for (const x of v) s += walk(x);
          return s;
        }
        let s = 8;
        for (const [k, x] of Object.entries(v)) s += k.length + walk(x);
        return s;
      }
      default:
        return 0;
    }
  };
  return walk(value);
}

/**
 * The largest stored items (runs with their models, model versions with their bundles,
 * datasets with file and columns), largest first. Reads everything's metadata once.
 */
export async function largestItems(db: LoupeDb, limit = 10): Promise<StoredItem[]> {
  const tx = db.transaction(['runs', 'model-versions', 'datasets', 'monitored-batches'], 'readonly');
  const [runs, versions, datasets, batches] = await Promise.all([
    tx.objectStore('runs').getAll(),
    tx.objectStore('model-versions').getAll(),
    tx.objectStore('datasets').getAll(),
    tx.objectStore('monitored-batches').getAll(),
  ]);
  await tx.done;
  const items: StoredItem[] = [];
  for (const r of runs)
    items.push({ kind: 'run', id: r.id, label: `run "${r.name}" (${r.experiment})`, bytes: estimateBytes(r) + (r.modelBytes ?? 0) });
  for (const v of versions)
    items.push({ kind: 'model-version', id: `${v.name}@${v.version}`, label: `model "${v.name}" version ${v.version}`, bytes: v.bytes + estimateBytes(v) });
  for (const d of datasets)
    // The raw file plus its columns (8 bytes a cell at most).
    items.push({ kind: 'dataset', id: d.id, label: `dataset "${d.name}"`, bytes: d.bytes + d.rowCount * d.columnCount * 8 + estimateBytes(d) });
  for (const b of batches) items.push({ kind: 'monitored-batch', id: b.id, label: `drift report of "${b.fileName}" (${b.modelName})`, bytes: estimateBytes(b) });
  items.sort((a, b) => b.bytes - a.bytes);
  return items.slice(0, limit);
}

/**
 * Turns a failed write into what a person can act on: a quota failure becomes a StorageError
 * naming the largest stored items; a LoupeError passes through; anything else is rethrown as is.
 */
export async function explainWriteFailure(db: LoupeDb, e: unknown, action: string): Promise<unknown> {
  if (e instanceof LoupeError) return e;
  if (!isQuotaError(e)) return e;
  let biggest: StoredItem[] = [];
  try {
    biggest = await largestItems(db, 3);
  } catch {
    // Listing is only a hint; the quota error below is reported either way.
  }
  const hint = biggest.length
    ? ` The largest stored items are: ${biggest.map((i) => `${i.label}, about ${formatBytes(i.bytes)}`).join('; ')}.`
    : '';
  return new StorageError(
    'quota-exceeded',
    `Could not ${action}: this browser's storage for Loupe is full. Delete runs, model versions or datasets you no longer need, largest first, and try again.${hint}`,
    {},
    { cause: e },
  );
}
