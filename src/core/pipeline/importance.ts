/**
 * Permutation importance (Breiman; scikit-learn's `permutation_importance` with the R² scorer,
 * or with a classifier's accuracy — sklearn's default scorer for one — given as `score`):
 * for each feature, shuffle its column of the evaluation matrix with a seeded generator, score
 * the model again and report the drop in the score from the unshuffled baseline, averaged over a
 * few repeats. Works for any model, since it only needs predictions.
 */
import { checkpoint, throwIfAborted } from '../abort';
import { InvalidParamsError } from '../errors';
import { r2 } from '../metrics';
import type { Matrix } from '../models/types';
import { permutation, Rng, shuffleInPlace } from '../random';

export interface PermutationImportanceOptions {
  /** Shuffles per feature, averaged (default 3). Integer ≥ 1. */
  repeats?: number;
  /** Seed of the shuffles and of the row sample (default 0). */
  seed?: number;
  /** Score on a seeded sample of this many rows when there are more (default: every row). */
  maxRows?: number;
  signal?: AbortSignalLike;
  /** Called after each feature with the fraction done (0..1). */
  onProgress?: (fraction: number) => void;
  /** The score whose drop is reported, higher better, from targets and predictions (default R²). */
  score?: (y: Float64Array, predicted: Float64Array) => number;
}

export interface PermutationImportance {
  /** The score (R² unless told otherwise) of the unshuffled predictions. */
  baseline: number;
  /** Per feature: mean drop in the score (baseline − shuffled) over the repeats. */
  mean: Float64Array;
  /** Per feature: standard deviation of the drop over the repeats (population). */
  std: Float64Array;
  repeats: number;
  /** Rows it was computed on (after sampling down to maxRows). */
  rows: number;
}

/** Predictions for the rows of X, in the target's own units. */
export type Predictor = (X: Matrix) => Float64Array | Promise<Float64Array>;

export async function permutationImportance(
  predict: Predictor,
  X: Matrix,
  y: Float64Array,
  options: PermutationImportanceOptions = {},
): Promise<PermutationImportance> {
  const repeats = options.repeats ?? 3;
  const seed = options.seed ?? 0;
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw new InvalidParamsError('bad-param', `repeats must be a whole number ≥ 1; got ${repeats}.`, { field: 'repeats' });
  if (!Number.isInteger(seed)) throw new InvalidParamsError('bad-param', `seed must be a whole number; got ${seed}.`, { field: 'seed' });
  if (y.length !== X.rows)
    throw new InvalidParamsError('shape', `The matrix has ${X.rows} rows but there are ${y.length} targets.`, { field: 'y' });
  throwIfAborted(options.signal);
  if (options.maxRows !== undefined && X.rows > options.maxRows) ({ X, y } = sampleRows(X, y, options.maxRows, seed));
  const { rows, cols } = X;
  const score = options.score ?? r2;
  const baseline = score(y, await predict(X));
  const data = Float64Array.from(X.data);
  const work: Matrix = { data, rows, cols, features: X.features };
  const column = new Float64Array(rows);
  const shuffled = new Float64Array(rows);
  const rng = new Rng(seed);
  const mean = new Float64Array(cols);
  const std = new Float64Array(cols);
  const drops = new Float64Array(repeats);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) column[i] = data[i * cols + j];
    for (let r = 0; r < repeats; r++) {
      shuffled.set(column);
      shuffleInPlace(shuffled, rng);
      for (let i = 0; i < rows; i++) data[i * cols + j] = shuffled[i];
      drops[r] = baseline - score(y, await predict(work));
      await checkpoint(options.signal);
    }
    for (let i = 0; i < rows; i++) data[i * cols + j] = column[i];
    let m = 0;
    for (const d of drops) m += d;
    m /= repeats;
    let v = 0;
    for (const d of drops) v += (d - m) ** 2;
    mean[j] = m;
    std[j] = Math.sqrt(v / repeats);
    options.onProgress?.((j + 1) / cols);
  }
  return { baseline, mean, std, repeats, rows };
}

/** A seeded sample of `m` rows of X and y, in their original order. */
function sampleRows(X: Matrix, y: Float64Array, m: number, seed: number): { X: Matrix; y: Float64Array } {
  const pick = permutation(X.rows, new Rng(seed)).slice(0, m).sort();
  const data = new Float64Array(m * X.cols);
  const ys = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    data.set(X.data.subarray(pick[i] * X.cols, (pick[i] + 1) * X.cols), i * X.cols);
    ys[i] = y[pick[i]];
  }
  return { X: { data, rows: m, cols: X.cols, features: X.features }, y: ys };
}
