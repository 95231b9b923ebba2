/**
 * Sorting a million doubles fast: an LSD radix sort on the IEEE-754 bit patterns (six passes of
 * 11-bit digits, passes where every key shares the digit skipped, as happens for the zero low
 * bits of integers or 2-decimal values). Several times faster than Float64Array#sort in V8, and
 * stable, so the argsort variant keeps tied values in row order. Missing values (NaN, ±Infinity)
 * are left out. Small inputs and big-endian hosts use the built-in sort.
 */

const LITTLE_ENDIAN = new Uint32Array(new Float64Array([1]).buffer)[1] === 0x3ff00000;
/** Six passes of 11-bit digits (the last digit of each 32-bit word has 10 bits): small bucket tables stay in cache. */
const PASSES = 6;
const BUCKETS = 2048;
/** Below this many values a comparison sort is as quick. */
const RADIX_MIN = 2048;

export interface Argsort {
  /** Finite values, ascending. */
  sorted: Float64Array;
  /** order[k] is the row of sorted[k]; ties keep row order. */
  order: Uint32Array;
}

/** Finite values of `values` ascending (−0 read as 0). */
export function sortFinite(values: Float64Array): Float64Array {
  return radix(values, false).sorted;
}

/** Finite values ascending, with the row each came from. */
export function argsortFinite(values: Float64Array): Argsort {
  const r = radix(values, true);
  return { sorted: r.sorted, order: r.order! };
}

/** Sorts `a` (finite values only) in place, ascending. */
export function sortInPlace(a: Float64Array): Float64Array {
  if (a.length < RADIX_MIN || !LITTLE_ENDIAN) return a.sort();
  a.set(radix(a, false).sorted);
  return a;
}

function radix(values: Float64Array, withOrder: boolean): { sorted: Float64Array; order: Uint32Array | null } {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] - values[i] === 0) n++;
  if (n < RADIX_MIN || !LITTLE_ENDIAN) return small(values, n, withOrder);

  // Keys: the bit pattern made to order as unsigned integers (flip all bits of negatives, the
  // sign bit of positives).
  let hi = new Uint32Array(n);
  let lo = new Uint32Array(n);
  let idx = withOrder ? new Uint32Array(n) : null;
  const u = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  const counts = new Uint32Array(PASSES * BUCKETS);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) continue;
    let h: number;
    let l: number;
    if (v === 0) {
      h = 0x80000000;
      l = 0;
    } else {
      h = u[2 * i + 1];
      l = u[2 * i];
      if (h & 0x80000000) {
        h = ~h >>> 0;
        l = ~l >>> 0;
      } else h = (h | 0x80000000) >>> 0;
    }
    hi[k] = h;
    lo[k] = l;
    if (idx) idx[k] = i;
    counts[l & 0x7ff]++;
    counts[BUCKETS + ((l >>> 11) & 0x7ff)]++;
    counts[2 * BUCKETS + (l >>> 22)]++;
    counts[3 * BUCKETS + (h & 0x7ff)]++;
    counts[4 * BUCKETS + ((h >>> 11) & 0x7ff)]++;
    counts[5 * BUCKETS + (h >>> 22)]++;
    k++;
  }
  let hi2 = new Uint32Array(n);
  let lo2 = new Uint32Array(n);
  let idx2 = withOrder ? new Uint32Array(n) : null;
  for (let pass = 0; pass < PASSES; pass++) {
    const base = pass * BUCKETS;
    const first = pass < 3 ? lo[0] : hi[0];
    const shift = (pass % 3) * 11;
    if (counts[base + ((first >>> shift) & 0x7ff)] === n) continue; // every key has this digit
    let sum = 0;
    for (let d = 0; d < BUCKETS; d++) {
      const c = counts[base + d];
      counts[base + d] = sum;
      sum += c;
    }
    const key = pass < 3 ? lo : hi;
    for (let i = 0; i < n; i++) {
      const p = counts[base + ((key[i] >>> shift) & 0x7ff)]++;
      hi2[p] = hi[i];
      lo2[p] = lo[i];
      if (idx) idx2![p] = idx[i];
    }
    [hi, hi2] = [hi2, hi];
    [lo, lo2] = [lo2, lo];
    if (idx) [idx, idx2] = [idx2!, idx];
  }
  const sorted = new Float64Array(n);
  const su = new Uint32Array(sorted.buffer);
  for (let i = 0; i < n; i++) {
    const h = hi[i];
    if (h & 0x80000000) {
      su[2 * i + 1] = h & 0x7fffffff;
      su[2 * i] = lo[i];
    } else {
      su[2 * i + 1] = ~h;
      su[2 * i] = ~lo[i];
    }
  }
  return { sorted, order: idx };
}

function small(values: Float64Array, n: number, withOrder: boolean): { sorted: Float64Array; order: Uint32Array | null } {
  const order = new Uint32Array(n);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (values[i] - values[i] === 0) order[k++] = i;
  if (!withOrder) {
    const sorted = new Float64Array(n);
    for (let j = 0; j < n; j++) sorted[j] = values[order[j]] === 0 ? 0 : values[order[j]];
    return { sorted: sorted.sort(), order: null };
  }
  // Array#sort is stable; a plain array of indices avoids typed-array comparator overhead.
  const o = Array.from(order).sort((a, b) => values[a] - values[b]);
  const sorted = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    order[j] = o[j];
    sorted[j] = values[o[j]] === 0 ? 0 : values[o[j]];
  }
  return { sorted, order };
}
