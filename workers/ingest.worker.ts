/// <reference lib="webworker" />
import { expose, transfer } from 'comlink';
import { parseCsv } from '../src/core/data';
import type { ParseProgress } from '../src/core/data/types';
import { sha256Hex } from '../src/core/hash';
import { throwIfAborted } from '../src/core/abort';
import { DatasetStore, openLoupeDb } from '../src/storage';
import { installErrorTransfer } from './error-transfer';
import { fileSource } from './file-source';
import type { IngestApi, IngestResult, IngestStoreOptions } from './protocol';

installErrorTransfer();

/** Smaller than the core default (4 MiB): finer progress and a quicker stop on cancel. */
const CHUNK_BYTES = 1 << 20;

let current: AbortController | null = null;
let store: Promise<DatasetStore> | null = null;

const api: IngestApi = {
  async parse(file: Blob, onProgress?: (p: ParseProgress) => void, storeAs?: IngestStoreOptions): Promise<IngestResult> {
    current?.abort();
    const controller = new AbortController();
    current = controller;
    try {
      const dataset = await parseCsv(fileSource(file), { signal: controller.signal, onProgress, chunkBytes: CHUNK_BYTES });
      throwIfAborted(controller.signal);
      const hash = await sha256Hex(new Uint8Array(await file.arrayBuffer()));
      throwIfAborted(controller.signal);
      // Stored from here: IndexedDB serializes the columns on the thread that writes them.
      let stored: IngestResult['stored'];
      if (storeAs) {
        if (!store) store = openLoupeDb().then((db) => new DatasetStore(db));
        const s = store;
        s.catch(() => {
          if (store === s) store = null; // try again next time
        });
        stored = await (await s).put(dataset, file, storeAs.name, { id: hash, synthetic: storeAs.synthetic });
      }
      const buffers = new Set<ArrayBuffer>();
      for (const c of dataset.table.columns) buffers.add((c.type === 'numeric' ? c.values : c.codes).buffer as ArrayBuffer);
      return transfer(stored ? { dataset, hash, stored } : { dataset, hash }, [...buffers]);
    } finally {
      if (current === controller) current = null;
    }
  },
  cancel(): void {
    current?.abort();
  },
};

expose(api);
