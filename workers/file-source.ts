import type { ByteSource } from '../src/core/data/types';

/** A file (or any Blob) as the ByteSource the CSV reader streams: each read a slice of it. */
export function fileSource(file: Blob): ByteSource {
  return {
    size: file.size,
    read: async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()),
  };
}
