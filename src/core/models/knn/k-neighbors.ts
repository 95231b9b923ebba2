/**
 * k-nearest-neighbours regression (scikit-learn's KNeighborsRegressor, Euclidean, brute force).
 *
 * Predict computes distances with tfjs a block of query rows at a time (‖t‖² − 2·q·tᵀ as one
 * matMul of augmented matrices; the query's own ‖q‖² is constant per row), keeps the best
 * k + REFINE_EXTRA candidates by a threshold scan in JavaScript (faster than tf.topk here), then recomputes those candidates' distances in float64 and orders them by
 * (distance, training row) — so float32 rounding cannot reorder near-ties and ties resolve
 * the same way everywhere. Memory stays bounded: one block holds ≤ BLOCK_CELLS distances.
 */
import { checkpoint, throwIfAborted } from '../../abort';
import { InvalidParamsError } from '../../errors';
import { ensureTf, requireTf } from '../../tf';
import { emptyHistory, type FitHistory } from '../history';
import { checkChoice, checkNumber, expectType, paramsFromBundle, rejectUnknown, stateArray, stateNumber } from '../linear/state-check';
import type { FitOptions, Matrix, Regressor, SerializedModel, StateValue } from '../types';
import { checkFitInput, checkPredictInput } from '../validate';

export interface KNeighborsOptions {
  /** Number of neighbours averaged (scikit-learn's n_neighbors). */
  k: number;
  /** 'uniform': plain mean of the k targets; 'distance': weighted by 1/distance (exact matches win outright). */
  weights: 'uniform' | 'distance';
}

export const K_NEIGHBORS_DEFAULTS: Readonly<KNeighborsOptions> = Object.freeze({ k: 5, weights: 'uniform' });

/** Candidates beyond k whose float32 distances are re-checked in float64. */
const REFINE_EXTRA = 8;
/** Distances held per query block (4 M float32 = 16 MB). */
const BLOCK_CELLS = 1 << 22;

function validate(o: Partial<KNeighborsOptions>): KNeighborsOptions {
  if (o === null || typeof o !== 'object') throw new InvalidParamsError('bad-param', 'Options must be an object.', { field: 'options' });
  rejectUnknown(o, Object.keys(K_NEIGHBORS_DEFAULTS));
  const p = { ...K_NEIGHBORS_DEFAULTS, ...o };
  return {
    k: checkNumber('k', p.k, { min: 1, integer: true }),
    weights: checkChoice('weights', p.weights, ['uniform', 'distance'] as const),
  };
}

interface KnnState {
  X: Float64Array;
  y: Float64Array;
  rows: number;
  cols: number;
}

export class KNeighborsRegressor implements Regressor<KNeighborsOptions> {
  readonly type = 'knn' as const;
  readonly params: Readonly<KNeighborsOptions>;
  private state_: KnnState | undefined;

  constructor(options: Partial<KNeighborsOptions> = {}) {
    this.params = Object.freeze(validate(options));
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
    this.state_ = state;
    return this;
  }

  predict(X: Matrix): Float64Array {
    const s = this.fitted();
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
    const block = Math.max(1, Math.min(X.rows, Math.floor(BLOCK_CELLS / n)));
    // Augmented so that one matMul gives the score: [2q, −1]·[t, ‖t‖²]ᵀ = 2q·t − ‖t‖²,
    // which is largest for the nearest training rows (‖q‖² is constant per query row).
    const tAugT = new Float32Array((p + 1) * n);
    for (let i = 0; i < n; i++) {
      let sq = 0;
      for (let j = 0; j < p; j++) {
        const v = s.X[i * p + j] - mean[j];
        tAugT[j * n + i] = v;
        sq += v * v;
      }
      tAugT[p * n + i] = sq;
    }
    const train = tf.tensor2d(tAugT, [p + 1, n]);
    const candScore = new Float64Array(m);
    const cand = new Int32Array(m);
    const dist = new Float64Array(m);
    const order = new Int32Array(m);
    try {
      for (let start = 0; start < X.rows; start += block) {
        const end = Math.min(X.rows, start + block);
        const q32 = new Float32Array((end - start) * (p + 1));
        for (let i = start; i < end; i++) {
          const o = (i - start) * (p + 1);
          for (let j = 0; j < p; j++) q32[o + j] = 2 * (X.data[i * p + j] - mean[j]);
          q32[o + p] = -1;
        }
        const scoreT = tf.tidy(() => tf.matMul(tf.tensor2d(q32, [end - start, p + 1]), train));
        const score = scoreT.dataSync() as Float32Array;
        scoreT.dispose();
        for (let i = start; i < end; i++) {
          selectTop(score, (i - start) * n, n, m, candScore, cand);
          for (let c = 0; c < m; c++) {
            const t = cand[c];
            let d = 0;
            for (let j = 0; j < p; j++) {
              const diff = X.data[i * p + j] - s.X[t * p + j];
              d += diff * diff;
            }
            dist[c] = d;
            order[c] = c;
          }
          order.sort((a, b) => dist[a] - dist[b] || cand[a] - cand[b]);
          out[i] = this.combine(order, dist, cand, s.y);
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

  history(): FitHistory {
    return emptyHistory();
  }

  toJSON(): SerializedModel {
    const s = this.fitted();
    const state: { [k: string]: StateValue } = { X: s.X.slice(), y: s.y.slice(), rows: s.rows, cols: s.cols };
    return { type: this.type, params: { ...this.params }, state };
  }

  static fromJSON(s: SerializedModel): KNeighborsRegressor {
    expectType(s, 'knn');
    const m = paramsFromBundle(() => new KNeighborsRegressor(s.params as Partial<KNeighborsOptions>));
    const rows = stateNumber(s.state, 'rows', { integer: true, min: m.params.k });
    const cols = stateNumber(s.state, 'cols', { integer: true, min: 1 });
    const X = stateArray(s.state, 'X', Float64Array, rows * cols);
    const y = stateArray(s.state, 'y', Float64Array, rows);
    m.state_ = { X: X.slice(), y: y.slice(), rows, cols };
    return m;
  }

  private fitted(): KnnState {
    if (!this.state_) throw new Error('knn model is not fitted: call fit() first.');
    return this.state_;
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
