/**
 * Trees as struct-of-arrays.
 *
 * `GrownTree`: the tree being grown on binned data (bin thresholds, a per-node 256-entry
 * "goes left" table), used during fit to update training / validation predictions.
 * `Forest`: every kept tree concatenated into a few typed arrays plus per-tree offsets, with
 * real-valued thresholds and category bitsets, predicting on raw row-major Float64 matrices.
 * It is what gets serialized; `Forest.fromState` validates every array before use.
 */
import { BundleError } from '../../errors';
import type { Matrix, StateValue } from '../types';
import type { Binning } from './binning';

/** Rows per prediction block (see addPredictions). */
const ROW_BLOCK = 1024;

/** Words of a categorical node's bitset (256 categories). */
export const CAT_WORDS = 8;

export class GrownTree {
  nNodes = 0;
  readonly feature: Int32Array;
  readonly bin: Int32Array;
  readonly categorical: Uint8Array;
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  readonly gain: Float64Array;
  /** goesLeft[node·256 + bin]: 1 when rows of that bin go left at that node. */
  readonly goesLeft: Uint8Array;

  constructor(readonly capacity: number) {
    this.feature = new Int32Array(capacity);
    this.bin = new Int32Array(capacity);
    this.categorical = new Uint8Array(capacity);
    this.missingLeft = new Uint8Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.value = new Float64Array(capacity);
    this.gain = new Float64Array(capacity);
    this.goesLeft = new Uint8Array(capacity * 256);
  }

  reset(): void {
    this.nNodes = 0;
  }

  addLeaf(): number {
    const n = this.nNodes++;
    this.feature[n] = -1;
    this.left[n] = -1;
    this.right[n] = -1;
    this.value[n] = 0;
    this.gain[n] = 0;
    return n;
  }

  /** Adds value[leaf] to out[k] for every row k of row-major bins (nRows × p). */
  addPredictionsBinned(bins: Uint8Array, nRows: number, p: number, out: Float64Array): void {
    const F = this.feature;
    const L = this.left;
    const R = this.right;
    const GL = this.goesLeft;
    const V = this.value;
    for (let k = 0; k < nRows; k++) {
      let n = 0;
      let l = L[0];
      while (l >= 0) {
        n = GL[(n << 8) | bins[k * p + F[n]]] === 1 ? l : R[n];
        l = L[n];
      }
      out[k] += V[n];
    }
  }
}

/*
 * Descent tables: a leaf steps to itself (threshold +∞, missing goes "left"), and right = left
 * + 1, so a step is arithmetic (no data-dependent branch); the loop ends on the self-loop.
 */
function descend(d: Float64Array, p: number, start: number, end: number, root: number, F: Int32Array, T: Float64Array, SL: Int32Array, V: Float64Array, out: Float64Array): void {
  for (let i = start; i < end; i++) {
    const rb = i * p;
    let node = root;
    let l = SL[node];
    while (l !== node) {
      node = l + (d[rb + F[node]] > T[node] ? 1 : 0);
      l = SL[node];
    }
    out[i] += V[node];
  }
}

/** As `descend`, with the step-left node and the feature packed in one word (one load fewer per step). */
function descendPacked(d: Float64Array, p: number, start: number, end: number, root: number, P: Int32Array, bits: number, T: Float64Array, V: Float64Array, out: Float64Array): void {
  const mask = (1 << bits) - 1;
  for (let i = start; i < end; i++) {
    const rb = i * p;
    let node = root;
    let w = P[node];
    let l = w >> bits;
    while (l !== node) {
      node = l + (d[rb + (w & mask)] > T[node] ? 1 : 0);
      w = P[node];
      l = w >> bits;
    }
    out[i] += V[node];
  }
}

function descendWithMissing(
  d: Float64Array,
  p: number,
  start: number,
  end: number,
  root: number,
  F: Int32Array,
  T: Float64Array,
  SL: Int32Array,
  MR: Uint8Array,
  V: Float64Array,
  out: Float64Array,
): void {
  for (let i = start; i < end; i++) {
    const rb = i * p;
    let node = root;
    let l = SL[node];
    while (l !== node) {
      const v = d[rb + F[node]];
      // NaN compares false: it goes right only where missing values go right.
      node = l + ((v > T[node] ? 1 : 0) | (v !== v ? MR[node] : 0));
      l = SL[node];
    }
    out[i] += V[node];
  }
}

/** Serialized forest: all trees concatenated; left/right are indices within the tree. */
export interface ForestState {
  [key: string]: StateValue;
  /** nTrees + 1 node offsets. */
  treeOffsets: Int32Array;
  /** −1 for a leaf. */
  feature: Int32Array;
  /** Numeric node: go left when value ≤ threshold. 0 for leaves and categorical nodes. */
  threshold: Float64Array;
  /** Child indices within the tree (always greater than the node's own), −1 for a leaf. */
  left: Int32Array;
  right: Int32Array;
  /** Leaf values (learning rate applied); 0 for internal nodes. */
  value: Float64Array;
  /** 1 when missing values (and unseen categories) go left. */
  missingLeft: Uint8Array;
  /** Categorical node: index of its 8-word bitset in catBits (bit c set: category c goes left); −1 otherwise. */
  catIndex: Int32Array;
  catBits: Uint32Array;
  /** Split gain of internal nodes (feature importance). */
  gain: Float64Array;
  /** Per feature: number of category codes when split natively as categories, else 0. */
  categoryCount: Int32Array;
}

/** Accumulates grown trees into a Forest. */
export class ForestBuilder {
  private readonly offsets: number[] = [0];
  private readonly feature: number[] = [];
  private readonly threshold: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  private readonly value: number[] = [];
  private readonly missingLeft: number[] = [];
  private readonly catIndex: number[] = [];
  private readonly catBits: number[] = [];
  private readonly gain: number[] = [];

  constructor(private readonly binning: Binning) {}

  get treeCount(): number {
    return this.offsets.length - 1;
  }

  add(t: GrownTree): void {
    const b = this.binning;
    for (let n = 0; n < t.nNodes; n++) {
      const f = t.feature[n];
      this.left.push(t.left[n]);
      this.right.push(t.right[n]);
      this.value.push(t.left[n] < 0 ? t.value[n] : 0);
      this.gain.push(t.left[n] < 0 ? 0 : t.gain[n]);
      if (t.left[n] < 0) {
        this.feature.push(-1);
        this.threshold.push(0);
        this.missingLeft.push(0);
        this.catIndex.push(-1);
        continue;
      }
      this.feature.push(f);
      this.missingLeft.push(t.missingLeft[n]);
      if (t.categorical[n]) {
        this.threshold.push(0);
        this.catIndex.push(this.catBits.length / CAT_WORDS);
        const words = new Array<number>(CAT_WORDS).fill(0);
        const nb = b.nBins[f];
        for (let c = 0; c < nb; c++) if (t.goesLeft[n * 256 + c]) words[c >>> 5] |= 1 << (c & 31);
        for (const w of words) this.catBits.push(w >>> 0);
      } else {
        const bin = t.bin[n];
        const e = b.edges[f];
        this.threshold.push(bin < e.length ? e[bin] : Number.MAX_VALUE);
        this.catIndex.push(-1);
      }
    }
    this.offsets.push(this.offsets[this.offsets.length - 1] + t.nNodes);
  }

  /** The forest of the first `nTrees` trees. */
  build(nTrees = this.treeCount): Forest {
    const end = this.offsets[nTrees];
    const catEnd = this.catIndex.slice(0, end).reduce((m, c) => Math.max(m, c + 1), 0) * CAT_WORDS;
    const categoryCount = new Int32Array(this.binning.nFeatures);
    for (let j = 0; j < categoryCount.length; j++) categoryCount[j] = this.binning.categorical[j] ? this.binning.nBins[j] : 0;
    return new Forest({
      treeOffsets: Int32Array.from(this.offsets.slice(0, nTrees + 1)),
      feature: Int32Array.from(this.feature.slice(0, end)),
      threshold: Float64Array.from(this.threshold.slice(0, end)),
      left: Int32Array.from(this.left.slice(0, end)),
      right: Int32Array.from(this.right.slice(0, end)),
      value: Float64Array.from(this.value.slice(0, end)),
      missingLeft: Uint8Array.from(this.missingLeft.slice(0, end)),
      catIndex: Int32Array.from(this.catIndex.slice(0, end)),
      catBits: Uint32Array.from(this.catBits.slice(0, catEnd)),
      gain: Float64Array.from(this.gain.slice(0, end)),
      categoryCount,
    });
  }
}

export class Forest {
  readonly nTrees: number;
  /** Global child indices (tree offset added), for prediction. */
  private readonly gLeft: Int32Array;
  private readonly gRight: Int32Array;
  private readonly treeHasCat: Uint8Array;
  /** 1 when missing values go right (the complement of missingLeft), for branch-free descent. */
  private readonly missingRight: Uint8Array;
  /** Every internal node's right child is its left child + 1 (trees grown here are). */
  private readonly adjacentChildren: boolean;
  /** Descent tables (see `descend`). */
  private readonly stepLeft: Int32Array;
  private readonly stepThreshold: Float64Array;
  private readonly stepFeature: Int32Array;
  /** (step-left node << featureBits) | feature, or null when it would not fit in 31 bits. */
  private readonly stepPacked: Int32Array | null;
  private readonly featureBits: number;

  /** Trusts `state`: call `Forest.fromState` for anything that comes from outside. */
  constructor(readonly state: ForestState) {
    const s = state;
    this.nTrees = s.treeOffsets.length - 1;
    this.gLeft = new Int32Array(s.left.length);
    this.gRight = new Int32Array(s.right.length);
    this.treeHasCat = new Uint8Array(this.nTrees);
    this.missingRight = new Uint8Array(s.missingLeft.length);
    let adjacent = true;
    for (let n = 0; n < s.left.length; n++) {
      this.missingRight[n] = 1 - s.missingLeft[n];
      if (s.left[n] >= 0 && s.right[n] !== s.left[n] + 1) adjacent = false;
    }
    this.adjacentChildren = adjacent;
    this.stepLeft = new Int32Array(s.left.length);
    this.stepThreshold = new Float64Array(s.left.length);
    this.stepFeature = new Int32Array(s.left.length);
    let maxFeature = 0;
    for (let n = 0; n < s.feature.length; n++) if (s.feature[n] > maxFeature) maxFeature = s.feature[n];
    this.featureBits = Math.max(1, Math.ceil(Math.log2(maxFeature + 1)));
    const packable = s.left.length < 2 ** (31 - this.featureBits);
    for (let t = 0; t < this.nTrees; t++) {
      const o = s.treeOffsets[t];
      for (let n = o; n < s.treeOffsets[t + 1]; n++) {
        if (s.left[n] < 0) {
          this.stepLeft[n] = n;
          this.stepThreshold[n] = Infinity;
          this.missingRight[n] = 0;
        } else {
          this.stepLeft[n] = s.left[n] + o;
          this.stepThreshold[n] = s.threshold[n];
          this.stepFeature[n] = s.feature[n];
        }
      }
    }
    this.stepPacked = packable ? new Int32Array(s.left.length) : null;
    if (this.stepPacked)
      for (let n = 0; n < s.left.length; n++) this.stepPacked[n] = (this.stepLeft[n] << this.featureBits) | this.stepFeature[n];
    for (let t = 0; t < this.nTrees; t++) {
      const o = s.treeOffsets[t];
      for (let n = o; n < s.treeOffsets[t + 1]; n++) {
        this.gLeft[n] = s.left[n] < 0 ? -1 : s.left[n] + o;
        this.gRight[n] = s.right[n] < 0 ? -1 : s.right[n] + o;
        if (s.catIndex[n] >= 0) this.treeHasCat[t] = 1;
      }
    }
  }

  /** Adds every tree's prediction to out[i] for each row i of X (row-major, NaN = missing). */
  addPredictions(X: Matrix, out: Float64Array): void {
    const d = X.data;
    const n = X.rows;
    let hasNaN = false;
    for (let k = 0; k < d.length; k++)
      if (d[k] !== d[k]) {
        hasNaN = true;
        break;
      }
    // Row blocks × trees: a block of rows (≤ 1024 × p doubles) stays in cache while every
    // tree walks it, and within a tree its nodes stay in L1 as the block's rows stream past.
    for (let b0 = 0; b0 < n; b0 += ROW_BLOCK) {
      const b1 = Math.min(n, b0 + ROW_BLOCK);
      this.addBlock(X, b0, b1, hasNaN, out);
    }
  }

  private addBlock(X: Matrix, b0: number, b1: number, hasNaN: boolean, out: Float64Array): void {
    const s = this.state;
    const d = X.data;
    const p = X.cols;
    const F = s.feature;
    const T = s.threshold;
    const ML = s.missingLeft;
    const V = s.value;
    const L = this.gLeft;
    const R = this.gRight;
    const CI = s.catIndex;
    const bits = s.catBits;
    const catCount = s.categoryCount;
    const MR = this.missingRight;
    const fast = this.adjacentChildren;
    for (let t = 0; t < this.nTrees; t++) {
      const root = s.treeOffsets[t];
      if (this.treeHasCat[t] === 0 && fast) {
        const SL = this.stepLeft;
        const ST = this.stepThreshold;
        const SF = this.stepFeature;
        if (hasNaN) descendWithMissing(d, p, b0, b1, root, SF, ST, SL, MR, V, out);
        else if (this.stepPacked) descendPacked(d, p, b0, b1, root, this.stepPacked, this.featureBits, ST, V, out);
        else descend(d, p, b0, b1, root, SF, ST, SL, V, out);
        continue;
      }
      if (this.treeHasCat[t] === 0) {
        for (let i = b0; i < b1; i++) {
          const rb = i * p;
          let node = root;
          let l = L[node];
          while (l >= 0) {
            const v = d[rb + F[node]];
            // NaN fails `v <= T`; it then follows the learned missing direction.
            node = v <= T[node] || (v !== v && ML[node] === 1) ? l : R[node];
            l = L[node];
          }
          out[i] += V[node];
        }
        continue;
      }
      for (let i = b0; i < b1; i++) {
        const rb = i * p;
        let node = root;
        let l = L[node];
        while (l >= 0) {
          const f = F[node];
          const v = d[rb + f];
          const ci = CI[node];
          let goLeft: boolean;
          if (ci < 0) goLeft = v <= T[node] || (v !== v && ML[node] === 1);
          else if (v >= 0 && v < catCount[f] && v === Math.floor(v)) goLeft = ((bits[ci * CAT_WORDS + (v >>> 5)] >>> (v & 31)) & 1) === 1;
          else goLeft = ML[node] === 1; // missing or never-seen category
          node = goLeft ? l : R[node];
          l = L[node];
        }
        out[i] += V[node];
      }
    }
  }

  /** Total split gain per feature over all trees. */
  featureImportance(nFeatures: number): Float64Array {
    const imp = new Float64Array(nFeatures);
    const s = this.state;
    for (let n = 0; n < s.feature.length; n++) if (s.feature[n] >= 0) imp[s.feature[n]] += s.gain[n];
    return imp;
  }

  /**
   * Rebuilds a forest from untrusted state, checking every array: types, consistent lengths,
   * child indices inside their tree and after their parent (so traversal always ends), feature
   * indices below nFeatures, finite thresholds, values and gains, bitsets in range.
   */
  static fromState(raw: unknown, nFeatures: number, path: string): Forest {
    const bad = (field: string, msg: string): never => {
      throw new BundleError('bad-model-state', `${path}.${field}: ${msg}`, { field: `${path}.${field}` });
    };
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return bad('', 'must be an object.');
    const o = raw as Record<string, unknown>;
    const typed = <T>(name: string, ctor: new (n: number) => T): T => {
      const v = o[name];
      if (!(v instanceof ctor)) return bad(name, `must be a ${ctor.name}.`);
      return v;
    };
    const treeOffsets = typed('treeOffsets', Int32Array);
    const feature = typed('feature', Int32Array);
    const threshold = typed('threshold', Float64Array);
    const left = typed('left', Int32Array);
    const right = typed('right', Int32Array);
    const value = typed('value', Float64Array);
    const missingLeft = typed('missingLeft', Uint8Array);
    const catIndex = typed('catIndex', Int32Array);
    const catBits = typed('catBits', Uint32Array);
    const gain = typed('gain', Float64Array);
    const categoryCount = typed('categoryCount', Int32Array);
    const nNodes = feature.length;
    for (const [name, a] of [
      ['threshold', threshold],
      ['left', left],
      ['right', right],
      ['value', value],
      ['missingLeft', missingLeft],
      ['catIndex', catIndex],
      ['gain', gain],
    ] as const)
      if (a.length !== nNodes) bad(name, `has ${a.length} entries but feature has ${nNodes} (truncated or corrupted).`);
    if (categoryCount.length !== nFeatures) bad('categoryCount', `has ${categoryCount.length} entries for ${nFeatures} features.`);
    for (let j = 0; j < nFeatures; j++)
      if (categoryCount[j] < 0 || categoryCount[j] > 256) bad(`categoryCount[${j}]`, `must be in [0, 256], got ${categoryCount[j]}.`);
    if (catBits.length % CAT_WORDS !== 0) bad('catBits', `length ${catBits.length} is not a multiple of ${CAT_WORDS}.`);
    const nBitsets = catBits.length / CAT_WORDS;
    if (treeOffsets.length < 1 || treeOffsets[0] !== 0) bad('treeOffsets', 'must start with 0.');
    if (treeOffsets[treeOffsets.length - 1] !== nNodes)
      bad(`treeOffsets[${treeOffsets.length - 1}]`, `must equal the node count ${nNodes}, got ${treeOffsets[treeOffsets.length - 1]}.`);
    for (let t = 0; t + 1 < treeOffsets.length; t++) {
      const start = treeOffsets[t];
      const end = treeOffsets[t + 1];
      if (!(end > start)) bad(`treeOffsets[${t + 1}]`, `tree ${t} must have at least one node (offsets must increase).`);
      const size = end - start;
      for (let n = start; n < end; n++) {
        const local = n - start;
        const l = left[n];
        const r = right[n];
        if (!Number.isFinite(value[n])) bad(`value[${n}]`, `must be finite, got ${value[n]}.`);
        if (!Number.isFinite(gain[n])) bad(`gain[${n}]`, `must be finite, got ${gain[n]}.`);
        if (missingLeft[n] > 1) bad(`missingLeft[${n}]`, `must be 0 or 1, got ${missingLeft[n]}.`);
        if (l === -1 || r === -1) {
          if (l !== -1) bad(`left[${n}]`, `a leaf (right = -1) must have left = -1, got ${l}.`);
          if (r !== -1) bad(`right[${n}]`, `a leaf (left = -1) must have right = -1, got ${r}.`);
          if (feature[n] !== -1) bad(`feature[${n}]`, `a leaf must have feature -1, got ${feature[n]}.`);
          if (catIndex[n] !== -1) bad(`catIndex[${n}]`, `a leaf must have catIndex -1, got ${catIndex[n]}.`);
          continue;
        }
        if (!(l > local && l < size)) bad(`left[${n}]`, `child index ${l} is out of range (${local + 1}..${size - 1}) in tree ${t}.`);
        if (!(r > local && r < size)) bad(`right[${n}]`, `child index ${r} is out of range (${local + 1}..${size - 1}) in tree ${t}.`);
        const f = feature[n];
        if (!(f >= 0 && f < nFeatures)) bad(`feature[${n}]`, `feature index ${f} is out of range (0..${nFeatures - 1}).`);
        if (!Number.isFinite(threshold[n])) bad(`threshold[${n}]`, `must be finite, got ${threshold[n]}.`);
        const ci = catIndex[n];
        if (ci !== -1) {
          if (!(ci >= 0 && ci < nBitsets)) bad(`catIndex[${n}]`, `bitset index ${ci} is out of range (0..${nBitsets - 1}).`);
          if (categoryCount[f] === 0) bad(`catIndex[${n}]`, `feature ${f} is not categorical.`);
        }
      }
    }
    return new Forest({ treeOffsets, feature, threshold, left, right, value, missingLeft, catIndex, catBits, gain, categoryCount });
  }
}
