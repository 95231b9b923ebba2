/** The protobuf writer against the byte-exact examples of the protobuf encoding guide (protobuf.dev/programming-guides/encoding). */
import { describe, expect, it } from 'vitest';
import { ProtoWriter } from '../../../src/core/onnx/protobuf';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

describe('ProtoWriter', () => {
  it('writes the guide\'s examples byte for byte', () => {
    expect(hex(new ProtoWriter().int(1, 150).finish())).toBe('08 96 01');
    expect(hex(new ProtoWriter().string(2, 'testing').finish())).toBe('12 07 74 65 73 74 69 6e 67');
    expect(hex(new ProtoWriter().message(3, (w) => w.int(1, 150)).finish())).toBe('1a 03 08 96 01');
    expect(hex(new ProtoWriter().packedInts(4, [3, 270, 86942]).finish())).toBe('22 06 03 8e 02 9e a7 05');
  });

  it('writes negative int64 as ten-byte two\'s complement, and large ones exactly', () => {
    expect(hex(new ProtoWriter().int(1, -1).finish())).toBe('08 ff ff ff ff ff ff ff ff ff 01');
    expect(hex(new ProtoWriter().int(1, -2).finish())).toBe('08 fe ff ff ff ff ff ff ff ff 01');
    // 2^35 + 1
    expect(hex(new ProtoWriter().int(1, 2 ** 35 + 1).finish())).toBe('08 81 80 80 80 80 01');
    expect(() => new ProtoWriter().int(1, 0.5)).toThrow(/safe integer/);
  });

  it('writes doubles and floats little-endian, packed lists as one length-delimited field', () => {
    expect(hex(new ProtoWriter().double(10, 1).finish())).toBe('51 00 00 00 00 00 00 f0 3f');
    expect(hex(new ProtoWriter().float(2, -2).finish())).toBe('15 00 00 00 c0');
    expect(hex(new ProtoWriter().packedDoubles(1, [0.5, 2]).finish())).toBe('0a 10 00 00 00 00 00 00 e0 3f 00 00 00 00 00 00 00 40');
    expect(new ProtoWriter().packedInts(1, []).length).toBe(0);
  });

  it('grows its buffer past the initial size without losing bytes', () => {
    const w = new ProtoWriter(4);
    const big = new Uint8Array(10_000).map((_, i) => i & 0xff);
    w.bytes(1, big);
    const out = w.finish();
    expect(hex(out.subarray(0, 3))).toBe('0a 90 4e');
    expect(out.subarray(3)).toEqual(big);
  });

  it('nests large messages and packed lists between small fields, byte for byte as a plain concatenation', () => {
    const big = new Uint8Array(5000).map((_, i) => (i * 7) & 0xff);
    const ints = Array.from({ length: 40_000 }, (_, i) => i); // packs into several scratch chunks
    const out = new ProtoWriter()
      .string(1, 'a')
      .message(2, (w) => w.int(1, 150).bytes(2, big).packedInts(4, ints).int(3, 7))
      .int(3, 1)
      .finish();
    const varint = (n: number) => {
      const b: number[] = [];
      while (n >= 0x80) {
        b.push((n & 0x7f) | 0x80);
        n = Math.floor(n / 0x80);
      }
      b.push(n);
      return b;
    };
    const packed = ints.flatMap(varint);
    const inner = [0x08, 0x96, 0x01, 0x12, ...varint(big.length), ...big, 0x22, ...varint(packed.length), ...packed, 0x18, 0x07];
    expect(Array.from(out)).toEqual([0x0a, 0x01, 0x61, 0x12, ...varint(inner.length), ...inner, 0x18, 0x01]);
  });
});
