/**
 * Encodes model state (JSON plus typed arrays) as plain JSON: each typed array becomes
 * `{"$typed": "Float64Array", "length": n, "base64": "..."}` of its little-endian bytes, so a
 * round trip reproduces every bit. Decoding checks the tag, the base64 and the length, and
 * never evaluates anything.
 */
import { BundleError } from '../errors';
import type { StateValue } from '../models/types';

const TYPED = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Uint16Array,
  Uint8Array,
} as const;
export type TypedName = keyof typeof TYPED;
type AnyTyped = InstanceType<(typeof TYPED)[TypedName]>;

export interface EncodedTyped {
  $typed: TypedName;
  length: number;
  base64: string;
}
export type EncodedValue = number | string | boolean | null | EncodedTyped | EncodedValue[] | { [k: string]: EncodedValue };

function typedName(v: unknown): TypedName | undefined {
  for (const name of Object.keys(TYPED) as TypedName[]) if (v instanceof TYPED[name]) return name;
  return undefined;
}

export function encodeState(v: StateValue): EncodedValue {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'number' && !Number.isFinite(v)) return { $num: String(v) } as unknown as EncodedValue;
    return v;
  }
  const name = typedName(v);
  if (name) {
    const a = v as AnyTyped;
    return { $typed: name, length: a.length, base64: bytesToBase64(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) };
  }
  if (Array.isArray(v)) return v.map(encodeState);
  const out: { [k: string]: EncodedValue } = {};
  for (const [k, x] of Object.entries(v)) out[k] = encodeState(x as StateValue);
  return out;
}

export function decodeState(v: unknown, path = 'state'): StateValue {
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((x, i) => decodeState(x, `${path}[${i}]`));
  if (typeof v !== 'object') throw new BundleError('bad-state', `${path}: unsupported value of type ${typeof v}.`, { field: path });
  const o = v as Record<string, unknown>;
  if (Object.hasOwn(o, '$num')) {
    const s = o.$num;
    if (s === 'NaN') return NaN;
    if (s === 'Infinity') return Infinity;
    if (s === '-Infinity') return -Infinity;
    throw new BundleError('bad-state', `${path}: bad special number ${String(s)}.`, { field: path });
  }
  if (Object.hasOwn(o, '$typed')) {
    const name = o.$typed;
    if (typeof name !== 'string' || !Object.hasOwn(TYPED, name))
      throw new BundleError('bad-state', `${path}: unknown array type ${String(name)}.`, { field: path });
    const Ctor = TYPED[name as TypedName];
    if (typeof o.length !== 'number' || !Number.isInteger(o.length) || o.length < 0)
      throw new BundleError('bad-state', `${path}: array length must be a non-negative integer.`, { field: path });
    if (typeof o.base64 !== 'string') throw new BundleError('bad-state', `${path}: array data is missing.`, { field: path });
    let bytes: Uint8Array;
    try {
      bytes = base64ToBytes(o.base64);
    } catch {
      throw new BundleError('bad-state', `${path}: array data is not valid base64.`, { field: path });
    }
    const want = o.length * Ctor.BYTES_PER_ELEMENT;
    if (bytes.length !== want)
      throw new BundleError(
        'truncated-array',
        `${path}: ${name} of length ${o.length} needs ${want} bytes but the bundle holds ${bytes.length} (truncated or corrupted).`,
        { field: path },
      );
    const aligned = new Uint8Array(want);
    aligned.set(bytes);
    return new Ctor(aligned.buffer) as StateValue;
  }
  const out: { [k: string]: StateValue } = {};
  for (const [k, x] of Object.entries(o)) {
    // JSON.parse makes "__proto__" an own key; assigning it would replace the object's prototype.
    if (k === '__proto__') throw new BundleError('bad-state', `${path}: "__proto__" is not a valid field name.`, { field: `${path}.__proto__` });
    out[k] = decodeState(x, `${path}.${k}`);
  }
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64.length; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();

export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i];
    const b1 = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const b2 = i + 2 < bytes.length ? bytes[i + 2] : 0;
    const n = (b0 << 16) | (b1 << 8) | b2;
    chunk += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[n & 63] : '=');
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return parts.join('');
}

export function base64ToBytes(s: string): Uint8Array {
  if (s.length % 4 !== 0) throw new Error('base64 length');
  let pad = 0;
  if (s.endsWith('==')) pad = 2;
  else if (s.endsWith('=')) pad = 1;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const c = [0, 1, 2, 3].map((k) => {
      const ch = s.charCodeAt(i + k);
      if (ch === 61 /* = */ && i + 4 === s.length && k >= 4 - pad) return 0;
      const v = ch < 128 ? B64_INDEX[ch] : -1;
      if (v < 0) throw new Error('base64 char');
      return v;
    });
    const n = (c[0] << 18) | (c[1] << 12) | (c[2] << 6) | c[3];
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}
