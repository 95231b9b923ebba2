/**
 * Builds one column incrementally while the CSV streams by, without keeping the row strings.
 *
 * Per field it records the parsed number (NaN when missing or not a number) and, for labels, a
 * dictionary code. Numeric strings also enter the dictionary until it holds DICT_CAP distinct
 * values while the column has seen no label at all; past that the column is clearly numeric with
 * high cardinality (an id, a price) and the dictionary is dropped to save time and memory. If a
 * label turns up later, earlier numbers are recovered as `String(number)` should the column end
 * up categorical.
 */
import type { Column } from './types';

const BLOCK = 1 << 16;
/** Distinct numeric strings tracked before a pure-number column stops keeping its dictionary. */
export const DICT_CAP = 4096;
/** Code for "numeric value not in the dictionary: use String(number)". */
const NUM_CODE = -2;

/** Append-only Float64 storage in fixed blocks (no doubling copies; one concat at the end). */
class F64Blocks {
  private blocks: Float64Array[] = [];
  private cur: Float64Array = new Float64Array(BLOCK);
  private pos = 0;
  push(v: number): void {
    if (this.pos === BLOCK) this.grow();
    this.cur[this.pos++] = v;
  }
  private grow(): void {
    this.blocks.push(this.cur);
    this.cur = new Float64Array(BLOCK);
    this.pos = 0;
  }
  fill(v: number, n: number): void {
    for (let i = 0; i < n; i++) this.push(v);
  }
  finish(length: number): Float64Array {
    const out = new Float64Array(length);
    let o = 0;
    for (const b of this.blocks) {
      out.set(b, o);
      o += b.length;
    }
    out.set(this.cur.subarray(0, this.pos), o);
    this.blocks = [];
    return out;
  }
}

class I32Blocks {
  private blocks: Int32Array[] = [];
  private cur: Int32Array = new Int32Array(BLOCK);
  private pos = 0;
  push(v: number): void {
    if (this.pos === BLOCK) this.grow();
    this.cur[this.pos++] = v;
  }
  private grow(): void {
    this.blocks.push(this.cur);
    this.cur = new Int32Array(BLOCK);
    this.pos = 0;
  }
  fill(v: number, n: number): void {
    for (let i = 0; i < n; i++) this.push(v);
  }
  finish(length: number): Int32Array {
    const out = new Int32Array(length);
    let o = 0;
    for (const b of this.blocks) {
      out.set(b, o);
      o += b.length;
    }
    out.set(this.cur.subarray(0, this.pos), o);
    this.blocks = [];
    return out;
  }
}

/** Decides which strings are missing values: trimmed, case-insensitive comparison with the markers. */
export class MissingMarkers {
  private readonly set: Set<string>;
  private readonly maxLen: number;
  /** First character codes (any case) that can start a marker, for a fast negative test. */
  private readonly firstChars = new Uint8Array(128);
  private readonly nonAsciiFirst: boolean;
  constructor(markers: readonly string[]) {
    this.set = new Set(markers.map((m) => m.trim().toLowerCase()));
    this.maxLen = 0;
    let nonAscii = false;
    for (const m of this.set) {
      this.maxLen = Math.max(this.maxLen, m.length);
      if (m.length === 0) continue;
      for (const c of [m[0], m[0].toUpperCase()]) {
        const code = c.charCodeAt(0);
        if (code < 128) this.firstChars[code] = 1;
        else nonAscii = true;
      }
    }
    this.nonAsciiFirst = nonAscii;
  }
  /** `s` is already trimmed. */
  isMissing(s: string): boolean {
    const n = s.length;
    if (n === 0) return true;
    if (n > this.maxLen) return false;
    const c = s.charCodeAt(0);
    if (c < 128 ? this.firstChars[c] === 0 : !this.nonAsciiFirst) return false;
    return this.set.has(s.toLowerCase());
  }
}

/** True for plain decimal numbers: optional sign, digits, optional fraction and exponent. */
function isPlainNumberStart(c: number): boolean {
  // 0-9 . + -
  return (c >= 48 && c <= 57) || c === 46 || c === 43 || c === 45;
}

/**
 * Parses a trimmed field as a finite decimal number, or returns NaN. `+s` accepts hex ("0x1f"),
 * binary/octal prefixes and "Infinity"; those are rejected so that only plain decimals count.
 */
export function parseNumber(s: string): number {
  const c0 = s.charCodeAt(0);
  if (!isPlainNumberStart(c0)) return NaN;
  const v = +s;
  if (v !== v) return NaN;
  if (v === Infinity || v === -Infinity) return NaN;
  // Reject 0x.. / 0b.. / 0o.. (the only non-decimal forms `+` accepts that start with a digit).
  if (s.length > 2 && c0 === 48) {
    const c1 = s.charCodeAt(1) | 32;
    if (c1 === 120 || c1 === 98 || c1 === 111) return NaN;
  }
  return v;
}

export interface ColumnStats {
  /** Non-missing values that parsed as numbers. */
  numeric: number;
  /** Non-missing values that did not. */
  labels: number;
  missing: number;
}

export class ColumnBuilder {
  readonly name: string;
  private readonly markers: MissingMarkers;
  private nums = new F64Blocks();
  private codes: I32Blocks | null = new I32Blocks();
  private dict: Map<string, number> | null = new Map();
  private levels: string[] = [];
  /** Rows pushed so far. */
  length = 0;
  readonly stats: ColumnStats = { numeric: 0, labels: 0, missing: 0 };
  /** The dictionary was dropped for numbers (pure-number column past DICT_CAP distinct values). */
  private numbersOnly = false;

  constructor(name: string, markers: MissingMarkers) {
    this.name = name;
    this.markers = markers;
  }

  push(raw: string): void {
    this.length++;
    let s = raw;
    const n = s.length;
    if (n !== 0 && (s.charCodeAt(0) <= 32 || s.charCodeAt(n - 1) <= 32)) s = s.trim();
    if (this.markers.isMissing(s)) {
      this.stats.missing++;
      this.nums.push(NaN);
      if (this.codes) this.codes.push(-1);
      return;
    }
    const v = parseNumber(s);
    if (v === v) {
      this.stats.numeric++;
      this.nums.push(v);
      if (this.numbersOnly) {
        if (this.codes) this.codes.push(NUM_CODE);
        return;
      }
      this.codes!.push(this.code(s));
      if (this.stats.labels === 0 && this.levels.length > DICT_CAP) this.dropDictionary();
      return;
    }
    this.stats.labels++;
    this.nums.push(NaN);
    if (!this.codes) {
      // First label after the dictionary was dropped: earlier rows are numbers or missing.
      this.codes = new I32Blocks();
      this.codes.fill(NUM_CODE, this.length - 1);
      this.dict = new Map();
      this.levels = [];
    }
    this.codes.push(this.code(s));
  }

  private code(s: string): number {
    const dict = this.dict!;
    let c = dict.get(s);
    if (c === undefined) {
      c = this.levels.length;
      dict.set(s, c);
      this.levels.push(s);
    }
    return c;
  }

  private dropDictionary(): void {
    this.numbersOnly = true;
    this.codes = null;
    this.dict = null;
    this.levels = [];
  }

  /**
   * Final storage: a NumericColumn when every non-missing value is a number, otherwise a
   * CategoricalColumn of the raw (trimmed) strings. Schema inference may convert it later
   * (mostly-numeric columns, numbers with units).
   */
  finish(): Column {
    const n = this.length;
    const values = this.nums.finish(n);
    if (this.stats.labels === 0) {
      this.codes = null;
      this.dict = null;
      return { type: 'numeric', name: this.name, values };
    }
    const codes = this.codes!.finish(n);
    this.codes = null;
    const levels = this.levels;
    const dict = this.dict!;
    this.dict = null;
    for (let i = 0; i < n; i++) {
      if (codes[i] !== NUM_CODE) continue;
      const v = values[i];
      if (v !== v) {
        codes[i] = -1; // a missing value among the rows filled before the dictionary came back
        continue;
      }
      const s = String(v);
      let c = dict.get(s);
      if (c === undefined) {
        c = levels.length;
        dict.set(s, c);
        levels.push(s);
      }
      codes[i] = c;
    }
    return { type: 'categorical', name: this.name, codes, levels };
  }
}
