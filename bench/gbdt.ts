/**
 * Benchmark of the histogram GBDT on the reference gemstone split (run:
 * `node --import tsx bench/gbdt.ts [jsonParams] [runs]`). Prints JSON: fit seconds (median of
 * `runs`, default 3, wall and CPU), predict seconds for the 13,107 test rows and for 100,000
 * rows (also with one value in fifty missing, which takes the missing-aware descent), RMSE,
 * R², iterations used.
 */
import { loadavg } from 'node:os';
import { GradientBoostingRegressor } from '../src/core/models/gbdt/index';
import type { GbdtParams } from '../src/core/models/gbdt/index';
import type { Matrix } from '../src/core/models/types';
import { haveGemstone, loadGemstoneSplit, rmse, SKIP_MESSAGE } from '../tests/helpers/gemstone';
import { cpuSeconds, median } from './lib/measure';

async function main(): Promise<void> {
  if (!haveGemstone) {
    console.log(JSON.stringify({ skipped: SKIP_MESSAGE }));
    return;
  }
  const params = (process.argv[2] ? JSON.parse(process.argv[2]) : {}) as Partial<GbdtParams>;
  const runs = Number(process.argv[3] ?? 3);
  const s = loadGemstoneSplit();
  const fitTimes: number[] = [];
  const fitCpu: number[] = [];
  let model = new GradientBoostingRegressor(params);
  for (let r = 0; r < runs; r++) {
    model = new GradientBoostingRegressor(params);
    const c0 = cpuSeconds();
    const t0 = performance.now();
    await model.fit(s.trainRaw, s.yTrain);
    fitTimes.push((performance.now() - t0) / 1000);
    fitCpu.push(cpuSeconds() - c0);
  }
  const predTimes: number[] = [];
  const predCpu: number[] = [];
  let pred: Float64Array = new Float64Array(0);
  for (let r = 0; r < 5; r++) {
    const c0 = cpuSeconds();
    const t0 = performance.now();
    pred = model.predict(s.testRaw);
    predTimes.push((performance.now() - t0) / 1000);
    predCpu.push(cpuSeconds() - c0);
  }
  // 100,000 rows: the test rows repeated.
  const n = 100_000;
  const p = s.testRaw.cols;
  const big = new Float64Array(n * p);
  for (let i = 0; i < n; i++) big.set(s.testRaw.data.subarray((i % s.testRaw.rows) * p, (i % s.testRaw.rows + 1) * p), i * p);
  const bigX: Matrix = { data: big, rows: n, cols: p, features: s.testRaw.features };
  const bigTimes: number[] = [];
  const bigCpu: number[] = [];
  for (let r = 0; r < 5; r++) {
    const c0 = cpuSeconds();
    const t0 = performance.now();
    model.predict(bigX);
    bigTimes.push((performance.now() - t0) / 1000);
    bigCpu.push(cpuSeconds() - c0);
  }
  // The same rows with every 50th row missing one value.
  const bigNaN = big.slice();
  for (let i = 0; i < n; i += 50) bigNaN[i * p + (i % p)] = NaN;
  const nanCpu: number[] = [];
  for (let r = 0; r < 5; r++) {
    const c0 = cpuSeconds();
    model.predict({ ...bigX, data: bigNaN });
    nanCpu.push(cpuSeconds() - c0);
  }
  const e = rmse(pred, s.yTest);
  let mean = 0;
  for (const v of s.yTest) mean += v / s.yTest.length;
  let sst = 0;
  for (const v of s.yTest) sst += (v - mean) ** 2;
  const h = model.history();
  console.log(
    JSON.stringify(
      {
        model: 'gbdt',
        params,
        fitSeconds: median(fitTimes),
        fitSecondsAll: fitTimes,
        fitCpuSeconds: median(fitCpu),
        predictSecondsTest: median(predTimes),
        predictSeconds100k: median(bigTimes),
        predictCpuSeconds100k: median(bigCpu),
        predictCpuSeconds100kWithMissing: median(nanCpu),
        loadAverage1m: loadavg()[0],
        rmse: e,
        r2: 1 - (e * e * s.yTest.length) / sst,
        iterationsUsed: model.iterations,
        iterationsRun: h.train.length,
        bestValidationRmse: h.bestStep !== undefined ? h.validation[h.bestStep] : null,
      },
      null,
      2,
    ),
  );
}

void main();
