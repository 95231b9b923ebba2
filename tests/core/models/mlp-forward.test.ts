/**
 * The MLP's float64 forward pass: the SIMD WebAssembly kernel and the JavaScript one give the
 * same bits, equal to the plain row-by-row definition summed in the same order, for widths and
 * row counts that are not multiples of the 4 × 4 tile and for more rows than one block.
 */
import { describe, expect, it } from 'vitest';
import { denseKernel } from '../../../src/core/models/mlp/dense-wasm';
import { forward64, type DenseLayer } from '../../../src/core/models/mlp/forward';
import { Rng } from '../../../src/core/random';

function network(sizes: number[], rng: Rng): DenseLayer[] {
  return sizes.slice(0, -1).map((fanIn, l) => {
    const fanOut = sizes[l + 1];
    const f32 = (n: number) => Float64Array.from(Float32Array.from({ length: n }, () => 2 * rng.next() - 1));
    return { fanIn, fanOut, weights: f32(fanIn * fanOut), bias: f32(fanOut) };
  });
}

/** bias + Σₖ x·w in ascending k, ReLU between layers: the definition, one row at a time. */
function plain(layers: DenseLayer[], x: Float64Array, rows: number): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let h = Array.from(x.subarray(i * layers[0].fanIn, (i + 1) * layers[0].fanIn));
    layers.forEach((L, l) => {
      const next: number[] = [];
      for (let j = 0; j < L.fanOut; j++) {
        let s = L.bias[j];
        for (let k = 0; k < L.fanIn; k++) s += h[k] * L.weights[k * L.fanOut + j];
        next.push(l < layers.length - 1 && !(s > 0) ? 0 : s);
      }
      h = next;
    });
    out[i] = h[0];
  }
  return out;
}

describe('forward64', () => {
  it('compiles the WebAssembly kernel in Node (so the tests below compare two kernels)', () => {
    expect(denseKernel()).toBeDefined();
  });

  it.each([
    { sizes: [7, 13, 6, 1], rows: 11 },
    { sizes: [9, 64, 64, 1], rows: 600 },
    { sizes: [3, 5, 1], rows: 1 },
    { sizes: [4, 8, 1], rows: 256 },
  ])('$sizes on $rows rows: WebAssembly and JavaScript kernels equal the definition bit for bit', ({ sizes, rows }) => {
    const rng = new Rng(sizes.length * 1000 + rows);
    const layers = network(sizes, rng);
    const x = Float64Array.from({ length: rows * sizes[0] }, () => 4 * rng.next() - 2);
    const want = Array.from(plain(layers, x, rows));
    expect(Array.from(forward64(layers, x, rows))).toEqual(want);
    expect(Array.from(forward64(layers, x, rows, 'js'))).toEqual(want);
    // The ReLU is exercised: some hidden units are cut at zero and some pass.
    expect(new Set(want).size).toBeGreaterThan(Math.min(rows, 2) - 1);
  });
});
