/** Finding in decoded text the line breaks that end records (outside quoted fields). */

/** Answers "does `ch` occur in text[from..end)?" for increasing ranges of one text, scanning it once. */
export class CharFinder {
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
export class LineCutter {
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

/** Line breaks in a string. */
export function countCharNewlines(s: string): number {
  let k = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) k++;
  return k;
}
