/**
 * The reading half of a streamed prediction: a CSV as chunks of the model's input columns and the
 * rows' lines (stream-chunk.ts), with no row objects. streamPredict runs it in its own thread, or
 * hands it to a reader in another one (the CLI's read worker) that posts the same chunks.
 */
import { streamCsvRows } from '../data/csv';
import type { CsvInput } from '../data/types';
import { ChunkRows, type ChunkLayout, type ReadChunk } from './stream-chunk';

export interface ReadProgress {
  bytesRead: number;
  totalBytes?: number;
}

export interface ChunkReadHandlers {
  /** The file's header: returns the columns to read (throw to stop before any row is read). */
  header(names: string[]): ChunkLayout | Promise<ChunkLayout>;
  /** Each chunk of `chunkRows` rows (the last may hold fewer), in order, awaited (backpressure). */
  chunk(c: ReadChunk, progress: ReadProgress): void | Promise<void>;
}

export interface ChunkReadOptions {
  chunkRows: number;
  signal?: AbortSignalLike;
  /** Bytes read from the input at a time (default data/csv's). */
  chunkBytes?: number;
}

/** Reads `input` in chunks of `chunkRows` rows; resolves after the last chunk was handled, with the bytes read. */
export async function readChunks(input: CsvInput, handlers: ChunkReadHandlers, options: ChunkReadOptions): Promise<ReadProgress> {
  let layout: ChunkLayout | null = null;
  let chunk: ChunkRows | null = null;
  const progress: ReadProgress = { bytesRead: 0 };
  const open = (): ChunkRows => (chunk ??= new ChunkRows(layout!, options.chunkRows));
  const flush = async (): Promise<void> => {
    const c = chunk;
    if (!c || c.n === 0) return;
    chunk = null;
    await handlers.chunk(c.take(), { ...progress });
  };
  await streamCsvRows(
    input,
    {
      header: async (names) => {
        layout = await handlers.header(names);
      },
      rows: async (batch) => {
        for (const r of batch) {
          const c = open();
          c.addFields(r);
          if (c.full) await flush();
        }
      },
      text: async (text, start, end, delimiter) => {
        const d = delimiter.charCodeAt(0);
        // U+FEFF in a field makes the writer quote it: such pieces are written from fields.
        const bom = text.indexOf('\uFEFF', start);
        const plain = bom === -1 || bom >= end;
        let n = 0;
        for (let a = start; ; ) {
          const c = open();
          const before = c.n;
          a = c.addLines(text, a, end, d, plain);
          n += c.n - before;
          if (c.full) await flush();
          if (a >= end) break;
        }
        return n;
      },
      progress: (p) => {
        progress.bytesRead = p.bytesRead;
        progress.totalBytes = p.totalBytes;
      },
    },
    { signal: options.signal, ...(options.chunkBytes !== undefined ? { chunkBytes: options.chunkBytes } : {}) },
  );
  await flush();
  return progress;
}
