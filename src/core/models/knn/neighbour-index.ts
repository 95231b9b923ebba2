/**
 * The exact neighbour search of the k-nearest-neighbours models (regressor and classifier):
 * the training rows, and the k nearest of any query rows ordered by (distance, training row),
 * found by a k-d tree (kd-tree.ts) for few features, built at fit and on restore, or by brute
 * force on tfjs for many, where a tree prunes too little. `algorithm: 'auto'` keeps the tree
 * when a probe shows it pruning enough, at the switch measured in bench/knn.ts.
 *
 * Brute force scores a block of query rows against all training rows with one tfjs matMul
 * (‖t‖² − 2·q·tᵀ through augmented matrices; the query's own ‖q‖² is constant per row) and
 * reduces each group of GROUP training rows to its best score on the tfjs side (reading the
 * whole score block back was the bottleneck, and tf.topk was slower still). In JavaScript, the
 * best k + REFINE_EXTRA + GROUP_MARGIN groups are picked and all their rows' distances
 * recomputed in float64, ordered by (distance, training row): float32 rounding cannot reorder
 * near-ties and ties resolve the same way everywhere. Memory stays bounded: one block holds
 * ≤ BLOCK_CELLS scores.
 */
import { requireTf } from '../../tf';
import { backgroundRows } from '../background';
import type { Matrix } from '../types';
import { KdTree } from './kd-tree';
import type { KNeighborsOptions } from './params';

/**
 * 'auto' tries the k-d tree up to this many features (scikit-learn's 'auto' stops at 15) and
 * keeps it when a probe of PROBE_QUERIES training rows scans at most MAX_SCANNED_SHARE of the
 * training rows per query, or few rows against those brute force would refine (`treePays`): whether a tree pays depends on the data's structure more than on
 * its width (gemstone's 9 features: 6× faster than brute force; 9 Gaussian features: even).
 */
export const KD_TREE_MAX_FEATURES = 32;
/**
 * The scanned share at which the tree stops paying: bench/knn.ts's sweep on Gaussian data
 * (20,000 rows, k = 5) finds the tree 0.6× brute force's time at 8 features (5% of the rows
 * scanned) and 1.4× at 10 (12%). Gemstone's 9 features scan under 2%.
 */
export const MAX_SCANNED_SHARE = 0.08;
/**
 * Brute force also computes float64 distances, of every row in its best groups
 * (`bruteRefinedRows`), after its matMul; a tree that scans at most this many times as many rows
 * per query is faster whatever their share. On few training rows or a large k the share rule
 * alone chose brute force where the tree was 3–10× faster: 4,660 gemstone rows, k = 25 (a
 * search's k-NN trial on a ninth of a fold): 11% scanned, 528 rows against 992 refined, the
 * tree 0.17× brute force's time; Gaussian data, 3,000 rows, 8 features, k = 25: 1,342 against
 * 992, 0.44–0.59×. bench/knn.ts's sweep (Gaussian data, 2–32 features, k 5/25/50 on 3,000 and
 * 20,000 rows): every case this rule gives the tree ran in 0.06–0.72× brute force's time; above
 * 1.5 the tree's time ranged from 0.2× to 13× brute force's, 0.7× and 1.2× near 2 — the break-even.
 */
export const MAX_SCANNED_OVER_REFINED = 1.5;
const PROBE_QUERIES = 64;

/** Brute force: candidates beyond k taken into account for float32 near-ties. */
const REFINE_EXTRA = 4;
/** Training rows per group: tfjs returns each group's best score; rows of the best groups are checked in float64. */
const GROUP = 32;
/** Extra groups beyond the k + REFINE_EXTRA needed. */
const GROUP_MARGIN = 2;
/** Distances held per query block (4 M float32 = 16 MB). */
const BLOCK_CELLS = 1 << 22;

/** Training rows whose distances brute force recomputes in float64 per query (its best groups' rows). */
export function bruteRefinedRows(rows: number, k: number): number {
  return Math.min(rows, Math.min(Math.ceil(rows / GROUP), k + REFINE_EXTRA + GROUP_MARGIN) * GROUP);
}

/** 'auto''s choice: keep the k-d tree when a probe's queries scanned this share of the training rows. */
export function treePays(scannedShare: number, rows: number, k: number): boolean {
  return scannedShare <= MAX_SCANNED_SHARE || scannedShare * rows <= MAX_SCANNED_OVER_REFINED * bruteRefinedRows(rows, k);
}

/**
 * Receives query i's neighbours: the r-th nearest is training row rows[order[r]] at squared
 * distance dist[order[r]], for r < k, in (distance, training row) order.
 */
export type NeighbourVisit = (i: number, order: Int32Array, dist: Float64Array, rows: Int32Array) => void;

/** The training rows and the search over them (the tree is derived from X, never serialized). */
export class NeighbourIndex {
  /** The k-d tree over X when the search uses one; else null (brute force). */
  readonly tree: KdTree | null;

  /** Keeps `X` (rows × cols, row-major) as given: pass a copy the index may own. */
  constructor(
    readonly X: Float64Array,
    readonly rows: number,
    readonly cols: number,
    private readonly params: Pick<KNeighborsOptions, 'k' | 'algorithm'>,
  ) {
    this.tree = this.#treeFor();
  }

  /** The k-d tree over the training rows when the search uses one (see `algorithm`), else null. */
  #treeFor(): KdTree | null {
    const { X: data, rows, cols } = this;
    const { algorithm, k } = this.params;
    if (algorithm === 'brute') return null;
    if (algorithm === 'kd_tree') return new KdTree(data, rows, cols);
    // scikit-learn's 'auto' also falls back to brute force when k reaches half the rows.
    if (cols > KD_TREE_MAX_FEATURES || k >= rows / 2) return null;
    const tree = new KdTree(data, rows, cols);
    return treePays(tree.scannedShare(data, rows, k, PROBE_QUERIES), rows, k) ? tree : null;
  }

  /** The search in use (scikit-learn's `_fit_method`). */
  get method(): 'kd_tree' | 'brute' {
    return this.tree ? 'kd_tree' : 'brute';
  }

  /** Calls `visit` with every query row's k nearest training rows. */
  search(X: Matrix, visit: NeighbourVisit): void {
    if (this.tree) this.#searchTree(this.tree, X, visit);
    else this.#searchBrute(X, visit);
  }

  /**
   * The k nearest training rows of every row of X (scikit-learn's kneighbors): query i's
   * neighbours are rows[i·k .. i·k + k), nearest first, ties by training row, with their
   * Euclidean distances in `distances`.
   */
  kneighbors(X: Matrix): { rows: Int32Array; distances: Float64Array } {
    const k = this.params.k;
    const rowsOut = new Int32Array(X.rows * k);
    const distances = new Float64Array(X.rows * k);
    this.search(X, (i, order, dist, rows) => {
      for (let r = 0; r < k; r++) {
        rowsOut[i * k + r] = rows[order[r]];
        distances[i * k + r] = Math.sqrt(dist[order[r]]);
      }
    });
    return { rows: rowsOut, distances };
  }

  #searchTree(tree: KdTree, X: Matrix, visit: NeighbourVisit): void {
    const k = this.params.k;
    const rows = new Int32Array(k);
    const dist = new Float64Array(k);
    const order = Int32Array.from({ length: k }, (_, r) => r);
    // Queries near each other in turn, so the training rows they scan stay in cache.
    const queries = tree.queryOrder(X.data, X.rows);
    for (let r = 0; r < X.rows; r++) {
      const i = queries[r];
      tree.nearest(X.data, i, k, rows, dist);
      visit(i, order, dist, rows);
    }
  }

  #searchBrute(X: Matrix, visit: NeighbourVisit): void {
    const s = this;
    const tf = requireTf();
    const { rows: n, cols: p } = s;
    const k = this.params.k;
    const m = Math.min(n, k + REFINE_EXTRA);
    // Center on the training mean: distances are unchanged and float32 keeps more digits.
    const mean = new Float64Array(p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j] += s.X[i * p + j];
    for (let j = 0; j < p; j++) mean[j] /= n;
    // Training rows are taken in groups of GROUP; the padded tail scores −1e30 and never wins.
    const groups = Math.ceil(n / GROUP);
    const nPad = groups * GROUP;
    const g = Math.min(groups, m + GROUP_MARGIN);
    const block = Math.max(1, Math.min(X.rows, Math.floor(BLOCK_CELLS / nPad)));
    // Augmented so that one matMul gives the score: [2q, −1]·[t, ‖t‖²]ᵀ = 2q·t − ‖t‖²,
    // which is largest for the nearest training rows (‖q‖² is constant per query row).
    // The big training matrix is the left operand: as the right one, XNNPACK's fully-connected
    // kernel would repack all of it on every call (measured 10× slower).
    const tAug = new Float32Array((p + 1) * nPad);
    for (let i = 0; i < nPad; i++) {
      let sq = 0;
      for (let j = 0; j < p && i < n; j++) {
        const v = s.X[i * p + j] - mean[j];
        tAug[i * (p + 1) + j] = v;
        sq += v * v;
      }
      tAug[i * (p + 1) + p] = i < n ? sq : 1e30;
    }
    const train = tf.tensor2d(tAug, [nPad, p + 1]);
    const groupScore = new Float64Array(g);
    const groupIdx = new Int32Array(g);
    const cand = new Int32Array(g * GROUP);
    const dist = new Float64Array(g * GROUP);
    const order = new Int32Array(g * GROUP);
    try {
      for (let start = 0; start < X.rows; start += block) {
        const end = Math.min(X.rows, start + block);
        const rows = end - start;
        const q32 = new Float32Array((p + 1) * rows); // [p + 1, rows]: queries as columns
        for (let i = start; i < end; i++) {
          for (let j = 0; j < p; j++) q32[j * rows + (i - start)] = 2 * (X.data[i * p + j] - mean[j]);
          q32[p * rows + (i - start)] = -1;
        }
        // Only each group's best score leaves tfjs: GROUP times less to read back than the
        // whole block of scores.
        const bestT = tf.tidy(() =>
          tf.max(tf.reshape(tf.transpose(tf.matMul(train, tf.tensor2d(q32, [p + 1, rows]))), [rows, groups, GROUP]), 2),
        );
        const best = bestT.dataSync() as Float32Array;
        bestT.dispose();
        for (let i = start; i < end; i++) {
          // The true m nearest lie in the m groups with the best maxima (each better group
          // holds a better row); GROUP_MARGIN more groups absorb float32 near-ties.
          selectTop(best, (i - start) * groups, groups, g, groupScore, groupIdx);
          let c = 0;
          for (let r = 0; r < g; r++) {
            const first = groupIdx[r] * GROUP;
            const last = Math.min(n, first + GROUP);
            for (let t = first; t < last; t++) {
              let d = 0;
              for (let j = 0; j < p; j++) {
                const diff = X.data[i * p + j] - s.X[t * p + j];
                d += diff * diff;
              }
              cand[c] = t;
              dist[c] = d;
              order[c] = c;
              c++;
            }
          }
          const ord = order.subarray(0, c);
          partialSortByDistance(ord, dist, cand, k);
          visit(i, ord, dist, cand);
        }
      }
    } finally {
      train.dispose();
    }
  }

  /** Up to `max` of the training rows (row-major), chosen under `seed`: the background of sampling explanations. */
  backgroundRows(seed: number, max?: number): Float64Array {
    return backgroundRows({ data: this.X, rows: this.rows, cols: this.cols }, seed, max);
  }
}

/**
 * The weight of each of the k neighbours of one query (scikit-learn's `weights`): 1 each for
 * 'uniform'; 1/distance for 'distance', except that when some neighbours are at distance 0 only
 * those count, equally. `order`/`dist` as a NeighbourVisit gives them; weights go to w[0..k).
 */
export function neighbourWeights(order: Int32Array, dist: Float64Array, k: number, mode: KNeighborsOptions['weights'], w: Float64Array): void {
  if (mode === 'uniform') {
    w.fill(1, 0, k);
    return;
  }
  if (dist[order[0]] === 0) {
    for (let r = 0; r < k; r++) w[r] = dist[order[r]] === 0 ? 1 : 0;
    return;
  }
  for (let r = 0; r < k; r++) w[r] = 1 / Math.sqrt(dist[order[r]]);
}

/**
 * The m highest scores of row[off .. off+n) (indices into the row), by a threshold scan: one
 * comparison for most elements, an insertion into the small sorted buffer for the rest. Ties keep
 * the lower index, so the choice is deterministic.
 */
function selectTop(row: Float32Array, off: number, n: number, m: number, best: Float64Array, idx: Int32Array): void {
  let filled = 0;
  let floor = -Infinity; // the m-th best score once the buffer is full
  for (let t = 0; t < n; t++) {
    const v = row[off + t];
    if (filled === m && !(v > floor)) continue;
    let pos = filled < m ? filled++ : m - 1;
    while (pos > 0 && best[pos - 1] < v) {
      best[pos] = best[pos - 1];
      idx[pos] = idx[pos - 1];
      pos--;
    }
    best[pos] = v;
    idx[pos] = t;
    if (filled === m) floor = best[m - 1];
  }
}

/** Moves the k smallest (distance, then training row) to the front of `ord`, in order. */
function partialSortByDistance(ord: Int32Array, dist: Float64Array, cand: Int32Array, k: number): void {
  const less = (a: number, b: number): boolean => dist[a] < dist[b] || (dist[a] === dist[b] && cand[a] < cand[b]);
  const kk = Math.min(k, ord.length);
  for (let r = 0; r < kk; r++) {
    let bi = r;
    for (let c = r + 1; c < ord.length; c++) if (less(ord[c], ord[bi])) bi = c;
    const t = ord[r];
    ord[r] = ord[bi];
    ord[bi] = t;
  }
}
