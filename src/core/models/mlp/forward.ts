/**
 * The MLP's forward pass in float64, from the stored float32 weights widened to doubles.
 * Prediction runs here rather than on tfjs (float32) so that Loupe and the exported ONNX file
 * (double Gemm/Relu over the same widened weights) compute the same double arithmetic and differ
 * only by summation order (~1e-15 relative) instead of float32 rounding (a few 1e-6 in dollars on
 * the cheapest gemstones). Training stays on tfjs.
 *
 * Rows go through all layers in blocks of 256 that stay in cache. Each layer runs on the SIMD
 * WebAssembly kernel (dense-wasm.ts) where it compiles, else on `denseJs`, which gives the same
 * bits. Both want whole 4-row × 4-unit tiles, so layer widths are padded to multiples of 4 with
 * zero weights and biases (a padded unit outputs 0, and a 0 input adds exactly 0 to every sum)
 * and a block's rows to a multiple of 4 (the extra rows are computed and dropped).
 */
import { denseKernel } from './dense-wasm';

/** A dense layer: row-major [fanIn, fanOut] weights and fanOut biases, as doubles. */
export interface DenseLayer {
  fanIn: number;
  fanOut: number;
  weights: Float64Array;
  bias: Float64Array;
}

const BLOCK_ROWS = 256;
const pad4 = (n: number): number => Math.ceil(n / 4) * 4;

/** The stored float32 layers as doubles, each [fanIn, fanOut] as stored. */
export function denseLayers(sizes: readonly number[], weights: readonly Float32Array[], biases: readonly Float32Array[]): DenseLayer[] {
  return weights.map((w, l) => ({ fanIn: sizes[l], fanOut: sizes[l + 1], weights: Float64Array.from(w), bias: Float64Array.from(biases[l]) }));
}

/** A layer with fanOut (and, past the first layer, fanIn) padded to multiples of 4 with zeros. */
function padded(layer: DenseLayer, first: boolean): DenseLayer {
  const p = first ? layer.fanIn : pad4(layer.fanIn);
  const q = pad4(layer.fanOut);
  const weights = new Float64Array(p * q);
  for (let k = 0; k < layer.fanIn; k++) weights.set(layer.weights.subarray(k * layer.fanOut, (k + 1) * layer.fanOut), k * q);
  const bias = new Float64Array(q);
  bias.set(layer.bias);
  return { fanIn: p, fanOut: q, weights, bias };
}

/**
 * out[i·q + j] = bias[j] + Σₖ x[i·p + k]·W[k·q + j] (k ascending), ReLU'd when `relu`, for rows and
 * q multiples of 4: a 4 × 4 tile per pass over k, its 16 sums in locals. The WebAssembly kernel's
 * twin, used where WebAssembly cannot compile.
 */
export function denseJs(x: Float64Array, rows: number, layer: DenseLayer, out: Float64Array, relu: boolean): void {
  const { fanIn: p, fanOut: q, weights: W, bias: b } = layer;
  for (let i = 0; i < rows; i += 4) {
    const x0 = i * p;
    const x1 = x0 + p;
    const x2 = x1 + p;
    const x3 = x2 + p;
    for (let j = 0; j < q; j += 4) {
      let s00 = b[j], s01 = b[j + 1], s02 = b[j + 2], s03 = b[j + 3];
      let s10 = s00, s11 = s01, s12 = s02, s13 = s03;
      let s20 = s00, s21 = s01, s22 = s02, s23 = s03;
      let s30 = s00, s31 = s01, s32 = s02, s33 = s03;
      for (let k = 0, w = j; k < p; k++, w += q) {
        const w0 = W[w], w1 = W[w + 1], w2 = W[w + 2], w3 = W[w + 3];
        const a0 = x[x0 + k], a1 = x[x1 + k], a2 = x[x2 + k], a3 = x[x3 + k];
        s00 += a0 * w0; s01 += a0 * w1; s02 += a0 * w2; s03 += a0 * w3;
        s10 += a1 * w0; s11 += a1 * w1; s12 += a1 * w2; s13 += a1 * w3;
        s20 += a2 * w0; s21 += a2 * w1; s22 += a2 * w2; s23 += a2 * w3;
        s30 += a3 * w0; s31 += a3 * w1; s32 += a3 * w2; s33 += a3 * w3;
      }
      const o0 = i * q + j;
      const o1 = o0 + q;
      const o2 = o1 + q;
      const o3 = o2 + q;
      if (relu) {
        out[o0] = 0 < s00 ? s00 : 0; out[o0 + 1] = 0 < s01 ? s01 : 0; out[o0 + 2] = 0 < s02 ? s02 : 0; out[o0 + 3] = 0 < s03 ? s03 : 0;
        out[o1] = 0 < s10 ? s10 : 0; out[o1 + 1] = 0 < s11 ? s11 : 0; out[o1 + 2] = 0 < s12 ? s12 : 0; out[o1 + 3] = 0 < s13 ? s13 : 0;
        out[o2] = 0 < s20 ? s20 : 0; out[o2 + 1] = 0 < s21 ? s21 : 0; out[o2 + 2] = 0 < s22 ? s22 : 0; out[o2 + 3] = 0 < s23 ? s23 : 0;
        out[o3] = 0 < s30 ? s30 : 0; out[o3 + 1] = 0 < s31 ? s31 : 0; out[o3 + 2] = 0 < s32 ? s32 : 0; out[o3 + 3] = 0 < s33 ? s33 : 0;
      } else {
        out[o0] = s00; out[o0 + 1] = s01; out[o0 + 2] = s02; out[o0 + 3] = s03;
        out[o1] = s10; out[o1 + 1] = s11; out[o1 + 2] = s12; out[o1 + 3] = s13;
        out[o2] = s20; out[o2 + 1] = s21; out[o2 + 2] = s22; out[o2 + 3] = s23;
        out[o3] = s30; out[o3 + 1] = s31; out[o3 + 2] = s32; out[o3 + 3] = s33;
      }
    }
  }
}

/** Which dense-layer kernel runs: the WebAssembly one when it compiles ('auto'), or JavaScript. */
export type DenseKernelChoice = 'auto' | 'js';

/**
 * The network's output for `rows` rows of `x` (row-major, layers[0].fanIn columns): ReLU after
 * every layer but the last, which is linear. Row-major rows × K for a last layer of K units (the
 * regressor's one number per row, in the units it was trained on; the classifier's K logits).
 */
export function forward64(layers: readonly DenseLayer[], x: Float64Array, rows: number, kernel: DenseKernelChoice = 'auto'): Float64Array {
  const L = layers.map((l, i) => padded(l, i === 0));
  const p = L[0].fanIn;
  const widest = Math.max(...L.map((l) => l.fanOut));
  const last = L.length - 1;
  const k = layers[last].fanOut;
  const out = new Float64Array(rows * k);
  // Doubles: each layer's weights and biases, then the input block, two activation blocks and the output block.
  const offsets: { w: number; b: number }[] = [];
  let at = 0;
  for (const l of L) {
    offsets.push({ w: at, b: at + l.weights.length });
    at += l.weights.length + l.bias.length;
  }
  const xAt = at;
  const aAt = xAt + BLOCK_ROWS * p;
  const cAt = aAt + BLOCK_ROWS * widest;
  const outAt = cAt + BLOCK_ROWS * widest;
  const total = outAt + BLOCK_ROWS * L[last].fanOut;

  const wasm = kernel === 'auto' ? denseKernel() : undefined;
  let heap: Float64Array;
  let run: (l: number, input: number, output: number, n: number) => void;
  if (wasm) {
    const need = Math.ceil((total * 8) / 65536) - wasm.memory.buffer.byteLength / 65536;
    if (need > 0) wasm.memory.grow(need);
    heap = new Float64Array(wasm.memory.buffer, 0, total);
    run = (l, input, output, n) => wasm.dense(input * 8, n, L[l].fanIn, L[l].fanOut, offsets[l].w * 8, offsets[l].b * 8, output * 8, l < last ? 1 : 0);
  } else {
    heap = new Float64Array(total);
    run = (l, input, output, n) => denseJs(heap.subarray(input), n, L[l], heap.subarray(output), l < last);
  }
  L.forEach((l, i) => {
    heap.set(l.weights, offsets[i].w);
    heap.set(l.bias, offsets[i].b);
  });
  const q = L[last].fanOut;
  for (let start = 0; start < rows; start += BLOCK_ROWS) {
    const n = Math.min(BLOCK_ROWS, rows - start);
    heap.set(x.subarray(start * p, (start + n) * p), xAt);
    const n4 = pad4(n);
    let input = xAt;
    let output = aAt;
    for (let l = 0; l < last; l++) {
      run(l, input, output, n4);
      input = output;
      output = output === aAt ? cAt : aAt;
    }
    run(last, input, outAt, n4);
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) out[(start + i) * k + c] = heap[outAt + i * q + c];
  }
  return out;
}
