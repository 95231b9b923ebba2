/**
 * Streaming CSV reader: bytes → UTF-8 text → records (papaparse) → columns (ColumnBuilder).
 *
 * The bytes are read in chunks. Each decoded chunk is cut at its last line break that lies
 * outside a quoted field; the complete piece before it is split into records by papaparse and the
 * rest is carried over to the next chunk. No row is kept as strings or objects once its fields
 * have been pushed into the column builders.
 */
import Papa from 'papaparse';
import { checkpoint } from '../abort';
import { CancelledError, CsvError } from '../errors';
import { ColumnBuilder, MissingMarkers, POW10 } from './column-builder';
import { formatCount } from './format';
import type { ByteSource, CsvInput, ParseOptions, ParseProgress, RaggedRows, Table } from './types';

import { DEFAULT_MISSING_MARKERS } from './missing';
export const DEFAULT_CHUNK_BYTES = 4 << 20;
const CANDIDATE_DELIMITERS = [',', ';', '\t', '|'] as const;
const MAX_LISTED_ROWS = 100;
/** Characters handed to papaparse at a time (see the loop in readCsv). */
const PIECE_CHARS = 1 << 17;
/** Bytes asked of the source per read after the first chunk (see forEachPiece). */
const READ_BYTES = 1 << 18;
/** Bytes requested ahead of the read being parsed. */
const READ_AHEAD = 1 << 20;
/** Bytes decoded into one string at a time (a chunk is decoded in slices of this size). */
const DECODE_BYTES = 1 << 16;

/** What the reader produced before schema inference. */
export interface RawDataset {
  table: Table;
  ragged: RaggedRows;
  bytes: number;
  delimiter: string;
}

/** A ByteSource over bytes already in memory. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) => Promise.resolve(bytes.subarray(offset, Math.min(bytes.length, offset + length))),
  };
}

export function toByteSource(input: CsvInput): ByteSource {
  if (typeof input === 'string') return bytesSource(new TextEncoder().encode(input));
  if (input instanceof Uint8Array) return bytesSource(input);
  return input;
}

/** Reads every byte of an input (for hashing a dataset version). */
export async function readAllBytes(input: CsvInput): Promise<Uint8Array> {
  if (typeof input === 'string') return new TextEncoder().encode(input);
  if (input instanceof Uint8Array) return input;
  const out = new Uint8Array(input.size);
  const step = 16 << 20;
  for (let o = 0; o < input.size; o += step) out.set(await input.read(o, Math.min(step, input.size - o)), o);
  return out;
}

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

export function listRows(rows: readonly number[], total: number, max = 10): string {
  const shown = rows.slice(0, max).join(', ');
  return total > max ? `${shown} and ${formatCount(total - max)} more` : shown;
}

/** Answers "does `ch` occur in text[from..end)?" for increasing ranges of one text, scanning it once. */
class CharFinder {
  private text = '';
  private at = -1;
  constructor(private readonly ch: string) {}
  within(text: string, from: number, end: number): boolean {
    if (text !== this.text || this.at < from) {
      this.text = text;
      this.at = text.indexOf(this.ch, from);
      if (this.at === -1) this.at = Infinity;
    }
    return this.at < end;
  }
}

/**
 * Finds cut points: the last '\n' outside quotes. A quote opens a field only at a field's start
 * (as papaparse reads it); inside quotes `""` is an escaped quote. State carries across chunks.
 */
class LineCutter {
  private inQuotes = false;
  private atFieldStart = true;
  private justClosed = false;
  private quoteText = '';
  private quoteAt = -1;
  constructor(private readonly delim: number) {}

  /** Scans text[from..end) and returns the index of the last cut point in it, or -1. */
  scan(text: string, from: number, end: number = text.length): number {
    const n = end;
    if (from >= n) return -1;
    if (!this.inQuotes && !this.justClosed) {
      // Next quote at or after `from`, cached per text: indexOf would otherwise rescan the
      // rest of a quote-free chunk for every window.
      if (text !== this.quoteText || this.quoteAt < from) {
        this.quoteText = text;
        this.quoteAt = text.indexOf('"', from);
        if (this.quoteAt === -1) this.quoteAt = Infinity;
      }
      const q = this.quoteAt;
      if (q >= n) {
        // Fast path: no quote in the window.
        const c = text.charCodeAt(n - 1);
        this.atFieldStart = c === 10 || c === 13 || c === this.delim;
        const last = text.lastIndexOf('\n', n - 1);
        return last >= from ? last : -1;
      }
    }
    let last = -1;
    let inQ = this.inQuotes;
    let start = this.atFieldStart;
    let closed = this.justClosed;
    const d = this.delim;
    for (let i = from; i < n; i++) {
      const c = text.charCodeAt(i);
      if (inQ) {
        if (c === 34) {
          inQ = false;
          closed = true;
        }
        continue;
      }
      if (c === 34) {
        if (closed || start) inQ = true; // reopen after `""`, or open a quoted field
        closed = false;
        start = false;
        continue;
      }
      closed = false;
      if (c === 10) {
        last = i;
        start = true;
      } else if (c === d) start = true;
      else if (c !== 13) start = false;
    }
    this.inQuotes = inQ;
    this.atFieldStart = start;
    this.justClosed = closed;
    return last;
  }
}

/** Offset of the first byte that is not valid UTF-8, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= n) return i; // truncated at the end
    let cp = c & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if ((cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** The last bytes of `b` that begin a character not complete in `b` (at most 3), as a copy. */
function heldTail(b: Uint8Array): Uint8Array {
  const n = b.length;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const c = b[n - k];
    if ((c & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > k ? b.slice(n - k) : new Uint8Array(0);
  }
  return new Uint8Array(0);
}

/** Line breaks among b[from..end). */
function countNewlines(b: Uint8Array, end: number, from = 0): number {
  let k = 0;
  for (let i = from; i < end; i++) if (b[i] === 10) k++;
  return k;
}

interface DelimiterGuess {
  delimiter: string;
  /** A delimiter gave a consistent field count of at least 2. */
  confident: boolean;
}

/** Picks among , ; \t | the delimiter that splits the first lines into the most consistent (≥ 2) fields. */
export function detectDelimiter(text: string): DelimiterGuess {
  let sample = text.slice(0, 65536);
  const cut = sample.lastIndexOf('\n');
  if (cut > 0 && text.length > sample.length) sample = sample.slice(0, cut);
  sample = sample.replace(/\r\n?/g, '\n');
  let best: { d: string; score: number; fields: number } | null = null;
  for (const d of CANDIDATE_DELIMITERS) {
    const rows = Papa.parse<string[]>(sample, { delimiter: d, newline: '\n', preview: 30 }).data.filter(
      (r) => !(r.length === 1 && r[0] === ''),
    );
    if (rows.length === 0) continue;
    const h = rows[0].length;
    if (h < 2) continue;
    let same = 0;
    for (const r of rows) if (r.length === h) same++;
    const consistency = same / rows.length;
    if (consistency < 0.5) continue;
    const score = consistency * 1000 + Math.min(h, 999);
    if (!best || score > best.score) best = { d, score, fields: h };
  }
  return best ? { delimiter: best.d, confident: true } : { delimiter: ',', confident: false };
}

function looksLikeProse(firstLine: string): boolean {
  const t = firstLine.trim();
  if (/^[{[<]/.test(t)) return true; // JSON, HTML, XML
  const words = t.split(/\s+/).length;
  return t.length > 60 && words >= 8;
}

/** Receives the text of a CSV cut into pieces of whole records (see forEachPiece). */
interface PieceSink {
  /**
   * A piece text[start..end): whole records, CRLF/CR normalized to LF, no trailing line break,
   * never empty. Handed over as a range of the decoded chunk so that no substring is made.
   */
  piece(text: string, start: number, end: number): void | Promise<void>;
  /** Data rows read so far (for progress and error positions). */
  rows(): number;
  headerSeen(): boolean;
  /** Called once, before the first piece: the row count expected from the first chunk's lines. */
  estimate?(rows: number): void;
}

interface PieceStreamInfo {
  bytes: number;
  delimiter: string;
  /** The delimiter was given, or detected from consistent field counts. */
  confident: boolean;
}

function checkDelimiterOption(delimiter: string | undefined): void {
  if (delimiter !== undefined && delimiter.length !== 1) {
    throw new CsvError('bad-delimiter', `The delimiter must be one character, got ${JSON.stringify(delimiter)}.`, {
      stage: 'ingestion',
    });
  }
}

/**
 * The streaming part shared by readCsv and streamCsvRows: reads chunks, rejects binary data,
 * decodes UTF-8 (fatal), strips the BOM, detects the delimiter, cuts the text into pieces of
 * whole records at line breaks outside quotes, reports progress and yields between chunks.
 */
async function forEachPiece(
  input: CsvInput,
  options: Pick<ParseOptions, 'delimiter' | 'chunkBytes' | 'signal' | 'onProgress'>,
  sink: PieceSink,
  setDelimiter: (delimiter: string, confident: boolean) => void,
): Promise<PieceStreamInfo> {
  const signal = options.signal;
  if (signal?.aborted) throw new CancelledError();
  checkDelimiterOption(options.delimiter);
  const source = toByteSource(input);
  const total = source.size;
  const chunkBytes = Math.max(1, Math.floor(options.chunkBytes ?? DEFAULT_CHUNK_BYTES));
  if (total === 0) throw new CsvError('empty-file', 'The file is empty.', { stage: 'ingestion' });

  const decoder = new TextDecoder('utf-8', { fatal: true });
  let delimiter = options.delimiter ?? '';
  let confident = options.delimiter !== undefined;
  let cutter: LineCutter | null = null;
  let carry = '';
  let offset = 0;
  let sawText = false;

  const cr = new CharFinder('\r');
  const emit = async (prefix: string, text: string, start: number, end: number): Promise<void> => {
    let t = text;
    let a = start;
    let b = end;
    if (prefix.length > 0) {
      t = prefix + text.slice(start, end);
      a = 0;
      b = t.length;
    }
    if (b > a && t.charCodeAt(b - 1) === 13) b--;
    if (cr.within(t, a, b)) {
      t = t.slice(a, b).replace(/\r\n?/g, '\n');
      a = 0;
      b = t.length;
    }
    if (b <= a) return;
    const r = sink.piece(t, a, b);
    if (r) await r;
  };

  // The first chunk is read whole (the row estimate is taken from it); later chunks in reads of
  // at most READ_BYTES, which the source can allocate from memory freed by earlier reads rather
  // than from fresh pages. Progress and yields stay once per chunk.
  const readLength = (at: number): number =>
    at === 0 ? Math.min(chunkBytes, total) : Math.min(READ_BYTES, total - at, chunkBytes - (at % chunkBytes));
  // Reads are requested up to READ_AHEAD bytes ahead of the one being parsed, so reading overlaps
  // parsing even when a read waits for a busy thread. A read left pending by an error or a
  // cancel must not become an unhandled rejection.
  const queue: { length: number; bytes: Promise<Uint8Array> }[] = [];
  let requested = 0;
  const requestAhead = (from: number): void => {
    while (requested < total && (queue.length === 0 || requested - from < READ_AHEAD)) {
      const length = readLength(requested);
      const p = source.read(requested, length);
      p.catch(() => undefined);
      queue.push({ length, bytes: p });
      requested += length;
    }
  };
  requestAhead(0);
  // Bytes at the end of the previous read that begin a character the decoder still holds.
  let held: Uint8Array = new Uint8Array(0);
  while (offset < total) {
    const next = queue.shift()!;
    const bytes: Uint8Array = await next.bytes;
    const chunkStart = offset;
    const nextOffset = offset + bytes.length;
    if (bytes.length !== next.length) {
      // A source shorter than it claims: what was asked after this read starts at the wrong place.
      queue.length = 0;
      requested = nextOffset;
    }
    if (bytes.length > 0 && nextOffset < total) requestAhead(nextOffset);
    if (offset === 0) {
      const probe = Math.min(bytes.length, 65536);
      for (let i = 0; i < probe; i++) {
        if (bytes[i] === 0) {
          throw new CsvError('not-csv', `This is not a CSV text file: it contains binary data (a NUL byte at offset ${i}).`, {
            stage: 'ingestion',
          });
        }
      }
    }
    offset += bytes.length;
    if (bytes.length === 0) offset = total; // a source shorter than it claims: stop
    const last = offset >= total;
    // The chunk is decoded in slices of at most DECODE_BYTES cut at line breaks, so that
    // each decoded text is a small string that dies young, instead of a multi-megabyte string
    // allocated (and page-faulted in) afresh for every chunk.
    for (let s = 0, first = true; first || s < bytes.length; first = false) {
      let e = Math.min(bytes.length, s + DECODE_BYTES);
      if (e < bytes.length) {
        // End the slice after a line break when there is one, so that a piece rarely needs text
        // carried over from the previous slice (a concatenated string is slower to scan);
        // otherwise at a character boundary.
        const nl = bytes.lastIndexOf(10, e - 1);
        if (nl >= s) e = nl + 1;
        else {
          let k = e;
          while (k > s && e - k < 3 && (bytes[k] & 0xc0) === 0x80) k--;
          if (k > s && (bytes[k] & 0xc0) !== 0x80) e = k;
        }
      }
      const slice = s === 0 && e === bytes.length ? bytes : bytes.subarray(s, e);
      const done = last && e >= bytes.length;
      let decoded: string;
      try {
        decoded = decoder.decode(slice, { stream: !done });
      } catch (err) {
        // The first invalid byte of the read, counting the start of a character the previous
        // read ended with (earlier slices decoded fine, so it lies in this slice or just before).
        const withHeld = new Uint8Array(held.length + bytes.length);
        withHeld.set(held);
        withHeld.set(bytes, held.length);
        const bad = Math.max(0, firstInvalidUtf8(withHeld)) - held.length;
        const header = sink.headerSeen();
        const row =
          sink.rows() + (header ? 1 : 0) + countCharNewlines(carry) + (bad >= s ? countNewlines(bytes, bad, s) : -countNewlines(bytes, s, Math.max(0, bad)));
        throw new CsvError(
          'not-utf8',
          `The file is not UTF-8 text: invalid bytes near byte ${formatCount(chunkStart + bad)} (around ${
            header || row > 0 ? `data row ${row}` : 'the header'
          }). Save it as UTF-8 and try again.`,
          { row, stage: 'ingestion' },
          { cause: err },
        );
      }
      s = e;
      if (!sawText) {
        if (decoded.charCodeAt(0) === 0xfeff) decoded = decoded.slice(1);
        if (decoded.trim().length > 0) sawText = true;
      }
      let text = decoded;
      // Text carried over from the previous slice (already scanned), to prefix the first piece.
      // Kept apart rather than concatenated so the slice's text is not copied into a new string.
      let prefix = carry;
      carry = '';
      if (!sawText) continue;
      if (!cutter) {
        text = prefix + decoded;
        prefix = '';
        if (!delimiter) {
          if (!done && text.length < 65536 && text.indexOf('\n') === -1) {
            carry = text; // not even one line yet: read more before guessing
            continue;
          }
          // Detect from the rest of the chunk too, as when the whole chunk was one text.
          const sample = text.length <= 65536 && e < bytes.length ? text + decodeAhead(bytes, e, 65537 - text.length) : text;
          const g = detectDelimiter(sample);
          delimiter = g.delimiter;
          confident = g.confident;
        }
        setDelimiter(delimiter, confident);
        cutter = new LineCutter(delimiter.charCodeAt(0));
        if (sink.estimate) {
          // Lines in the text so far and in the rest of this chunk (counted as bytes: a UTF-8
          // line break is the byte 10 and never part of another character).
          let lines = countCharNewlines(text);
          for (let i = bytes.indexOf(10, e); i !== -1; i = bytes.indexOf(10, i + 1)) lines++;
          // Only from a fair sample: a tiny first chunk of a huge file would overshoot wildly.
          if (lines >= 100) sink.estimate(Math.min(Math.ceil(((lines + 1) * total * 1.02) / offset) + 16, Math.ceil(total / 2) + 16));
        }
      }
      // Hand over pieces of about PIECE_CHARS so that whatever is built per record dies young
      // (cheap scavenges) instead of being promoted to the old generation.
      let pieceStart = 0;
      for (let from = 0; from < text.length; ) {
        const end = Math.min(text.length, from + PIECE_CHARS);
        const cut = cutter.scan(text, from, end);
        if (cut >= 0) {
          await emit(prefix, text, pieceStart, cut);
          prefix = '';
          pieceStart = cut + 1;
        }
        from = end;
      }
      if (done) await emit(prefix, text, pieceStart, text.length);
      else carry = prefix + (pieceStart === 0 ? text : text.slice(pieceStart));
    }
    held = heldTail(bytes);
    if (offset % chunkBytes === 0 || offset >= total) {
      options.onProgress?.({ bytesRead: offset, totalBytes: total, rows: sink.rows() });
      if (offset < total) await checkpoint(signal);
    }
  }
  try {
    decoder.decode();
  } catch (e) {
    throw new CsvError('not-utf8', 'The file is not UTF-8 text: it ends in the middle of a character.', { stage: 'ingestion' }, { cause: e });
  }
  if (!sawText) throw new CsvError('empty-file', 'The file is empty: it has no header and no rows.', { stage: 'ingestion' });
  return { bytes: total, delimiter: delimiter || ',', confident };
}

/** Splits a piece into records with papaparse; an unterminated quote is a CsvError naming its row. */
function papaRecords(piece: string, delimiter: string, rowsBefore: number, headerSeen: boolean): string[][] {
  const res = Papa.parse<string[]>(piece, {
    delimiter,
    newline: '\n',
    quoteChar: '"',
    escapeChar: '"',
    header: false,
    dynamicTyping: false,
    skipEmptyLines: false,
  });
  for (const e of res.errors) {
    if (e.code === 'MissingQuotes') {
      const row = rowsBefore + (e.row ?? 0) + (headerSeen ? 0 : -1) + 1;
      throw new CsvError(
        'unterminated-quote',
        `A quoted field starting in row ${row} is never closed: the rest of the file would be read as one value.`,
        { row, stage: 'ingestion' },
      );
    }
  }
  return res.data;
}

const isBlankRecord = (r: string[]): boolean => r.length === 1 && r[0] === '';

/**
 * Finds the header among `data` from index `i` (blank lines before it are skipped), checks its
 * names and returns them with the index after it, or null when the piece held only blank lines.
 */
function takeHeader(data: string[][], i: number, confident: boolean): { names: string[]; next: number } | null {
  while (i < data.length && data[i].length === 1 && data[i][0].trim() === '') i++;
  if (i === data.length) return null;
  const names = checkHeader(data[i]);
  if (!confident && names.length === 1 && looksLikeProse(data[i][0])) {
    throw new CsvError('not-csv', 'This does not look like a CSV file: its first line reads like prose, not column names.', {
      stage: 'ingestion',
    });
  }
  return { names, next: i + 1 };
}

/** Handlers for streamCsvRows. */
export interface CsvRowHandlers {
  /** The header's column names (trimmed, checked: none blank, none repeated). */
  header(names: string[]): void | Promise<void>;
  /**
   * A batch of data rows as read: string fields, not trimmed, not typed. A row may have more or
   * fewer fields than the header (ragged): the caller decides. Blank lines are not rows.
   */
  rows(rows: string[][]): void | Promise<void>;
  progress?(p: ParseProgress): void;
}

/**
 * Streams a CSV as batches of raw string rows (for prediction over a file): the same decoding,
 * delimiter detection, quoting and errors as readCsv, without building columns. Batches are
 * awaited, so a slow consumer holds the reader back.
 */
export async function streamCsvRows(
  input: CsvInput,
  handlers: CsvRowHandlers,
  options: Pick<ParseOptions, 'delimiter' | 'chunkBytes' | 'signal'> = {},
): Promise<{ rows: number; bytes: number; delimiter: string; header: string[] }> {
  let header: string[] | null = null;
  let rows = 0;
  let delimiter = ',';
  let confident = false;
  const info = await forEachPiece(
    input,
    { ...options, ...(handlers.progress ? { onProgress: handlers.progress } : {}) },
    {
      piece: async (text, start, end) => {
        const data = papaRecords(text.slice(start, end), delimiter, rows, header !== null);
        let i = 0;
        if (!header) {
          const h = takeHeader(data, 0, confident);
          if (!h) return;
          header = h.names;
          i = h.next;
          await handlers.header(header);
        }
        const batch: string[][] = [];
        for (; i < data.length; i++) if (!isBlankRecord(data[i])) batch.push(data[i]);
        if (batch.length === 0) return;
        rows += batch.length;
        await handlers.rows(batch);
      },
      rows: () => rows,
      headerSeen: () => header !== null,
    },
    (d, c) => {
      delimiter = d;
      confident = c;
    },
  );
  if (!header) throw new CsvError('empty-file', 'The file is empty: it has no header and no rows.', { stage: 'ingestion' });
  return { rows, bytes: info.bytes, delimiter: info.delimiter, header };
}

/** Reads a CSV into columns. Throws CsvError (with code and rows) or CancelledError. */
export async function readCsv(input: CsvInput, options: ParseOptions = {}): Promise<RawDataset> {
  const markers = new MissingMarkers(options.missingMarkers ?? DEFAULT_MISSING_MARKERS);
  let delimiter = ',';
  let confident = false;
  let builders: ColumnBuilder[] | null = null;
  let expectedRows = 1024;
  let rows = 0; // data rows so far
  let raggedCount = 0;
  const raggedRows: number[] = [];

  const ragged = (): void => {
    raggedCount++;
    if (raggedRows.length < MAX_LISTED_ROWS) raggedRows.push(rows);
  };

  const quotes = new CharFinder('"');
  const parsePiece = (text: string, start: number, end: number): void => {
    if (builders && !quotes.within(text, start, end)) {
      parsePlain(text, start, end, builders);
      return;
    }
    const data = papaRecords(text.slice(start, end), delimiter, rows, builders !== null);
    let i = 0;
    if (!builders) {
      const h = takeHeader(data, 0, confident);
      if (!h) return;
      builders = h.names.map((n) => new ColumnBuilder(n, markers, expectedRows));
      i = h.next;
    }
    const b = builders;
    const ncols = b.length;
    for (; i < data.length; i++) {
      const rec = data[i];
      const len = rec.length;
      if (len === 1 && rec[0] === '') continue; // blank line: not a row
      rows++;
      if (len === ncols) {
        for (let j = 0; j < ncols; j++) b[j].push(rec[j]);
        continue;
      }
      ragged();
      for (let j = 0; j < ncols; j++) {
        if (j < len) b[j].push(rec[j]);
        else b[j].pushMissing();
      }
    }
  };

  /**
   * Fast path for text[start..end) without any quote character: fields are exactly the text
   * between delimiters and line breaks (what papaparse does in that case). One pass over the
   * characters splits fields and reads plain decimals (see parseNumber's fast path) at once; only
   * labels and unusual numbers become strings.
   */
  const parsePlain = (text: string, start: number, end: number, b: ColumnBuilder[]): void => {
    const ncols = b.length;
    const d = delimiter.charCodeAt(0);
    const numericMarkers = markers.numericValues;
    let i = start;
    while (i < end) {
      if (text.charCodeAt(i) === 10) {
        i++; // blank line: not a row
        continue;
      }
      rows++;
      let j = 0;
      for (;;) {
        const a = i;
        let c = i < end ? text.charCodeAt(i) : 10;
        let neg = false;
        if (c === 45 || c === 43) {
          neg = c === 45;
          c = ++i < end ? text.charCodeAt(i) : 10;
        }
        let m = 0;
        let digits = 0;
        let scale = 0;
        let dot = false;
        let plain = true;
        while (c !== d && c !== 10) {
          if (c >= 48 && c <= 57) {
            m = m * 10 + (c - 48);
            digits++;
            if (dot) scale++;
          } else if (c === 46 && !dot) dot = true;
          else plain = false;
          c = ++i < end ? text.charCodeAt(i) : 10;
        }
        if (j < ncols) {
          if (plain && digits > 0 && digits <= 15) {
            let v = scale === 0 ? m : m / POW10[scale];
            if (neg) v = -v;
            if (numericMarkers === null || !numericMarkers.has(v)) b[j].pushNumber(v);
            else b[j].pushRange(text, a, i);
          } else b[j].pushLabelRange(text, a, i);
        }
        j++;
        i++; // past the delimiter or line break
        if (c === 10) break;
      }
      if (j !== ncols) {
        ragged();
        for (; j < ncols; j++) b[j].pushMissing();
      }
    }
  };

  const info = await forEachPiece(
    input,
    options,
    {
      piece: parsePiece,
      rows: () => rows,
      headerSeen: () => builders !== null,
      estimate: (n) => {
        expectedRows = n;
      },
    },
    (d, c) => {
      delimiter = d;
      confident = c;
    },
  );
  if (!builders) throw new CsvError('empty-file', 'The file is empty: it has no header and no rows.', { stage: 'ingestion' });
  const cols: ColumnBuilder[] = builders;
  if (rows === 0) {
    throw new CsvError('header-only', `The file has a header (${plural(cols.length, 'column')}) but no data rows.`, {
      stage: 'ingestion',
    });
  }
  if (raggedCount * 2 > rows) {
    const first = listRows(raggedRows, raggedCount);
    if (!info.confident) {
      throw new CsvError(
        'not-csv',
        `This does not look like a CSV file: no delimiter splits its lines consistently (${plural(raggedCount, 'row')} of ${formatCount(rows)} have a different number of fields than the header, e.g. rows ${first}).`,
        { rows: raggedRows.slice(0, 10), stage: 'ingestion' },
      );
    }
    throw new CsvError(
      'ragged',
      `${plural(raggedCount, 'row')} of ${formatCount(rows)} have a different number of fields than the header's ${cols.length} (rows ${first}). Check the delimiter and quoting.`,
      { rows: raggedRows.slice(0, 10), stage: 'ingestion' },
    );
  }
  const columns = cols.map((c) => c.finish());
  return {
    table: { rowCount: rows, columns },
    ragged: { count: raggedCount, rows: raggedRows, policy: 'padded-or-truncated' },
    bytes: info.bytes,
    delimiter: info.delimiter,
  };
}

/** Decodes (leniently) about `chars` characters of b from `from`, for a look-ahead sample. */
function decodeAhead(b: Uint8Array, from: number, chars: number): string {
  return new TextDecoder('utf-8').decode(b.subarray(from, Math.min(b.length, from + 4 * chars + 4)));
}

function countCharNewlines(s: string): number {
  let k = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) k++;
  return k;
}

/** Trimmed header names; throws for blank or repeated names. */
function checkHeader(header: string[]): string[] {
  const names = header.map((h) => h.replace(/^\uFEFF/, '').trim());
  const seen = new Map<string, number>();
  const dups: string[] = [];
  names.forEach((name, i) => {
    if (name === '') {
      throw new CsvError(
        'blank-column',
        `Column ${i + 1} of ${names.length} has no name in the header. Give every column a name.`,
        { column: `#${i + 1}`, row: 0, stage: 'ingestion' },
      );
    }
    if (seen.has(name)) {
      if (!dups.includes(name)) dups.push(name);
    } else seen.set(name, i);
  });
  if (dups.length > 0) {
    const detail = dups
      .map((d) => {
        const at = names.flatMap((n, i) => (n === d ? [i + 1] : []));
        return `"${d}" (columns ${at.join(', ')})`;
      })
      .join(', ');
    throw new CsvError('duplicate-column', `The header names a column more than once: ${detail}. Column names must be unique.`, {
      column: dups[0],
      row: 0,
      stage: 'ingestion',
    });
  }
  return names;
}
