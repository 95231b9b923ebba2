/**
 * k-nearest-neighbours regression (scikit-learn's KNeighborsRegressor, Euclidean, brute force).
 *
 * Predict scores a block of query rows against all training rows with one tfjs matMul
 * (‖t‖² − 2·q·tᵀ through augmented matrices; the query's own ‖q‖² is constant per row) and
 * reduces each group of GROUP training rows to its best score on the tfjs side (reading the
 * whole score block back was the bottleneck, and tf.topk was slower still). In JavaScript, the
 * best k + REFINE_EXTRA + GROUP_MARGIN groups are picked and all their rows' distances
 * recomputed in float64, ordered by (distance, training row): float32 rounding cannot reorder
 * near-ties and ties resolve the same way everywhere. Memory stays bounded: one block holds
 * ≤ BLOCK_CELLS scores.
 */
import { checkpoint, throwIfAborted } from '../../abort';
import { InvalidParamsError } from '../../errors';
import { ensureTf, requireTf } from '../../tf';
import { backgroundRows } from '../background';
import { Estimator } from '../estimator';
import type { StateReader, StateRecord } from '../state';
import type { FitOptions, Matrix } from '../types';
import { checkFitInput, checkPredictInput } from '../validate';
import type { KNeighborsOptions } from './params';

/** Candidates beyond k taken into account for float32 near-ties. */
const REFINE_EXTRA = 4;
/** Training rows per group: tfjs returns each group's best score; rows of the best groups are checked in float64. */
const GROUP = 32;
/** Extra groups beyond the k + REFINE_EXTRA needed. */
const GROUP_MARGIN = 2;
/** Distances held per query block (4 M float32 = 16 MB). */
const BLOCK_CELLS = 1 << 22;

interface KnnState {
  X: Float64Array;
  y: Float64Array;
  rows: number;
  cols: number;
}

export class KNeighborsRegressor extends Estimator<KNeighborsOptions, KnnState> {
  readonly type = 'knn' as const;

  constructor(options: Partial<KNeighborsOptions> = {}) {
    super('knn', options);
  }

  async fit(X: Matrix, y: Float64Array, options: FitOptions = {}): Promise<this> {
    checkFitInput(X, y);
    throwIfAborted(options.signal);
    if (this.params.k > X.rows)
      throw new InvalidParamsError('bad-param', `k = ${this.params.k} neighbours need at least that many training rows; got ${X.rows}.`, { field: 'k' });
    await ensureTf();
    const state = { X: X.data.slice(), y: y.slice(), rows: X.rows, cols: X.cols };
    options.onProgress?.({ fraction: 1 });
    await checkpoint(options.signal);
    this.setFitted(state);
    return this;
  }

  predict(X: Matrix): Float64Array {
    const s = this.fitted;
    checkPredictInput(X, s.cols);
    const tf = requireTf();
    const { rows: n, cols: p } = s;
    const k = this.params.k;
    const m = Math.min(n, k + REFINE_EXTRA);
    // Center on the training mean: distances are unchanged and float32 keeps more digits.
    const mean = new Float64Array(p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j] += s.X[i * p + j];
    for (let j = 0; j < p; j++) mean[j] /= n;
    const out = new Float64Array(X.rows);
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
          out[i] = this.combine(ord, dist, cand, s.y);
        }
      }
    } finally {
      train.dispose();
    }
    return out;
  }

  private combine(order: Int32Array, dist: Float64Array, cand: Int32Array, y: Float64Array): number {
    const k = this.params.k;
    if (this.params.weights === 'uniform') {
      let sum = 0;
      for (let r = 0; r < k; r++) sum += y[cand[order[r]]];
      return sum / k;
    }
    // scikit-learn: weights 1/d; if any neighbour is at distance 0, only those count, equally.
    if (dist[order[0]] === 0) {
      let sum = 0;
      let cnt = 0;
      for (let r = 0; r < k && dist[order[r]] === 0; r++) {
        sum += y[cand[order[r]]];
        cnt++;
      }
      return sum / cnt;
    }
    let num = 0;
    let den = 0;
    for (let r = 0; r < k; r++) {
      const w = 1 / Math.sqrt(dist[order[r]]);
      num += w * y[cand[order[r]]];
      den += w;
    }
    return num / den;
  }

  /** Up to `max` of the training rows (row-major), chosen under `seed`: the background of sampling explanations. */
  backgroundRows(seed: number, max?: number): Float64Array {
    const s = this.fitted;
    return backgroundRows({ data: s.X, rows: s.rows, cols: s.cols }, seed, max);
  }

  protected writeState(s: KnnState): StateRecord {
    return { X: s.X.slice(), y: s.y.slice(), rows: s.rows, cols: s.cols };
  }

  protected readState(r: StateReader): KnnState {
    const rows = r.number('rows', { integer: true, min: this.params.k });
    const cols = r.number('cols', { integer: true, min: 1 });
    return { X: r.typed('X', Float64Array, { length: rows * cols }).slice(), y: r.typed('y', Float64Array, { length: rows }).slice(), rows, cols };
  }
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
