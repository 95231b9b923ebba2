/**
 * One connection, one tab session and one RunStore / RegistryStore per page, shared by the Train
 * screen's RunRecorder, the Runs screen and the Models screen. The tab session holds a Web Lock
 * for as long as the tab lives, so another tab's `markInterrupted` never mistakes this tab's
 * running runs for orphans. When another tab upgrades the schema, this connection closes and the
 * version-change listeners are told (the page should ask the person to reload).
 */
import { openLoupeDb, RegistryStore, RunStore, startTabSession, type LoupeDb, type TabSession } from '../storage';

let db: Promise<LoupeDb> | null = null;
let session: Promise<TabSession> | null = null;
let runs: Promise<RunStore> | null = null;
let registry: Promise<RegistryStore> | null = null;
let versionChanged = false;
const listeners = new Set<() => void>();

export function trackingDb(): Promise<LoupeDb> {
  db ??= openLoupeDb({
    onVersionChange: () => {
      versionChanged = true;
      for (const fn of listeners) fn();
    },
  });
  return db;
}

/** This tab's session (its lock is held once this resolves). */
export function tabSession(): Promise<TabSession> {
  session ??= startTabSession();
  return session;
}

export function sharedRunStore(): Promise<RunStore> {
  runs ??= (async () => new RunStore(await trackingDb(), { session: await tabSession() }))();
  return runs;
}

export function sharedRegistryStore(): Promise<RegistryStore> {
  registry ??= (async () => new RegistryStore(await trackingDb()))();
  return registry;
}

/** Calls `fn` when another tab upgrades the database (this tab must reload). Returns an unsubscribe. */
export function onVersionChange(fn: () => void): () => void {
  if (versionChanged) fn();
  listeners.add(fn);
  return () => listeners.delete(fn);
}
