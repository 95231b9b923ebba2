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
