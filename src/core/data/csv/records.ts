/** The papaparse adapter: pieces of text → records, and the header's checks. */
import Papa from 'papaparse';
import { CsvError } from '../../errors';

/** Splits a piece into records with papaparse; an unterminated quote is a CsvError naming its row. */
export function papaRecords(piece: string, delimiter: string, rowsBefore: number, headerSeen: boolean): string[][] {
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

export const isBlankRecord = (r: string[]): boolean => r.length === 1 && r[0] === '';

function looksLikeProse(firstLine: string): boolean {
  const t = firstLine.trim();
  if (/^[{[<]/.test(t)) return true; // JSON, HTML, XML
  const words = t.split(/\s+/).length;
  return t.length > 60 && words >= 8;
}

/**
 * Finds the header among `data` from index `i` (blank lines before it are skipped), checks its
 * names and returns them with the index after it, or null when the piece held only blank lines.
 */
export function takeHeader(data: string[][], i: number, confident: boolean): { names: string[]; next: number } | null {
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
