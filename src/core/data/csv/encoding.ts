/** Bytes as text: rejecting binary data, checking UTF-8 and keeping characters whole across reads. */
import { CsvError } from '../../errors';

/** Throws CsvError 'not-csv' when the first 64 KiB of the file hold a NUL byte (no text file does). */
export function rejectBinary(bytes: Uint8Array): void {
  const probe = Math.min(bytes.length, 65536);
  for (let i = 0; i < probe; i++) {
    if (bytes[i] === 0) {
      throw new CsvError('not-csv', `This is not a CSV text file: it contains binary data (a NUL byte at offset ${i}).`, {
        stage: 'ingestion',
      });
    }
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
