/** streamCsvRows: a CSV as batches of raw string rows (prediction over a file), without building columns. */
import { CsvError } from '../../errors';
import type { CsvInput, ParseOptions, ParseProgress } from '../types';
import { forEachPiece } from './pieces';
import { isBlankRecord, papaRecords, takeHeader } from './records';

/** Handlers for streamCsvRows. */
export interface CsvRowHandlers {
  /** The header's column names (trimmed, checked: none blank, none repeated). */
  header(names: string[]): void | Promise<void>;
  /**
   * A batch of data rows as read: string fields, not trimmed, not typed. A row may have more or
   * fewer fields than the header (ragged): the caller decides. Blank lines are not rows.
   */
  rows(rows: string[][]): void | Promise<void>;
  /**
   * When given, a piece of whole records without any quote character (after the header) comes
   * here as text[start..end) instead of split into `rows`: LF line breaks, no trailing one, blank
   * lines included (they are not rows); its fields are exactly the text between `delimiter`s.
   * Returns the number of rows it held (blank lines not counted), for positions in errors.
   */
  text?(text: string, start: number, end: number, delimiter: string): number | Promise<number>;
  progress?(p: ParseProgress): void;
}

/**
 * Streams a CSV as batches of raw string rows: the same decoding, delimiter detection, quoting
 * and errors as readCsv, without building columns. Batches are awaited, so a slow consumer holds
 * the reader back.
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
        if (handlers.text) {
          const q = text.indexOf('"', start);
          if (q === -1 || q >= end) {
            let from = start;
            if (!header) {
              // The header is the first line that is not blank: read it (and the blank lines before it) as records.
              let e = from;
              for (;;) {
                e = text.indexOf('\n', from);
                if (e === -1 || e > end) e = end;
                const line = text.slice(from, e);
                if (line.trim() !== '' || line.includes(delimiter) || e >= end) break;
                from = e + 1;
              }
              const h = takeHeader(papaRecords(text.slice(start, e), delimiter, 0, false), 0, confident);
              if (!h) return;
              header = h.names;
              await handlers.header(header);
              from = e + 1;
            }
            if (from < end) rows += await handlers.text(text, from, end, delimiter);
            return;
          }
        }
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
