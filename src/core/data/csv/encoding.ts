/**
 * Bytes as text: rejecting binary data, checking UTF-8, keeping characters whole across reads, and
 * reading UTF-16 files (with a byte-order mark) as UTF-8.
 */
import { CsvError } from '../../errors';
import { formatCount } from '../../format';

/** Throws CsvError 'not-csv' when the first 64 KiB of the file hold a NUL byte (no text file does). */
export function rejectBinary(bytes: Uint8Array): void {
  const probe = Math.min(bytes.length, 65536);
  for (let i = 0; i < probe; i++) {
    if (bytes[i] === 0) {
      if (looksLikeUtf16(bytes)) {
        throw new CsvError(
          'not-utf8',
          'This file looks like UTF-16 text without a byte-order mark, which cannot be read reliably. Save it as UTF-8 and try again.',
          { stage: 'ingestion' },
        );
      }
      throw new CsvError('not-csv', `This is not a CSV text file: it contains binary data (a NUL byte at offset ${i}).`, {
        stage: 'ingestion',
      });
    }
  }
}

/**
 * Whether the first bytes read as UTF-16 text without a byte-order mark: in nearly every pair of
 * bytes one and the same position holds 0 (the high byte of a Latin character) and the other not.
 */
function looksLikeUtf16(b: Uint8Array): boolean {
  const n = Math.min(b.length, 512) >> 1;
  if (n < 2) return false;
  let le = 0;
  let be = 0;
  for (let k = 0; k < n; k++) {
    const x = b[2 * k];
    const y = b[2 * k + 1];
    if (x !== 0 && y === 0) le++;
    else if (x === 0 && y !== 0) be++;
  }
  return Math.max(le, be) >= 0.9 * n;
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
export function heldTail(b: Uint8Array): Uint8Array {
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
export function countNewlines(b: Uint8Array, end: number, from = 0): number {
  let k = 0;
  for (let i = from; i < end; i++) if (b[i] === 10) k++;
  return k;
}

/** Decodes (leniently) about `chars` characters of b from `from`, for a look-ahead sample. */
export function decodeAhead(b: Uint8Array, from: number, chars: number): string {
  return new TextDecoder('utf-8').decode(b.subarray(from, Math.min(b.length, from + 4 * chars + 4)));
}

/**
 * UTF-16 text (Excel's "Unicode text", Windows tools) marked by its byte-order mark (FF FE little-
 * endian, FE FF big-endian), re-encoded read by read as UTF-8 for the rest of the reader. A code
 * unit or a surrogate pair split between two reads is held until the next one.
 */
export class Utf16Transcoder {
  readonly #decoder: TextDecoder;
  readonly #encoder = new TextEncoder();
  readonly #bigEndian: boolean;
  /** Bytes of the previous read that begin a character not complete in it. */
  #held: Uint8Array = new Uint8Array(0);
  /** File offset of the next byte to decode (after the byte-order mark). */
  #at = 2;
  /** Bytes of the byte-order mark not yet skipped. */
  #bom = 2;

  constructor(readonly encoding: 'utf-16le' | 'utf-16be') {
    this.#bigEndian = encoding === 'utf-16be';
    // The byte-order mark is skipped here, once: a U+FEFF later in the text is kept as it is.
    this.#decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
  }

  /** The UTF-16 transcoder for a file starting with these bytes, or null when they carry no UTF-16 byte-order mark. */
  static sniff(head: Uint8Array): Utf16Transcoder | null {
    if (head.length < 2) return null;
    if (head[0] === 0xff && head[1] === 0xfe) return new Utf16Transcoder('utf-16le');
    if (head[0] === 0xfe && head[1] === 0xff) return new Utf16Transcoder('utf-16be');
    return null;
  }

  /** UTF-8 bytes of the characters completed by `read` (the next bytes of the file); `last` for the file's end. */
  transcode(read: Uint8Array, last: boolean): Uint8Array {
    let b = read;
    if (this.#bom > 0) {
      const skip = Math.min(this.#bom, b.length);
      b = b.subarray(skip);
      this.#bom -= skip;
    }
    if (this.#held.length > 0) {
      const joined = new Uint8Array(this.#held.length + b.length);
      joined.set(this.#held);
      joined.set(b, this.#held.length);
      b = joined;
    }
    let end = last ? b.length : b.length - (b.length % 2);
    if (!last && end >= 2) {
      const u = this.#unit(b, end - 2);
      if (u >= 0xd800 && u <= 0xdbff) end -= 2; // a high surrogate waits for its pair
    }
    const whole = b.subarray(0, end);
    this.#held = b.slice(end);
    let text: string;
    try {
      text = this.#decoder.decode(whole);
    } catch (e) {
      const bad = Math.max(0, this.#firstInvalid(whole));
      throw new CsvError(
        'not-utf16',
        `The file is marked as UTF-16 but is not valid UTF-16 text: invalid bytes near byte ${formatCount(this.#at + bad)}. Save it as UTF-8 and try again.`,
        { stage: 'ingestion' },
        { cause: e },
      );
    }
    this.#at += end;
    return this.#encoder.encode(text);
  }

  #unit(b: Uint8Array, i: number): number {
    return this.#bigEndian ? (b[i] << 8) | b[i + 1] : b[i] | (b[i + 1] << 8);
  }

  /** Offset of the first code unit of `b` that is not valid UTF-16 (an unpaired surrogate, a lone last byte), or -1. */
  #firstInvalid(b: Uint8Array): number {
    for (let i = 0; i + 1 < b.length; i += 2) {
      const u = this.#unit(b, i);
      if (u >= 0xdc00 && u <= 0xdfff) return i;
      if (u >= 0xd800 && u <= 0xdbff) {
        if (i + 3 >= b.length) return i;
        const v = this.#unit(b, i + 2);
        if (v < 0xdc00 || v > 0xdfff) return i;
        i += 2;
      }
    }
    return b.length % 2 === 1 ? b.length - 1 : -1;
  }
}
