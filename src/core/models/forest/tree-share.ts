/**
 * How one forest fit trains its trees in several places at once (the app's worker pool).
 *
 * Tree t depends only on (X, y, params, t) (see trainer.ts), so trees can be grown anywhere and
 * assembled in index order into exactly the forest a single `fit` builds. The fitting side asks
 * `share(X, y, params)` for a TreeShare; the host behind it hands out tree indices one at a time,
 * to this fit and to helpers it starts with the same X, y and params (trainer.ts's
 * `trainSharedTrees`). This file holds no model code: the page hosts shares. Once
 * this fit has taken its last index, `collect` returns the helpers' trees and any index a helper
 * took but never returned (it failed or was stopped): this fit grows those itself, so a helper
 * lost midway costs time, never a tree.
 */
import type { FlatTree } from '../tree/flat-tree';
import type { Matrix } from '../types';
import type { ForestParams } from './params';

/** Trees grown elsewhere, each with its index in the forest. */
export type SharedTrees = { index: number; tree: FlatTree }[];

export interface TreeShare {
  /** The next tree index to grow here, or −1 when every index has been handed out (or the fit was stopped). */
  take(): Promise<number>;
  /** The trees grown elsewhere, and the indices handed out elsewhere whose trees never came back. */
  collect(): Promise<{ trees: { index: number; tree: FlatTree }[]; missing: number[] }>;
}

/** Offers a fit's trees to helpers; null when there are none to share with. */
export type TreeSharing = (X: Matrix, y: Float64Array, params: Readonly<ForestParams>) => Promise<TreeShare | null>;

/**
 * The host side of a share: hands out tree indices in order to the fitting side and to helpers
 * (each `join`s first), keeps what helpers `deliver`, and on `collect` waits for every helper
 * that joined to deliver or `fail`; indices a failed helper took become `missing`. After
 * `collect` or `stop`, `take` gives −1 and late joiners get nothing to do.
 */
export class TreeShareHost implements TreeShare {
  readonly total: number;
  #next = 0;
  #closed = false;
  #helpers = new Map<number, { taken: number[] }>();
  #nextHelper = 1;
  #trees: { index: number; tree: FlatTree }[] = [];
  #missing: number[] = [];
  #settled: (() => void) | null = null;

  constructor(total: number) {
    this.total = total;
  }

  /** Whether indices are still being handed out. */
  get open(): boolean {
    return !this.#closed && this.#next < this.total;
  }

  /** A helper starts; its id goes with its takes. */
  join(): number {
    const id = this.#nextHelper++;
    this.#helpers.set(id, { taken: [] });
    return id;
  }

  /** The next index for the fitting side (no helper) or helper `helper`; −1 when none is left. */
  take(helper?: number): Promise<number> {
    return Promise.resolve(this.takeNow(helper));
  }

  takeNow(helper?: number): number {
    if (this.#closed || this.#next >= this.total) return -1;
    const h = helper === undefined ? undefined : this.#helpers.get(helper);
    if (helper !== undefined && !h) return -1;
    const t = this.#next++;
    h?.taken.push(t);
    return t;
  }

  /** Helper `helper` finished: its trees. */
  deliver(helper: number, trees: { index: number; tree: FlatTree }[]): void {
    const h = this.#helpers.get(helper);
    if (!h) return;
    this.#helpers.delete(helper);
    const got = new Set(trees.map((t) => t.index));
    for (const t of trees) if (h.taken.includes(t.index)) this.#trees.push(t);
    for (const t of h.taken) if (!got.has(t)) this.#missing.push(t);
    this.#check();
  }

  /** Helper `helper` failed or was stopped: the indices it took come back as missing. */
  fail(helper: number): void {
    const h = this.#helpers.get(helper);
    if (!h) return;
    this.#helpers.delete(helper);
    this.#missing.push(...h.taken);
    this.#check();
  }

  /** The fit was stopped: nothing more is handed out. */
  stop(): void {
    this.#closed = true;
  }

  async collect(): Promise<{ trees: { index: number; tree: FlatTree }[]; missing: number[] }> {
    this.#closed = true;
    if (this.#helpers.size > 0) await new Promise<void>((ok) => (this.#settled = ok));
    return { trees: this.#trees, missing: this.#missing.sort((a, b) => a - b) };
  }

  #check(): void {
    if (this.#helpers.size === 0 && this.#settled) {
      const ok = this.#settled;
      this.#settled = null;
      ok();
    }
  }
}
