/**
 * One Web Worker owned by one client: started on first use and wrapped with comlink, stopped
 * politely (the worker is asked to cancel; if the work has not answered within a grace period the
 * worker is terminated) and started afresh on the next use. The ingest, prediction, EDA and
 * Prepare clients and each slot of the training pool own their worker through this class.
 */
import { wrap, type Endpoint, type Remote } from 'comlink';
import { installErrorTransfer } from '../../workers/error-transfer';

/** What a worker must offer: a comlink endpoint that can be terminated (a Worker; in tests, a port pair). */
export type WorkerEndpoint = Endpoint & { terminate(): void };

export class OwnedWorker<Api> {
  readonly #spawn: () => WorkerEndpoint;
  readonly #onStart: ((api: Remote<Api>) => void) | undefined;
  #worker: WorkerEndpoint | null = null;
  #api: Remote<Api> | null = null;

  /**
   * @param spawn creates the worker (written at the call site as `new Worker(new URL(…,
   *   import.meta.url))` so that Vite bundles it)
   * @param onStart called with each new worker's API before anything else is sent to it (the
   *   owner forgets what it had sent to the previous worker, or sets the new one up)
   */
  constructor(spawn: () => WorkerEndpoint, onStart?: (api: Remote<Api>) => void) {
    this.#spawn = spawn;
    this.#onStart = onStart;
  }

  /** The worker's API, starting the worker if none is running. */
  get api(): Remote<Api> {
    if (!this.#api) {
      installErrorTransfer();
      this.#worker = this.#spawn();
      this.#api = wrap<Api>(this.#worker);
      this.#onStart?.(this.#api);
    }
    return this.#api;
  }

  /** A worker is running (started and not terminated since). */
  get running(): boolean {
    return this.#worker !== null;
  }

  /** Terminates the worker now; calls still waiting for it never settle. The next `api` starts a new one. */
  terminate(): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#api = null;
  }

  /**
   * Asks the worker to stop the work `answer` waits for (`cancel` calls the API's cancel) and
   * terminates the worker if `answer` has not settled within `graceMs`. A worker started since
   * (after a terminate) is left alone. Resolves true when the worker had to be terminated.
   */
  async stop(answer: Promise<unknown>, cancel: (api: Remote<Api>) => unknown, graceMs: number): Promise<boolean> {
    const worker = this.#worker;
    const api = this.#api;
    if (!worker || !api) return false;
    // A worker that no longer listens may reject the cancel call itself; the grace period decides.
    Promise.resolve(cancel(api)).catch(() => {});
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answered = await Promise.race([
      answer.then(
        () => true,
        () => true,
      ),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    if (answered || this.#worker !== worker) return false;
    this.terminate();
    return true;
  }
}
