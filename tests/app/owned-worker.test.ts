import { afterEach, describe, expect, it } from 'vitest';
import { OwnedWorker } from '../../src/app/owned-worker';
import { Deferred, FakeWorkers } from './fake-worker';

interface Api {
  work(): Promise<string>;
  cancel(): void;
  calls(): number;
}

/** A worker whose `work` answers when the test resolves it, and whose `cancel` answers it (or not). */
function api(honoursCancel: boolean) {
  return () => {
    let calls = 0;
    let pending: Deferred<string> | null = null;
    return {
      work() {
        calls++;
        pending = new Deferred<string>();
        return pending.promise;
      },
      cancel() {
        if (honoursCancel) pending?.resolve('cancelled');
      },
      calls: () => calls,
    };
  };
}

let workers: FakeWorkers<ReturnType<ReturnType<typeof api>>>;

afterEach(() => workers?.closeAll());

describe('OwnedWorker', () => {
  it('starts its worker on first use, once, and tells the owner', async () => {
    workers = new FakeWorkers(api(true));
    let starts = 0;
    const owned = new OwnedWorker<Api>(workers.spawn, () => starts++);
    expect(workers.started).toHaveLength(0);
    expect(owned.running).toBe(false);
    void owned.api.work();
    void owned.api.work();
    expect(await owned.api.calls()).toBe(2);
    expect(workers.started).toHaveLength(1);
    expect(starts).toBe(1);
    expect(owned.running).toBe(true);
  });

  it('stop: a worker that answers the cancel within the grace period is kept', async () => {
    workers = new FakeWorkers(api(true));
    const owned = new OwnedWorker<Api>(workers.spawn);
    const answer = owned.api.work();
    expect(await owned.stop(answer, (w) => w.cancel(), 2000)).toBe(false);
    expect(await answer).toBe('cancelled');
    expect(workers.alive).toHaveLength(1);
    expect(await owned.api.calls()).toBe(1);
  });

  it('stop: a worker that does not answer is terminated after the grace period and replaced on next use', async () => {
    workers = new FakeWorkers(api(false));
    let starts = 0;
    const owned = new OwnedWorker<Api>(workers.spawn, () => starts++);
    const answer = owned.api.work();
    let settled = false;
    answer.then(() => (settled = true), () => (settled = true));
    expect(await owned.stop(answer, (w) => w.cancel(), 30)).toBe(true);
    expect(workers.started[0].worker.terminated).toBe(true);
    expect(owned.running).toBe(false);
    expect(settled).toBe(false);
    // The next call starts a fresh worker, which knows nothing of the old one's calls.
    expect(await owned.api.calls()).toBe(0);
    expect(workers.started).toHaveLength(2);
    expect(starts).toBe(2);
  });

  it('stop never terminates a worker started after it was asked', async () => {
    workers = new FakeWorkers(api(false));
    const owned = new OwnedWorker<Api>(workers.spawn);
    const answer = owned.api.work();
    const stopping = owned.stop(answer, (w) => w.cancel(), 30);
    owned.terminate();
    void owned.api.work(); // a second worker, busy
    expect(await stopping).toBe(false);
    expect(workers.started.map((s) => s.worker.terminated)).toEqual([true, false]);
  });
});
