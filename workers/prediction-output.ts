/// <reference lib="webworker" />
/**
 * Where the prediction worker writes a file's output CSV, chunk by chunk, so that the output never
 * has to fit in memory (issue 14): a file the person picked (createWritable: the browser writes a
 * swap file and puts it in place on close, so an aborted output never reaches the file), a file in
 * the origin's private file system (a sync access handle: plain positioned writes, the fastest
 * path, and nothing held in the worker's heap), or, for small outputs and browsers without OPFS,
 * a Blob. Each sink either closes, describing a complete output, or aborts, leaving none.
 */
import Papa from 'papaparse';
import { LoupeError } from '../src/core/errors';
import { OUTPUT_DIR, type OutputPreview, type PredictionOutput, type WrittenOutput } from './protocol';

/** A destination for output bytes; `write` may keep no reference to `bytes` once it has returned. */
export interface OutputSink {
  write(bytes: Uint8Array): Promise<void> | void;
  /** Finishes the output: only now is it complete. */
  close(): Promise<WrittenOutput>;
  /** Abandons the output (never throws): nothing of it is left claiming to be complete. */
  abort(): Promise<void>;
}

function outputError(e: unknown, where: string): LoupeError {
  if (e instanceof LoupeError) return e;
  const name = (e as { name?: string } | null)?.name;
  const why =
    name === 'QuotaExceededError'
      ? "this browser's storage for Loupe is full (free some, or save the predictions to a file you choose)"
      : name === 'NotFoundError'
        ? 'the file is gone'
        : name === 'NotAllowedError'
          ? 'permission to write it was not granted'
          : e instanceof Error
            ? e.message
            : String(e);
  return new LoupeError('output-failed', `Could not write the predictions to ${where}: ${why}.`, {}, { cause: e });
}

function memorySink(): OutputSink {
  let parts: Blob[] = [];
  let bytes = 0;
  return {
    write(chunk) {
      // A Blob per chunk: the browser keeps the bytes outside the JS heap (and copies them now).
      parts.push(new Blob([chunk as Uint8Array<ArrayBuffer>]));
      bytes += chunk.length;
    },
    async close() {
      const blob = new Blob(parts, { type: 'text/csv' });
      parts = [];
      return { kind: 'memory', blob, bytes };
    },
    async abort() {
      parts = [];
    },
  };
}

async function opfsSink(name: string): Promise<OutputSink> {
  const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(OUTPUT_DIR, { create: true });
  const handle = await dir.getFileHandle(name, { create: true });
  let access: FileSystemSyncAccessHandle | null = await handle.createSyncAccessHandle();
  access.truncate(0);
  let at = 0;
  const where = 'the browser’s private storage';
  const remove = async (): Promise<void> => {
    try {
      access?.close();
    } catch {
      // already closed
    }
    access = null;
    await dir.removeEntry(name).catch(() => {});
  };
  return {
    write(chunk) {
      if (!access) throw new LoupeError('output-failed', `Could not write the predictions to ${where}: the output was already closed.`);
      try {
        const n = access.write(chunk as Uint8Array<ArrayBuffer>, { at });
        if (n !== chunk.length) throw Object.assign(new Error('short write'), { name: 'QuotaExceededError' });
        at += n;
      } catch (e) {
        throw outputError(e, where);
      }
    },
    async close() {
      try {
        access!.flush();
        access!.close();
        access = null;
        return { kind: 'opfs', name, file: await handle.getFile(), bytes: at };
      } catch (e) {
        await remove();
        throw outputError(e, where);
      }
    },
    abort: remove,
  };
}

async function pickedSink(handle: FileSystemFileHandle): Promise<OutputSink> {
  const where = `“${handle.name}”`;
  let writable: FileSystemWritableFileStream;
  try {
    writable = await handle.createWritable({ keepExistingData: false });
  } catch (e) {
    throw outputError(e, where);
  }
  let bytes = 0;
  return {
    async write(chunk) {
      try {
        // Awaited: backpressure, and the chunk is not read after write returns.
        await writable.write(chunk as Uint8Array<ArrayBuffer>);
        bytes += chunk.length;
      } catch (e) {
        throw outputError(e, where);
      }
    },
    async close() {
      try {
        await writable.close();
      } catch (e) {
        throw outputError(e, where);
      }
      return { kind: 'picked', name: handle.name, bytes };
    },
    async abort() {
      await writable.abort().catch(() => {});
    },
  };
}

/** Whether this worker can write OPFS files through sync access handles (Chromium, Firefox, Safari 17+; not in every private window). */
function opfsUsable(): boolean {
  return typeof navigator.storage?.getDirectory === 'function' && typeof FileSystemFileHandle !== 'undefined' && 'createSyncAccessHandle' in FileSystemFileHandle.prototype;
}

/**
 * Opens the output asked for. An OPFS output falls back to memory where OPFS cannot be used here
 * (the result says which was written); a picked file's problems are the person's to see.
 */
export async function openOutput(output: PredictionOutput | undefined): Promise<OutputSink> {
  if (output?.kind === 'picked') return pickedSink(output.handle);
  if (output?.kind === 'opfs' && opfsUsable()) {
    try {
      return await opfsSink(output.name);
    } catch (e) {
      // A private window may refuse the directory: memory still works for what fits.
      if ((e as { name?: string }).name !== 'SecurityError' && (e as { name?: string }).name !== 'NotAllowedError') throw outputError(e, 'the browser’s private storage');
    }
  }
  return memorySink();
}

/** Bytes of the output kept for its preview: the header and the first rows of any ordinary file. */
const HEAD_BYTES = 64 * 1024;

/**
 * The first bytes written to an output, kept so that the page can show the first rows as written
 * (the page has no CSV parser: it stays in workers). Nothing beyond HEAD_BYTES is copied.
 */
export class OutputHead {
  readonly #parts: Uint8Array[] = [];
  #bytes = 0;

  add(chunk: Uint8Array): void {
    if (this.#bytes >= HEAD_BYTES) return;
    const part = chunk.slice(0, HEAD_BYTES - this.#bytes);
    this.#parts.push(part);
    this.#bytes += part.length;
  }

  /** The header and up to `rows` complete rows of what was written. */
  preview(rows: number): OutputPreview {
    const all = new Uint8Array(this.#bytes);
    let at = 0;
    for (const p of this.#parts) {
      all.set(p, at);
      at += p.length;
    }
    const text = new TextDecoder().decode(all);
    // A row cut by HEAD_BYTES is left out: only lines that end in the kept bytes are read.
    const complete = this.#bytes >= HEAD_BYTES ? text.slice(0, text.lastIndexOf('\n') + 1) : text;
    const parsed = Papa.parse<string[]>(complete, { preview: rows + 1, skipEmptyLines: true });
    const [columns = [], ...data] = parsed.data;
    return { columns, rows: data };
  }
}
