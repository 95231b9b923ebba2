import type { TreeData } from './tree-data';

// A node on the grower's stack: start, end, depth, parent, side (0 left, 1 right), feature whose
// list holds the node's rows (−1: the rows list of the histogram phase), copy of the lists (0 A,
// 1 B) and the histogram slot of a large node (−1: none yet).
export const STACK_WIDTH = 8;
/**
 * Nodes above max(LARGE_NODE_MIN, distinct values / 6) rows are split from histograms (measured
 * on the gemstone data: 200..600 rows with 1,798 distinct values all did well).
 */
const LARGE_NODE_MIN = 256;
const LARGE_NODE_MAX = 65536;

/**
 * Scratch buffers for growing trees on one TreeData; reuse it across the trees of a forest.
 *
 * A tree renumbers its in-bag rows 0..m−1 ("compact" ids) and copies their ranks, weights and
 * targets into dense arrays, so the random reads of the hot loops stay in a small working set.
 * Sorted phase: per feature f, the lists at f·rows .. f·rows + m − 1 hold, in that feature's
 * order and partitioned by node, each row's compact id with its rank alongside. There are two
 * copies (A and B): splitting a node writes its children's lists from one copy into the other in
 * a single pass (left rows from `start`, right rows from `mid`).
 */
export class TreeWorkspace {
  /** Copies A and B of the per-feature lists: compact row ids, and their ranks alongside. */
  readonly idx: [Int32Array, Int32Array];
  readonly code: [Int32Array, Int32Array];
  /**
   * Interleaved by compact id: weight at 2c, weight·target at 2c+1 (one cache line per row).
   * Classification trees keep the row's bootstrap count at 2c+1 instead (the weight may carry a
   * class weight; the count is TreeSHAP's cover).
   */
  readonly wwy: Float64Array;
  /** Target by compact id (for the pure-node test). */
  readonly yC: Float64Array;
  /** Row index → compact id (−1 when out of bag). */
  readonly compact: Int32Array;
  readonly goLeft: Uint8Array;
  /** Rows of each large node (compact ids), partitioned by node: the histogram phase's only list. */
  readonly rowsList: Int32Array;
  readonly rowsTmp: Int32Array;
  /** Ranks by compact id, row-major (c·cols + f): one cache line per row when building histograms. */
  readonly codeR: Int32Array;
  /** Counting-sort buffer (ranks + 1). */
  readonly histN: Int32Array;
  /**
   * Per-rank histograms (rows, weight, weight·target; feature f at data.valueOffset[f]) of the
   * large nodes waiting on the stack, grown on demand and reused across trees. Classification
   * trees add `c`: the weight of each class per rank (rank b, class k at b·classes + k).
   */
  readonly histPool: { n: Int32Array; w: Float64Array; s: Float64Array; c: Float64Array | null }[] = [];
  /** Sort keys for turning a node's rows into per-feature sorted lists. */
  readonly keys: Float64Array;
  readonly feats: Int32Array;
  readonly stack: Int32Array;
  readonly nodeFeature: Int32Array;
  readonly nodeThreshold: Float64Array;
  readonly nodeLeft: Int32Array;
  readonly nodeRight: Int32Array;
  readonly nodeValue: Float64Array;
  readonly nodeSamples: Int32Array;
  /** Weighted training rows per node (bootstrap counts summed): TreeSHAP's cover. */
  readonly nodeCover: Int32Array;
  /** Nodes with more rows than this are split with histograms; smaller ones with sorted lists. */
  readonly largeNode: number;
  /** Classification trees: class shares per node (node i, class k at i·classes + k); else empty. */
  readonly nodeProba: Float64Array;
  /** Classification trees: class weights of a node, and of the left side of a candidate cut. */
  readonly classTotal: Float64Array;
  readonly classLeft: Float64Array;
  /**
   * `classes`: 0 for regression trees (data.y is the target); K ≥ 2 for classification trees
   * (data.y holds class codes 0..K−1).
   */
  constructor(
    readonly data: TreeData,
    readonly classes = 0,
  ) {
    const n = data.rows;
    const np = n * data.cols;
    this.idx = [new Int32Array(np), new Int32Array(np)];
    this.code = [new Int32Array(np), new Int32Array(np)];
    this.wwy = new Float64Array(2 * n);
    this.yC = new Float64Array(n);
    this.compact = new Int32Array(n);
    this.goLeft = new Uint8Array(n);
    this.rowsList = new Int32Array(n);
    this.rowsTmp = new Int32Array(n);
    this.codeR = new Int32Array(np);
    const bins = data.valueOffset[data.cols];
    this.histN = new Int32Array(bins + 1);
    this.largeNode = Math.min(LARGE_NODE_MAX, Math.max(LARGE_NODE_MIN, Math.floor(bins / 6)));
    this.keys = new Float64Array(Math.min(n, this.largeNode));
    this.feats = new Int32Array(data.cols);
    const cap = 2 * n + 1;
    this.stack = new Int32Array(STACK_WIDTH * (n + 2));
    this.nodeFeature = new Int32Array(cap);
    this.nodeThreshold = new Float64Array(cap);
    this.nodeLeft = new Int32Array(cap);
    this.nodeRight = new Int32Array(cap);
    this.nodeValue = new Float64Array(cap);
    this.nodeSamples = new Int32Array(cap);
    this.nodeCover = new Int32Array(cap);
    this.nodeProba = new Float64Array(classes > 0 ? cap * classes : 0);
    this.classTotal = new Float64Array(classes);
    this.classLeft = new Float64Array(classes);
  }
}
