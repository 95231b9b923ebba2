/**
 * Reading a CSV in another thread for streamPredict: the CLI's worker thread (src/cli/read-worker*)
 * and the browser's read worker nested in the prediction worker (workers/read.worker.ts) speak the
 * same messages. The reader (serveChunkReads) posts the header, then each chunk of
 * readChunks (stream-read.ts) with its buffers transferred (ASCII text as bytes), at most AHEAD
 * before one is taken; the predicting side (ReadClient) answers the header with the columns to
 * read and takes the chunks in order. Errors keep their class, code and location (error-wire.ts).
 *
 *   reader → header · ← layout · → chunk · ← taken (one per chunk) · → end | error
 */
import { CancelledError } from '../errors';
import { errorFromWire, errorToWire } from '../error-wire';
import type { CsvInput } from '../data/types';
import { asciiBytes, chunkBuffers, type ChunkLayout, type ReadChunk } from './stream-chunk';
import { readChunks, type ChunkReadHandlers, type ChunkReadOptions, type ReadProgress } from './stream-read';

/** Reads the input as chunks: readChunks on a CsvInput here, or the same in another thread. */
export type ChunkReader = (handlers: ChunkReadHandlers, options: ChunkReadOptions) => Promise<ReadProgress>;

/** Reader → predicting side. */
export type ReadMessage =
  | { type: 'header'; names: string[] }
  | { type: 'chunk'; chunk: ReadChunk; progress: ReadProgress }
  | { type: 'end'; progress: ReadProgress }
  | { type: 'error'; error: ReturnType<typeof errorToWire> };

/** Predicting side → reader. */
export type ReadReply = { type: 'layout'; layout: ChunkLayout } | { type: 'taken' };

/** Chunks posted and not yet taken before reading waits: bounds the memory they hold. */
const AHEAD = 4;

/**
 * The reader's side: reads `input` in chunks of `chunkRows` rows and posts them; `listen`
 * registers the handler of the replies. Resolves when the end or an error was posted.
 */
export async function serveChunkReads(
  post: (m: ReadMessage, transfer?: ArrayBuffer[]) => void,
  listen: (handler: (m: ReadReply) => void) => void,
  input: CsvInput,
  options: { chunkRows: number; chunkBytes?: number },
): Promise<void> {
  let layout: ((l: ChunkLayout) => void) | null = null;
  let taken: (() => void) | null = null;
  let waiting = 0;
  listen((m) => {
    if (m.type === 'layout') layout?.(m.layout);
    else {
      waiting--;
      taken?.();
      taken = null;
    }
  });
  try {
    const progress = await readChunks(
      input,
      {
        header: (names) =>
          new Promise<ChunkLayout>((resolve) => {
            layout = resolve;
            post({ type: 'header', names });
          }),
        chunk: async (read, p) => {
          const chunk = asciiBytes(read);
          post({ type: 'chunk', chunk, progress: p }, chunkBuffers(chunk));
          if (++waiting >= AHEAD) await new Promise<void>((resolve) => (taken = resolve));
        },
      },
      { chunkRows: options.chunkRows, ...(options.chunkBytes !== undefined ? { chunkBytes: options.chunkBytes } : {}) },
    );
    post({ type: 'end', progress });
  } catch (e) {
    post({ type: 'error', error: errorToWire(e) });
  }
}

/**
 * The predicting side of a reader in another thread, started before it is used (its start-up
 * overlaps loading the model): hand it the reader's messages (`receive`) and failures to start or
 * run (`fail`); `reader` is the ChunkReader for streamPredict. A reader that fails before it sent
 * the header leaves the reading to this thread (on `fallback`, the same input).
 */
export class ReadClient {
  /** Messages that arrived before the reader was used, and the listener once it is. */
  private readonly early: ReadMessage[] = [];
  private listener: ((m: ReadMessage) => void) | null = null;
  private failure: { error: Error } | null = null;
  private onFailure: ((e: Error) => void) | null = null;
  /** Where the input was read: in the other thread, or here when it could not start. */
  readIn: 'worker' | 'here' | null = null;

  constructor(
    private readonly send: (m: ReadReply) => void,
    /** Ends the other thread. */
    readonly stop: () => void,
  ) {}

  receive(m: ReadMessage): void {
    if (this.listener) this.listener(m);
    else this.early.push(m);
  }

  fail(error: Error): void {
    this.failure ??= { error };
    this.onFailure?.(error);
  }

  /** A ChunkReader for streamPredict (once): the other thread's chunks, in order. */
  reader(fallback: CsvInput): ChunkReader {
    return (handlers, options) =>
      new Promise<ReadProgress>((resolve, reject) => {
        let started = false;
        let settled = false;
        // Chunks are handled in order, one after the other.
        let queue: Promise<void> = Promise.resolve();
        const finish = (error: unknown, progress?: ReadProgress): void => {
          if (settled) return;
          settled = true;
          options.signal?.removeEventListener('abort', onAbort);
          this.stop();
          if (error === undefined) resolve(progress!);
          else reject(error);
        };
        const onAbort = (): void => finish(new CancelledError());
        options.signal?.addEventListener('abort', onAbort);
        const reply = (m: ReadReply): void => {
          if (!settled) this.send(m);
        };
        const onMessage = (m: ReadMessage): void => {
          if (m.type === 'header') {
            started = true;
            this.readIn = 'worker';
            queue = queue
              .then(() => handlers.header(m.names))
              // Only what the reader uses: the input columns' names and kinds.
              .then((layout) => reply({ type: 'layout', layout: { ...layout, inputs: layout.inputs.map((c) => ({ name: c.name, kind: c.kind, ...(c.unit ? { unit: c.unit } : {}) })) } }))
              .catch((e: unknown) => finish(e));
          } else if (m.type === 'chunk') {
            queue = queue
              .then(async () => {
                if (settled) return;
                await handlers.chunk(m.chunk, m.progress);
                reply({ type: 'taken' });
              })
              .catch((e: unknown) => finish(e));
          } else if (m.type === 'end') queue = queue.then(() => finish(undefined, m.progress));
          else queue = queue.then(() => finish(errorFromWire(m.error)));
        };
        const onFailure = (e: Error): void => {
          if (settled) return;
          if (started) return finish(e);
          // The other thread could not start: read here instead.
          settled = true;
          this.readIn = 'here';
          options.signal?.removeEventListener('abort', onAbort);
          this.stop();
          readChunks(fallback, handlers, options).then(resolve, reject);
        };
        this.listener = onMessage;
        for (const m of this.early.splice(0)) onMessage(m);
        if (this.failure && !started) onFailure(this.failure.error);
        else this.onFailure = onFailure;
      });
  }
}
