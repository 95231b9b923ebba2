/**
 * Seeded train/test splits and k folds over row positions 0..n-1.
 *
 * Randomness: `permutation` from ../random (xoshiro128** seeded through SplitMix32, Fisher–Yates
 * with unbiased `nextInt`). It uses 32-bit integer arithmetic only, so the same seed gives the
 * same rows in Node, workers and every browser.
 *
 * The stratified forms (classification) take each row's class code and keep every class's share
 * in every part, as scikit-learn's StratifiedShuffleSplit and StratifiedKFold do; they cannot
 * reproduce sklearn's rows (numpy's generator differs), only its proportions.
 */
import { InvalidInputError, InvalidParamsError } from '../errors';
import { permutation, Rng, shuffleInPlace } from '../random';

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

function checkClasses(classes: ArrayLike<number>): number {
  let k = 0;
  for (let i = 0; i < classes.length; i++) {
    const c = classes[i];
    if (!(Number.isInteger(c) && c >= 0))
      throw new InvalidInputError('bad-class-code', `Row ${i + 1} has class code ${c}; a stratified split needs a class for every row.`, { row: i + 1, field: 'classes' });
    if (c >= k) k = c + 1;
  }
  return k;
}

/** Row positions of each class code 0..k−1, each list shuffled by `rng` (classes in code order). */
function shuffledByClass(classes: ArrayLike<number>, k: number, rng: Rng): Uint32Array[] {
  const counts = new Uint32Array(k);
  for (let i = 0; i < classes.length; i++) counts[classes[i]]++;
  const rows = Array.from(counts, (c) => new Uint32Array(c));
  const fill = new Uint32Array(k);
  for (let i = 0; i < classes.length; i++) rows[classes[i]][fill[classes[i]]++] = i;
  for (const r of rows) shuffleInPlace(r, rng);
  return rows;
}

/**
 * How many rows of each class go to the test part: nTest in all, each class's count in proportion
 * (floors, then the largest remainders; ties to the larger class, then the lower code). Then, where
 * counts allow, every class with two rows or more gets at least one test row and one training row,
 * taken from the class with the most to spare. A class of one row stays in training.
 */
function testAllocation(counts: number[], nTest: number): number[] {
  const n = counts.reduce((a, b) => a + b, 0);
  const exact = counts.map((c) => (c * nTest) / n);
  const alloc = exact.map(Math.floor);
  let left = nTest - alloc.reduce((a, b) => a + b, 0);
  const byRemainder = counts
    .map((c, i) => i)
    .sort((a, b) => exact[b] - alloc[b] - (exact[a] - alloc[a]) || counts[b] - counts[a] || a - b);
  for (const i of byRemainder) {
    if (left === 0) break;
    alloc[i]++;
    left--;
  }
  const move = (to: number, from: (i: number) => number, dir: 1 | -1): void => {
    let best = -1;
    for (let i = 0; i < counts.length; i++) if (i !== to && from(i) > 1 && (best < 0 || from(i) > from(best))) best = i;
    if (best < 0) return;
    alloc[to] += dir;
    alloc[best] -= dir;
  };
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] < 2) continue;
    // Too few test rows: take one from the class with the most test rows.
    if (alloc[i] === 0) move(i, (j) => alloc[j], 1);
    // Too few training rows: give one test row back, taking one from the class with the most training rows.
    if (alloc[i] === counts[i]) move(i, (j) => counts[j] - alloc[j], -1);
  }
  return alloc;
}

/**
 * trainTestSplit that keeps each class's share: `classes[i]` is row i's class code (whole numbers
 * from 0). The test part holds round(n · testSize) rows, each class in proportion to its count,
 * and every class of two rows or more has rows on both sides while the test size allows.
 */
export function stratifiedTrainTestSplit(classes: ArrayLike<number>, opts: TrainTestSplitOptions): SplitIndices {
  checkSeed(opts.seed);
  if (!(opts.testSize > 0 && opts.testSize < 1)) {
    throw new InvalidParamsError('invalid-param', `testSize must be between 0 and 1 (exclusive), got ${opts.testSize}.`, { field: 'testSize' });
  }
  const k = checkClasses(classes);
  const n = classes.length;
  const byClass = shuffledByClass(classes, k, new Rng(opts.seed));
  const alloc = testAllocation(
    byClass.map((r) => r.length),
    Math.round(n * opts.testSize),
  );
  const nTest = alloc.reduce((a, b) => a + b, 0);
  const test = new Uint32Array(nTest);
  const train = new Uint32Array(n - nTest);
  let t = 0;
  let r = 0;
  byClass.forEach((rows, c) => {
    test.set(rows.subarray(0, alloc[c]), t);
    train.set(rows.subarray(alloc[c]), r);
    t += alloc[c];
    r += rows.length - alloc[c];
  });
  return { train: train.sort(), test: test.sort() };
}

/**
 * kFold that keeps each class's share (scikit-learn's StratifiedKFold allocation): rows listed
 * class by class, each class shuffled, and the i-th row of that list goes to fold i mod k. Each
 * class's count differs by at most one between folds, so a class of k rows or more is in every
 * fold's test part; fold sizes differ by at most one, the first folds the larger, as kFold's.
 */
export function stratifiedKFold(classes: ArrayLike<number>, k: number, seed: number): SplitIndices[] {
  const n = classes.length;
  checkSeed(seed);
  if (!Number.isInteger(k) || k < 2 || k > n) {
    throw new InvalidParamsError('invalid-param', `k must be an integer from 2 to the number of rows (${n}), got ${k}.`, { field: 'k' });
  }
  const byClass = shuffledByClass(classes, checkClasses(classes), new Rng(seed));
  const fold = new Uint32Array(n);
  let p = 0;
  for (const rows of byClass) for (const i of rows) fold[i] = p++ % k;
  const sizes = new Uint32Array(k);
  for (let i = 0; i < n; i++) sizes[fold[i]]++;
  const folds: SplitIndices[] = [];
  for (let f = 0; f < k; f++) {
    const test = new Uint32Array(sizes[f]);
    const train = new Uint32Array(n - sizes[f]);
    let t = 0;
    let r = 0;
    // Ascending by construction: rows are visited in order.
    for (let i = 0; i < n; i++) {
      if (fold[i] === f) test[t++] = i;
      else train[r++] = i;
    }
    folds.push({ train, test });
  }
  return folds;
}
