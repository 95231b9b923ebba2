/**
 * k-nearest-neighbours classification (scikit-learn's KNeighborsClassifier, Euclidean): a class's
 * probability is its share of the k nearest training rows, counted equally ('uniform') or by
 * 1/distance ('distance'), on the regressor's exact search (neighbour-index.ts).
 */
import { classCountOf, ClassifierEstimator } from '../classifier';
import type { StateReader, StateRecord } from '../state';
import type { FitOptions, Matrix } from '../types';
import { checkFitInput, checkPredictInput } from '../validate';
import { fitNeighbours, readNeighbours } from './k-neighbors';
import { type NeighbourIndex, neighbourWeights } from './neighbour-index';
import type { KNeighborsOptions } from './params';

interface KnnClassifierState {
  index: NeighbourIndex;
  /** Class code per training row. */
  y: Float64Array;
  classCount: number;
}

export class KNeighborsClassifier extends ClassifierEstimator<KNeighborsOptions, KnnClassifierState> {
  readonly type = 'knn-classifier' as const;

  constructor(options: Partial<KNeighborsOptions> = {}) {
    super('knn-classifier', options);
  }

  /** Keeps the training rows; y: class codes 0..K−1 (`options.classCount` = K, else max + 1). */
  async fit(X: Matrix, y: Float64Array, options: FitOptions = {}): Promise<this> {
    checkFitInput(X, y);
    const classCount = classCountOf(y, options);
    const index = await fitNeighbours(X, this.params, options);
    this.setFitted({ index, y: y.slice(), classCount });
    return this;
  }

  /** The search the fitted model uses (scikit-learn's `_fit_method`). */
  get search(): 'kd_tree' | 'brute' {
    return this.fitted.index.method;
  }

  predictProba(X: Matrix): Float64Array {
    const { index, y, classCount: K } = this.fitted;
    checkPredictInput(X, index.cols);
    const k = this.params.k;
    const out = new Float64Array(X.rows * K);
    const w = new Float64Array(k);
    index.search(X, (i, order, dist, rows) => {
      neighbourWeights(order, dist, k, this.params.weights, w);
      let den = 0;
      for (let r = 0; r < k; r++) {
        out[i * K + y[rows[order[r]]]] += w[r];
        den += w[r];
      }
      for (let c = 0; c < K; c++) out[i * K + c] /= den;
    });
    return out;
  }

  /** Up to `max` of the training rows (row-major), chosen under `seed`: the background of sampling explanations. */
  backgroundRows(seed: number, max?: number): Float64Array {
    return this.fitted.index.backgroundRows(seed, max);
  }

  protected writeState(s: KnnClassifierState): StateRecord {
    return { X: s.index.X.slice(), y: s.y.slice(), rows: s.index.rows, cols: s.index.cols, classCount: s.classCount };
  }

  protected readState(r: StateReader): KnnClassifierState {
    const index = readNeighbours(r, this.params);
    const classCount = r.number('classCount', { integer: true, min: 2, max: 1e5 });
    const y = r.typed('y', Float64Array, { length: index.rows }).slice();
    for (let i = 0; i < y.length; i++) if (!(Number.isInteger(y[i]) && y[i] >= 0 && y[i] < classCount)) r.fail(`y[${i}]`, `must be a class code in 0..${classCount - 1}; got ${y[i]}.`);
    return { index, y, classCount };
  }
}
