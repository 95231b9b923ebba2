/**
 * Exact CART growth for squared error, O(n·p) per depth level, no per-node sorting.
 *
 * Every feature is sorted once per dataset (`prepareTreeData`) and its values replaced by their
 * rank among the feature's distinct values. A tree then grows in two phases:
 * - Large nodes (more rows than a sixth of the total number of distinct values, at least 256):
 *   one pass over the rows of the smaller child builds per-rank histograms (rows, weight,
 *   weight·target) for every feature; the larger child's are the parent's minus the smaller's.
 *   Scanning the ranks present in a node gives exactly the candidate cuts of a sorted scan.
 *   Only one list (the node's rows) is partitioned.
 * - Small nodes: per feature, the node's rows in that feature's order (a counting sort by rank
 *   when a node leaves the histogram phase). A split scans each list once and writes the
 *   children's lists into a second copy in one pass (left rows from `start`, right from `mid`),
 *   so they stay sorted without re-sorting.
 * Bootstrap copies are integer sample weights (as scikit-learn does), so a forest tree works on
 * the ~63% distinct rows, not on duplicated ones.
 *
 * Semantics follow scikit-learn's BestSplitter + MSE criterion: candidate thresholds are the
 * midpoints between consecutive distinct values in the node; features are visited in a random
 * order drawn under the tree's seed and the first strictly best split wins (so the seed breaks
 * ties); constant features do not count towards maxFeatures; min_samples_* count distinct rows;
 * a node whose rows share one target value is a leaf.
 */
import type { Rng } from '../../random';
import type { FlatTree } from './flat-tree';
import type { GrowthSettings } from './params';
import type { TreeData } from './tree-data';
import { STACK_WIDTH, type TreeWorkspace } from './workspace';

const KEY_SHIFT = 1048576; // 2^20 > any node size in the sorted phase

/**
 * Grows one tree depth-first (left child first, so node ids are in preorder like scikit-learn's).
 * `grow(deadline)` works until the tree is done (returns true) or performance.now() passes the
 * deadline (returns false; call again to resume), so an async caller can yield to the event loop.
 */
export class CartGrower {
  private sp = 0;
  private nodes = 0;
  private readonly nIn: number;
  private readonly wTotal: number;
  private readonly importance: Float64Array;
  private readonly freeSlots: number[] = [];
  /** xorshift32 state for the feature order, seeded from the tree's Rng (cheaper than Rng per draw). */
  private fx: number;

  /**
   * @param weights    per-row integer weights (bootstrap counts; 0 = out of bag) or null for all 1.
   * @param rng        seeds the feature order drawn at every node; owned by this tree.
   * @param rowWeights classification trees: a weight per row (class weights) multiplying the
   *                   bootstrap count in every impurity and class share, or null.
   */
  constructor(
    private readonly ws: TreeWorkspace,
    weights: Int32Array | null,
    private readonly s: GrowthSettings,
    rng: Rng,
    rowWeights: Float64Array | null = null,
  ) {
    const { data, yC, compact, feats } = ws;
    const { wwy } = ws;
    const n = data.rows;
    const p = data.cols;
    const y = data.y;
    let nIn = 0;
    let wTotal = 0;
    for (let i = 0; i < n; i++) {
      const wi = weights ? weights[i] : 1;
      if (wi > 0) {
        compact[i] = nIn;
        yC[nIn] = y[i];
        if (ws.classes > 0) {
          const w = rowWeights ? wi * rowWeights[i] : wi;
          wwy[2 * nIn] = w;
          wwy[2 * nIn + 1] = wi;
          wTotal += w;
        } else {
          wwy[2 * nIn] = wi;
          wwy[2 * nIn + 1] = wi * y[i];
          wTotal += wi;
        }
        nIn++;
      } else compact[i] = -1;
    }
    const code = data.code;
    const { rowsList, codeR } = ws;
    for (let i = 0; i < n; i++) {
      const c = compact[i];
      if (c < 0) continue;
      rowsList[c] = c;
      for (let f = 0, o = c * p; f < p; f++) codeR[o + f] = code[f * n + i];
    }
    for (let f = 0; f < p; f++) feats[f] = f;
    this.nIn = nIn;
    this.wTotal = wTotal;
    this.importance = new Float64Array(p);
    this.fx = rng.nextU32() | 1;
    for (let k = ws.histPool.length - 1; k >= 0; k--) this.freeSlots.push(k);
    if (nIn === 0) throw new Error('CartGrower: no rows with positive weight.');
    this.push(0, nIn, 0, -1, 0, -1, 0);
  }

  private push(start: number, end: number, depth: number, parent: number, side: number, statF: number, copy: number, slot = -1): void {
    const st = this.ws.stack;
    const o = this.sp * STACK_WIDTH;
    st[o] = start;
    st[o + 1] = end;
    st[o + 2] = depth;
    st[o + 3] = parent;
    st[o + 4] = side;
    st[o + 5] = statF;
    st[o + 6] = copy;
    st[o + 7] = slot;
    this.sp++;
  }

  /** Distinct rows this tree trains on (in-bag rows). */
  get inBagRows(): number {
    return this.nIn;
  }

  grow(deadline = Infinity): boolean {
    const ws = this.ws;
    const { goLeft, yC, wwy, feats, stack, rowsList, largeNode } = ws;
    const { values, valueOffset } = ws.data;
    const n = ws.data.rows;
    const p = ws.data.cols;
    const { nodeFeature, nodeThreshold, nodeLeft, nodeRight, nodeValue, nodeSamples, nodeCover } = ws;
    const { maxDepth, minSamplesSplit, minSamplesLeaf, maxFeatures, minImpurityDecrease } = this.s;
    const minSplitRows = Math.max(minSamplesSplit, 2 * minSamplesLeaf);
    const importance = this.importance;
    const K = ws.classes;
    const classLeft = ws.classLeft;
    const wTotal = this.wTotal;
    let fx = this.fx;
    let tick = 0;

    while (this.sp > 0) {
      if ((++tick & 31) === 0 && performance.now() > deadline) {
        this.fx = fx;
        return false;
      }
      const o = --this.sp * STACK_WIDTH;
      const start = stack[o];
      const end = stack[o + 1];
      const depth = stack[o + 2];
      const parent = stack[o + 3];
      const side = stack[o + 4];
      const statF = stack[o + 5];
      let copy = stack[o + 6];
      const slot = stack[o + 7];
      const id = this.nodes++;
      if (parent >= 0) {
        if (side === 0) nodeLeft[parent] = id;
        else nodeRight[parent] = id;
      }
      const m = end - start;
      let W = 0;
      let S = 0;
      let pure = true;
      // The node's rows: the histogram phase's rows list, or any list already split at this node.
      const src = statF < 0 ? rowsList : ws.idx[copy];
      const sb = statF < 0 ? 0 : statF * n;
      const y0 = yC[src[sb + start]];
      for (let k = sb + start; k < sb + end; k++) {
        const i = src[k];
        W += wwy[2 * i];
        S += wwy[2 * i + 1];
        if (yC[i] !== y0) pure = false;
      }
      nodeFeature[id] = -1;
      nodeThreshold[id] = 0;
      nodeLeft[id] = -1;
      nodeRight[id] = -1;
      nodeValue[id] = S / W;
      nodeSamples[id] = m;
      nodeCover[id] = W;
      let parentProxy = 0;
      if (K > 0) {
        // S summed the bootstrap counts (the cover); the class weights give the class shares.
        nodeCover[id] = S;
        parentProxy = this.classStats(src, sb + start, sb + end, id, W);
      }
      if (pure || depth >= maxDepth || m < minSplitRows) {
        if (slot >= 0) this.freeSlots.push(slot);
        continue;
      }
      if (statF < 0 && m > largeNode) {
        fx = this.splitLarge(id, start, end, depth, W, S, K > 0 ? parentProxy : (S * S) / W, fx, slot);
        continue;
      }
      if (statF < 0) {
        this.buildLists(start, end);
        copy = 0;
      }
      const I = ws.idx[copy];
      const C = ws.code[copy];

      // --- best split over features drawn in random order ---
      let bestProxy = -Infinity;
      let bestF = -1;
      let bestPos = 0;
      let bestLo = 0;
      let bestHi = 0;
      let visited = 0;
      for (let fi = 0; fi < p && visited < maxFeatures; fi++) {
        fx = drawFeature(feats, fi, fx);
        const f = feats[fi];
        const base = f * n;
        const first = C[base + start];
        if (first === C[base + end - 1]) continue; // constant in this node: does not count
        visited++;
        let wl = 0;
        let sl = 0;
        let xi = first;
        const kEnd = base + end - 1;
        // The left side holds positions start..k; a cut is allowed between distinct consecutive ranks.
        const kLo = base + start + minSamplesLeaf - 1;
        const kHi = base + end - 1 - minSamplesLeaf;
        if (K > 0) classLeft.fill(0);
        for (let k = base + start; k < kEnd; k++) {
          const i = I[k];
          wl += wwy[2 * i];
          // Classification keeps the left side's weight per class instead of its weight·target.
          if (K > 0) classLeft[yC[i]] += wwy[2 * i];
          else sl += wwy[2 * i + 1];
          const xj = C[k + 1];
          if (xj !== xi && k >= kLo && k <= kHi) {
            const wr = W - wl;
            const sr = S - sl;
            const proxy = K > 0 ? this.cutProxy(wl, W) : (sl * sl) / wl + (sr * sr) / wr;
            if (proxy > bestProxy) {
              bestProxy = proxy;
              bestF = f;
              bestPos = k + 1 - base - start;
              bestLo = xi;
              bestHi = xj;
            }
          }
          xi = xj;
        }
      }
      if (bestF < 0) continue;
      const decrease = bestProxy - (K > 0 ? parentProxy : (S * S) / W);
      if (decrease / wTotal + EPSILON < minImpurityDecrease) continue;

      nodeFeature[id] = bestF;
      nodeThreshold[id] = threshold(values, valueOffset[bestF], bestLo, bestHi);
      importance[bestF] += decrease > 0 ? decrease : 0;
      const mid = start + bestPos;
      const childDepth = depth + 1;
      const leftGrows = childDepth < maxDepth && bestPos >= minSplitRows;
      const rightGrows = childDepth < maxDepth && end - mid >= minSplitRows;
      if (!leftGrows && !rightGrows) {
        // Both children are leaves: their rows are read from the best feature's list, already split at mid.
        this.push(mid, end, childDepth, id, 1, bestF, copy);
        this.push(start, mid, childDepth, id, 0, bestF, copy);
        continue;
      }
      const other = 1 - copy;
      const I2 = ws.idx[other];
      const C2 = ws.code[other];
      const bb = bestF * n;
      for (let k = bb + start; k < bb + mid; k++) goLeft[I[k]] = 1;
      for (let k = bb + mid; k < bb + end; k++) goLeft[I[k]] = 0;
      for (let f = 0; f < p; f++) {
        const base = f * n;
        if (f === bestF) {
          for (let k = base + start; k < base + end; k++) {
            I2[k] = I[k];
            C2[k] = C[k];
          }
          continue;
        }
        let l = base + start;
        let rr = base + mid;
        for (let k = base + start; k < base + end; k++) {
          const i = I[k];
          const g = goLeft[i];
          // Branch-free: the side is random, so a branch would mispredict half the time.
          const d = g === 1 ? l : rr;
          l += g;
          rr += 1 - g;
          I2[d] = i;
          C2[d] = C[k];
        }
      }
      this.push(mid, end, childDepth, id, 1, bestF, other);
      this.push(start, mid, childDepth, id, 0, bestF, other);
    }
    this.fx = fx;
    return true;
  }

  /**
   * Splits a large node with per-rank histograms (one pass over its rows for all features, then
   * a scan over the ranks), which finds the same candidate cuts as the sorted scan: between
   * consecutive ranks present in the node. Partitions the rows list and pushes the children.
   * Returns the updated feature-order generator state.
   */
  private allocSlot(): number {
    const pool = this.ws.histPool;
    const free = this.freeSlots.pop();
    if (free !== undefined) return free;
    const bins = this.ws.data.valueOffset[this.ws.data.cols];
    const K = this.ws.classes;
    pool.push({ n: new Int32Array(bins), w: new Float64Array(bins), s: new Float64Array(bins), c: K > 0 ? new Float64Array(bins * K) : null });
    return pool.length - 1;
  }

  /** Histograms of the rows list's positions start..end−1 into `slot`. */
  private buildHist(slot: number, start: number, end: number): void {
    const ws = this.ws;
    const { rowsList, codeR, wwy } = ws;
    const { valueOffset } = ws.data;
    const p = ws.data.cols;
    const { n: histN, w: histW, s: histS, c: histC } = ws.histPool[slot];
    histN.fill(0);
    histW.fill(0);
    histS.fill(0);
    for (let k = start; k < end; k++) {
      const c = rowsList[k];
      const w = wwy[2 * c];
      const sy = wwy[2 * c + 1];
      for (let f = 0, o = c * p; f < p; f++) {
        const b = valueOffset[f] + codeR[o + f];
        histN[b]++;
        histW[b] += w;
        histS[b] += sy;
      }
    }
    if (histC) {
      const K = ws.classes;
      const yC = ws.yC;
      histC.fill(0);
      for (let k = start; k < end; k++) {
        const c = rowsList[k];
        const w = wwy[2 * c];
        const cls = yC[c];
        for (let f = 0, o = c * p; f < p; f++) histC[(valueOffset[f] + codeR[o + f]) * K + cls] += w;
      }
    }
  }

  /**
   * Classification: the class shares of node `id` (into nodeProba) and its impurity proxy,
   * from the rows src[from..to) (classTotal keeps the node's weight per class for its cuts).
   */
  private classStats(src: Int32Array, from: number, to: number, id: number, W: number): number {
    const { classTotal, wwy, yC, nodeProba } = this.ws;
    const K = this.ws.classes;
    classTotal.fill(0);
    for (let k = from; k < to; k++) classTotal[yC[src[k]]] += wwy[2 * src[k]];
    for (let c = 0; c < K; c++) nodeProba[id * K + c] = classTotal[c] / W;
    return this.s.criterion === 'entropy' ? entropyProxy(classTotal, null, W) : giniProxy(classTotal, null, W);
  }

  /**
   * Classification: the proxy of a cut whose left side weighs `wl` with classLeft per class, in
   * a node of weight W (classTotal). Larger is better; minus the node's own proxy it is the
   * weighted impurity decrease (the squared-error proxy's counterpart).
   */
  private cutProxy(wl: number, W: number): number {
    const { classTotal, classLeft } = this.ws;
    if (this.s.criterion === 'entropy') return entropyProxy(classLeft, null, wl) + entropyProxy(classTotal, classLeft, W - wl);
    return giniProxy(classLeft, null, wl) + giniProxy(classTotal, classLeft, W - wl);
  }

  /**
   * The split search of `grow`, over the node's per-rank histograms instead of its sorted lists:
   * the same features in the same seeded order and the same first strictly best cut, so both
   * phases grow the same tree. The two scans are written apart because their inner loops read
   * different layouts (a rank histogram here, a sorted row list there).
   */
  private splitLarge(id: number, start: number, end: number, depth: number, W: number, S: number, parentProxy: number, fxIn: number, slotIn: number): number {
    const ws = this.ws;
    const { rowsList, rowsTmp, codeR, feats, nodeFeature, nodeThreshold } = ws;
    const { values, valueOffset } = ws.data;
    const p = ws.data.cols;
    const { minSamplesLeaf, maxFeatures, minImpurityDecrease, maxDepth, minSamplesSplit } = this.s;
    const m = end - start;
    let slot = slotIn;
    if (slot < 0) {
      slot = this.allocSlot();
      this.buildHist(slot, start, end);
    }
    const { n: histN, w: histW, s: histS, c: histC } = ws.histPool[slot];
    const K = ws.classes;
    const classLeft = ws.classLeft;
    let fx = fxIn;
    let bestProxy = -Infinity;
    let bestF = -1;
    let bestPos = 0;
    let bestLo = 0;
    let bestHi = 0;
    let visited = 0;
    for (let fi = 0; fi < p && visited < maxFeatures; fi++) {
      fx = drawFeature(feats, fi, fx);
      const f = feats[fi];
      const vo = valueOffset[f];
      const ve = valueOffset[f + 1];
      let nl = 0;
      let wl = 0;
      let sl = 0;
      let prev = -1;
      let present = 0;
      if (K > 0) classLeft.fill(0);
      for (let b = vo; b < ve; b++) {
        const cnt = histN[b];
        if (cnt === 0) continue;
        present++;
        if (prev >= 0 && nl >= minSamplesLeaf && m - nl >= minSamplesLeaf) {
          const wr = W - wl;
          const sr = S - sl;
          const proxy = K > 0 ? this.cutProxy(wl, W) : (sl * sl) / wl + (sr * sr) / wr;
          if (proxy > bestProxy) {
            bestProxy = proxy;
            bestF = f;
            bestPos = nl;
            bestLo = prev - vo;
            bestHi = b - vo;
          }
        }
        nl += cnt;
        wl += histW[b];
        sl += histS[b];
        if (histC) for (let k = 0, o = b * K; k < K; k++) classLeft[k] += histC[o + k];
        prev = b;
      }
      if (present > 1) visited++; // a constant feature does not count
    }
    const decrease = bestProxy - parentProxy;
    if (bestF < 0 || decrease / this.wTotal + EPSILON < minImpurityDecrease) {
      this.freeSlots.push(slot);
      return fx;
    }
    nodeFeature[id] = bestF;
    nodeThreshold[id] = threshold(values, valueOffset[bestF], bestLo, bestHi);
    this.importance[bestF] += decrease > 0 ? decrease : 0;
    // Stable partition of the rows list: left rows keep their order, right rows follow.
    let l = start;
    let t = 0;
    for (let k = start; k < end; k++) {
      const c = rowsList[k];
      const g = codeR[c * p + bestF] <= bestLo ? 1 : 0;
      rowsList[l] = c;
      rowsTmp[t] = c;
      l += g;
      t += 1 - g;
    }
    for (let q = 0; q < t; q++) rowsList[l + q] = rowsTmp[q];
    const mid = start + bestPos;
    // Children that will be split from histograms get theirs the cheap way: the smaller child's
    // from its rows, the larger child's as the parent's minus the smaller's (in the parent's slot).
    const childDepth = depth + 1;
    const minSplitRows = Math.max(minSamplesSplit, 2 * minSamplesLeaf);
    const large = (mc: number): boolean => childDepth < maxDepth && mc >= minSplitRows && mc > ws.largeNode;
    const bigL = large(bestPos);
    const bigR = large(end - mid);
    let slotL = -1;
    let slotR = -1;
    if (bigL || bigR) {
      const leftSmaller = bestPos <= end - mid;
      const small = this.allocSlot();
      if (leftSmaller) this.buildHist(small, start, mid);
      else this.buildHist(small, mid, end);
      const h = ws.histPool[small];
      for (let b = 0; b < histN.length; b++) {
        histN[b] -= h.n[b];
        histW[b] -= h.w[b];
        histS[b] -= h.s[b];
      }
      if (histC && h.c) for (let b = 0; b < histC.length; b++) histC[b] -= h.c[b];
      const smallBig = leftSmaller ? bigL : bigR;
      const largeBig = leftSmaller ? bigR : bigL;
      const sSmall = smallBig ? small : -1;
      const sLarge = largeBig ? slot : -1;
      if (!smallBig) this.freeSlots.push(small);
      if (!largeBig) this.freeSlots.push(slot);
      slotL = leftSmaller ? sSmall : sLarge;
      slotR = leftSmaller ? sLarge : sSmall;
    } else this.freeSlots.push(slot);
    this.push(mid, end, childDepth, id, 1, -1, 0, slotR);
    this.push(start, mid, childDepth, id, 0, -1, 0, slotL);
    return fx;
  }

  /**
   * Fills copy A's per-feature lists for the rows of a node leaving the histogram phase: a
   * counting sort by rank (O(m + ranks)) when the node is large against the feature's number of
   * ranks, a native sort of (rank, position) keys otherwise. Ties keep the rows list's order.
   */
  private buildLists(start: number, end: number): void {
    const ws = this.ws;
    const { rowsList, codeR, keys, histN } = ws;
    const { valueOffset } = ws.data;
    const I = ws.idx[0];
    const C = ws.code[0];
    const n = ws.data.rows;
    const p = ws.data.cols;
    const m = end - start;
    for (let f = 0; f < p; f++) {
      const base = f * n + start;
      const vo = valueOffset[f];
      const u = valueOffset[f + 1] - vo;
      if (m * 8 >= u) {
        for (let b = vo; b <= vo + u; b++) histN[b] = 0;
        for (let k = start; k < end; k++) histN[vo + 1 + codeR[rowsList[k] * p + f]]++;
        for (let b = vo; b < vo + u; b++) histN[b + 1] += histN[b];
        for (let k = start; k < end; k++) {
          const c = rowsList[k];
          const rank = codeR[c * p + f];
          const d = base + histN[vo + rank]++;
          I[d] = c;
          C[d] = rank;
        }
        continue;
      }
      const kk = keys.subarray(0, m);
      for (let j = 0; j < m; j++) kk[j] = codeR[rowsList[start + j] * p + f] * KEY_SHIFT + j;
      kk.sort();
      for (let j = 0; j < m; j++) {
        const key = kk[j];
        const rank = Math.floor(key / KEY_SHIFT);
        I[base + j] = rowsList[start + (key - rank * KEY_SHIFT)];
        C[base + j] = rank;
      }
    }
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
      cover: ws.nodeCover.slice(0, k),
      importance: this.importance.slice(),
      ...(ws.classes > 0 ? { classes: ws.classes, proba: ws.nodeProba.slice(0, k * ws.classes) } : {}),
    };
  }
}

/**
 * Draws the feature visited fi-th at a node: one xorshift32 step of `fx`, then a random one of
 * feats[fi..] swapped into feats[fi] (a partial Fisher–Yates shuffle). Returns the new state.
 */
function drawFeature(feats: Int32Array, fi: number, fx: number): number {
  let x = fx;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  const p = feats.length;
  const r = fi + Math.floor(((x >>> 0) * (p - fi)) / 4294967296);
  const f = feats[r];
  feats[r] = feats[fi];
  feats[fi] = f;
  return x;
}

/**
 * scikit-learn's threshold between the distinct values of ranks lo and hi of a feature (its
 * values start at `offset`): the midpoint, or the lower value when the midpoint rounds up to the upper.
 */
function threshold(values: Float64Array, offset: number, lo: number, hi: number): number {
  const a = values[offset + lo];
  const b = values[offset + hi];
  const t = a / 2 + b / 2;
  return t === b || !Number.isFinite(t) ? a : t;
}

/**
 * −(weight · Gini impurity) + weight of a side whose class weights are c (minus `sub` when
 * given: the right side as node − left) and whose weight is w: Σ c_k² / w. Gini impurity is
 * 1 − Σ (c_k / w)², so this is w − w · impurity.
 */
function giniProxy(c: Float64Array, sub: Float64Array | null, w: number): number {
  let s = 0;
  for (let k = 0; k < c.length; k++) {
    const v = sub ? c[k] - sub[k] : c[k];
    s += v * v;
  }
  return s / w;
}

/** −(weight · entropy in bits) of a side (as giniProxy): Σ c_k log2(c_k / w), 0 log 0 = 0. */
function entropyProxy(c: Float64Array, sub: Float64Array | null, w: number): number {
  let s = 0;
  for (let k = 0; k < c.length; k++) {
    const v = sub ? c[k] - sub[k] : c[k];
    if (v > 0) s += v * Math.log2(v / w);
  }
  return s;
}

/** scikit-learn's EPSILON (double machine epsilon) in the min_impurity_decrease test. */
const EPSILON = 2.220446049250313e-16;
