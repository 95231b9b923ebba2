/**
 * k-nearest-neighbours regression (scikit-learn's KNeighborsRegressor, Euclidean): the mean (or
 * 1/distance-weighted mean) of the k nearest training rows' targets, found by the exact search
 * of neighbour-index.ts (k-d tree or tfjs brute force).
 */
import { checkpoint, throwIfAborted } from '../../abort';
import { InvalidParamsError } from '../../errors';
import { ensureTf } from '../../tf';
import { Estimator } from '../estimator';
import type { StateReader, StateRecord } from '../state';
import type { FitOptions, Matrix } from '../types';
import { checkFitInput, checkPredictInput } from '../validate';
import { NeighbourIndex, neighbourWeights } from './neighbour-index';
import type { KNeighborsOptions } from './params';

export { KD_TREE_MAX_FEATURES, MAX_SCANNED_SHARE } from './neighbour-index';

interface KnnState {
  index: NeighbourIndex;
  y: Float64Array;
}

/** Checks k against the training rows and readies tfjs (brute force runs on it): the fit both k-NN models share. */
export async function fitNeighbours(X: Matrix, params: Readonly<KNeighborsOptions>, options: FitOptions): Promise<NeighbourIndex> {
  throwIfAborted(options.signal);
  if (params.k > X.rows) throw new InvalidParamsError('bad-param', `k = ${params.k} neighbours need at least that many training rows; got ${X.rows}.`, { field: 'k' });
  await ensureTf();
  const index = new NeighbourIndex(X.data.slice(), X.rows, X.cols, params);
  options.onProgress?.({ fraction: 1 });
  await checkpoint(options.signal);
  return index;
}

/** Reads back the training rows the k-NN models keep (`X`, `rows`, `cols`) and rebuilds their search. */
export function readNeighbours(r: StateReader, params: Readonly<KNeighborsOptions>): NeighbourIndex {
  const rows = r.number('rows', { integer: true, min: params.k });
  const cols = r.number('cols', { integer: true, min: 1 });
  const X = r.typed('X', Float64Array, { length: rows * cols }).slice();
  return new NeighbourIndex(X, rows, cols, params);
}

export class KNeighborsRegressor extends Estimator<KNeighborsOptions, KnnState> {
  readonly type = 'knn' as const;

  constructor(options: Partial<KNeighborsOptions> = {}) {
    super('knn', options);
  }

  async fit(X: Matrix, y: Float64Array, options: FitOptions = {}): Promise<this> {
    checkFitInput(X, y);
    const index = await fitNeighbours(X, this.params, options);
    this.setFitted({ index, y: y.slice() });
    return this;
  }

  /** The search the fitted model uses (scikit-learn's `_fit_method`). */
  get search(): 'kd_tree' | 'brute' {
    return this.fitted.index.method;
  }

  predict(X: Matrix): Float64Array {
    const { index, y } = this.fitted;
    checkPredictInput(X, index.cols);
    const out = new Float64Array(X.rows);
    const k = this.params.k;
    const w = new Float64Array(k);
    index.search(X, (i, order, dist, rows) => {
      neighbourWeights(order, dist, k, this.params.weights, w);
      let num = 0;
      let den = 0;
      for (let r = 0; r < k; r++) {
        num += w[r] * y[rows[order[r]]];
        den += w[r];
      }
      out[i] = num / den;
    });
    return out;
  }

  /**
   * The k nearest training rows of every row of X (scikit-learn's kneighbors): query i's
   * neighbours are rows[i·k .. i·k + k), nearest first, ties by training row, with their
   * Euclidean distances in `distances`.
   */
  kneighbors(X: Matrix): { rows: Int32Array; distances: Float64Array } {
    const { index } = this.fitted;
    checkPredictInput(X, index.cols);
    return index.kneighbors(X);
  }

  /** Up to `max` of the training rows (row-major), chosen under `seed`: the background of sampling explanations. */
  backgroundRows(seed: number, max?: number): Float64Array {
    return this.fitted.index.backgroundRows(seed, max);
  }

  protected writeState(s: KnnState): StateRecord {
    return { X: s.index.X.slice(), y: s.y.slice(), rows: s.index.rows, cols: s.index.cols };
  }

  protected readState(r: StateReader): KnnState {
    const index = readNeighbours(r, this.params);
    return { index, y: r.typed('y', Float64Array, { length: index.rows }).slice() };
  }
}
