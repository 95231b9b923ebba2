/**
 * The streaming loop shared by readCsv and streamCsvRows: reads the bytes in chunks, decodes them,
 * detects the delimiter and hands over the text cut into pieces of whole records.
 */
import { checkpoint } from '../../abort';
import { CancelledError, CsvError } from '../../errors';
import { formatCount } from '../../format';
import type { CsvInput, ParseOptions } from '../types';
import { toByteSource } from './byte-source';
import { detectDelimiter } from './delimiter';
import { countNewlines, decodeAhead, firstInvalidUtf8, heldTail, rejectBinary, Utf16Transcoder } from './encoding';
import { CharFinder, countCharNewlines, LineCutter } from './line-cutter';

export const DEFAULT_CHUNK_BYTES = 4 << 20;
/** Characters handed to papaparse at a time (see the loop in forEachPiece). */
const PIECE_CHARS = 1 << 17;
/** Bytes asked of the source per read after the first chunk (see forEachPiece). */
const READ_BYTES = 1 << 18;
/** Bytes requested ahead of the read being parsed. */
const READ_AHEAD = 1 << 20;
/** Bytes decoded into one string at a time (a chunk is decoded in slices of this size). */
const DECODE_BYTES = 1 << 16;

/** Receives the text of a CSV cut into pieces of whole records (see forEachPiece). */
export interface PieceSink {
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

export interface PieceStreamInfo {
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
 * decodes UTF-8 (fatal; UTF-16 with a byte-order mark is re-encoded first), strips the BOM, detects the delimiter, cuts the text into pieces of
 * whole records at line breaks outside quotes, reports progress and yields between chunks.
 */
export async function forEachPiece(
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
  // The first read holds at least the two bytes of a UTF-16 byte-order mark.
  const readLength = (at: number): number =>
    at === 0 ? Math.min(Math.max(chunkBytes, 2), total) : Math.min(READ_BYTES, total - at, chunkBytes - (at % chunkBytes));
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
  // A UTF-16 file (known by its byte-order mark) is re-encoded as UTF-8 read by read.
  let utf16: Utf16Transcoder | null = null;
  // Bytes at the end of the previous read that begin a character the decoder still holds.
  let held: Uint8Array = new Uint8Array(0);
  while (offset < total) {
    const next = queue.shift()!;
    const read: Uint8Array = await next.bytes;
    const chunkStart = offset;
    const nextOffset = offset + read.length;
    if (read.length !== next.length) {
      // A source shorter than it claims: what was asked after this read starts at the wrong place.
      queue.length = 0;
      requested = nextOffset;
    }
    if (read.length > 0 && nextOffset < total) requestAhead(nextOffset);
    offset += read.length;
    if (read.length === 0) offset = total; // a source shorter than it claims: stop
    const last = offset >= total;
    if (chunkStart === 0) utf16 = Utf16Transcoder.sniff(read);
    const bytes = utf16 ? utf16.transcode(read, last) : read;
    if (chunkStart === 0) rejectBinary(bytes);
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
