/**
 * Trees as struct-of-arrays.
 *
 * `GrownTree`: the tree being grown on binned data (bin thresholds, a per-node 256-entry
 * "goes left" table), used during fit to update training / validation predictions.
 * `Forest`: every kept tree concatenated into a few typed arrays plus per-tree offsets, with
 * real-valued thresholds and category bitsets, predicting on raw row-major Float64 matrices.
 * It is what gets serialized; `Forest.fromState` validates every array before use. For
 * prediction it derives integer-coded tables on first use (`CodedForest`, not serialized, so
 * bundles of every version load as they are): rows are coded once per block against the
 * forest's own thresholds and trees are walked on small integers, with exactly the decisions
 * of the raw thresholds (`addPredictionsRaw`, the reference, also serves categorical trees).
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
  /** Global child indices (tree offset added), for the raw-value descent. */
  private readonly gLeft: Int32Array;
  private readonly gRight: Int32Array;
  /**
   * 1 for trees that descend on raw values (`addTreeRaw`): those with a categorical node or
   * with a right child that is not left + 1 (trees grown here never have one).
   */
  private readonly treeRaw: Uint8Array;
  /** Integer-coded descent tables, built on the first prediction. */
  private coded: CodedForest | null = null;

  /** Trusts `state`: call `Forest.fromState` for anything that comes from outside. */
  /**
   * `packedTables: false` keeps prediction on the four-word tables even when packed ones
   * would fit (for tests of that path).
   */
  constructor(
    readonly state: ForestState,
    private readonly options: { packedTables?: boolean } = {},
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
   * "value ≤ threshold" is exactly "code ≤ rank" (NaN gets a code of its own). Then every
   * tree walks the block: its nodes stay in L1 while the block's codes stream past.
   */
  addPredictions(X: Matrix, out: Float64Array): void {
    const c = (this.coded ??= new CodedForest(this.state, this.treeRaw, this.options.packedTables ?? true));
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
    const T = s.threshold;
    const ML = s.missingLeft;
    const V = s.value;
    const L = this.gLeft;
    const R = this.gRight;
    const CI = s.catIndex;
    const bits = s.catBits;
    const catCount = s.categoryCount;
    const root = s.treeOffsets[t];
    for (let i = b0; i < b1; i++) {
      const rb = i * p;
      let node = root;
      let l = L[node];
      while (l >= 0) {
        const f = F[node];
        const v = d[rb + f];
        const ci = CI[node];
        let goLeft: boolean;
        // NaN fails `v <= T`; it then follows the learned missing direction.
        if (ci < 0) goLeft = v <= T[node] || (v !== v && ML[node] === 1);
        else if (v >= 0 && v < catCount[f] && v === Math.floor(v)) goLeft = ((bits[ci * CAT_WORDS + (v >>> 5)] >>> (v & 31)) & 1) === 1;
        else goLeft = ML[node] === 1; // missing or never-seen category
        node = goLeft ? l : R[node];
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

/** Code of a missing value: above every threshold rank, so it goes right unless told otherwise. */
const MISSING_CODE = 0x3ffffffe;
/** Threshold rank of a leaf in the coded tables: no code exceeds it, so a leaf steps to itself. */
const LEAF_RANK = 0x3fffffff;
/** Bits needed to hold the values 0..n−1 (at least 1). */
function bitsFor(n: number): number {
  let b = 1;
  while (1 << b < n) b++;
  return b;
}

/**
 * Integer-coded descent tables of a forest's numeric trees (the trees `raw` does not flag).
 *
 * A row's value of feature j is coded as the number of the forest's distinct thresholds on j
 * below it, and a node's threshold as its rank among them: "value ≤ threshold" is exactly
 * "code ≤ rank". Node n occupies nodes[4n..4n+3]: the node to step to when going left (right
 * is left + 1; a leaf steps to itself), the feature, the rank (LEAF_RANK for a leaf) and 1 when
 * missing values go left. Every row takes exactly depth[t] steps in tree t with no
 * data-dependent branch ((rank − code) >>> 31 is 1 when code > rank), so several rows can
 * descend side by side. When features, ranks and tree sizes fit in 31 bits together (as with
 * 255 bins, 31 leaves and a few hundred features), `packed` holds each node in one word:
 * rank << rankShift | missing-goes-left bit | tree-local left child << featureBits | feature,
 * with the rank on top so that, with codes pre-shifted by rankShift, (word − code) >>> 31 is 1
 * exactly when code > rank. A leaf's rank is all ones, above every code.
 */
class CodedForest {
  readonly nodes: Int32Array;
  readonly packed: Int32Array | null;
  /** Layout of `packed`: feature bits, left-child bits, and the leaf rank (all ones). */
  readonly featureBits: number;
  readonly leftBits: number;
  readonly leafRank: number;
  /** Per tree: the depth of its deepest leaf. */
  readonly depth: Int32Array;
  /** Per feature: its distinct thresholds ascending, padded with +∞ to a power of two; null when unused. */
  readonly cuts: (Float64Array | null)[];

  constructor(s: ForestState, raw: Uint8Array, allowPacked: boolean) {
    const nNodes = s.feature.length;
    const nTrees = s.treeOffsets.length - 1;
    const nFeatures = s.categoryCount.length;
    const byFeature: number[][] = Array.from({ length: nFeatures }, () => []);
    for (let t = 0; t < nTrees; t++) {
      if (raw[t] === 1) continue;
      for (let n = s.treeOffsets[t]; n < s.treeOffsets[t + 1]; n++) if (s.left[n] >= 0) byFeature[s.feature[n]].push(s.threshold[n]);
    }
    let maxCuts = 0;
    this.cuts = byFeature.map((ts) => {
      if (ts.length === 0) return null;
      ts.sort((a, b) => a - b);
      const distinct: number[] = [];
      for (const t of ts) if (distinct.length === 0 || distinct[distinct.length - 1] !== t) distinct.push(t);
      maxCuts = Math.max(maxCuts, distinct.length);
      let size = 1;
      while (size < distinct.length) size *= 2;
      const a = new Float64Array(size).fill(Infinity);
      a.set(distinct);
      return a;
    });
    this.nodes = new Int32Array(4 * nNodes);
    this.depth = new Int32Array(nTrees);
    const nodeDepth = new Int32Array(nNodes);
    let maxTreeSize = 0;
    for (let t = 0; t < nTrees; t++) {
      if (raw[t] === 1) continue;
      const o = s.treeOffsets[t];
      maxTreeSize = Math.max(maxTreeSize, s.treeOffsets[t + 1] - o);
      let maxDepth = 0;
      for (let n = o; n < s.treeOffsets[t + 1]; n++) {
        const q = 4 * n;
        if (s.left[n] < 0) {
          this.nodes[q] = n;
          this.nodes[q + 2] = LEAF_RANK;
          if (nodeDepth[n] > maxDepth) maxDepth = nodeDepth[n];
          continue;
        }
        // Children come after their parent (fromState checks it), so depths fill in order.
        nodeDepth[s.left[n] + o] = nodeDepth[n] + 1;
        nodeDepth[s.right[n] + o] = nodeDepth[n] + 1;
        const f = s.feature[n];
        this.nodes[q] = s.left[n] + o;
        this.nodes[q + 1] = f;
        this.nodes[q + 2] = countBelow(this.cuts[f] as Float64Array, s.threshold[n]);
        this.nodes[q + 3] = s.missingLeft[n];
      }
      this.depth[t] = maxDepth;
    }
    // Codes reach maxCuts, which must stay below the packed leaf rank.
    this.featureBits = bitsFor(nFeatures);
    this.leftBits = bitsFor(maxTreeSize);
    const rankBits = bitsFor(maxCuts + 2);
    this.leafRank = (1 << rankBits) - 1;
    const packable = allowPacked && this.featureBits + this.leftBits + 1 + rankBits <= 31;
    this.packed = packable ? new Int32Array(nNodes) : null;
    if (this.packed) {
      const rs = this.featureBits + this.leftBits;
      for (let t = 0; t < nTrees; t++) {
        if (raw[t] === 1) continue;
        const o = s.treeOffsets[t];
        for (let n = o; n < s.treeOffsets[t + 1]; n++) {
          const q = 4 * n;
          const rank = s.left[n] < 0 ? this.leafRank : this.nodes[q + 2];
          this.packed[n] = (rank << (rs + 1)) | (this.nodes[q + 3] << rs) | ((this.nodes[q] - o) << this.featureBits) | this.nodes[q + 1];
        }
      }
    }
  }

  /**
   * Writes the codes of rows b0..b1−1 of row-major `d` (p columns) into `codes` (row-major,
   * from 0); returns true when one of them is missing.
   */
  codeRows(d: Float64Array, p: number, b0: number, b1: number, codes: Int32Array): boolean {
    let missing = false;
    for (let j = 0; j < p; j++) {
      const cuts = this.cuts[j];
      if (cuts === null) continue;
      const size = cuts.length;
      for (let i = b0, q = j; i < b1; i++, q += p) {
        const v = d[i * p + j];
        if (v !== v) {
          codes[q] = MISSING_CODE;
          missing = true;
          continue;
        }
        // Lower bound over a power-of-two array (+∞ padding is never below v): cuts below v.
        let pos = 0;
        for (let step = size >> 1; step > 0; step >>= 1) if (cuts[pos + step - 1] < v) pos += step;
        codes[q] = cuts[pos] < v ? pos + 1 : pos;
      }
    }
    return missing;
  }

  /** Shifts codes (no missing ones) for the packed tables: code << (featureBits + leftBits). */
  shiftCodes(codes: Int32Array, n: number): void {
    const rs = this.featureBits + this.leftBits + 1;
    const missing = this.leafRank << rs;
    for (let q = 0; q < n; q++) {
      const c = codes[q];
      codes[q] = c === MISSING_CODE ? missing : c << rs;
    }
  }

  /**
   * Adds tree t's leaf values to out[b0..b1) for the coded rows (codes row 0 is row b0), which
   * `shiftCodes` has shifted when packed tables exist and no code is missing.
   */
  addTree(t: number, root: number, V: Float64Array, codes: Int32Array, p: number, b0: number, b1: number, hasMissing: boolean, out: Float64Array): void {
    if (this.packed) {
      if (hasMissing) descendPacked8Missing(this.packed, this.featureBits, this.leftBits, this.leafRank, V, codes, p, b0, b1, root, this.depth[t], out);
      else descendPacked8(this.packed, this.featureBits, this.leftBits, this.leafRank, V, codes, p, b0, b1, root, this.depth[t], out);
    } else if (hasMissing) descendCodedMissing(this.nodes, V, codes, p, b0, b1, root, this.depth[t], out);
    else descendCoded4(this.nodes, V, codes, p, b0, b1, root, this.depth[t], out);
  }
}

/** Number of entries of ascending `a` strictly below v. */
function countBelow(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Packed tables, shifted codes (none missing): eight rows side by side (independent chains of
 * loads the CPU overlaps), at most `depth` steps each. Node indices are tree-local (o: the
 * tree's offset).
 */
function descendPacked8(P: Int32Array, FB: number, LB: number, leafRank: number, V: Float64Array, C: Int32Array, p: number, b0: number, b1: number, o: number, depth: number, out: Float64Array): void {
  const FM = (1 << FB) - 1;
  const LM = (1 << LB) - 1;
  const RS = FB + LB + 1;
  let i = b0;
  let r = 0;
  for (; i + 7 < b1; i += 8, r += 8 * p) {
    const r1 = r + p;
    const r2 = r1 + p;
    const r3 = r2 + p;
    const r4 = r3 + p;
    const r5 = r4 + p;
    const r6 = r5 + p;
    const r7 = r6 + p;
    let n0 = 0;
    let n1 = 0;
    let n2 = 0;
    let n3 = 0;
    let n4 = 0;
    let n5 = 0;
    let n6 = 0;
    let n7 = 0;
    for (let k = 0; k < depth; k++) {
      const w0 = P[o + n0];
      const w1 = P[o + n1];
      const w2 = P[o + n2];
      const w3 = P[o + n3];
      const w4 = P[o + n4];
      const w5 = P[o + n5];
      const w6 = P[o + n6];
      const w7 = P[o + n7];
      // Every row at a leaf (a leaf's rank field is all ones): the remaining steps are no-ops.
      if ((w0 & w1 & w2 & w3 & w4 & w5 & w6 & w7) >>> RS === leafRank) break;
      n0 = ((w0 >>> FB) & LM) + ((w0 - C[r + (w0 & FM)]) >>> 31);
      n1 = ((w1 >>> FB) & LM) + ((w1 - C[r1 + (w1 & FM)]) >>> 31);
      n2 = ((w2 >>> FB) & LM) + ((w2 - C[r2 + (w2 & FM)]) >>> 31);
      n3 = ((w3 >>> FB) & LM) + ((w3 - C[r3 + (w3 & FM)]) >>> 31);
      n4 = ((w4 >>> FB) & LM) + ((w4 - C[r4 + (w4 & FM)]) >>> 31);
      n5 = ((w5 >>> FB) & LM) + ((w5 - C[r5 + (w5 & FM)]) >>> 31);
      n6 = ((w6 >>> FB) & LM) + ((w6 - C[r6 + (w6 & FM)]) >>> 31);
      n7 = ((w7 >>> FB) & LM) + ((w7 - C[r7 + (w7 & FM)]) >>> 31);
    }
    out[i] += V[o + n0];
    out[i + 1] += V[o + n1];
    out[i + 2] += V[o + n2];
    out[i + 3] += V[o + n3];
    out[i + 4] += V[o + n4];
    out[i + 5] += V[o + n5];
    out[i + 6] += V[o + n6];
    out[i + 7] += V[o + n7];
  }
  for (; i < b1; i++, r += p) {
    let n = 0;
    for (let k = 0; k < depth; k++) {
      const w = P[o + n];
      n = ((w >>> FB) & LM) + ((w - C[r + (w & FM)]) >>> 31);
    }
    out[i] += V[o + n];
  }
}

/**
 * As `descendPacked8`, for blocks with missing values. Their code (leafRank << rank shift) is
 * above every internal node's word, so they go right, flipped to left where the node's
 * missing bit is set ((c ^ CM) − 1 is negative only for the missing code).
 */
function descendPacked8Missing(P: Int32Array, FB: number, LB: number, leafRank: number, V: Float64Array, C: Int32Array, p: number, b0: number, b1: number, o: number, depth: number, out: Float64Array): void {
  const FM = (1 << FB) - 1;
  const LM = (1 << LB) - 1;
  const RS = FB + LB + 1;
  const MB = FB + LB;
  const CM = leafRank << RS;
  let i = b0;
  let r = 0;
  for (; i + 7 < b1; i += 8, r += 8 * p) {
    const r1 = r + p;
    const r2 = r1 + p;
    const r3 = r2 + p;
    const r4 = r3 + p;
    const r5 = r4 + p;
    const r6 = r5 + p;
    const r7 = r6 + p;
    let n0 = 0;
    let n1 = 0;
    let n2 = 0;
    let n3 = 0;
    let n4 = 0;
    let n5 = 0;
    let n6 = 0;
    let n7 = 0;
    for (let k = 0; k < depth; k++) {
      const w0 = P[o + n0];
      const w1 = P[o + n1];
      const w2 = P[o + n2];
      const w3 = P[o + n3];
      const w4 = P[o + n4];
      const w5 = P[o + n5];
      const w6 = P[o + n6];
      const w7 = P[o + n7];
      // Every row at a leaf (a leaf's rank field is all ones): the remaining steps are no-ops.
      if ((w0 & w1 & w2 & w3 & w4 & w5 & w6 & w7) >>> RS === leafRank) break;
      const c0 = C[r + (w0 & FM)];
      n0 = ((w0 >>> FB) & LM) + (((w0 - c0) >>> 31) ^ ((w0 >>> MB) & ((c0 ^ CM) - 1) >>> 31));
      const c1 = C[r1 + (w1 & FM)];
      n1 = ((w1 >>> FB) & LM) + (((w1 - c1) >>> 31) ^ ((w1 >>> MB) & ((c1 ^ CM) - 1) >>> 31));
      const c2 = C[r2 + (w2 & FM)];
      n2 = ((w2 >>> FB) & LM) + (((w2 - c2) >>> 31) ^ ((w2 >>> MB) & ((c2 ^ CM) - 1) >>> 31));
      const c3 = C[r3 + (w3 & FM)];
      n3 = ((w3 >>> FB) & LM) + (((w3 - c3) >>> 31) ^ ((w3 >>> MB) & ((c3 ^ CM) - 1) >>> 31));
      const c4 = C[r4 + (w4 & FM)];
      n4 = ((w4 >>> FB) & LM) + (((w4 - c4) >>> 31) ^ ((w4 >>> MB) & ((c4 ^ CM) - 1) >>> 31));
      const c5 = C[r5 + (w5 & FM)];
      n5 = ((w5 >>> FB) & LM) + (((w5 - c5) >>> 31) ^ ((w5 >>> MB) & ((c5 ^ CM) - 1) >>> 31));
      const c6 = C[r6 + (w6 & FM)];
      n6 = ((w6 >>> FB) & LM) + (((w6 - c6) >>> 31) ^ ((w6 >>> MB) & ((c6 ^ CM) - 1) >>> 31));
      const c7 = C[r7 + (w7 & FM)];
      n7 = ((w7 >>> FB) & LM) + (((w7 - c7) >>> 31) ^ ((w7 >>> MB) & ((c7 ^ CM) - 1) >>> 31));
    }
    out[i] += V[o + n0];
    out[i + 1] += V[o + n1];
    out[i + 2] += V[o + n2];
    out[i + 3] += V[o + n3];
    out[i + 4] += V[o + n4];
    out[i + 5] += V[o + n5];
    out[i + 6] += V[o + n6];
    out[i + 7] += V[o + n7];
  }
  for (; i < b1; i++, r += p) {
    let n = 0;
    for (let k = 0; k < depth; k++) {
      const w = P[o + n];
      const c = C[r + (w & FM)];
      n = ((w >>> FB) & LM) + (((w - c) >>> 31) ^ ((w >>> MB) & ((c ^ CM) - 1) >>> 31));
    }
    out[i] += V[o + n];
  }
}

/** Four-word tables, no missing codes: four rows side by side, `depth` steps each. */
function descendCoded4(N: Int32Array, V: Float64Array, C: Int32Array, p: number, b0: number, b1: number, root: number, depth: number, out: Float64Array): void {
  let i = b0;
  let r = 0;
  for (; i + 3 < b1; i += 4, r += 4 * p) {
    const r1 = r + p;
    const r2 = r1 + p;
    const r3 = r2 + p;
    let n0 = root;
    let n1 = root;
    let n2 = root;
    let n3 = root;
    for (let k = 0; k < depth; k++) {
      const q0 = n0 << 2;
      const q1 = n1 << 2;
      const q2 = n2 << 2;
      const q3 = n3 << 2;
      n0 = N[q0] + ((N[q0 + 2] - C[r + N[q0 + 1]]) >>> 31);
      n1 = N[q1] + ((N[q1 + 2] - C[r1 + N[q1 + 1]]) >>> 31);
      n2 = N[q2] + ((N[q2 + 2] - C[r2 + N[q2 + 1]]) >>> 31);
      n3 = N[q3] + ((N[q3 + 2] - C[r3 + N[q3 + 1]]) >>> 31);
    }
    out[i] += V[n0];
    out[i + 1] += V[n1];
    out[i + 2] += V[n2];
    out[i + 3] += V[n3];
  }
  for (; i < b1; i++, r += p) {
    let n = root;
    for (let k = 0; k < depth; k++) {
      const q = n << 2;
      n = N[q] + ((N[q + 2] - C[r + N[q + 1]]) >>> 31);
    }
    out[i] += V[n];
  }
}

/** Four-word tables, block with missing codes (those go left where the node says so): four rows side by side. */
function descendCodedMissing(N: Int32Array, V: Float64Array, C: Int32Array, p: number, b0: number, b1: number, root: number, depth: number, out: Float64Array): void {
  const M = MISSING_CODE;
  let i = b0;
  let r = 0;
  // A missing code exceeds every rank (1), flipped to 0 where missing values go left.
  for (; i + 3 < b1; i += 4, r += 4 * p) {
    const r1 = r + p;
    const r2 = r1 + p;
    const r3 = r2 + p;
    let n0 = root;
    let n1 = root;
    let n2 = root;
    let n3 = root;
    for (let k = 0; k < depth; k++) {
      const q0 = n0 << 2;
      const q1 = n1 << 2;
      const q2 = n2 << 2;
      const q3 = n3 << 2;
      const c0 = C[r + N[q0 + 1]];
      const c1 = C[r1 + N[q1 + 1]];
      const c2 = C[r2 + N[q2 + 1]];
      const c3 = C[r3 + N[q3 + 1]];
      n0 = N[q0] + (((N[q0 + 2] - c0) >>> 31) ^ (N[q0 + 3] & ((c0 ^ M) - 1) >>> 31));
      n1 = N[q1] + (((N[q1 + 2] - c1) >>> 31) ^ (N[q1 + 3] & ((c1 ^ M) - 1) >>> 31));
      n2 = N[q2] + (((N[q2 + 2] - c2) >>> 31) ^ (N[q2 + 3] & ((c2 ^ M) - 1) >>> 31));
      n3 = N[q3] + (((N[q3 + 2] - c3) >>> 31) ^ (N[q3 + 3] & ((c3 ^ M) - 1) >>> 31));
    }
    out[i] += V[n0];
    out[i + 1] += V[n1];
    out[i + 2] += V[n2];
    out[i + 3] += V[n3];
  }
  for (; i < b1; i++, r += p) {
    let n = root;
    for (let k = 0; k < depth; k++) {
      const q = n << 2;
      const c = C[r + N[q + 1]];
      n = N[q] + (((N[q + 2] - c) >>> 31) ^ (N[q + 3] & ((c ^ M) - 1) >>> 31));
    }
    out[i] += V[n];
  }
}
