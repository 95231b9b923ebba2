/**
 * Exact CART growth for squared error, O(n·p) per depth level.
 *
 * Each feature is sorted once per dataset (`prepareTreeData`). A tree keeps, per feature, the
 * in-bag row indices in that feature's order, in one segment per node: a node is a range
 * [start, end) that is the same in every feature's list. Finding a split scans each feature's
 * range once, accumulating weighted target sums; splitting a node stably partitions every
 * feature's range into left rows then right rows, so children stay sorted without re-sorting.
 * Bootstrap copies are integer sample weights (scikit-learn does the same), so a forest tree
 * works on the ~63% distinct rows, not on duplicated ones.
 *
 * Semantics follow scikit-learn's BestSplitter + MSE criterion: candidate thresholds are the
 * midpoints between consecutive distinct values in the node; features are visited in a random
 * order drawn from the tree's Rng and the first strictly best split wins (so the seed breaks
 * ties); constant features do not count towards maxFeatures; min_samples_* count distinct rows;
 * a node whose rows share one target value is a leaf.
 */
import type { Rng } from '../../random';
import type { Matrix } from '../types';
import type { FlatTree } from './flat-tree';
import type { GrowthSettings } from './params';

/** Training data prepared once and shared by every tree grown on it (read-only). */
export interface TreeData {
  rows: number;
  cols: number;
  /** Column-major copy of X: value of row i, feature f at f·rows + i. */
  xcol: Float64Array;
  /** Per feature f, at f·rows .. f·rows + rows − 1: row indices sorted by value (ties by row). */
  order: Int32Array;
  y: Float64Array;
}

/** Transposes X and sorts every feature once: O(p·n log n) via a sort of the values plus a counting pass. */
export function prepareTreeData(X: Matrix, y: Float64Array): TreeData {
  const n = X.rows;
  const p = X.cols;
  const xcol = new Float64Array(n * p);
  const src = X.data;
  for (let i = 0; i < n; i++) for (let f = 0, o = i * p; f < p; f++) xcol[f * n + i] = src[o + f];
  const order = new Int32Array(n * p);
  const code = new Int32Array(n);
  for (let f = 0; f < p; f++) {
    const col = xcol.subarray(f * n, f * n + n);
    const sorted = col.slice().sort();
    // Distinct values in ascending order.
    let u = 0;
    for (let k = 0; k < n; k++) if (k === 0 || sorted[k] !== sorted[u - 1]) sorted[u++] = sorted[k];
    const counts = new Int32Array(u + 1);
    for (let i = 0; i < n; i++) {
      const v = col[i];
      let lo = 0;
      let hi = u - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid] < v) lo = mid + 1;
        else hi = mid;
      }
      code[i] = lo;
      counts[lo + 1]++;
    }
    for (let c = 0; c < u; c++) counts[c + 1] += counts[c];
    const out = order.subarray(f * n, f * n + n);
    for (let i = 0; i < n; i++) out[counts[code[i]]++] = i;
  }
  return { rows: n, cols: p, xcol, order, y };
}

/** Scratch buffers for growing trees on one TreeData; reuse it across the trees of a forest. */
export class TreeWorkspace {
  readonly sorted: Int32Array;
  readonly tmp: Int32Array;
  readonly goLeft: Uint8Array;
  readonly w: Float64Array;
  readonly wy: Float64Array;
  readonly feats: Int32Array;
  readonly stack: Int32Array;
  readonly nodeFeature: Int32Array;
  readonly nodeThreshold: Float64Array;
  readonly nodeLeft: Int32Array;
  readonly nodeRight: Int32Array;
  readonly nodeValue: Float64Array;
  readonly nodeSamples: Int32Array;
  constructor(readonly data: TreeData) {
    const n = data.rows;
    this.sorted = new Int32Array(n * data.cols);
    this.tmp = new Int32Array(n);
    this.goLeft = new Uint8Array(n);
    this.w = new Float64Array(n);
    this.wy = new Float64Array(n);
    this.feats = new Int32Array(data.cols);
    const cap = 2 * n + 1;
    this.stack = new Int32Array(STACK_WIDTH * (n + 2));
    this.nodeFeature = new Int32Array(cap);
    this.nodeThreshold = new Float64Array(cap);
    this.nodeLeft = new Int32Array(cap);
    this.nodeRight = new Int32Array(cap);
    this.nodeValue = new Float64Array(cap);
    this.nodeSamples = new Int32Array(cap);
  }
}

const STACK_WIDTH = 6; // start, end, depth, parent, side (0 left, 1 right), feature whose list is partitioned

/**
 * Grows one tree depth-first (left child first, so node ids are in preorder like scikit-learn's).
 * `grow(deadline)` works until the tree is done (returns true) or performance.now() passes the
 * deadline (returns false; call again to resume), so an async caller can yield to the event loop.
 */
export class TreeGrower {
  private sp = 0;
  private nodes = 0;
  private readonly nIn: number;
  private readonly wTotal: number;
  private readonly importance: Float64Array;

  /**
   * @param weights per-row integer weights (bootstrap counts; 0 = out of bag) or null for all 1.
   * @param rng     draws the feature order at every node; owned by this tree.
   */
  constructor(
    private readonly ws: TreeWorkspace,
    weights: Float64Array | Int32Array | null,
    private readonly s: GrowthSettings,
    private readonly rng: Rng,
  ) {
    const { data, w, wy, sorted, feats } = ws;
    const n = data.rows;
    const p = data.cols;
    const y = data.y;
    if (weights) for (let i = 0; i < n; i++) { w[i] = weights[i]; wy[i] = weights[i] * y[i]; }
    else for (let i = 0; i < n; i++) { w[i] = 1; wy[i] = y[i]; }
    let nIn = 0;
    for (let f = 0; f < p; f++) {
      const base = f * n;
      const order = data.order;
      let k = base;
      if (weights) {
        for (let r = base; r < base + n; r++) {
          const i = order[r];
          if (w[i] > 0) sorted[k++] = i;
        }
      } else {
        sorted.set(order.subarray(base, base + n), base);
        k = base + n;
      }
      nIn = k - base;
    }
    for (let f = 0; f < p; f++) feats[f] = f;
    this.nIn = nIn;
    let wTotal = 0;
    for (let k = 0; k < nIn; k++) wTotal += w[sorted[k]];
    this.wTotal = wTotal;
    this.importance = new Float64Array(p);
    if (nIn === 0) throw new Error('TreeGrower: no rows with positive weight.');
    this.push(0, nIn, 0, -1, 0, 0);
  }

  private push(start: number, end: number, depth: number, parent: number, side: number, statF: number): void {
    const st = this.ws.stack;
    const o = this.sp * STACK_WIDTH;
    st[o] = start;
    st[o + 1] = end;
    st[o + 2] = depth;
    st[o + 3] = parent;
    st[o + 4] = side;
    st[o + 5] = statF;
    this.sp++;
  }

  /** Distinct rows this tree trains on (in-bag rows). */
  get inBagRows(): number {
    return this.nIn;
  }

  grow(deadline = Infinity): boolean {
    const ws = this.ws;
    const { sorted, tmp, goLeft, w, wy, feats, stack } = ws;
    const { xcol, y } = ws.data;
    const n = ws.data.rows;
    const p = ws.data.cols;
    const { nodeFeature, nodeThreshold, nodeLeft, nodeRight, nodeValue, nodeSamples } = ws;
    const { maxDepth, minSamplesSplit, minSamplesLeaf, maxFeatures, minImpurityDecrease } = this.s;
    const minSplitRows = Math.max(minSamplesSplit, 2 * minSamplesLeaf);
    const rng = this.rng;
    const importance = this.importance;
    const wTotal = this.wTotal;
    let tick = 0;

    while (this.sp > 0) {
      if ((++tick & 31) === 0 && performance.now() > deadline) return false;
      const o = --this.sp * STACK_WIDTH;
      const start = stack[o];
      const end = stack[o + 1];
      const depth = stack[o + 2];
      const parent = stack[o + 3];
      const side = stack[o + 4];
      const statBase = stack[o + 5] * n;
      const id = this.nodes++;
      if (parent >= 0) {
        if (side === 0) nodeLeft[parent] = id;
        else nodeRight[parent] = id;
      }
      const m = end - start;
      let W = 0;
      let S = 0;
      const y0 = y[sorted[statBase + start]];
      let pure = true;
      for (let k = statBase + start; k < statBase + end; k++) {
        const i = sorted[k];
        W += w[i];
        S += wy[i];
        if (y[i] !== y0) pure = false;
      }
      nodeFeature[id] = -1;
      nodeThreshold[id] = 0;
      nodeLeft[id] = -1;
      nodeRight[id] = -1;
      nodeValue[id] = S / W;
      nodeSamples[id] = m;
      if (pure || depth >= maxDepth || m < minSplitRows) continue;

      // --- best split over features drawn in random order ---
      let bestProxy = -Infinity;
      let bestF = -1;
      let bestPos = 0;
      let bestThr = 0;
      let visited = 0;
      for (let fi = 0; fi < p && visited < maxFeatures; fi++) {
        const r = fi + rng.nextInt(p - fi);
        const f = feats[r];
        feats[r] = feats[fi];
        feats[fi] = f;
        const base = f * n;
        const xo = f * n;
        const first = xcol[xo + sorted[base + start]];
        const last = xcol[xo + sorted[base + end - 1]];
        if (first === last) continue; // constant in this node: does not count
        visited++;
        let wl = 0;
        let sl = 0;
        let i = sorted[base + start];
        let xi = first;
        const kEnd = base + end - 1;
        // Left side holds rows start..k; a split is allowed between distinct consecutive values.
        const kLo = base + start + minSamplesLeaf - 1;
        const kHi = base + end - 1 - minSamplesLeaf;
        for (let k = base + start; k < kEnd; k++) {
          wl += w[i];
          sl += wy[i];
          const j = sorted[k + 1];
          const xj = xcol[xo + j];
          if (xj > xi && k >= kLo && k <= kHi) {
            const wr = W - wl;
            const sr = S - sl;
            const proxy = (sl * sl) / wl + (sr * sr) / wr;
            if (proxy > bestProxy) {
              bestProxy = proxy;
              bestF = f;
              bestPos = k + 1 - base - start;
              let thr = xi / 2 + xj / 2;
              if (thr === xj || !Number.isFinite(thr)) thr = xi;
              bestThr = thr;
            }
          }
          i = j;
          xi = xj;
        }
      }
      if (bestF < 0) continue;
      const decrease = bestProxy - (S * S) / W;
      if (decrease / wTotal + EPSILON < minImpurityDecrease) continue;

      nodeFeature[id] = bestF;
      nodeThreshold[id] = bestThr;
      importance[bestF] += decrease > 0 ? decrease : 0;
      const mid = start + bestPos;
      const childDepth = depth + 1;
      const leftGrows = childDepth < maxDepth && bestPos >= minSplitRows;
      const rightGrows = childDepth < maxDepth && end - mid >= minSplitRows;
      if (leftGrows || rightGrows) {
        const bb = bestF * n;
        for (let k = bb + start; k < bb + mid; k++) goLeft[sorted[k]] = 1;
        for (let k = bb + mid; k < bb + end; k++) goLeft[sorted[k]] = 0;
        for (let f = 0; f < p; f++) {
          if (f === bestF) continue;
          const base = f * n;
          let wpos = base + start;
          let t = 0;
          for (let k = base + start; k < base + end; k++) {
            const i = sorted[k];
            if (goLeft[i] === 1) sorted[wpos++] = i;
            else tmp[t++] = i;
          }
          for (let q = 0; q < t; q++) sorted[wpos + q] = tmp[q];
        }
      }
      // Children's own statistics are read from the best feature's list, partitioned in every case.
      this.push(mid, end, childDepth, id, 1, bestF);
      this.push(start, mid, childDepth, id, 0, bestF);
    }
    return true;
  }

  /** The finished tree (copies out of the workspace). */
  result(): FlatTree {
    const k = this.nodes;
    const ws = this.ws;
    return {
      nFeatures: ws.data.cols,
      feature: ws.nodeFeature.slice(0, k),
      threshold: ws.nodeThreshold.slice(0, k),
      left: ws.nodeLeft.slice(0, k),
      right: ws.nodeRight.slice(0, k),
      value: ws.nodeValue.slice(0, k),
      nSamples: ws.nodeSamples.slice(0, k),
      importance: this.importance.slice(),
    };
  }
}

/** scikit-learn's EPSILON (double machine epsilon) in the min_impurity_decrease test. */
const EPSILON = 2.220446049250313e-16;
