/**
 * Seeded train/test splits and k folds over row positions 0..n-1.
 *
 * Randomness: `permutation` from ../random (xoshiro128** seeded through SplitMix32, Fisher–Yates
 * with unbiased `nextInt`). It uses 32-bit integer arithmetic only, so the same seed gives the
 * same rows in Node, workers and every browser.
 */
import { InvalidParamsError } from '../errors';
import { permutation, Rng } from '../random';

export interface SplitIndices {
  /** Training row positions, ascending. */
  train: Uint32Array;
  /** Test row positions, ascending. */
  test: Uint32Array;
}

export interface TrainTestSplitOptions {
  /** Share of rows in the test set, in (0, 1). The test set holds round(n · testSize) rows. */
  testSize: number;
  /** Seed of the shuffle. */
  seed: number;
}

function checkN(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new InvalidParamsError('invalid-param', `n must be a non-negative integer, got ${n}.`, { field: 'n' });
}

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed)) throw new InvalidParamsError('invalid-param', `seed must be an integer, got ${seed}.`, { field: 'seed' });
}

/** Shuffles 0..n-1 with the seed; the first round(n · testSize) positions are the test rows. */
export function trainTestSplit(n: number, opts: TrainTestSplitOptions): SplitIndices {
  checkN(n);
  checkSeed(opts.seed);
  if (!(opts.testSize > 0 && opts.testSize < 1)) {
    throw new InvalidParamsError('invalid-param', `testSize must be between 0 and 1 (exclusive), got ${opts.testSize}.`, { field: 'testSize' });
  }
  const perm = permutation(n, new Rng(opts.seed));
  const nTest = Math.round(n * opts.testSize);
  const test = perm.slice(0, nTest).sort();
  const train = perm.slice(nTest).sort();
  return { train, test };
}

/** k folds over a seeded shuffle: fold i tests the i-th contiguous block of it (sizes differ by at most one). */
export function kFold(n: number, k: number, seed: number): SplitIndices[] {
  checkN(n);
  checkSeed(seed);
  if (!Number.isInteger(k) || k < 2 || k > n) {
    throw new InvalidParamsError('invalid-param', `k must be an integer from 2 to the number of rows (${n}), got ${k}.`, { field: 'k' });
  }
  const perm = permutation(n, new Rng(seed));
  const folds: SplitIndices[] = [];
  const base = Math.floor(n / k);
  const extra = n % k;
  let start = 0;
  for (let i = 0; i < k; i++) {
    const size = base + (i < extra ? 1 : 0);
    const test = perm.slice(start, start + size).sort();
    const train = new Uint32Array(n - size);
    train.set(perm.subarray(0, start), 0);
    train.set(perm.subarray(start + size), start);
    train.sort();
    folds.push({ train, test });
    start += size;
  }
  return folds;
}
