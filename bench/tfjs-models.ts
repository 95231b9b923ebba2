/**
 * tfjs-side models on the reference gemstone split (standardized features):
 *   node --import tsx bench/tfjs-models.ts [--skip-cpu]
 * Prints one JSON object per line: per model fit and predict seconds (13,107 test rows), RMSE,
 * R² and the tfjs backend in use (SIMD, threads); then the MLP with default params on the wasm
 * and on the cpu backend in the same process, with their fit-time ratio; then the peers' plain
 * configuration (MLP(64,64), Adam 1e-3 constant, 20 epochs, batch 256) for a same-session ratio.
 */
import { KNeighborsRegressor } from '../src/core/models/knn';
import { ElasticNet, Lasso, LinearRegression, Ridge } from '../src/core/models/linear';
import { MlpRegressor } from '../src/core/models/mlp';
import type { Regressor } from '../src/core/models/types';
import { initTf, tfBackendInfo } from '../src/core/tf';
import { r2 } from '../src/core/metrics';
import { SKIP_MESSAGE, haveGemstone, loadGemstoneSplit, rmse } from '../tests/helpers/gemstone';
import { cpuSeconds, median } from './lib/measure';

if (!haveGemstone) {
  console.log(JSON.stringify({ skipped: SKIP_MESSAGE }));
  process.exit(0);
}
const s = loadGemstoneSplit();

async function run(name: string, m: Regressor, extra: Record<string, unknown> = {}): Promise<{ fit: number; fitCpu: number }> {
  const t0 = performance.now();
  const c0 = cpuSeconds();
  await m.fit(s.trainStd, s.yTrain);
  const fit = (performance.now() - t0) / 1000;
  // CPU seconds of this (single-threaded) process: on a shared, overloaded machine they track
  // what the wall clock would show on an idle one better than the wall clock does.
  const fitCpu = cpuSeconds() - c0;
  const t1 = performance.now();
  const pred = m.predict(s.testStd);
  const predict = (performance.now() - t1) / 1000;
  const e = rmse(pred, s.yTest);
  console.log(JSON.stringify({ model: name, fitSeconds: +fit.toFixed(3), fitCpuSeconds: +fitCpu.toFixed(3), predictSeconds: +predict.toFixed(3), rmse: +e.toFixed(2), r2: +r2(s.yTest, pred).toFixed(5), tf: tfBackendInfo(), ...extra }));
  return { fit, fitCpu };
}

await initTf({ backend: 'wasm' });
await run('LinearRegression', new LinearRegression());
await run('Ridge(alpha=1)', new Ridge({ alpha: 1 }));
await run('Lasso(alpha=1)', new Lasso({ alpha: 1 }));
await run('ElasticNet(alpha=1, l1Ratio=0.5)', new ElasticNet({ alpha: 1, l1Ratio: 0.5 }));
await run('KNeighbors(k=5)', new KNeighborsRegressor({ k: 5 }));
const seeds = [0, 1, 2];
const wasmFits: number[] = [];
const wasmCpu: number[] = [];
for (const seed of seeds) {
  const r = await run(`MLP defaults seed ${seed}`, new MlpRegressor({ seed }));
  wasmFits.push(r.fit);
  wasmCpu.push(r.fitCpu);
}
const peer = await run('MLP peers config (64,64) Adam 1e-3 constant, 20 epochs, batch 256, alpha 0', new MlpRegressor({ learningRate: 1e-3, schedule: 'constant', maxEpochs: 20, batchSize: 256, alpha: 0 }));
console.log(JSON.stringify({ summary: 'MLP defaults vs peers config, same session (wasm)', defaultsMedianFit: +median(wasmFits).toFixed(2), peersConfigFit: +peer.fit.toFixed(2), ratio: +(median(wasmFits) / peer.fit).toFixed(3), defaultsMedianCpu: +median(wasmCpu).toFixed(2), peersConfigCpu: +peer.fitCpu.toFixed(2), cpuRatio: +(median(wasmCpu) / peer.fitCpu).toFixed(3) }));
if (!process.argv.includes('--skip-cpu')) {
  await initTf({ backend: 'cpu' });
  const cpu = await run('MLP defaults seed 0 (cpu backend)', new MlpRegressor({ seed: 0 }));
  console.log(JSON.stringify({ summary: 'MLP defaults seed 0: cpu / wasm fit time', wasmFit: +wasmFits[0].toFixed(2), cpuFit: +cpu.fit.toFixed(2), ratio: +(cpu.fit / wasmFits[0]).toFixed(2), cpuTimeRatio: +(cpu.fitCpu / wasmCpu[0]).toFixed(2) }));
}
