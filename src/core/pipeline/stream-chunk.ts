/**
 * One chunk of a streamed prediction (stream-predict.ts) as read: the model's input columns built
 * cell by cell straight from the decoded text — numbers parsed in place, labels coded per chunk —
 * by the rules of FittedRecipe.transformRecords (readNumber / readLabel), so no row becomes an
 * object; and, for writing the chunk back out, each row's line as read when the predictions CSV
 * would write it unchanged, else its fields.
 */
import { parseDecimalRange } from '../data/column-builder';
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

export class ChunkRows {
  /** Rows read so far. */
  n = 0;
  /** Rows whose number of fields differs from the header's. */
  ragged = 0;
  /** Per row: the line as read when the output can reuse it, else null (see `cells`). */
  readonly lines: (string | null)[] = [];
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
   * Reads the line text[a..b): no quote character, no line break; fields split at the character
   * code `d`. A line is written back as read only in a comma-separated file, and not when `plain`
   * is false (the piece holds U+FEFF, which the CSV writer quotes).
   */
  addLine(text: string, a: number, b: number, d: number, plain: boolean): void {
    const fieldSlot = this.fieldSlot;
    const width = this.width;
    let clean = plain && d === 44;
    let j = 0;
    let fs = a;
    for (let i = a; ; i++) {
      if (i < b && text.charCodeAt(i) !== d) continue;
      if (j < width) {
        const k = fieldSlot[j];
        if (k >= 0) this.readCell(this.slots[k], text, fs, i);
      }
      // The writer quotes a field with a blank at either end and neutralises one a spreadsheet
      // would run (csv-cells.ts): such a line is written from its fields instead.
      if (clean && i > fs) {
        const c0 = text.charCodeAt(fs);
        if (c0 === 32 || text.charCodeAt(i - 1) === 32 || ((c0 === 61 || c0 === 43 || c0 === 45 || c0 === 64 || c0 === 9) && !isPlainNumber(text, fs, i))) clean = false;
      }
      j++;
      fs = i + 1;
      if (i >= b) break;
    }
    if (j !== width) {
      clean = false;
      this.short(j);
    }
    this.lines.push(clean ? text.slice(a, b) : null);
    this.cells.push(clean ? null : text.slice(a, b).split(String.fromCharCode(d)));
    this.n++;
  }

  /** Reads a row split by papaparse (a piece with quoted fields, or the first one). */
  addFields(fields: string[]): void {
    for (const s of this.slots) {
      if (s.field >= fields.length) continue;
      const f = fields[s.field];
      this.readCell(s, f, 0, f.length);
    }
    if (fields.length !== this.width) this.short(fields.length);
    this.lines.push(null);
    this.cells.push(fields);
    this.n++;
  }

  /** The columns read, for FittedRecipe.transformRead, and the extra column's numbers. */
  finish(): { read: ReadInputs; extra?: Float64Array } {
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
