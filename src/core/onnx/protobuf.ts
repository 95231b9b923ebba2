/**
 * A small Protocol Buffers writer: just what an ONNX file needs (varints, 64- and 32-bit
 * numbers, length-delimited strings, bytes and nested messages, packed repeated numbers).
 * Written here rather than taken from protobufjs because ONNX needs no schema compiler or
 * reader, and the exporter then costs one short file instead of a dependency in every worker.
 *
 * Wire format (protobuf.dev/programming-guides/encoding): each field is a key
 * `(field << 3) | wireType` as a varint, then its value. Negative int32/int64 values are written
 * as ten-byte two's-complement varints, as every protobuf implementation writes them.
 *
 * A nested message's length comes before its bytes, so a writer keeps what it wrote as a list of
 * chunks: a nested message (or a large byte string) joins its parent's list as it is, and
 * `finish` copies every chunk once into the file's buffer. A 40 MB forest therefore needs about
 * twice its size in memory to write, not a copy per nesting level.
 */

const WireType = { Varint: 0, Fixed64: 1, LengthDelimited: 2, Fixed32: 5 } as const;

const TWO_POW_32 = 4294967296;
/** Scratch space for small fields; full scratch becomes a chunk. */
const SCRATCH_BYTES = 1 << 16;
/** Byte strings at least this long join the chunk list without being copied. */
const SHARE_BYTES = 4096;
const encoder = new TextEncoder();

export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private chunkBytes = 0;
  private buf: Uint8Array;
  private view: DataView;
  private len = 0;

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.chunkBytes + this.len;
  }

  /** The message's bytes, exactly `length` long. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    out.set(this.buf.subarray(0, this.len), at);
    return out;
  }

  /** An int32, int64, uint64, bool or enum field. */
  int(field: number, value: number): this {
    this.key(field, WireType.Varint);
    this.rawVarint(value);
    return this;
  }

  double(field: number, value: number): this {
    this.key(field, WireType.Fixed64);
    this.reserve(8);
    this.view.setFloat64(this.len, value, true);
    this.len += 8;
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, WireType.Fixed32);
    this.reserve(4);
    this.view.setFloat32(this.len, value, true);
    this.len += 4;
    return this;
  }

  /** A string field, UTF-8. */
  string(field: number, value: string): this {
    return this.bytes(field, encoder.encode(value));
  }

  /** A bytes field. A long `value` is kept by reference until `finish`: do not change it. */
  bytes(field: number, value: Uint8Array): this {
    this.key(field, WireType.LengthDelimited);
    this.rawVarint(value.length);
    this.append([value], value.length);
    return this;
  }

  /** A nested message, written by `write` into a fresh writer. */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const w = new ProtoWriter();
    write(w);
    this.key(field, WireType.LengthDelimited);
    this.rawVarint(w.length);
    this.append(w.parts(), w.length);
    return this;
  }

  /** A packed repeated varint field (int64s, int32s, enums). Nothing is written for an empty list. */
  packedInts(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const w = new ProtoWriter(Math.min(SCRATCH_BYTES, values.length * 2 + 8));
    for (let i = 0; i < values.length; i++) w.rawVarint(values[i]);
    this.key(field, WireType.LengthDelimited);
    this.rawVarint(w.length);
    this.append(w.parts(), w.length);
    return this;
  }

  /** A packed repeated double field. */
  packedDoubles(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const out = new Uint8Array(values.length * 8);
    const v = new DataView(out.buffer);
    for (let i = 0; i < values.length; i++) v.setFloat64(i * 8, values[i], true);
    return this.bytes(field, out);
  }

  /** A packed repeated float field (values rounded to float32). */
  packedFloats(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const out = new Uint8Array(values.length * 4);
    const v = new DataView(out.buffer);
    for (let i = 0; i < values.length; i++) v.setFloat32(i * 4, values[i], true);
    return this.bytes(field, out);
  }

  /** A varint; negative integers as 64-bit two's complement (ten bytes). */
  rawVarint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new Error(`A protobuf varint must be a safe integer; got ${value}.`);
    this.reserve(10);
    if (value < 0) {
      // Two's complement over 64 bits: low and high words, then 7 bits at a time.
      let lo = value % TWO_POW_32;
      let hi = Math.floor(value / TWO_POW_32);
      lo = lo < 0 ? lo + TWO_POW_32 : lo;
      hi = (hi + TWO_POW_32) % TWO_POW_32;
      for (let i = 0; i < 9; i++) {
        this.buf[this.len++] = (lo & 0x7f) | 0x80;
        lo = (lo >>> 7) | ((hi & 0x7f) << 25);
        lo >>>= 0;
        hi >>>= 7;
      }
      this.buf[this.len++] = lo & 0x01;
      return;
    }
    while (value >= 0x80) {
      this.buf[this.len++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buf[this.len++] = value;
  }

  /** Everything written, as chunks in order (the scratch's bytes as a view). */
  private parts(): Uint8Array[] {
    return this.len ? [...this.chunks, this.buf.subarray(0, this.len)] : this.chunks;
  }

  /** Appends `parts` (`size` bytes): small ones copied into scratch, large ones kept as chunks. */
  private append(parts: readonly Uint8Array[], size: number): void {
    if (size < SHARE_BYTES) {
      this.reserve(size);
      for (const p of parts) {
        this.buf.set(p, this.len);
        this.len += p.length;
      }
      return;
    }
    this.flush();
    for (const p of parts) this.chunks.push(p);
    this.chunkBytes += size;
  }

  /** Moves the scratch's bytes to the chunk list and starts a fresh scratch. */
  private flush(): void {
    if (this.len === 0) return;
    this.chunks.push(this.buf.subarray(0, this.len));
    this.chunkBytes += this.len;
    this.buf = new Uint8Array(Math.max(256, Math.min(SCRATCH_BYTES, this.buf.length)));
    this.view = new DataView(this.buf.buffer);
    this.len = 0;
  }

  private key(field: number, wire: number): void {
    if (!Number.isInteger(field) || field < 1 || field > 536870911) throw new Error(`Invalid protobuf field number ${field}.`);
    this.rawVarint(field * 8 + wire);
  }

  /** Room for `n` more bytes in scratch: a full scratch becomes a chunk, a small one grows. */
  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    if (this.len > 0 && this.len + n > SCRATCH_BYTES) this.flush();
    if (n <= this.buf.length - this.len) return;
    let size = Math.max(this.buf.length * 2, 256);
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}
