/**
 * The tab session: a random id stamped on every run this tab starts, and a Web Lock named after
 * it, held for the tab's lifetime. When the tab dies the browser releases the lock, so another
 * tab can tell a run that is still training from one whose tab is gone (RunStore.markInterrupted).
 * Without Web Locks the session still has an id; liveness then falls back to heartbeat age.
 */

/** The part of navigator.locks (LockManager) that sessions use. */
export interface LocksLike {
  request(name: string, callback: (lock: unknown) => Promise<unknown>): Promise<unknown>;
  query(): Promise<{ held?: { name?: string }[] }>;
}

export interface TabSession {
  readonly id: string;
  /** The lock manager holding this session's lock; undefined where Web Locks are unavailable. */
  readonly locks?: LocksLike;
  /** Lets the lock go (tests, or a tab shutting tracking down). Idempotent. */
  release(): void;
}

export const SESSION_LOCK_PREFIX = 'loupe-session:';

export function sessionLockName(sessionId: string): string {
  return SESSION_LOCK_PREFIX + sessionId;
}

/** navigator.locks, when the environment has it. */
export function browserLocks(): LocksLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: LocksLike } }).navigator;
  return nav?.locks && typeof nav.locks.request === 'function' && typeof nav.locks.query === 'function' ? nav.locks : undefined;
}

/**
 * Starts this tab's session and resolves once its lock is held, so runs started afterwards are
 * never mistaken for orphans. `locks: null` forces the no-locks fallback.
 */
export async function startTabSession(options: { locks?: LocksLike | null; id?: string } = {}): Promise<TabSession> {
  const id = options.id ?? crypto.randomUUID();
  const locks = options.locks === null ? undefined : (options.locks ?? browserLocks());
  if (!locks) return { id, release: () => {} };
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await new Promise<void>((granted, refused) => {
    locks
      .request(sessionLockName(id), () => {
        granted();
        return held;
      })
      .catch(refused);
  });
  return { id, locks, release };
}
