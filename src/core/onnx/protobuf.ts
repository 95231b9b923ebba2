/**
 * A small Protocol Buffers writer: just what an ONNX file needs (varints, 64- and 32-bit
 * numbers, length-delimited strings, bytes and nested messages, packed repeated numbers).
 * Written here rather than taken from protobufjs because ONNX needs no schema compiler or
 * reader, and the exporter then costs one short file instead of a dependency in every worker.
 *
 * Wire format (protobuf.dev/programming-guides/encoding): each field is a key
 * `(field << 3) | wireType` as a varint, then its value. Negative int32/int64 values are written
 * as ten-byte two's-complement varints, as every protobuf implementation writes them.
 */

const WireType = { Varint: 0, Fixed64: 1, LengthDelimited: 2, Fixed32: 5 } as const;

const TWO_POW_32 = 4294967296;
const encoder = new TextEncoder();

export class ProtoWriter {
  private buf: Uint8Array;
  private view: DataView;
  private len = 0;

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.len;
  }

  /** The message's bytes (a copy, exactly `length` long). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
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

  bytes(field: number, value: Uint8Array): this {
    this.key(field, WireType.LengthDelimited);
    this.rawVarint(value.length);
    this.reserve(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
    return this;
  }

  /** A nested message, written by `write` into a fresh writer. */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const w = new ProtoWriter();
    write(w);
    this.key(field, WireType.LengthDelimited);
    this.rawVarint(w.len);
    this.reserve(w.len);
    this.buf.set(w.buf.subarray(0, w.len), this.len);
    this.len += w.len;
    return this;
  }

  /** A packed repeated varint field (int64s, int32s, enums). Nothing is written for an empty list. */
  packedInts(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    const w = new ProtoWriter(values.length * 2 + 8);
    for (let i = 0; i < values.length; i++) w.rawVarint(values[i]);
    return this.bytes(field, w.buf.subarray(0, w.len));
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

  private key(field: number, wire: number): void {
    if (!Number.isInteger(field) || field < 1 || field > 536870911) throw new Error(`Invalid protobuf field number ${field}.`);
    this.rawVarint(field * 8 + wire);
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

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}
