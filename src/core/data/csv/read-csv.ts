/** readCsv: a CSV into columns (ColumnBuilder), through the shared streaming loop. */
import { CsvError } from '../../errors';
import { formatCount, listRows, plural } from '../../format';
import { ColumnBuilder, MissingMarkers } from '../column-builder';
import type { CsvInput, ParseOptions, RaggedRows, Table } from '../types';
import { CharFinder } from './line-cutter';
import { forEachPiece } from './pieces';
import { RowTally, splitPlain } from './plain-splitter';
import { papaRecords, takeHeader } from './records';
import { DEFAULT_MISSING_MARKERS } from '../missing';

/** What the reader produced before schema inference. */
export interface RawDataset {
  table: Table;
  ragged: RaggedRows;
  bytes: number;
  delimiter: string;
}

/** Reads a CSV into columns. Throws CsvError (with code and rows) or CancelledError. */
export async function readCsv(input: CsvInput, options: ParseOptions = {}): Promise<RawDataset> {
  const markers = new MissingMarkers(options.missingMarkers ?? DEFAULT_MISSING_MARKERS);
  let delimiter = ',';
  let confident = false;
  let builders: ColumnBuilder[] | null = null;
  let expectedRows = 1024;
  const tally = new RowTally();

  const quotes = new CharFinder('"');
  const parsePiece = (text: string, start: number, end: number): void => {
    if (builders && !quotes.within(text, start, end)) {
      splitPlain(text, start, end, builders, delimiter.charCodeAt(0), markers.numericValues, tally);
      return;
    }
    const data = papaRecords(text.slice(start, end), delimiter, tally.rows, builders !== null);
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
      tally.rows++;
      if (len === ncols) {
        for (let j = 0; j < ncols; j++) b[j].push(rec[j]);
        continue;
      }
      tally.ragged();
      for (let j = 0; j < ncols; j++) {
        if (j < len) b[j].push(rec[j]);
        else b[j].pushMissing();
      }
    }
  };

  const info = await forEachPiece(
    input,
    options,
    {
      piece: parsePiece,
      rows: () => tally.rows,
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
  const { rows, raggedCount, raggedRows } = tally;
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
