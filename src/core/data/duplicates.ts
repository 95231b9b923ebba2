/**
 * Rows equal to an earlier row over some columns (missing equals missing, 0 equals -0). Rows are
 * compared by a 64-bit hash of their values (NaN as the canonical NaN, -0 as 0) in two 32-bit
 * halves; a false match needs a 64-bit collision, about n²/2⁶⁵ (3e-8 at 1M rows).
 *
 * The hashes are computed a block of rows at a time, column by column (a double's bits read
 * through a Uint32Array view of its column). Each row's hash goes to the list of its pass, chosen
 * by the top bits of the mixed hash; a pass then looks its rows up, in row order, in an
 * open-addressing table of the hashes seen, small enough to stay in the cache (one table for a
 * whole large dataset would cost a cache and TLB miss per row). Equal rows share a hash and so a
 * pass, and a pass sees its rows in order: the row a duplicate repeats is the first of its hash.
 */
import type { Column } from './types';

export interface DuplicateRows {
  /** Rows that repeat an earlier row (the first occurrence is not counted). */
  count: number;
  /** The first duplicates in row order, at most `maxExamples`: [row, the row it repeats], 1-based data row numbers. */
  examples: [number, number][];
}

/** Rows hashed per block: the block's hashes stay in the cache. */
const HASH_BLOCK = 4096;
/** Rows per pass of the lookup, so that a pass's table (about 3 MB) stays in the cache. */
const ROWS_PER_PASS = 1 << 17;

/** Index of a double's low 32-bit word in a Uint32Array view (the high word is the other one). */
const LO = new Uint32Array(new Float64Array([1]).buffer)[1] === 0x3ff00000 ? 0 : 1;
const HI = 1 - LO;

/** A growable list of (h1, h2, row) triples: the rows of one lookup pass. */
class TripleList {
  data: Uint32Array;
  n = 0;
  constructor(capacity: number) {
    this.data = new Uint32Array(3 * Math.max(16, capacity));
  }
  /** Doubles the capacity (the caller appends triples to `data` itself). */
  grow(): void {
    const next = new Uint32Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
}

/** An open-addressing table of (h1, h2) pairs, with the row that first had each. */
interface Slots {
  pairs: Uint32Array;
  firsts: Uint32Array;
}

/** Rows of `columns` (each `rows` long) that repeat an earlier row over all of them. */
export function findDuplicateRows(columns: readonly Column[], rows: number, maxExamples = 20): DuplicateRows {
  const n = rows;
  if (n < 2 || columns.length === 0) return { count: 0, examples: [] };
  let passBits = 0;
  while (passBits < 8 && n > ROWS_PER_PASS << passBits) passBits++;
  const passes = 1 << passBits;
  const perPass = Math.ceil(n / passes);
  const lists: TripleList[] = [];
  for (let p = 0; p < passes; p++) lists.push(new TripleList(passes === 1 ? n : Math.ceil(perPass * 1.05) + 1024));
  const h1 = new Uint32Array(HASH_BLOCK);
  const h2 = new Uint32Array(HASH_BLOCK);
  const words = columns.map((col) => (col.type === 'numeric' ? new Uint32Array(col.values.buffer, col.values.byteOffset, 2 * n) : null));
  for (let start = 0; start < n; start += HASH_BLOCK) {
    const m = Math.min(HASH_BLOCK, n - start);
    h1.fill(0x811c9dc5);
    h2.fill(0x9e3779b9);
    for (let j = 0; j < columns.length; j++) {
      const w = words[j];
      if (w) {
        for (let k = 0; k < m; k++) {
          // The bits of the value, NaN as the canonical NaN and -0 as 0.
          let a = w[2 * (start + k) + LO];
          let b = w[2 * (start + k) + HI];
          if ((b & 0x7ff00000) === 0x7ff00000 && ((b & 0xfffff) | a) !== 0) {
            a = 0;
            b = 0x7ff80000;
          } else if (a === 0 && b === 0x80000000) b = 0;
          h1[k] = Math.imul(h1[k] ^ a, 0x01000193) ^ Math.imul(b, 0x5bd1e995);
          h2[k] = Math.imul((h2[k] << 5) | (h2[k] >>> 27), 0x27d4eb2f) ^ a ^ Math.imul(b ^ (b >>> 13), 0x85ebca6b);
        }
      } else {
        const codes = (columns[j] as { codes: Int32Array }).codes;
        for (let k = 0; k < m; k++) {
          const c = codes[start + k];
          const a = c < 0 ? -1 : c; // every missing code is one value
          h1[k] = Math.imul(h1[k] ^ a, 0x01000193) ^ Math.imul(j, 0x5bd1e995);
          h2[k] = Math.imul((h2[k] << 5) | (h2[k] >>> 27), 0x27d4eb2f) ^ a ^ Math.imul(j ^ (j >>> 13), 0x85ebca6b);
        }
      }
    }
    for (let k = 0; k < m; k++) {
      const a = h1[k];
      let b = h2[k];
      if ((a | b) === 0) b = 1; // (0, 0) marks an empty slot
      const list = lists[passBits === 0 ? 0 : ((b ^ Math.imul(a, 0x9e3779b1)) >>> 0) >>> (32 - passBits)];
      if (3 * list.n === list.data.length) list.grow();
      const t = 3 * list.n++;
      list.data[t] = a;
      list.data[t + 1] = b;
      list.data[t + 2] = start + k;
    }
  }
  const examples: [number, number][] = [];
  let count = 0;
  let slots: Slots = { pairs: new Uint32Array(0), firsts: new Uint32Array(0) };
  for (const list of lists) {
    const len = list.n;
    const d = list.data;
    let size = 1024;
    while (size < 2 * Math.min(len, perPass)) size *= 2;
    if (slots.pairs.length === 2 * size) slots.pairs.fill(0);
    else slots = { pairs: new Uint32Array(2 * size), firsts: new Uint32Array(size) };
    let { pairs, firsts } = slots;
    let mask = size - 1;
    let used = 0;
    let listedInPass = 0;
    for (let t = 0; t < 3 * len; t += 3) {
      const a = d[t];
      const b = d[t + 1];
      let s = (b ^ Math.imul(a, 0x9e3779b1)) & mask;
      for (;;) {
        const sa = pairs[2 * s];
        const sb = pairs[2 * s + 1];
        if ((sa | sb) === 0) {
          pairs[2 * s] = a;
          pairs[2 * s + 1] = b;
          firsts[s] = d[t + 2];
          if (++used * 2 > size) {
            slots = rehash(slots, size * 2);
            ({ pairs, firsts } = slots);
            size *= 2;
            mask = size - 1;
          }
          break;
        }
        if (sa === a && sb === b) {
          count++;
          // Rows come in order within a pass: its first maxExamples are all it can add.
          if (listedInPass < maxExamples) {
            examples.push([d[t + 2] + 1, firsts[s] + 1]);
            listedInPass++;
          }
          break;
        }
        s = (s + 1) & mask;
      }
    }
  }
  examples.sort((x, y) => x[0] - y[0]);
  return { count, examples: examples.slice(0, maxExamples) };
}

/** The pairs of an open-addressing table and their first rows, in a new table of `size` slots. */
function rehash(old: Slots, size: number): Slots {
  const pairs = new Uint32Array(2 * size);
  const firsts = new Uint32Array(size);
  const mask = size - 1;
  for (let t = 0; t < old.firsts.length; t++) {
    const a = old.pairs[2 * t];
    const b = old.pairs[2 * t + 1];
    if ((a | b) === 0) continue;
    let s = (b ^ Math.imul(a, 0x9e3779b1)) & mask;
    while ((pairs[2 * s] | pairs[2 * s + 1]) !== 0) s = (s + 1) & mask;
    pairs[2 * s] = a;
    pairs[2 * s + 1] = b;
    firsts[s] = old.firsts[t];
  }
  return { pairs, firsts };
}
