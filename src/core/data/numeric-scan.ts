/**
 * One pass over a numeric column for what schema inference and profiling need: counts, range,
 * order, integrality, and a value → count table while the column has few distinct values.
 * parseCsv scans each column once and hands the result to both.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Index of a double's low 32-bit word in a Uint32Array view (the high word is the other one). */
const LO = new Uint32Array(new Float64Array([1]).buffer)[1] === 0x3ff00000 ? 0 : 1;
const HI = 1 - LO;

/** Hash of a double's bits given as its low and high words. */
function hashBits(lo: number, hi: number): number {
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) ^ (h >>> 12);
}

/** Hash of a double's bits (callers pass no NaN and no -0). */
function hashDouble(x: number): number {
  f64[0] = x;
  return hashBits(u32[LO], u32[HI]);
}

/** What one pass over a numeric column finds (see scanNumeric). */
export interface NumericScan {
  /** The `cap` the scan was made with: value counts were kept up to this many distinct values. */
  countCap: number;
  present: number;
  sum: number;
  zeros: number;
  /** Smallest and largest non-missing values (Infinity / -Infinity when none). */
  min: number;
  max: number;
  /** The non-missing values never decrease. */
  ascending: boolean;
  /** Every non-missing value is an integer. */
  integers: boolean;
  /** Every non-missing value is 0 or 1. */
  zeroOne: boolean;
  /** No value is missing and each is the first plus its row index. */
  consecutive: boolean;
  /** Distinct values (sorted) and their counts, or null when there are more than the cap. */
  table: { keys: Float64Array; counts: Float64Array } | null;
}

/**
 * One pass over a column: count, sum, zeros, order, and a value → count table while the column
 * has at most `cap` distinct values (open addressing on the value's bits, NaN marks an empty
 * slot; missing values are skipped).
 */
export function scanNumeric(v: Float64Array, cap: number): NumericScan {
  let counting = cap > 0;
  let size = counting ? 1024 : 1;
  let keys: Float64Array = new Float64Array(size).fill(NaN);
  let counts: Float64Array = new Float64Array(size);
  let used = 0;
  let present = 0;
  let min = Infinity;
  let max = -Infinity;
  let integers = true;
  let zeroOne = true;
  const n = v.length;
  // The values' bits, read as words rather than through a scratch double (which costs a
  // store-to-load round trip per value).
  const w = new Uint32Array(v.buffer, v.byteOffset, 2 * n);
  let consecutive = n > 0;
  const first = v[0];
  let sum = 0;
  let zeros = 0;
  let ascending = true;
  let prev = -Infinity;
  // The loop avoids paths that only some columns take (a first zero, a first repeated value):
  // code the optimizer has not seen run would be thrown away when a later column takes it.
  for (let i = 0; i < n; i++) {
    let x = v[i];
    if (x !== x) {
      consecutive = false;
      continue;
    }
    present++;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
    if (integers && Math.floor(x) !== x) integers = false;
    if (zeroOne && x !== 0 && x !== 1) zeroOne = false;
    if (consecutive && x !== first + i) consecutive = false;
    const zero = x === 0;
    zeros += zero ? 1 : 0;
    x += 0; // -0 → 0 (after the sum, which keeps -0 as it is)
    if (x < prev) ascending = false;
    prev = x;
    if (!counting) continue;
    // hashBits of the value's words, written out: a call per value is slow until the loop is optimized.
    const lo = zero ? 0 : w[2 * i + LO];
    const hi = zero ? 0 : w[2 * i + HI];
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    const mask = size - 1;
    let slot = (Math.imul(h, 0x2c1b3c6d) ^ (h >>> 12)) & mask;
    let inserted = false;
    for (;;) {
      const k = keys[slot];
      if (k === x) {
        counts[slot]++;
        break;
      }
      if (k !== k) {
        // A new value: stored, then counted by the next turn of this loop.
        inserted = true;
        used++;
        keys[slot] = x;
        continue;
      }
      slot = (slot + 1) & mask;
    }
    if (inserted) {
      if (used > cap) {
        counting = false;
        continue;
      }
      if (used * 2 <= size) continue;
      size *= 2;
      const grown = rehashCounts(keys, counts, size);
      keys = grown.keys;
      counts = grown.counts;
    }
  }
  const stats = { countCap: cap, present, sum, zeros, min, max, ascending, integers, zeroOne, consecutive };
  return { ...stats, table: counting ? sortedCounts(keys, counts, used) : null };
}

/** A value → count table moved to `size` slots (see scanNumeric). */
function rehashCounts(oldKeys: Float64Array, oldCounts: Float64Array, size: number): { keys: Float64Array; counts: Float64Array } {
  const keys = new Float64Array(size).fill(NaN);
  const counts = new Float64Array(size);
  for (let s = 0; s < oldKeys.length; s++) {
    const kk = oldKeys[s];
    if (kk !== kk) continue;
    let t = hashDouble(kk) & (size - 1);
    while (keys[t] === keys[t]) t = (t + 1) & (size - 1);
    keys[t] = kk;
    counts[t] = oldCounts[s];
  }
  return { keys, counts };
}

/** The `used` values of a value → count table, sorted, and their counts. */
function sortedCounts(keys: Float64Array, counts: Float64Array, used: number): { keys: Float64Array; counts: Float64Array } {
  const size = keys.length;
  const outKeys = new Float64Array(used);
  let k = 0;
  for (let s = 0; s < size; s++) if (keys[s] === keys[s]) outKeys[k++] = keys[s];
  outKeys.sort();
  const outCounts = new Float64Array(used);
  for (let j = 0; j < used; j++) {
    const x = outKeys[j];
    let slot = hashDouble(x) & (size - 1);
    while (keys[slot] !== x) slot = (slot + 1) & (size - 1);
    outCounts[j] = counts[slot];
  }
  return { keys: outKeys, counts: outCounts };
}
