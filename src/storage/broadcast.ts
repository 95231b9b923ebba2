/**
 * Cross-tab change notices: after a write commits, the store posts `{type, ids}` on the
 * 'loupe-db' BroadcastChannel so other tabs (and other views in this tab) refresh. Where
 * BroadcastChannel does not exist, posting and listening do nothing.
 */

export const CHANNEL_NAME = 'loupe-db';

export type StorageChangeType = 'runs-changed' | 'registry-changed' | 'datasets-changed' | 'monitor-changed';

export interface StorageChange {
  type: StorageChangeType;
  /** Run ids, registered model names, dataset ids, or the model keys of monitored batches that changed. */
  ids: string[];
}

interface ChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

type ChannelConstructor = new (name: string) => ChannelLike;

function channelClass(): ChannelConstructor | undefined {
  const C = (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel;
  return typeof C === 'function' ? (C as ChannelConstructor) : undefined;
}

function isStorageChange(d: unknown): d is StorageChange {
  if (typeof d !== 'object' || d === null) return false;
  const { type, ids } = d as { type?: unknown; ids?: unknown };
  return (
    (type === 'runs-changed' || type === 'registry-changed' || type === 'datasets-changed' || type === 'monitor-changed') &&
    Array.isArray(ids) &&
    ids.every((x) => typeof x === 'string')
  );
}

/** Tells every listener (other tabs and this one) that stored data changed. Call after the commit. */
export function postStorageChange(change: StorageChange): void {
  const C = channelClass();
  if (!C) return;
  // A channel per notice: nothing stays open (and nothing keeps a Node test process alive).
  const ch = new C(CHANNEL_NAME);
  try {
    ch.postMessage({ type: change.type, ids: [...change.ids] });
  } finally {
    ch.close();
  }
}

/** Calls `cb` for every change notice; returns the function that stops listening. */
export function onStorageChange(cb: (change: StorageChange) => void): () => void {
  const C = channelClass();
  if (!C) return () => {};
  const ch = new C(CHANNEL_NAME);
  ch.onmessage = (ev) => {
    if (isStorageChange(ev.data)) cb(ev.data);
  };
  let open = true;
  return () => {
    if (!open) return;
    open = false;
    ch.onmessage = null;
    ch.close();
  };
}
