/**
 * The install logic's promises, with a stand-in browser: the page reloads at most once to become
 * cross-origin isolated, never while the person is working (a banner offers it instead), never
 * once isolated; "update available" follows the service worker's waiting state and accepting it
 * asks the worker to take over.
 */
import { describe, expect, it } from 'vitest';
import { Installation, ISOLATION_RELOAD_KEY, type InstallationEnv } from '../../src/app/Installation.svelte';
import type { RegisterSWOptions } from 'vite-plugin-pwa/types';

class FakeContainer extends EventTarget {
  controller: object | null = null;
  readonly registration = { scope: 'https://loupe.example/' };
  getRegistration(): Promise<object> {
    return Promise.resolve(this.registration);
  }
  takeControl(): void {
    this.controller = {};
    this.dispatchEvent(new Event('controllerchange'));
  }
}

function setup(opts: { isolated?: boolean; controlled?: boolean; flag?: boolean } = {}) {
  const sw = new FakeContainer();
  if (opts.controlled) sw.controller = {};
  const store = new Map<string, string>(opts.flag ? [[ISOLATION_RELOAD_KEY, '1']] : []);
  let reloads = 0;
  let input: (() => void) | null = null;
  let options: RegisterSWOptions | null = null;
  let skipWaiting = 0;
  const env: InstallationEnv = {
    register: (o) => {
      options = o;
      return async () => void skipWaiting++;
    },
    serviceWorker: sw as unknown as ServiceWorkerContainer,
    isolated: () => opts.isolated ?? false,
    session: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v), removeItem: (k) => void store.delete(k) },
    reload: () => void reloads++,
    onFirstInput: (cb) => (input = cb),
  };
  const inst = new Installation(env.register, env);
  inst.start();
  return { inst, sw, store, reloads: () => reloads, type: () => input?.(), options: () => options!, skipWaiting: () => skipWaiting };
}

describe('Installation', () => {
  it('reloads once when the service worker first takes control of a page that is not isolated', () => {
    const t = setup();
    expect(t.inst.worker).toBe('registering');
    t.sw.takeControl();
    expect(t.reloads()).toBe(1);
    expect(t.store.has(ISOLATION_RELOAD_KEY)).toBe(true);
    expect(t.inst.worker).toBe('active');
    expect(t.inst.offlineReady).toBe(true);
  });

  it('does not reload again in the same tab session (no loop when isolation cannot be had)', () => {
    const t = setup({ controlled: true, flag: true });
    t.sw.takeControl();
    expect(t.reloads()).toBe(0);
    expect(t.inst.reloadForThreads).toBe(false);
  });

  it('once the person has started working, offers the reload instead of doing it', () => {
    const t = setup();
    t.type();
    t.sw.takeControl();
    expect(t.reloads()).toBe(0);
    expect(t.inst.reloadForThreads).toBe(true);
    t.inst.reloadNow();
    expect(t.reloads()).toBe(1);
  });

  it('an isolated page never reloads, and clears the guard for later sessions', () => {
    const t = setup({ isolated: true, controlled: true, flag: true });
    t.sw.takeControl();
    expect(t.reloads()).toBe(0);
    expect(t.store.has(ISOLATION_RELOAD_KEY)).toBe(false);
  });

  it('shows "update available" when a new worker waits, and accepting it asks the worker to take over', async () => {
    const t = setup({ isolated: true, controlled: true });
    expect(t.inst.updateReady).toBe(false);
    t.options().onNeedRefresh?.();
    expect(t.inst.updateReady).toBe(true);
    await t.inst.applyUpdate();
    expect(t.skipWaiting()).toBe(1);
    expect(t.inst.updateReady).toBe(false);
  });

  it('says so when the service worker cannot be registered', () => {
    const t = setup();
    t.options().onRegisterError?.(new Error('Service workers are blocked'));
    expect(t.inst.worker).toBe('failed');
    expect(t.inst.workerProblem).toBe('Service workers are blocked');
  });

  it('a page the installed worker serves stays "active" when register() fails (offline, or the host emptied), and finds its registration', async () => {
    const t = setup({ isolated: true, controlled: true });
    expect(t.inst.worker).toBe('active');
    t.options().onRegisterError?.(new Error('A bad HTTP response code (404) was received when fetching the script.'));
    expect(t.inst.worker).toBe('active');
    expect(t.inst.workerProblem).toBeNull();
    await expect.poll(() => t.inst.registration).toBe(t.sw.registration);
  });
});
