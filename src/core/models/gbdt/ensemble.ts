/**
 * The boosted trees a fitted model keeps, as struct-of-arrays: every tree concatenated into a
 * few typed arrays plus per-tree offsets, with real-valued thresholds and category bitsets,
 * predicting on raw row-major Float64 matrices. `EnsembleState` is what gets serialized;
 * `readEnsemble` validates every array before use. For prediction the ensemble derives
 * integer-coded tables on first use (`LeafMaskEnsemble` in leaf-masks.ts for trees of up to 32
 * leaves, else `CodedEnsemble` in coded-ensemble.ts; not serialized, so bundles of every version
 * load as they are); `addPredictionsRaw` is the reference descent on raw values (and serves
 * trees with categorical nodes).
 */
import type { StateReader } from '../state';
import type { Matrix, StateValue } from '../types';
import type { Binning } from './binning';
import { CodedEnsemble } from './coded-ensemble';
import type { GrownTree } from './grown-tree';
import { LeafMaskEnsemble } from './leaf-masks';

/** Rows per prediction block (see addPredictions). */
const ROW_BLOCK = 1024;

/** Words of a categorical node's bitset (256 categories). */
export const CAT_WORDS = 8;

/** Serialized forest: all trees concatenated; left/right are indices within the tree. */
export interface EnsembleState {
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

/** Accumulates grown trees into a TreeEnsemble. */
export class EnsembleBuilder {
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
  private readonly cover: number[] = [];

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
      this.cover.push(t.count[n]);
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
  build(nTrees = this.treeCount): TreeEnsemble {
    const end = this.offsets[nTrees];
    const catEnd = this.catIndex.slice(0, end).reduce((m, c) => Math.max(m, c + 1), 0) * CAT_WORDS;
    const categoryCount = new Int32Array(this.binning.nFeatures);
    for (let j = 0; j < categoryCount.length; j++) categoryCount[j] = this.binning.categorical[j] ? this.binning.nBins[j] : 0;
    return new TreeEnsemble({
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
    }, {}, Int32Array.from(this.cover.slice(0, end)));
  }
}

/**
 * The split rule on raw values at internal node `node` (a global index) for the value `v` of
 * its feature: numbers go left when v ≤ threshold, categories when their bit is set; NaN, and a
 * category never seen in training, follow the learned missing direction.
 */
export function goesLeftRaw(s: EnsembleState, node: number, v: number): boolean {
  const ci = s.catIndex[node];
  // NaN fails `v <= threshold`; it then follows the learned missing direction.
  if (ci < 0) return v <= s.threshold[node] || (v !== v && s.missingLeft[node] === 1);
  if (v >= 0 && v < s.categoryCount[s.feature[node]] && v === Math.floor(v)) return ((s.catBits[ci * CAT_WORDS + (v >>> 5)] >>> (v & 31)) & 1) === 1;
  return s.missingLeft[node] === 1;
}

export class TreeEnsemble {
  readonly nTrees: number;
  /** Global child indices (tree offset added), for the raw-value descent. */
  private readonly gLeft: Int32Array;
  private readonly gRight: Int32Array;
  /**
   * 1 for trees the coded descent leaves to `addTreeRaw`: those with a categorical node or with
   * a right child that is not left + 1 (trees grown here never have one). Leaf masks take them.
   */
  private readonly treeRaw: Uint8Array;
  /**
   * Prediction tables, built on the first prediction: leaf masks of every tree when they apply
   * (LeafMaskEnsemble.build) and `leafMasks` is not false, else the coded descent's tables of
   * the trees `treeRaw` does not flag.
   */
  private kernel: { masks: LeafMaskEnsemble } | { coded: CodedEnsemble } | null = null;

  /** Trusts `state`: call `TreeEnsemble.read` for anything that comes from outside. */
  /**
   * `leafMasks: false` predicts with the coded descent even where leaf masks would serve, and
   * `packedTables: false` keeps that descent on its four-word tables even when packed ones would
   * fit (for tests of those paths).
   */
  constructor(
    readonly state: EnsembleState,
    private readonly options: { leafMasks?: boolean; packedTables?: boolean } = {},
    /**
     * Training rows of each tree that reached each node (TreeSHAP's cover), or null for
     * bundles written before it was kept. Serialized beside `state` as `cover`.
     */
    readonly cover: Int32Array | null = null,
  ) {
    const s = state;
    this.nTrees = s.treeOffsets.length - 1;
    this.gLeft = new Int32Array(s.left.length);
    this.gRight = new Int32Array(s.right.length);
    this.treeRaw = new Uint8Array(this.nTrees);
    for (let t = 0; t < this.nTrees; t++) {
      const o = s.treeOffsets[t];
      for (let n = o; n < s.treeOffsets[t + 1]; n++) {
        this.gLeft[n] = s.left[n] < 0 ? -1 : s.left[n] + o;
        this.gRight[n] = s.right[n] < 0 ? -1 : s.right[n] + o;
        if (s.catIndex[n] >= 0 || (s.left[n] >= 0 && s.right[n] !== s.left[n] + 1)) this.treeRaw[t] = 1;
      }
    }
  }

  /**
   * Adds every tree's prediction to out[i] for each row i of X (row-major, NaN = missing).
   *
   * Rows are coded block by block: a value becomes the number of the forest's thresholds on
   * its feature that lie below it, and a node's threshold becomes its rank among them, so
   * "value ≤ threshold" is exactly "code ≤ rank" (NaN gets a code of its own). With leaf masks
   * (trees of up to 32 leaves, at most 64 features split on, WebAssembly SIMD available; 6.3×
   * less CPU on gemstone) each row's leaves come from one table row per feature; else every
   * tree descends the block on the codes, its nodes in L1 while the block's codes stream past.
   * Both add the raw descent's leaf values in its order: the same sums, bit for bit.
   */
  addPredictions(X: Matrix, out: Float64Array): void {
    const k = (this.kernel ??= this.buildKernel());
    if ('masks' in k) k.masks.addPredictions(X.data, X.rows, X.cols, out);
    else this.addPredictionsCoded(k.coded, X, out);
  }

  /** The kernel `addPredictions` runs (built if not yet): for tests and benchmarks. */
  predictionKernel(): 'leaf-masks' | 'coded' {
    return 'masks' in (this.kernel ??= this.buildKernel()) ? 'leaf-masks' : 'coded';
  }

  private buildKernel(): { masks: LeafMaskEnsemble } | { coded: CodedEnsemble } {
    const masks = this.options.leafMasks === false ? null : LeafMaskEnsemble.build(this.state);
    return masks ? { masks } : { coded: new CodedEnsemble(this.state, this.treeRaw, this.options.packedTables ?? true) };
  }

  private addPredictionsCoded(c: CodedEnsemble, X: Matrix, out: Float64Array): void {
    const p = X.cols;
    const blockRows = Math.max(4, Math.min(ROW_BLOCK, Math.floor(16384 / p)));
    const codes = new Int32Array(blockRows * p);
    for (let b0 = 0; b0 < X.rows; b0 += blockRows) {
      const b1 = Math.min(X.rows, b0 + blockRows);
      const hasNaN = c.codeRows(X.data, p, b0, b1, codes);
      if (c.packed) c.shiftCodes(codes, (b1 - b0) * p);
      for (let t = 0; t < this.nTrees; t++) {
        if (this.treeRaw[t] === 1) this.addTreeRaw(t, X, b0, b1, out);
        else c.addTree(t, this.state.treeOffsets[t], this.state.value, codes, p, b0, b1, hasNaN, out);
      }
    }
  }

  /**
   * Reference path: every tree descends on the raw values, one row at a time (the semantics
   * the coded path must reproduce bit for bit). Trees with categorical nodes always use it.
   */
  addPredictionsRaw(X: Matrix, out: Float64Array): void {
    for (let b0 = 0; b0 < X.rows; b0 += ROW_BLOCK) {
      const b1 = Math.min(X.rows, b0 + ROW_BLOCK);
      for (let t = 0; t < this.nTrees; t++) this.addTreeRaw(t, X, b0, b1, out);
    }
  }

  private addTreeRaw(t: number, X: Matrix, b0: number, b1: number, out: Float64Array): void {
    const s = this.state;
    const d = X.data;
    const p = X.cols;
    const F = s.feature;
    const V = s.value;
    const L = this.gLeft;
    const R = this.gRight;
    const root = s.treeOffsets[t];
    for (let i = b0; i < b1; i++) {
      const rb = i * p;
      let node = root;
      let l = L[node];
      while (l >= 0) {
        node = goesLeftRaw(s, node, d[rb + F[node]]) ? l : R[node];
        l = L[node];
      }
      out[i] += V[node];
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
   * Rebuilds an ensemble from untrusted state, checking every array: types, consistent lengths,
   * child indices inside their tree and after their parent (so traversal always ends), feature
   * indices below nFeatures, finite thresholds, values and gains, bitsets in range.
   */
  static read(reader: StateReader, nFeatures: number): TreeEnsemble {
    const bad = (field: string, msg: string): never => reader.fail(field, msg);
    const feature = reader.typed('feature', Int32Array);
    const nNodes = feature.length;
    const nodes = { length: nNodes };
    const treeOffsets = reader.typed('treeOffsets', Int32Array);
    const threshold = reader.typed('threshold', Float64Array, nodes);
    const left = reader.typed('left', Int32Array, nodes);
    const right = reader.typed('right', Int32Array, nodes);
    const value = reader.typed('value', Float64Array, nodes);
    const missingLeft = reader.typed('missingLeft', Uint8Array, nodes);
    const catIndex = reader.typed('catIndex', Int32Array, nodes);
    const catBits = reader.typed('catBits', Uint32Array);
    const gain = reader.typed('gain', Float64Array, nodes);
    const categoryCount = reader.typed('categoryCount', Int32Array, { length: nFeatures });
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
        const rc = right[n];
        if (missingLeft[n] > 1) bad(`missingLeft[${n}]`, `must be 0 or 1, got ${missingLeft[n]}.`);
        if (l === -1 || rc === -1) {
          if (l !== -1) bad(`left[${n}]`, `a leaf (right = -1) must have left = -1, got ${l}.`);
          if (rc !== -1) bad(`right[${n}]`, `a leaf (left = -1) must have right = -1, got ${rc}.`);
          if (feature[n] !== -1) bad(`feature[${n}]`, `a leaf must have feature -1, got ${feature[n]}.`);
          if (catIndex[n] !== -1) bad(`catIndex[${n}]`, `a leaf must have catIndex -1, got ${catIndex[n]}.`);
          continue;
        }
        if (!(l > local && l < size)) bad(`left[${n}]`, `child index ${l} is out of range (${local + 1}..${size - 1}) in tree ${t}.`);
        if (!(rc > local && rc < size)) bad(`right[${n}]`, `child index ${rc} is out of range (${local + 1}..${size - 1}) in tree ${t}.`);
        const f = feature[n];
        if (!(f >= 0 && f < nFeatures)) bad(`feature[${n}]`, `feature index ${f} is out of range (0..${nFeatures - 1}).`);
        const ci = catIndex[n];
        if (ci !== -1) {
          if (!(ci >= 0 && ci < nBitsets)) bad(`catIndex[${n}]`, `bitset index ${ci} is out of range (0..${nBitsets - 1}).`);
          if (categoryCount[f] === 0) bad(`catIndex[${n}]`, `feature ${f} is not categorical.`);
        }
      }
    }
    let cover: Int32Array | null = null;
    if (reader.has('cover')) {
      cover = reader.typed('cover', Int32Array, nodes);
      for (let n = 0; n < nNodes; n++) if (!(cover[n] > 0)) bad(`cover[${n}]`, `must be > 0 (training rows that reached the node), got ${cover[n]}.`);
    }
    return new TreeEnsemble({ treeOffsets, feature, threshold, left, right, value, missingLeft, catIndex, catBits, gain, categoryCount }, {}, cover);
  }
}
