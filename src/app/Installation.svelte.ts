/**
 * Loupe as an installed app: its service worker (src/sw/sw.ts), offline readiness, "update
 * available", and cross-origin isolation (threads for tfjs) on hosts that send no COOP/COEP.
 *
 * Isolation takes one reload: the service worker adds the headers to what it serves, so the page
 * is isolated from the first load it serves. When it first takes control of a page that is not
 * isolated, that page reloads itself — at most once per tab session (a flag in sessionStorage),
 * and only if the person has not started working yet; otherwise it offers the reload instead.
 */
import type { RegisterSWOptions } from 'vite-plugin-pwa/types';

export type RegisterServiceWorker = (options: RegisterSWOptions) => (reloadPage?: boolean) => Promise<void>;

export type WorkerStatus = 'unsupported' | 'registering' | 'active' | 'failed';

/** sessionStorage key: this tab already reloaded once for isolation. */
export const ISOLATION_RELOAD_KEY = 'loupe:isolation-reload';

/** What the class needs from the browser, so that tests can stand in for it. */
export interface InstallationEnv {
  register: RegisterServiceWorker;
  serviceWorker?: ServiceWorkerContainer;
  isolated: () => boolean;
  session?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  reload: () => void;
  /** Calls back on the person's first click or key press. */
  onFirstInput: (cb: () => void) => void;
}

function browserEnv(register: RegisterServiceWorker): InstallationEnv {
  let session: Storage | undefined;
  try {
    session = sessionStorage;
  } catch {
    // Storage can be disabled; without it the page never reloads for isolation.
  }
  return {
    register,
    serviceWorker: 'serviceWorker' in navigator ? navigator.serviceWorker : undefined,
    isolated: () => globalThis.crossOriginIsolated === true,
    session,
    reload: () => location.reload(),
    onFirstInput: (cb) => {
      const once = (): void => {
        removeEventListener('pointerdown', once, true);
        removeEventListener('keydown', once, true);
        cb();
      };
      addEventListener('pointerdown', once, true);
      addEventListener('keydown', once, true);
    },
  };
}

export class Installation {
  /** The service worker: registering, active (controls this page), failed or unsupported. */
  worker = $state<WorkerStatus>('registering');
  /** Why registration failed, in plain words. */
  workerProblem = $state<string | null>(null);
  /** A new deployment is installed and waits for the person's go-ahead. */
  updateReady = $state(false);
  /** The service worker has all of the app's files: Loupe works offline from now on. */
  offlineReady = $state(false);
  /** The service worker now controls the page, but a reload is needed for threads (offered, not forced). */
  reloadForThreads = $state(false);
  /** Whether this page is cross-origin isolated (tfjs can use threads). */
  readonly isolated: boolean;
  /** This deployment's id (index.html's loupe-build meta: version + content hash). */
  readonly build: string;
  /** The registration, once known (to unregister it when deleting everything). */
  registration: ServiceWorkerRegistration | null = null;

  readonly #env: InstallationEnv;
  #update: ((reloadPage?: boolean) => Promise<void>) | null = null;
  #busy = false;

  constructor(register: RegisterServiceWorker, env?: InstallationEnv) {
    this.#env = env ?? browserEnv(register);
    this.isolated = this.#env.isolated();
    this.build = typeof document !== 'undefined' ? (document.querySelector('meta[name="loupe-build"]')?.getAttribute('content') ?? 'dev') : 'dev';
  }

  /** Registers the service worker and starts watching for control and updates. */
  start(): void {
    const sw = this.#env.serviceWorker;
    if (!sw) {
      this.worker = 'unsupported';
      return;
    }
    if (this.isolated) this.#env.session?.removeItem(ISOLATION_RELOAD_KEY);
    this.#env.onFirstInput(() => (this.#busy = true));
    if (sw.controller) this.#controlled();
    sw.addEventListener('controllerchange', () => this.#controlled());
    this.#update = this.#env.register({
      immediate: true,
      onNeedRefresh: () => (this.updateReady = true),
      onOfflineReady: () => (this.offlineReady = true),
      onRegisteredSW: (_url, registration) => {
        this.registration = registration ?? null;
        // A tab left open for days still hears of new deployments.
        if (registration) setInterval(() => void registration.update().catch(() => undefined), 60 * 60 * 1000);
      },
      onRegisterError: (e: unknown) => {
        // A page an installed worker already serves stays served: register() failed on its
        // update check (host unreachable, or the file gone from it), not offline use.
        if (sw.controller) {
          void sw.getRegistration?.().then((r) => (this.registration ??= r ?? null), () => undefined);
          return;
        }
        this.worker = 'failed';
        this.workerProblem = e instanceof Error ? e.message : String(e);
      },
    });
  }

  #controlled(): void {
    this.worker = 'active';
    this.offlineReady = true;
    if (this.isolated) return;
    const session = this.#env.session;
    if (!session || session.getItem(ISOLATION_RELOAD_KEY)) return;
    if (this.#busy) {
      this.reloadForThreads = true;
      return;
    }
    session.setItem(ISOLATION_RELOAD_KEY, String(Date.now()));
    this.#env.reload();
  }

  /** Reloads for threads when the person asks (the banner's button). */
  reloadNow(): void {
    this.#env.session?.setItem(ISOLATION_RELOAD_KEY, String(Date.now()));
    this.#env.reload();
  }

  /** Activates the waiting deployment; the page reloads into it. Stored data is kept (schema migrations). */
  async applyUpdate(): Promise<void> {
    this.updateReady = false;
    await this.#update?.(true);
  }

  dismissUpdate(): void {
    this.updateReady = false;
  }
}
