/**
 * Mounting a large piece of a page in one go is one long main-thread task (Svelte builds the DOM
 * synchronously, and the browser lays it out right after). `Reveal` is a count that starts at
 * `step` and grows by `step` per task (a macrotask apart, so the page paints and handles input in
 * between) until it reaches `total()`: a page shows its sections, or a list its items, a slice at
 * a time. Create it while a component initialises (it owns an effect).
 */
export class Reveal {
  /** How many sections or items to show now. */
  count = $state(0);

  constructor(total: () => number, step = 1) {
    this.count = step;
    $effect(() => {
      if (this.count >= total()) return;
      const timer = setTimeout(() => (this.count += step), 0);
      return () => clearTimeout(timer);
    });
  }
}
