import { CancelledError } from './errors';

/** Throws CancelledError when the signal has fired. Call it between units of work. */
export function throwIfAborted(signal: AbortSignalLike | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

/**
 * Lets the event loop run (so an abort message or a progress read can arrive), then checks the
 * signal. Long fits call this every few tens of milliseconds of work: cancellation within a
 * second depends on it. A macrotask (setTimeout 0), not a microtask, so timers and messages run.
 */
export async function checkpoint(signal: AbortSignalLike | undefined): Promise<void> {
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
  throwIfAborted(signal);
}

/**
 * Calls `checkpoint` only when at least `intervalMs` passed since the last one. Without a signal
 * there is nothing to wait for: no yield (a timer yield costs a millisecond or more, ~2 % of a
 * default gradient-boosted fit on gemstone).
 */
export class Checkpointer {
  private last = performance.now();
  constructor(
    private readonly signal: AbortSignalLike | undefined,
    private readonly intervalMs = 50,
  ) {}
  async maybe(): Promise<void> {
    if (!this.signal) return;
    const now = performance.now();
    if (now - this.last < this.intervalMs) {
      throwIfAborted(this.signal);
      return;
    }
    await checkpoint(this.signal);
    this.last = performance.now();
  }
}

/**
 * An AbortSignalLike that core code fires itself (a deadline, a search stopping its trials);
 * core compiles without the DOM lib, so AbortController is not assumed.
 */
export class StopSwitch implements AbortSignalLike {
  #aborted = false;
  #listeners = new Set<() => void>();
  get aborted(): boolean {
    return this.#aborted;
  }
  addEventListener(_type: 'abort', listener: () => void): void {
    this.#listeners.add(listener);
  }
  removeEventListener(_type: 'abort', listener: () => void): void {
    this.#listeners.delete(listener);
  }
  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    for (const l of [...this.#listeners]) l();
    this.#listeners.clear();
  }
}
