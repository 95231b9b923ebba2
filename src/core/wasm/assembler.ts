/**
 * A few-hundred-byte WebAssembly module from opcodes written in TypeScript: for hot loops that
 * JavaScript runs several times slower (bounds checks, no SIMD), without a toolchain or a .wasm
 * file to serve. Each kernel writes its body with these helpers, keeps its WAT in a comment, and
 * has a JavaScript twin that gives the same results where WebAssembly cannot compile (a page
 * whose content policy forbids it; src/core runs in pages, workers and Node).
 *
 * Every module built here has one memory (exported as `memory`, at least `pages` 64 KiB pages)
 * and the functions given, exported by name.
 */

export type ValueType = 'i32' | 'f64' | 'v128';
const TYPE_CODE: Record<ValueType, number> = { i32: 0x7f, f64: 0x7c, v128: 0x7b };

export interface WasmFunction {
  name: string;
  params: ValueType[];
  result?: ValueType;
  /** Locals after the parameters, in this order of types (indices continue from the params). */
  locals: Partial<Record<ValueType, number>>;
  /** The body's instructions, without the final `end`. */
  body: number[];
}

export const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};

export const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) return [...out, byte];
    out.push(byte | 0x80);
  }
};

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

/** Instruction helpers (the opcodes the kernels use). */
export const op = {
  get: (l: number) => [0x20, ...uleb(l)],
  set: (l: number) => [0x21, ...uleb(l)],
  tee: (l: number) => [0x22, ...uleb(l)],
  i32: (n: number) => [0x41, ...sleb(n)],
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  i32GeS: 0x4e,
  i32GeU: 0x4f,
  /** i32.load (4-byte aligned), i32.load8_u, i32.store, f64.load, f64.store, with an offset. */
  i32Load: (offset = 0) => [0x28, 2, ...uleb(offset)],
  i32Load8U: (offset = 0) => [0x2d, 0, ...uleb(offset)],
  i32Store: (offset = 0) => [0x36, 2, ...uleb(offset)],
  f64Load: (offset = 0) => [0x2b, 3, ...uleb(offset)],
  f64Store: (offset = 0) => [0x39, 3, ...uleb(offset)],
  f64Add: 0xa0,
  f64Const: (v: number) => [0x44, ...new Uint8Array(Float64Array.of(v).buffer)],
  /** memory.copy (dst, src, length) within the one memory. */
  memoryCopy: [0xfc, 10, 0, 0],
  simd: (code: number) => [0xfd, ...uleb(code)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  /** `if` without a result; close with `end`. */
  if: [0x04, 0x40],
  end: 0x0b,
  /** `for (; a < b (unsigned);) { body }`: block + loop, leaving when a ≥ b. */
  forLessThan: (a: number, b: number, body: number[]) => [0x02, 0x40, 0x03, 0x40, 0x20, ...uleb(a), 0x20, ...uleb(b), 0x4f, 0x0d, 1, ...body, 0x0c, 0, 0x0b, 0x0b],
};

/** The module's bytes: its functions, and one exported memory of at least `pages` pages. */
export function assemble(functions: WasmFunction[], pages = 1): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(f.params.map((t) => [TYPE_CODE[t]])), ...(f.result ? [1, TYPE_CODE[f.result]] : [0])]);
  const codes = functions.map((f) => {
    const locals = (['i32', 'f64', 'v128'] as const).filter((t) => (f.locals[t] ?? 0) > 0).map((t) => [...uleb(f.locals[t] as number), TYPE_CODE[t]]);
    const code = [...vec(locals), ...f.body, op.end];
    return [...uleb(code.length), ...code];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, vec(types)),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(5, vec([[0, ...uleb(pages)]])),
    ...section(7, vec([...functions.map((f, i) => [...name(f.name), 0, ...uleb(i)]), [...name('memory'), 2, 0]])),
    ...section(10, vec(codes)),
  ]);
}

/** The kernel's memory: its bytes, and grow by 64 KiB pages (which detaches earlier views). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/**
 * The little of the WebAssembly API used here, typed locally: src/core compiles without the DOM
 * library, which is where TypeScript declares WebAssembly.
 */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

/**
 * Compiles `bytes` once (on the first call) and returns a factory of fresh instances (each with
 * its own memory, freed with it), or undefined where WebAssembly is unavailable or not allowed:
 * the caller then runs its JavaScript twin.
 */
export function wasmFactory(bytes: () => Uint8Array): () => { exports: Record<string, unknown>; memory: WasmMemory } | undefined {
  let compiled: object | null | undefined;
  return () => {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (compiled === undefined) {
      try {
        compiled = wasm ? new wasm.Module(bytes()) : null;
      } catch {
        compiled = null; // no SIMD, or compiling forbidden: the JavaScript twin serves instead
      }
    }
    if (!compiled || !wasm) return undefined;
    const exports = new wasm.Instance(compiled).exports;
    return { exports, memory: exports.memory as WasmMemory };
  };
}

/**
 * wasmFactory for a family of modules assembled per key (a kernel unrolled for a feature count):
 * `instance(key)` compiles the key's module on first use and instantiates it.
 */
export function keyedWasmFactory(bytes: (key: number) => Uint8Array): (key: number) => ReturnType<ReturnType<typeof wasmFactory>> {
  const factories = new Map<number, ReturnType<typeof wasmFactory>>();
  return (key) => {
    let f = factories.get(key);
    if (!f) factories.set(key, (f = wasmFactory(() => bytes(key))));
    return f();
  };
}
