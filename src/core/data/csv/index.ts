/**
 * Streaming CSV reader: bytes → text → records → columns. The bytes are read in chunks; each
 * decoded chunk is cut at its last line break outside a quoted field, the complete piece before it
 * is split into records and the rest is carried over. No row is kept as strings or objects once
 * its fields have been pushed into the column builders. One job per file:
 *
 * - byte-source.ts     where the bytes come from (a string, bytes in memory, a chunked ByteSource)
 * - encoding.ts        binary data, UTF-8 validation, characters kept whole across reads
 * - delimiter.ts       detecting , ; \t | from the first lines
 * - line-cutter.ts     line breaks outside quotes, carried across chunks
 * - pieces.ts          the streaming loop: read ahead, decode, detect, cut, report progress, yield
 * - records.ts         the papaparse adapter (quoted text) and the header's checks
 * - plain-splitter.ts  the fast path for quote-free text: fields and plain decimals in one pass
 * - read-csv.ts        readCsv (columns) · stream-rows.ts: streamCsvRows (raw rows, for prediction)
 *
 * Everything public is named here.
 */
export { bytesSource, toByteSource, readAllBytes } from './byte-source';
export { detectDelimiter } from './delimiter';
export type { DelimiterGuess } from './delimiter';
export { DEFAULT_CHUNK_BYTES } from './pieces';
export { readCsv } from './read-csv';
export type { RawDataset } from './read-csv';
export { streamCsvRows } from './stream-rows';
export type { CsvRowHandlers } from './stream-rows';
