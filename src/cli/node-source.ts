/** A ByteSource over a Node file handle: the CLI and benchmarks stream files through it. */
import { open, type FileHandle } from 'node:fs/promises';
import type { ByteSource } from '../core/data/types';

export interface NodeFileSource extends ByteSource {
  close(): Promise<void>;
}

export async function openFileSource(path: string): Promise<NodeFileSource> {
  const handle: FileHandle = await open(path, 'r');
  const { size } = await handle.stat();
  return {
    size,
    async read(offset: number, length: number): Promise<Uint8Array> {
      const buf = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      let done = 0;
      while (done < buf.length) {
        const { bytesRead } = await handle.read(buf, done, buf.length - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === buf.length ? buf : buf.subarray(0, done);
    },
    close: () => handle.close(),
  };
}

/** SHA-256 of a file read in pieces (node:crypto, so a large file is never held whole). */
export async function fileSha256(path: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  const { createReadStream } = await import('node:fs');
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
