/**
 * Exact path-dependent TreeSHAP (Lundberg, Erion & Lee 2018, "Consistent individualized feature
 * attribution for tree ensembles", Algorithm 2), in O(leaves · depth²) per tree and row.
 *
 * A feature left out of a coalition is integrated out along the tree: at a node that splits on
 * it, both children are followed, weighted by the share of training rows (the node's cover) that
 * went each way. The values are the exact Shapley values of that game ("path-dependent
 * conditional expectation"); `pathExpectation` in exact.ts computes the same game by brute force
 * for the tests and the bench.
 *
 * Players rather than features: each node carries the player its split feature belongs to
 * (an input column, all of whose one-hot indicators are one player), and the algorithm tracks
 * players on the path. A player met twice on a path is unwound and extended again, as the paper
 * does for a feature met twice, so the values are the exact Shapley values of the players' game.
 */

/** One tree as TreeSHAP walks it: local node indices, node 0 the root. */
export interface ShapTree {
  /** Children per node, −1 for a leaf. */
  left: Int32Array;
  right: Int32Array;
  /** Player of the node's split feature; −1 for a leaf. */
  player: Int32Array;
  /** Training rows that reached each node (> 0). */
  cover: ArrayLike<number>;
  /** Leaf values (internal nodes are not read): node n's k-th at value[n · width + k]. */
  value: Float64Array;
  /** Deepest node's depth (the root has depth 0). */
  depth: number;
  /** Values per leaf (a classification tree's class probabilities); default 1. */
  width?: number;
  /** The model output its first value adds into (a boosted classifier's class); default 0. */
  output?: number;
}

/** Depth of the deepest node of a tree whose children come after their parent. */
export function treeDepth(left: Int32Array, right: Int32Array): number {
  const d = new Int32Array(left.length);
  let max = 0;
  for (let i = 0; i < left.length; i++) {
    if (left[i] >= 0) d[left[i]] = d[right[i]] = d[i] + 1;
    if (d[i] > max) max = d[i];
  }
  return max;
}

/**
 * The tree's prediction with every player unknown, for each of its `width` values per leaf (at
 * the root, index 0..width−1; every node's too): leaf values weighted by the cover shares along
 * their paths.
 */
export function expectedValues(t: ShapTree): Float64Array {
  const w = t.width ?? 1;
  const e = new Float64Array(t.left.length * w);
  for (let i = t.left.length - 1; i >= 0; i--) {
    const l = t.left[i];
    const r = t.right[i];
    for (let k = 0; k < w; k++) e[i * w + k] = l < 0 ? t.value[i * w + k] : (t.cover[l] * e[l * w + k] + t.cover[r] * e[r * w + k]) / t.cover[i];
  }
  return e.slice(0, w);
}

/**
 * Adds `scale` × one tree's SHAP values for one row into `phi`: player p's value for model
 * output o at phi[o · stride + p] (one output: phi[p]). `hot[n]` is the child the row goes to at
 * internal node n. Reusable across trees and rows; grows its path buffers to the deepest tree it
 * meets.
 */
export class TreeShap {
  private pf = new Int32Array(0);
  private pz = new Float64Array(0);
  private po = new Float64Array(0);
  private pw = new Float64Array(0);
  private t!: ShapTree;
  private hot!: Int32Array;
  private phi!: Float64Array;
  private scale = 1;
  private width = 1;
  private stride = 0;
  private out0 = 0;

  add(t: ShapTree, hot: Int32Array, phi: Float64Array, scale: number, stride = 0): void {
    const need = ((t.depth + 2) * (t.depth + 3)) / 2 + t.depth + 3;
    if (this.pf.length < need) {
      this.pf = new Int32Array(need);
      this.pz = new Float64Array(need);
      this.po = new Float64Array(need);
      this.pw = new Float64Array(need);
    }
    if (RECIP.length < t.depth + 4) RECIP = reciprocals(2 * t.depth + 4);
    this.t = t;
    this.hot = hot;
    this.phi = phi;
    this.scale = scale;
    this.width = t.width ?? 1;
    this.stride = stride;
    this.out0 = (t.output ?? 0) * stride;
    this.recurse(0, 0, 0, 1, 1, -1);
  }

  /** Node `node`, with `ud` players on the path above it; the parent's path starts at `parentOff`. */
  private recurse(node: number, ud: number, parentOff: number, zero: number, one: number, player: number): void {
    const { pf, pz, po, pw, t } = this;
    const off = parentOff + ud + 1;
    for (let k = 0; k < ud; k++) {
      pf[off + k] = pf[parentOff + k];
      pz[off + k] = pz[parentOff + k];
      po[off + k] = po[parentOff + k];
      pw[off + k] = pw[parentOff + k];
    }
    this.extend(off, ud, zero, one, player);
    const left = t.left[node];
    if (left < 0) {
      const width = this.width;
      if (width === 1) {
        const v = t.value[node] * this.scale;
        const o = this.out0;
        for (let i = 1; i <= ud; i++) {
          const w = this.unwoundSum(off, ud, i);
          this.phi[o + pf[off + i]] += w * (po[off + i] - pz[off + i]) * v;
        }
        return;
      }
      // Several values per leaf (class probabilities): one path weight serves them all.
      const { stride, scale } = this;
      for (let i = 1; i <= ud; i++) {
        const d = this.unwoundSum(off, ud, i) * (po[off + i] - pz[off + i]);
        for (let k = 0, o = this.out0 + pf[off + i]; k < width; k++, o += stride) this.phi[o] += d * (t.value[node * width + k] * scale);
      }
      return;
    }
    const hot = this.hot[node];
    const cold = hot === left ? t.right[node] : left;
    const c = t.cover[node];
    const p = t.player[node];
    let inZero = 1;
    let inOne = 1;
    let k = 1;
    while (k <= ud && pf[off + k] !== p) k++;
    if (k <= ud) {
      inZero = pz[off + k];
      inOne = po[off + k];
      this.unwind(off, ud, k);
      ud--;
    }
    this.recurse(hot, ud + 1, off, (t.cover[hot] / c) * inZero, inOne, p);
    this.recurse(cold, ud + 1, off, (t.cover[cold] / c) * inZero, 0, p);
  }

  private extend(off: number, ud: number, zero: number, one: number, player: number): void {
    const { pf, pz, po, pw } = this;
    pf[off + ud] = player;
    pz[off + ud] = zero;
    po[off + ud] = one;
    pw[off + ud] = ud === 0 ? 1 : 0;
    const inv = RECIP[ud + 1];
    for (let i = ud - 1; i >= 0; i--) {
      const w = pw[off + i];
      pw[off + i + 1] += one * w * (i + 1) * inv;
      pw[off + i] = zero * w * (ud - i) * inv;
    }
  }

  private unwind(off: number, ud: number, k: number): void {
    const { pf, pz, po, pw } = this;
    const one = po[off + k];
    const zero = pz[off + k];
    let next = pw[off + ud];
    const n1 = ud + 1;
    const inv = RECIP[n1];
    if (one !== 0) {
      const invOne = 1 / one;
      for (let i = ud - 1; i >= 0; i--) {
        const tmp = pw[off + i];
        const w = next * n1 * invOne * RECIP[i + 1];
        pw[off + i] = w;
        next = tmp - w * zero * (ud - i) * inv;
      }
    } else {
      const invZero = 1 / zero;
      for (let i = ud - 1; i >= 0; i--) pw[off + i] = pw[off + i] * n1 * invZero * RECIP[ud - i];
    }
    for (let i = k; i < ud; i++) {
      pf[off + i] = pf[off + i + 1];
      pz[off + i] = pz[off + i + 1];
      po[off + i] = po[off + i + 1];
    }
  }

  /** Sum of the path weights with player k taken out (without changing the path). */
  private unwoundSum(off: number, ud: number, k: number): number {
    const { pz, po, pw } = this;
    const one = po[off + k];
    const zero = pz[off + k];
    let next = pw[off + ud];
    let total = 0;
    const n1 = ud + 1;
    if (one !== 0) {
      const invOne = 1 / one;
      const inv = RECIP[n1];
      for (let i = ud - 1; i >= 0; i--) {
        const tmp = next * n1 * invOne * RECIP[i + 1];
        total += tmp;
        next = pw[off + i] - tmp * zero * (ud - i) * inv;
      }
    } else {
      const invZero = 1 / zero;
      for (let i = ud - 1; i >= 0; i--) total += pw[off + i] * n1 * invZero * RECIP[ud - i];
    }
    return total;
  }
}

/** 1/i up to the longest path met so far (multiplying by it is cheaper than dividing); grown by `add`. */
let RECIP = reciprocals(64);

function reciprocals(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => (i === 0 ? 0 : 1 / i));
}
