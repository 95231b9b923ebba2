/**
 * MLP bulk prediction: Loupe's `predict` beside the same forward pass on tfjs (float32, the wasm
 * backend, in blocks of 8,192 rows: how Loupe predicted before it moved to float64 JavaScript),
 * on the same stored weights, in the same process.
 *
 *   node --import tsx bench/mlp-predict.ts [--runs 7] [--hidden 64,64]
 *
 * Fits the default MLP (seed 0) on the gemstone reference split's standardized features once,
 * then times both on the 13,107 test rows and on 100,000 rows (the test rows repeated). Prints one
 * JSON object: medians of `--runs` (wall and CPU seconds), their ratio, and the largest relative
 * difference between the two predictions.
 */
import { MlpRegressor } from '../src/core/models/mlp';
import type { Matrix } from '../src/core/models/types';
import { initTf, tf, tfBackendInfo } from '../src/core/tf';
import { SKIP_MESSAGE, haveGemstone, loadGemstoneSplit } from '../tests/helpers/gemstone';
import { cpuSeconds, median, printJson, round } from './lib/measure';
import { numberOption, option } from './lib/options';

const BLOCK = 8192;

/** The tfjs float32 forward pass over the model's stored weights (the peer). */
function tfjsPredict(m: MlpRegressor, X: Matrix): Float64Array {
  const s = m.toJSON().state as { sizes: number[]; weights: Float32Array[]; biases: Float32Array[]; yMean: number; yStd: number };
  const W = s.weights.map((w, l) => tf.tensor2d(w, [s.sizes[l], s.sizes[l + 1]]));
  const B = s.biases.map((b) => tf.tensor1d(b));
  const p = X.cols;
  const out = new Float64Array(X.rows);
  try {
    for (let start = 0; start < X.rows; start += BLOCK) {
      const end = Math.min(X.rows, start + BLOCK);
      const r = tf.tidy(() => {
        let h: ReturnType<typeof tf.tensor2d> = tf.tensor2d(Float32Array.from(X.data.subarray(start * p, end * p)), [end - start, p]);
        for (let l = 0; l < W.length - 1; l++) h = tf.fused.matMul({ a: h, b: W[l], bias: B[l], activation: 'relu' }) as ReturnType<typeof tf.tensor2d>;
        return tf.add(tf.matMul(h, W[W.length - 1]), B[B.length - 1]);
      });
      const d = r.dataSync();
      r.dispose();
      for (let i = start; i < end; i++) out[i] = d[i - start] * s.yStd + s.yMean;
    }
  } finally {
    for (const t of [...W, ...B]) t.dispose();
  }
  return out;
}

function time(runs: number, f: () => Float64Array): { seconds: number; cpuSeconds: number; out: Float64Array } {
  const wall: number[] = [];
  const cpu: number[] = [];
  let out = f(); // warm-up (JIT, wasm kernels)
  for (let r = 0; r < runs; r++) {
    const c0 = cpuSeconds();
    const t0 = performance.now();
    out = f();
    wall.push((performance.now() - t0) / 1000);
    cpu.push(cpuSeconds() - c0);
  }
  return { seconds: round(median(wall), 4), cpuSeconds: round(median(cpu), 4), out };
}

function repeated(X: Matrix, n: number): Matrix {
  const data = new Float64Array(n * X.cols);
  for (let i = 0; i < n; i++) data.set(X.data.subarray((i % X.rows) * X.cols, ((i % X.rows) + 1) * X.cols), i * X.cols);
  return { data, rows: n, cols: X.cols, features: X.features };
}

if (!haveGemstone) {
  printJson({ skipped: SKIP_MESSAGE });
} else {
  const runs = numberOption('runs', 7);
  const hidden = option('hidden')?.split(',').map(Number);
  const s = loadGemstoneSplit();
  await initTf({ backend: 'wasm' });
  const m = await new MlpRegressor({ seed: 0, ...(hidden ? { hiddenLayers: hidden } : {}) }).fit(s.trainStd, s.yTrain);
  const results: Record<string, unknown>[] = [];
  for (const [name, X] of [
    ['test rows', s.testStd],
    ['100k rows', repeated(s.testStd, 100_000)],
  ] as const) {
    const loupe = time(runs, () => m.predict(X));
    const peer = time(runs, () => tfjsPredict(m, X));
    let worst = 0;
    for (let i = 0; i < X.rows; i++) worst = Math.max(worst, Math.abs(loupe.out[i] - peer.out[i]) / Math.max(Math.abs(peer.out[i]), 1e-300));
    results.push({
      rows: name,
      n: X.rows,
      loupe: { seconds: loupe.seconds, cpuSeconds: loupe.cpuSeconds },
      tfjsFloat32: { seconds: peer.seconds, cpuSeconds: peer.cpuSeconds },
      cpuRatio: round(loupe.cpuSeconds / peer.cpuSeconds, 2),
      worstRelativeDifference: Number(worst.toExponential(2)),
    });
  }
  printJson({ bench: 'mlp-predict', hiddenLayers: hidden ?? [64, 64], runs, tf: tfBackendInfo(), node: process.version, results });
}
