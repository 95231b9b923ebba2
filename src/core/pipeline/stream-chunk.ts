/**
 * One chunk of a streamed prediction (stream-predict.ts) as read: the model's input columns built
 * cell by cell straight from the decoded text — numbers parsed in place, labels coded per chunk —
 * by the rules of FittedRecipe.transformRecords (readNumber / readLabel), so no row becomes an
 * object; and, for writing the chunk back out, each row's line as read when the predictions CSV
 * would write it unchanged, else its fields.
 */
import { parseDecimalRange, POW10 } from '../data/column-builder';
import type { Column } from '../data/types';
import type { InputColumn, ReadInputs } from '../recipe';
import { readLabel, readNumber } from '../recipe/values';

/** A column read per chunk: a model input, or the target (for monitoring's actual values). */
interface Slot {
  name: string;
  /** Its index in the header. */
  field: number;
  number: boolean;
  unit?: string;
  values: Float64Array;
  codes: Int32Array;
  levels: string[];
  /** Code of each cell text seen in this chunk (−1: missing), to read a repeated label once. */
  index: Map<string, number>;
  /** Code of each label (the cell's text trimmed). */
  codeOf: Map<string, number>;
  /** Cells that are not numbers are reported (model inputs; not the extra column). */
  report: boolean;
  unreadable: { row: number; text: string }[];
  absent: number[];
}

/** The columns a stream reads, and how a line is recognised as writable unchanged. */
export interface ChunkLayout {
  header: readonly string[];
  inputs: readonly InputColumn[];
  /** Also read this number column (the target, when the file has it). */
  extra?: string;
  /** The extra column holds these labels (a classifier's classes): it is read as their codes, NaN for any other. */
  extraLabels?: readonly string[];
}

/**
 * A chunk as read, in plain data (typed arrays, strings, Maps) so that a reader in another thread
 * can hand it over: the model's input columns, the target's when asked, and each row's line for
 * writing it back.
 */
export interface ReadChunk {
  /** Rows in the chunk. */
  n: number;
  /** Rows whose number of fields differs from the header's. */
  ragged: number;
  read: ReadInputs;
  /** The layout's extra column: numbers, or a classifier's class codes. */
  extra?: Float64Array;
  /** Per row: its line as read is texts[lineText[i]] from lineStart[i] to lineEnd[i]; −1: see `cells`. */
  lineText: Int32Array;
  lineStart: Int32Array;
  lineEnd: Int32Array;
  /** The decoded text the lines lie in; an ASCII one may come as its bytes (asciiBytes), the offsets the same. */
  texts: (string | Uint8Array)[];
  /** Per row: its fields, when its line cannot be written back as read (else null). */
  cells: (string[] | null)[];
}

const ascii = new TextDecoder('latin1');
const utf8 = new TextEncoder();

/** Row i's line as read, when the output can reuse it (else null: see `cells`). */
export function chunkLine(c: ReadChunk, i: number): string | null {
  const t = c.lineText[i];
  if (t < 0) return null;
  const text = c.texts[t];
  return typeof text === 'string' ? text.slice(c.lineStart[i], c.lineEnd[i]) : ascii.decode(text.subarray(c.lineStart[i], c.lineEnd[i]));
}

/**
 * The chunk with each ASCII text as its bytes, for handing to another thread: the buffers move
 * instead of the strings being copied, and the writer copies bytes.
 */
export function asciiBytes(c: ReadChunk): ReadChunk {
  const texts = c.texts.map((t) => {
    if (typeof t !== 'string') return t;
    const bytes = utf8.encode(t);
    return bytes.length === t.length ? bytes : t;
  });
  return { ...c, texts };
}

/** The buffers a ReadChunk can hand to another thread without copying them. */
export function chunkBuffers(c: ReadChunk): ArrayBuffer[] {
  const buffers = new Set<ArrayBufferLike>([c.lineText.buffer, c.lineStart.buffer, c.lineEnd.buffer]);
  for (const t of c.texts) if (typeof t !== 'string') buffers.add(t.buffer);
  for (const col of c.read.columns.values()) buffers.add(col.type === 'numeric' ? col.values.buffer : col.codes.buffer);
  if (c.extra) buffers.add(c.extra.buffer);
  return [...buffers].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer && b.byteLength > 0);
}

/** Builds the chunks of a streamed prediction row by row (see the module comment). */
export class ChunkRows {
  /** Rows read so far. */
  n = 0;
  /** Rows whose number of fields differs from the header's. */
  ragged = 0;
  /**
   * Per row: its line as read when the output can reuse it — texts[lineText[i]] from lineStart[i]
   * to lineEnd[i] — else lineText[i] is −1 and `cells` holds its fields.
   */
  readonly lineText: Int32Array;
  readonly lineStart: Int32Array;
  readonly lineEnd: Int32Array;
  /** The decoded pieces the reusable lines lie in (a few per chunk; kept until the chunk is written). */
  readonly texts: (string | Uint8Array)[] = [];
  /** Per row: its fields, when its line cannot be reused. */
  readonly cells: (string[] | null)[] = [];
  private readonly slots: Slot[];
  /** Header index → slot, or −1 for a column nobody reads. */
  private readonly fieldSlot: Int32Array;
  private readonly width: number;

  constructor(
    private readonly layout: ChunkLayout,
    readonly capacity: number,
  ) {
    const { header, inputs } = layout;
    this.width = header.length;
    this.fieldSlot = new Int32Array(this.width).fill(-1);
    this.lineText = new Int32Array(capacity);
    this.lineStart = new Int32Array(capacity);
    this.lineEnd = new Int32Array(capacity);
    const cols: { name: string; number: boolean; report: boolean; unit?: string }[] = inputs.map((c) => ({
      name: c.name,
      number: c.kind === 'numeric' || c.kind === 'unit',
      report: true,
      ...(c.unit ? { unit: c.unit } : {}),
    }));
    if (layout.extra !== undefined) cols.push({ name: layout.extra, number: layout.extraLabels === undefined, report: false });
    this.slots = cols.map((c) => {
      const field = header.indexOf(c.name);
      const slot: Slot = {
        ...c,
        field,
        values: c.number ? new Float64Array(capacity) : new Float64Array(0),
        codes: c.number ? new Int32Array(0) : new Int32Array(capacity),
        levels: [],
        index: new Map(),
        codeOf: new Map(),
        unreadable: [],
        absent: [],
      };
      return slot;
    });
    this.slots.forEach((s, k) => {
      if (s.field >= 0) this.fieldSlot[s.field] = k;
    });
  }

  get full(): boolean {
    return this.n >= this.capacity;
  }

  /**
   * Reads the lines of text[from..end) — no quote character; LF line breaks; blank lines are not
   * rows; fields split at the character code `d` — until the chunk is full. Returns where it
   * stopped: `end`, or the start of the first line not read. One pass over the characters finds
   * the lines, the fields and whether each line can be written back as read: only in a
   * comma-separated file, and not when `plain` is false (the piece holds U+FEFF, which the CSV
   * writer quotes).
   */
  addLines(text: string, from: number, end: number, d: number, plain: boolean): number {
    const fieldSlot = this.fieldSlot;
    const slots = this.slots;
    const width = this.width;
    const comma = plain && d === 44;
    let t = -1;
    let clean = comma;
    let j = 0;
    let a = from;
    let fs = from;
    // Field by field: i moves to the end of the field that starts at fs.
    for (;;) {
      let i = fs;
      let c: number;
      if (i === a && (i >= end || text.charCodeAt(i) === 10)) {
        // A blank line: not a row.
        if (i >= end) return end;
        a = fs = i + 1;
        continue;
      }
      const k = j < width ? fieldSlot[j] : -1;
      const slot = k >= 0 ? slots[k] : null;
      if (slot !== null && slot.number) {
        // A number field: read as a plain short decimal while finding its end (parseDecimalRange's
        // rules, the same value); anything else is found to its end and read by readCell.
        c = i < end ? text.charCodeAt(i) : 10;
        const neg = c === 45;
        if (neg || c === 43) c = ++i < end ? text.charCodeAt(i) : 10;
        let m = 0;
        let digits = 0;
        let scale = 0;
        let dot = false;
        for (;;) {
          if (c >= 48 && c <= 57) {
            m = m * 10 + (c - 48);
            digits++;
            if (dot) scale++;
          } else if (c === 46 && !dot) dot = true;
          else break;
          c = ++i < end ? text.charCodeAt(i) : 10;
        }
        if ((c === d || c === 10) && digits > 0 && digits <= 15) {
          // A plain number: the writer leaves it as it is.
          const v = scale === 0 ? m : m / POW10[scale];
          slot.values[this.n] = neg ? -v : v;
        } else {
          while (c !== d && c !== 10) c = ++i < end ? text.charCodeAt(i) : 10;
          this.readCell(slot, text, fs, i);
          if (clean) clean = writesAsRead(text, fs, i);
        }
      } else {
        c = i < end ? text.charCodeAt(i) : 10;
        while (c !== d && c !== 10) c = ++i < end ? text.charCodeAt(i) : 10;
        if (slot !== null) this.readCell(slot, text, fs, i);
        if (clean) clean = writesAsRead(text, fs, i);
      }
      j++;
      fs = i + 1;
      if (c !== 10) continue;
      if (j !== width) {
        clean = false;
        this.short(j);
      }
      const r = this.n++;
      if (clean) {
        if (t < 0) t = this.texts.push(text) - 1;
        this.lineText[r] = t;
        this.lineStart[r] = a;
        this.lineEnd[r] = i;
        this.cells.push(null);
      } else {
        this.lineText[r] = -1;
        this.cells.push(text.slice(a, i).split(String.fromCharCode(d)));
      }
      if (i >= end) return end;
      if (this.n >= this.capacity) return i + 1;
      j = 0;
      clean = comma;
      a = i + 1;
    }
  }

  /** Reads a row split by papaparse (a piece with quoted fields, or the first one). */
  addFields(fields: string[]): void {
    for (const s of this.slots) {
      if (s.field >= fields.length) continue;
      const f = fields[s.field];
      this.readCell(s, f, 0, f.length);
    }
    if (fields.length !== this.width) this.short(fields.length);
    this.lineText[this.n++] = -1;
    this.cells.push(fields);
  }

  /** The chunk as read: its columns for FittedRecipe.transformRead, its lines for the output. */
  take(): ReadChunk {
    const { read, extra } = this.columns();
    return { n: this.n, ragged: this.ragged, read, ...(extra ? { extra } : {}), lineText: this.lineText, lineStart: this.lineStart, lineEnd: this.lineEnd, texts: this.texts, cells: this.cells };
  }

  /** The columns read, and the extra column's numbers. */
  private columns(): { read: ReadInputs; extra?: Float64Array } {
    const columns = new Map<string, Column>();
    const unreadable = new Map<string, { row: number; text: string }[]>();
    const absent = new Map<string, number[]>();
    const n = this.n;
    const inputs = this.layout.inputs.length;
    for (let k = 0; k < inputs; k++) {
      const s = this.slots[k];
      columns.set(
        s.name,
        s.number ? { type: 'numeric', name: s.name, values: s.values.subarray(0, n) } : { type: 'categorical', name: s.name, codes: s.codes.subarray(0, n), levels: s.levels },
      );
      if (s.unreadable.length) unreadable.set(s.name, s.unreadable);
      if (s.absent.length) absent.set(s.name, s.absent);
    }
    const out: { read: ReadInputs; extra?: Float64Array } = { read: { rows: n, columns, unreadable, absent } };
    if (this.layout.extra !== undefined) out.extra = this.layout.extraLabels ? labelCodes(this.slots[inputs], this.layout.extraLabels, n) : this.slots[inputs].values.subarray(0, n);
    return out;
  }

  /** The row has `fields` fields: the columns from there on are absent (a record without those keys). */
  private short(fields: number): void {
    this.ragged++;
    const i = this.n;
    for (const s of this.slots) {
      if (s.field < fields) continue;
      if (s.number) s.values[i] = NaN;
      else s.codes[i] = -1;
      s.absent.push(i);
    }
  }

  private readCell(s: Slot, text: string, a: number, b: number): void {
    const i = this.n;
    if (s.number) {
      // Plain short decimals are read in place, exactly as readNumber reads them; the rest by readNumber itself.
      const v = parseDecimalRange(text, a, b);
      if (v === v) {
        s.values[i] = v;
        return;
      }
      const raw = a === 0 && b === text.length ? text : text.slice(a, b);
      const x = readNumber(raw, s.unit);
      if (x === undefined) {
        s.values[i] = NaN;
        if (s.report) s.unreadable.push({ row: i, text: raw });
      } else s.values[i] = x;
      return;
    }
    const raw = a === 0 && b === text.length ? text : text.slice(a, b);
    let code = s.index.get(raw);
    if (code === undefined) {
      const l = readLabel(raw);
      if (l === undefined) code = -1;
      else {
        code = s.codeOf.get(l);
        if (code === undefined) {
          code = s.levels.push(l) - 1;
          s.codeOf.set(l, code);
        }
      }
      s.index.set(raw, code);
    }
    s.codes[i] = code;
  }
}

/**
 * Whether the CSV writer leaves the field text[a..b) as it is: it quotes a field with a blank at
 * either end and neutralises one a spreadsheet would run (csv-cells.ts); a line with such a
 * field is written from its fields instead.
 */
function writesAsRead(text: string, a: number, b: number): boolean {
  if (b <= a) return true;
  const c0 = text.charCodeAt(a);
  return !(c0 === 32 || text.charCodeAt(b - 1) === 32 || ((c0 === 61 || c0 === 43 || c0 === 45 || c0 === 64 || c0 === 9) && !isPlainNumber(text, a, b)));
}

/** Whether text[a..b) is a plain number (csv-cells' PLAIN_NUMBER: /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/). */
function isPlainNumber(text: string, a: number, b: number): boolean {
  let i = a;
  let c = text.charCodeAt(i);
  if (c === 43 || c === 45) c = text.charCodeAt(++i);
  let digits = 0;
  while (i < b && (c = text.charCodeAt(i)) >= 48 && c <= 57) {
    i++;
    digits++;
  }
  if (i < b && text.charCodeAt(i) === 46) {
    i++;
    while (i < b && (c = text.charCodeAt(i)) >= 48 && c <= 57) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return false;
  if (i < b && (text.charCodeAt(i) === 101 || text.charCodeAt(i) === 69)) {
    i++;
    if (i < b && (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45)) i++;
    let e = 0;
    while (i < b && (c = text.charCodeAt(i)) >= 48 && c <= 57) {
      i++;
      e++;
    }
    if (e === 0) return false;
  }
  return i === b;
}

/** A label column's cells as codes of `labels` (NaN where missing or another label). */
function labelCodes(slot: Slot, labels: readonly string[], n: number): Float64Array {
  const byLevel = slot.levels.map((l) => {
    const k = labels.indexOf(l);
    return k >= 0 ? k : NaN;
  });
  return Float64Array.from(slot.codes.subarray(0, n), (c) => (c >= 0 ? byLevel[c] : NaN));
}
