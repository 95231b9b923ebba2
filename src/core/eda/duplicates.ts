/**
 * Exact duplicate rows by hashing: one pass per column mixes each row's values into a 32-bit
 * hash (MurmurHash3's mixing), then an open-addressing table keyed by hash finds earlier rows with
 * the same hash, which are compared value by value (so hash collisions never count as duplicates).
 * Missing values equal each other; 0 and −0 are equal.
 */
import type { Column } from '../data/types';

export interface DuplicateRows {
  /** Rows that repeat an earlier row (the first occurrence is not counted). */
  count: number;
  /** First duplicates found, in row order: [row, row it repeats], 1-based data row numbers. */
  examples: [number, number][];
}

export function findDuplicateRows(columns: readonly Column[], rows: number, maxExamples = 20): DuplicateRows {
  if (columns.length === 0 || rows < 2) return { count: 0, examples: [] };
  const h = new Int32Array(rows).fill(0x9747b28c);
  for (const col of columns) {
    if (col.type === 'numeric') {
      const v = col.values;
      const u = new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
      for (let i = 0; i < rows; i++) {
        const x = v[i];
        let lo: number;
        let hi: number;
        if (x !== x) {
          lo = 0;
          hi = 0x7ff80000;
        } else if (x === 0) lo = hi = 0;
        else {
          lo = u[2 * i];
          hi = u[2 * i + 1];
        }
        h[i] = mix(mix(h[i], lo), hi);
      }
    } else {
      const c = col.codes;
      for (let i = 0; i < rows; i++) h[i] = mix(h[i], c[i] < 0 ? -1 : c[i]);
    }
  }
  let size = 1;
  while (size < rows * 2) size <<= 1;
  const mask = size - 1;
  const table = new Int32Array(size); // row + 1, 0 = empty
  let count = 0;
  const examples: [number, number][] = [];
  for (let i = 0; i < rows; i++) {
    const hi = h[i];
    let slot = fmix(hi) & mask;
    for (;;) {
      const e = table[slot];
      if (e === 0) {
        table[slot] = i + 1;
        break;
      }
      const j = e - 1;
      if (h[j] === hi && rowsEqual(columns, i, j)) {
        count++;
        if (examples.length < maxExamples) examples.push([i + 1, j + 1]);
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  return { count, examples };
}

function rowsEqual(columns: readonly Column[], i: number, j: number): boolean {
  for (const col of columns) {
    if (col.type === 'numeric') {
      const a = col.values[i];
      const b = col.values[j];
      if (a !== b && !(a !== a && b !== b)) return false;
    } else {
      const a = col.codes[i];
      const b = col.codes[j];
      if (a !== b && !(a < 0 && b < 0)) return false;
    }
  }
  return true;
}

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3's finaliser: spreads the bits before masking to a table slot. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
