/**
 * Builds one column incrementally while the CSV streams by, without keeping the row strings.
 *
 * Per field it records the parsed number (NaN when missing or not a number) or, for a label, a
 * dictionary code. Numbers never enter the dictionary (that would cost a hash lookup per field
 * of every numeric column); should a column mix numbers and labels, its numbers become the
 * levels `String(number)`.
 */
import type { Column } from './types';

/** Code for "a number (or missing) in a label column: resolved in finish()". */
const NUM_CODE = -2;
/** Labels longer than this, or beyond FAST_LABEL_CAP distinct ones, go through the Map only. */
const FAST_LABEL_MAX = 64;
const FAST_LABEL_CAP = 1 << 16;

/**
 * Append-only typed storage sized from an estimate of the row count (see ColumnBuilder's
 * `capacity`), growing by a quarter when the estimate was short. One allocation per column in
 * the usual case; the final array is cut to the exact length, one column at a time, so the
 * peak is the table plus one column rather than twice the table.
 */
class F64Store {
  data: Float64Array;
  n = 0;
  constructor(capacity: number) {
    this.data = new Float64Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.n === this.data.length) this.grow();
    this.data[this.n++] = v;
  }
  private grow(): void {
    const next = new Float64Array(Math.ceil(this.data.length * 1.25) + 4096);
    next.set(this.data);
    this.data = next;
  }
  fill(v: number, count: number): void {
    for (let i = 0; i < count; i++) this.push(v);
  }
  finish(length: number): Float64Array {
    const d = this.data;
    this.data = new Float64Array(0);
    return d.length === length ? d : d.slice(0, length);
  }
}

/** F64Store for codes: a twin rather than one class over both array types, so that push, run per value read, stores into one element type. */
class I32Store {
  data: Int32Array;
  n = 0;
  constructor(capacity: number) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.n === this.data.length) this.grow();
    this.data[this.n++] = v;
  }
  private grow(): void {
    const next = new Int32Array(Math.ceil(this.data.length * 1.25) + 4096);
    next.set(this.data);
    this.data = next;
  }
  fill(v: number, count: number): void {
    for (let i = 0; i < count; i++) this.push(v);
  }
  finish(length: number): Int32Array {
    const d = this.data;
    this.data = new Int32Array(0);
    return d.length === length ? d : d.slice(0, length);
  }
}

/** Decides which strings are missing values: trimmed, case-insensitive comparison with the markers. */
export class MissingMarkers {
  private readonly set: Set<string>;
  private readonly maxLen: number;
  /** First character codes (any case) that can start a marker, for a fast negative test. */
  private readonly firstChars = new Uint8Array(128);
  private readonly nonAsciiFirst: boolean;
  /** '' is a marker (the default): empty and blank fields are missing. */
  readonly emptyIsMissing: boolean;
  /** Values of markers that read as numbers ("-999"): the fast number path defers to the string rules for them. */
  readonly numericValues: Set<number> | null;
  constructor(markers: readonly string[]) {
    this.set = new Set(markers.map((m) => m.trim().toLowerCase()));
    this.emptyIsMissing = this.set.has('');
    const nums = [...this.set].map((m) => parseNumber(m)).filter((v) => v === v);
    this.numericValues = nums.length ? new Set(nums) : null;
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

/** Exact powers of ten 10^0..10^22 (all exactly representable as doubles). */
export const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/**
 * Parses a trimmed field as a finite decimal number, or returns NaN.
 *
 * Fast path: up to 15 digits with an optional sign and point, no exponent. The digits form an
 * integer m < 2^53 and the result is m / 10^k with k ≤ 22; both are exact doubles and IEEE
 * division rounds correctly, so this equals `Number(s)` (Clinger's fast path). Anything else goes
 * to `Number(s)`, minus the forms it accepts that are not plain decimals (hex, binary, octal,
 * Infinity).
 */
export function parseNumber(s: string): number {
  const v = parseDecimalRange(s, 0, s.length);
  return v === v ? v : parseNumberSlow(s);
}

/**
 * The fast path of parseNumber on text[a..b) (ASCII blanks around it skipped), without making a
 * substring. NaN means "not a plain short decimal": the caller falls back to the full rules.
 */
export function parseDecimalRange(text: string, a: number, b: number): number {
  while (a < b && text.charCodeAt(a) === 32) a++;
  while (b > a && text.charCodeAt(b - 1) === 32) b--;
  let c = text.charCodeAt(a);
  let neg = false;
  if (c === 45 || c === 43) {
    neg = c === 45;
    a++;
  }
  let m = 0;
  let digits = 0;
  let scale = 0;
  let dot = false;
  for (let i = a; i < b; i++) {
    c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (dot) scale++;
    } else if (c === 46 && !dot) dot = true;
    else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  const v = scale === 0 ? m : m / POW10[scale];
  return neg ? -v : v;
}

function parseNumberSlow(s: string): number {
  const c0 = s.charCodeAt(0);
  // Must start like a decimal: 0-9 . + -
  if (!((c0 >= 48 && c0 <= 57) || c0 === 46 || c0 === 43 || c0 === 45)) return NaN;
  const v = +s;
  if (v !== v || v === Infinity || v === -Infinity) return NaN;
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

/**
 * One column under construction. Numbers go to a Float64 store, labels to a dictionary with
 * Int32 codes; each store is created on the first value that needs it (earlier rows filled in),
 * so a label column holds no Float64 array and a number column no codes.
 */
export class ColumnBuilder {
  readonly name: string;
  private readonly markers: MissingMarkers;
  private nums: F64Store | null = null;
  private codes: I32Store | null = null;
  private dict = new Map<string, number>();
  private levels: string[] = [];
  /** Rows pushed so far. */
  length = 0;
  /** Code given to the last label pushed. */
  private lastCode = -1;
  /**
   * Labels by a hash of their characters, so a repeated label is found without making a
   * substring (see pushLabelRange): open addressing, slot → code (-1 empty) and the hash.
   */
  private fastCodes = new Int32Array(256).fill(-1);
  private fastHashes = new Int32Array(256);
  private fastUsed = 0;
  readonly stats: ColumnStats = { numeric: 0, labels: 0, missing: 0 };

  /** Expected number of rows: the initial size of the column's arrays. */
  private readonly capacity: number;

  constructor(name: string, markers: MissingMarkers, capacity = 1024) {
    this.name = name;
    this.markers = markers;
    this.capacity = capacity;
  }

  /**
   * Pushes the field text[a..b) without making a string when it is a plain number or blank.
   * Same result as `push(text.slice(a, b))`.
   */
  pushRange(text: string, a: number, b: number): void {
    const v = parseDecimalRange(text, a, b);
    if (v === v && (this.markers.numericValues === null || !this.markers.numericValues.has(v))) {
      this.stats.numeric++;
      if (!this.nums) {
        this.nums = new F64Store(this.capacity);
        this.nums.fill(NaN, this.length);
      }
      this.nums.push(v);
      if (this.codes) this.codes.push(NUM_CODE);
      this.length++;
      return;
    }
    if (a === b && this.markers.emptyIsMissing) {
      this.pushMissing();
      return;
    }
    this.push(text.slice(a, b));
  }

  /** Pushes a number already parsed from the field (not a missing marker). */
  pushNumber(v: number): void {
    this.stats.numeric++;
    if (!this.nums) {
      this.nums = new F64Store(this.capacity);
      this.nums.fill(NaN, this.length);
    }
    this.nums.push(v);
    if (this.codes) this.codes.push(NUM_CODE);
    this.length++;
  }

  /**
   * Pushes text[a..b) that is not a plain short decimal (typically a label). A label seen before
   * is found by hashing its characters, without a substring; anything else takes pushRange.
   */
  pushLabelRange(text: string, a: number, b: number): void {
    const len = b - a;
    if (len === 0 || len > FAST_LABEL_MAX || text.charCodeAt(a) <= 32 || text.charCodeAt(b - 1) <= 32) {
      this.pushRange(text, a, b);
      return;
    }
    let h = 0x811c9dc5 | 0;
    for (let i = a; i < b; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    const codes = this.fastCodes;
    const mask = codes.length - 1;
    let slot = h & mask;
    for (;;) {
      const code = codes[slot];
      if (code === -1) break;
      if (this.fastHashes[slot] === h) {
        const level = this.levels[code];
        if (level.length === len) {
          let k = 0;
          while (k < len && level.charCodeAt(k) === text.charCodeAt(a + k)) k++;
          if (k === len) {
            this.stats.labels++;
            if (this.nums) this.nums.push(NaN);
            this.codes!.push(code);
            this.length++;
            return;
          }
        }
      }
      slot = (slot + 1) & mask;
    }
    const labels = this.stats.labels;
    this.pushRange(text, a, b);
    if (this.stats.labels > labels && this.fastUsed < FAST_LABEL_CAP) this.rememberLabel(h, this.lastCode);
  }

  private rememberLabel(h: number, code: number): void {
    if ((this.fastUsed + 1) * 2 > this.fastCodes.length) {
      const oldCodes = this.fastCodes;
      const oldHashes = this.fastHashes;
      this.fastCodes = new Int32Array(oldCodes.length * 2).fill(-1);
      this.fastHashes = new Int32Array(oldCodes.length * 2);
      this.fastUsed = 0;
      for (let s = 0; s < oldCodes.length; s++) if (oldCodes[s] !== -1) this.rememberLabel(oldHashes[s], oldCodes[s]);
    }
    const mask = this.fastCodes.length - 1;
    let slot = h & mask;
    while (this.fastCodes[slot] !== -1) slot = (slot + 1) & mask;
    this.fastCodes[slot] = code;
    this.fastHashes[slot] = h;
    this.fastUsed++;
  }

  pushMissing(): void {
    this.stats.missing++;
    if (this.nums) this.nums.push(NaN);
    if (this.codes) this.codes.push(-1);
    this.length++;
  }

  push(raw: string): void {
    let s = raw;
    const n = s.length;
    if (n !== 0 && (s.charCodeAt(0) <= 32 || s.charCodeAt(n - 1) <= 32)) s = s.trim();
    if (this.markers.isMissing(s)) {
      this.stats.missing++;
      if (this.nums) this.nums.push(NaN);
      if (this.codes) this.codes.push(-1);
      this.length++;
      return;
    }
    const v = parseNumber(s);
    if (v === v) {
      this.stats.numeric++;
      if (!this.nums) {
        this.nums = new F64Store(this.capacity);
        this.nums.fill(NaN, this.length);
      }
      this.nums.push(v);
      if (this.codes) this.codes.push(NUM_CODE);
      this.length++;
      return;
    }
    this.stats.labels++;
    if (this.nums) this.nums.push(NaN);
    if (!this.codes) {
      // Earlier rows were numbers or missing: NUM_CODE, resolved in finish().
      this.codes = new I32Store(this.capacity);
      this.codes.fill(NUM_CODE, this.length);
    }
    let c = this.dict.get(s);
    if (c === undefined) {
      c = this.levels.length;
      this.dict.set(s, c);
      this.levels.push(s);
    }
    this.codes.push(c);
    this.lastCode = c;
    this.length++;
  }

  /**
   * Final storage: a NumericColumn when every non-missing value is a number, otherwise a
   * CategoricalColumn of the (trimmed) strings, where numbers among labels read as
   * `String(number)` ("1.50" → "1.5"). Schema inference may convert it later (mostly-numeric
   * columns, numbers with units).
   */
  finish(): Column {
    const n = this.length;
    if (this.stats.labels === 0) {
      const values = this.nums ? this.nums.finish(n) : new Float64Array(n).fill(NaN);
      this.nums = null;
      return { type: 'numeric', name: this.name, values };
    }
    // A label column: its numbers (if any) are read from the number store as it is, uncut.
    const values = this.nums ? this.nums.data : null;
    this.nums = null;
    const codes = this.codes!.finish(n);
    this.codes = null;
    const levels = this.levels;
    const dict = this.dict;
    this.dict = new Map();
    if (this.stats.numeric > 0 || this.stats.missing > 0) {
      for (let i = 0; i < n; i++) {
        if (codes[i] !== NUM_CODE) continue;
        const v = values ? values[i] : NaN;
        if (v !== v) {
          codes[i] = -1;
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
    }
    return { type: 'categorical', name: this.name, codes, levels };
  }
}
