/**
 * The two loops that dominate growing a tree, as a small WebAssembly module where WebAssembly
 * compiles, each about 2× faster than in JavaScript (which pays a bounds check on every array
 * access): the stable in-place partition of a node's rows at a split (every row is partitioned
 * once per level of its leaf's depth, ~5 times per tree on gemstone), and the histogram of the
 * smaller child (constant hessian, every feature: the default path). Where WebAssembly is not
 * available the same loops run in JavaScript (here and in histogram.ts); both give the same
 * rows and the same sums, added in the same order.
 *
 * Memory layout (bytes): column-major bins (p·n), row-major bins (p·n), idx (n × i32), scratch
 * (n × i32), gradients (n × f64, copied in once per tree), the features' histogram offsets × 3
 * (p × i32), the split's goesLeft table (256), then the grower's pool of histograms (histSize
 * doubles each, 16-byte aligned), which `subtract` takes two doubles at a time.
 *
 * WAT of `partition(idx, tmp, col, goesLeft, start, end) → mid`:
 *   l = k = idx + 4·start; kend = idx + 4·end; r = tmp
 *   while (k < kend)
 *     i = load32(k); g = load8(goesLeft + load8(col + i))
 *     store32(l, i); store32(r, i)          ; written to both sides, one of them advances
 *     l += 4·g; r += 4 − 4·g; k += 4
 *   memory.copy(l, tmp, r − tmp); return (l − idx) / 4
 *
 * WAT of `subtract(parent, child, bytes)`: for (o = 0; o < bytes; o += 16) parent[o] = f64x2.sub(parent[o], child[o])
 *
 * WAT of `histogram(hist, g, bins, p, off3, idx, start, end)` (hist zeroed by the caller):
 *   for (k = idx + 4·start; k < idx + 4·end; k += 4)
 *     i = load32(k); gi = f64.load(g + 8i); b = bins + i·p
 *     for (j = off3; j < off3 + 4p; j += 4, b += 1)
 *       t = hist + 8·(load32(j) + 3·load8(b))
 *       f64[t] += gi; f64[t + 16] += 1
 */
import { assemble, keyedWasmFactory, op, type WasmMemory } from '../../wasm/assembler';
import type { HistogramInput } from './histogram';

/** Widest feature count whose histogram loop is unrolled (one local per feature); wider ones loop. */
const MAX_UNROLLED = 64;

/**
 * The module; with `q` > 0 its histogram's loop over the q features is unrolled: each feature's
 * histogram address (hist + 8·off3[j]) is held in a local and its bin read at a constant offset,
 * ~1.15× faster than the loop. The same additions in the same order either way.
 */
function moduleBytes(q: number): Uint8Array {
  const { get, set, tee, i32, i32Add: add, i32Sub: sub, i32Shl: shl, i32Mul: mul, f64Add, forLessThan } = op;
  const partition = (() => {
    const [IDX, TMP, COL, GL, START, END] = [0, 1, 2, 3, 4, 5];
    const [L, R, K, KEND, I, G] = [6, 7, 8, 9, 10, 11];
    const body = [
      ...get(IDX), ...get(START), ...i32(2), shl, add, ...tee(L), ...set(K),
      ...get(IDX), ...get(END), ...i32(2), shl, add, ...set(KEND),
      ...get(TMP), ...set(R),
      ...forLessThan(K, KEND, [
        ...get(K), ...op.i32Load(), ...set(I),
        ...get(GL), ...get(COL), ...get(I), add, ...op.i32Load8U(), add, ...op.i32Load8U(), ...set(G),
        ...get(L), ...get(I), ...op.i32Store(),
        ...get(R), ...get(I), ...op.i32Store(),
        ...get(L), ...get(G), ...i32(2), shl, add, ...set(L),
        ...get(R), ...i32(4), ...get(G), ...i32(2), shl, sub, add, ...set(R),
        ...get(K), ...i32(4), add, ...set(K),
      ]),
      ...get(L), ...get(TMP), ...get(R), ...get(TMP), sub, ...op.memoryCopy,
      ...get(L), ...get(IDX), sub, ...i32(2), op.i32ShrU,
    ];
    return { name: 'partition', params: Array.from({ length: 6 }, () => 'i32' as const), result: 'i32' as const, locals: { i32: 6 }, body };
  })();
  const histogram = (() => {
    const [HIST, GR, BINS, P, OFF3, IDX, START, END] = [0, 1, 2, 3, 4, 5, 6, 7];
    const [K, KEND, I, B, J, JEND, T] = [8, 9, 10, 11, 12, 13, 14];
    const GI = 15;
    const body = [
      ...get(IDX), ...get(START), ...i32(2), shl, add, ...set(K),
      ...get(IDX), ...get(END), ...i32(2), shl, add, ...set(KEND),
      ...get(OFF3), ...get(P), ...i32(2), shl, add, ...set(JEND),
      ...forLessThan(K, KEND, [
        ...get(K), ...op.i32Load(), ...set(I),
        ...get(GR), ...get(I), ...i32(3), shl, add, ...op.f64Load(), ...set(GI),
        ...get(BINS), ...get(I), ...get(P), mul, add, ...set(B),
        ...get(OFF3), ...set(J),
        ...forLessThan(J, JEND, [
          ...get(HIST), ...get(J), ...op.i32Load(), ...get(B), ...op.i32Load8U(), ...i32(3), mul, add, ...i32(3), shl, add, ...set(T),
          ...get(T), ...get(T), ...op.f64Load(), ...get(GI), f64Add, ...op.f64Store(),
          ...get(T), ...get(T), ...op.f64Load(16), ...op.f64Const(1), f64Add, ...op.f64Store(16),
          ...get(J), ...i32(4), add, ...set(J),
          ...get(B), ...i32(1), add, ...set(B),
        ]),
        ...get(K), ...i32(4), add, ...set(K),
      ]),
    ];
    return { name: 'histogram', params: Array.from({ length: 8 }, () => 'i32' as const), locals: { i32: 7, f64: 1 }, body };
  })();
  const unrolled = (() => {
    const [HIST, GR, BINS, P, OFF3, IDX, START, END] = [0, 1, 2, 3, 4, 5, 6, 7];
    const [K, KEND, B0, T0] = [8, 9, 10, 11];
    const HO = 12; // q locals: hist + 8·off3[j]
    const G0 = HO + q;
    const bump = (t: number, g: number) => [
      ...get(t), ...get(t), ...op.f64Load(), ...get(g), f64Add, ...op.f64Store(),
      ...get(t), ...get(t), ...op.f64Load(16), ...op.f64Const(1), f64Add, ...op.f64Store(16),
    ];
    const at = (j: number, b: number, t: number) => [...get(HO + j), ...get(b), ...op.i32Load8U(j), ...i32(24), mul, add, ...set(t)];
    const single: number[] = [];
    for (let j = 0; j < q; j++) single.push(...at(j, B0, T0), ...bump(T0, G0));
    const row = (offset: number, b: number, g: number) => [
      ...get(GR), ...get(K), ...op.i32Load(offset), ...i32(3), shl, add, ...op.f64Load(), ...set(g),
      ...get(BINS), ...get(K), ...op.i32Load(offset), ...get(P), mul, add, ...set(b),
    ];
    const body = [
      ...Array.from({ length: q }, (_, j) => [...get(HIST), ...get(OFF3), ...op.i32Load(4 * j), ...i32(3), shl, add, ...set(HO + j)]).flat(),
      ...get(IDX), ...get(START), ...i32(2), shl, add, ...set(K),
      ...get(IDX), ...get(END), ...i32(2), shl, add, ...set(KEND),
      ...forLessThan(K, KEND, [...row(0, B0, G0), ...single, ...get(K), ...i32(4), add, ...set(K)]),
    ];
    return { name: 'histogram', params: Array.from({ length: 8 }, () => 'i32' as const), locals: { i32: 4 + q, f64: 1 }, body };
  })();
  const subtract = (() => {
    const [PARENT, CHILD, BYTES, END] = [0, 1, 2, 3];
    const vload = [...op.simd(0x00), 3, 0];
    const body = [
      ...get(PARENT), ...get(BYTES), add, ...set(END),
      ...forLessThan(PARENT, END, [
        ...get(PARENT), ...get(PARENT), ...vload, ...get(CHILD), ...vload, ...op.simd(0xf1), ...op.simd(0x0b), 3, 0,
        ...get(PARENT), ...i32(16), add, ...set(PARENT),
        ...get(CHILD), ...i32(16), add, ...set(CHILD),
      ]),
    ];
    return { name: 'subtract', params: ['i32', 'i32', 'i32'] as 'i32'[], locals: { i32: 1 }, body };
  })();
  return assemble([partition, q > 0 ? unrolled : histogram, subtract]);
}

const moduleFor = keyedWasmFactory(moduleBytes);
/** An instance of the module for p features (the histogram unrolled up to MAX_UNROLLED). */
const instance = (p: number) => moduleFor(p <= MAX_UNROLLED ? p : 0);

/** Grows `memory` to hold `bytes`; false when it cannot (past 4 GiB, or out of memory): JavaScript then serves. */
function growTo(memory: WasmMemory, bytes: number): boolean {
  const pages = Math.ceil(bytes / 65536) - memory.buffer.byteLength / 65536;
  if (pages <= 0) return true;
  try {
    memory.grow(pages);
    return true;
  } catch {
    return false;
  }
}

type PartitionFn = (idx: number, tmp: number, col: number, goesLeft: number, start: number, end: number) => number;
type HistogramFn = (hist: number, g: number, bins: number, p: number, off3: number, idx: number, start: number, end: number) => void;
type SubtractFn = (parent: number, child: number, bytes: number) => void;

interface Wasm {
  partition: PartitionFn;
  histogram: HistogramFn;
  subtract: SubtractFn;
  buffer: ArrayBuffer;
  /** Bytes per histogram slot (histSize doubles rounded up to 16 bytes, for the SIMD subtraction). */
  stride: number;
  /** Byte addresses of the regions. */
  at: { columns: number; bins: number; idx: number; scratch: number; g: number; off3: number; goesLeft: number; hist: number };
  gradients: Float64Array;
  goesLeft: Uint8Array;
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

export class GrowerKernels {
  /** Row indices; a node's rows are a contiguous range of it, ascending. */
  readonly idx: Int32Array;
  private readonly scratch: Int32Array;
  private readonly wasm: Wasm | null = null;
  private readonly p: number;

  /** Histogram buffers in WebAssembly memory, for the grower's pool (empty without WebAssembly). */
  readonly histograms: Float64Array[] = [];

  /**
   * `offsets3`: every feature's histogram offset × 3, in feature order; `histSize`: doubles per
   * histogram; `histSlots`: histograms to place in WebAssembly memory (as many as a tree holds
   * at once: its leaf count + 1; fewer when they would take over 64 MB, the pool then makes
   * JavaScript ones); `useWasm` false keeps every loop in JavaScript.
   */
  constructor(
    private readonly input: HistogramInput,
    offsets3: Int32Array,
    private readonly histSize: number,
    histSlots: number,
    useWasm = true,
  ) {
    const n = input.nRows;
    const p = (this.p = offsets3.length);
    const k = useWasm ? instance(p) : undefined;
    const stride = Math.ceil((histSize * 8) / 16) * 16;
    const slots = Math.max(1, Math.min(histSlots, Math.floor((64 << 20) / stride)));
    const at = { columns: 0, bins: 0, idx: 0, scratch: 0, g: 0, off3: 0, goesLeft: 0, hist: 0 };
    at.bins = align8(input.binsByColumn.length);
    at.idx = align8(at.bins + input.bins.length);
    at.scratch = at.idx + 4 * n;
    at.g = align8(at.scratch + 4 * n);
    at.off3 = at.g + 8 * n;
    at.goesLeft = align8(at.off3 + 4 * p);
    at.hist = Math.ceil((at.goesLeft + 256) / 16) * 16;
    if (!k || !growTo(k.memory, at.hist + slots * stride)) {
      this.idx = new Int32Array(n);
      this.scratch = new Int32Array(n);
      return;
    }
    const buffer = k.memory.buffer;
    new Uint8Array(buffer, at.columns, input.binsByColumn.length).set(input.binsByColumn);
    new Uint8Array(buffer, at.bins, input.bins.length).set(input.bins);
    new Int32Array(buffer, at.off3, p).set(offsets3);
    this.idx = new Int32Array(buffer, at.idx, n);
    this.scratch = new Int32Array(buffer, at.scratch, n);
    for (let s = 0; s < slots; s++) this.histograms.push(new Float64Array(buffer, at.hist + s * stride, histSize));
    this.wasm = {
      partition: k.exports.partition as PartitionFn,
      histogram: k.exports.histogram as HistogramFn,
      subtract: k.exports.subtract as SubtractFn,
      buffer,
      stride,
      at,
      gradients: new Float64Array(buffer, at.g, n),
      goesLeft: new Uint8Array(buffer, at.goesLeft, 256),
    };
  }

  /** Takes the current gradients (once per tree, before any `histogram`). */
  loadGradients(): void {
    this.wasm?.gradients.set(this.input.gradients);
  }

  /**
   * Fills `hist` (every feature) from the rows idx[start..end) in WebAssembly and returns true,
   * or returns false (nothing done) when this path does not apply: no WebAssembly, a histogram
   * outside its memory, a per-row hessian, or a tree on fewer than all features.
   */
  histogram(hist: Float64Array, featureCount: number, start: number, end: number): boolean {
    const w = this.wasm;
    if (!w || hist.buffer !== w.buffer || featureCount !== this.p || this.input.constantHessian !== this.input.constantHessian) return false;
    hist.fill(0);
    w.histogram(hist.byteOffset, w.at.g, w.at.bins, this.p, w.at.off3, w.at.idx, start, end);
    return true;
  }

  /**
   * parent −= child over every feature (two doubles at a time) and returns true, or returns false
   * (nothing done) when either histogram is outside WebAssembly memory or the tree uses fewer
   * than all features (the others hold stale sums).
   */
  subtract(parent: Float64Array, child: Float64Array, featureCount: number): boolean {
    const w = this.wasm;
    if (!w || featureCount !== this.p || parent.buffer !== w.buffer || child.buffer !== w.buffer) return false;
    w.subtract(parent.byteOffset, child.byteOffset, w.stride);
    return true;
  }

  /** Stable in-place partition of idx[start..end) by goesLeft[bin of `feature`]; returns the first right position. */
  partition(start: number, end: number, feature: number, goesLeft: Uint8Array): number {
    const w = this.wasm;
    if (w) {
      w.goesLeft.set(goesLeft);
      return w.partition(w.at.idx, w.at.scratch, w.at.columns + feature * this.input.nRows, w.at.goesLeft, start, end);
    }
    const idx = this.idx;
    const tmp = this.scratch;
    const col = this.input.binsByColumn;
    const base = feature * this.input.nRows;
    let l = start;
    let r = 0;
    // Branch-free: write the index to both sides and advance one of them (a data-dependent
    // branch here would mispredict about half the time).
    for (let k = start; k < end; k++) {
      const i = idx[k];
      const gl = goesLeft[col[base + i]];
      idx[l] = i;
      tmp[r] = i;
      l += gl;
      r += 1 - gl;
    }
    idx.set(tmp.subarray(0, r), l);
    return l;
  }
}
