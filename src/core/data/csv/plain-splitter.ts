/**
 * The fast path of readCsv for text without any quote character: fields are exactly the text
 * between delimiters and line breaks (what papaparse does in that case). One pass over the
 * characters splits fields and reads plain decimals (see parseNumber's fast path) at once; only
 * labels and unusual numbers become strings.
 */
import { type ColumnBuilder, POW10 } from '../column-builder';

/** Rows whose field count differs from the header's, listed up to this many. */
const MAX_LISTED_ROWS = 100;

/** Data rows read so far and the ragged ones among them (1-based row numbers, the first 100). */
export class RowTally {
  rows = 0;
  raggedCount = 0;
  readonly raggedRows: number[] = [];
  /** The current row (`rows`) has a different number of fields than the header. */
  ragged(): void {
    this.raggedCount++;
    if (this.raggedRows.length < MAX_LISTED_ROWS) this.raggedRows.push(this.rows);
  }
}

/**
 * Splits text[start..end) (whole records, LF line breaks, no quote) into the column builders `b`.
 * `delimiter` is a character code; `numericMarkers` are the missing markers that read as numbers.
 */
export function splitPlain(
  text: string,
  start: number,
  end: number,
  b: ColumnBuilder[],
  delimiter: number,
  numericMarkers: ReadonlySet<number> | null,
  tally: RowTally,
): void {
  const ncols = b.length;
  const d = delimiter;
  let i = start;
  while (i < end) {
    if (text.charCodeAt(i) === 10) {
      i++; // blank line: not a row
      continue;
    }
    tally.rows++;
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
      tally.ragged();
      for (; j < ncols; j++) b[j].pushMissing();
    }
  }
}
