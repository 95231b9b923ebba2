/**
 * The messages between the page and Loupe's workers, declared once. A worker exposes one of
 * these APIs with comlink; the page's client class wraps it.
 */
import type { ParsedDataset, ParseProgress } from '../src/core/data/types';

/** What the ingest worker hands back: the parsed dataset (column buffers transferred) and its version id. */
export interface IngestResult {
  dataset: ParsedDataset;
  /** SHA-256 hex of the file's bytes: the dataset version id. */
  hash: string;
}

export interface IngestApi {
  /**
   * Parses a CSV file in chunks, profiles it and hashes its bytes. Rejects with CsvError for a
   * file that is not a usable table, CancelledError after `cancel()`.
   * `onProgress` must be a comlink `proxy`.
   */
  parse(file: Blob, onProgress?: (p: ParseProgress) => void): Promise<IngestResult>;
  /** Stops the parse in progress (it rejects with CancelledError). */
  cancel(): void;
}
