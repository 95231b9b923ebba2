/** Where CSV bytes come from: a string, bytes in memory, or a ByteSource read in chunks. */
import type { ByteSource, CsvInput } from '../types';

/** A ByteSource over bytes already in memory. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) => Promise.resolve(bytes.subarray(offset, Math.min(bytes.length, offset + length))),
  };
}

export function toByteSource(input: CsvInput): ByteSource {
  if (typeof input === 'string') return bytesSource(new TextEncoder().encode(input));
  if (input instanceof Uint8Array) return bytesSource(input);
  return input;
}

/** Reads every byte of an input (for hashing a dataset version). */
export async function readAllBytes(input: CsvInput): Promise<Uint8Array> {
  if (typeof input === 'string') return new TextEncoder().encode(input);
  if (input instanceof Uint8Array) return input;
  const out = new Uint8Array(input.size);
  const step = 16 << 20;
  for (let o = 0; o < input.size; o += step) out.set(await input.read(o, Math.min(step, input.size - o)), o);
  return out;
}
