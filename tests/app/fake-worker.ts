/**
 * In-process stand-ins for Loupe's workers, for the app's unit tests: an API object exposed with
 * comlink on one end of a MessageChannel, the other end handed to the client as its "worker".
 * Terminating closes both ends, so calls in flight never settle — as with a real worker.
 */
import { expose } from 'comlink';
import type { WorkerEndpoint } from '../../src/app/owned-worker';

export interface FakeWorker extends WorkerEndpoint {
  /** Which worker this is (1 for the first one a spawner started). */
  readonly n: number;
  terminated: boolean;
}

/** Starts fake workers, each exposing a fresh API from `makeApi`, and keeps them for the test to inspect. */
export class FakeWorkers<Api extends object> {
  readonly started: { worker: FakeWorker; api: Api }[] = [];
  readonly #makeApi: (n: number) => Api;

  constructor(makeApi: (n: number) => Api) {
    this.#makeApi = makeApi;
  }

  /** Pass as the client's `spawn`. */
  readonly spawn = (): FakeWorker => {
    const n = this.started.length + 1;
    const api = this.#makeApi(n);
    const { port1, port2 } = new MessageChannel();
    expose(api, port2);
    const worker = Object.assign(port1, {
      n,
      terminated: false,
      terminate(): void {
        worker.terminated = true;
        port1.close();
        port2.close();
      },
    });
    this.started.push({ worker, api });
    return worker;
  };

  /** Workers not terminated. */
  get alive(): FakeWorker[] {
    return this.started.filter((s) => !s.worker.terminated).map((s) => s.worker);
  }

  /** Closes every port (so the test process can exit). */
  closeAll(): void {
    for (const s of this.started) if (!s.worker.terminated) s.worker.terminate();
  }
}

/** A promise with its resolve and reject at hand: the fake worker answers when the test says so. */
export class Deferred<T> {
  resolve!: (value: T) => void;
  reject!: (reason: unknown) => void;
  readonly promise = new Promise<T>((ok, fail) => {
    this.resolve = ok;
    this.reject = fail;
  });
}

/** Waits for messages in flight between the two ends to be delivered and handled. */
export function settle(ms = 20): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms));
}
