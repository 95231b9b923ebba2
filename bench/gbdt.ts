/**
 * Benchmark of the histogram GBDT on the reference gemstone split (run:
 * `node --import tsx bench/gbdt.ts [jsonParams]`). Prints JSON: fit seconds (median of 3),
 * predict seconds for the 13,107 test rows and for 100,000 rows, RMSE, R², iterations used.
 */
import { GradientBoostingRegressor } from '../src/core/models/gbdt/index';
import type { GbdtParams } from '../src/core/models/gbdt/index';
import type { Matrix } from '../src/core/models/types';
import { haveGemstone, loadGemstoneSplit, rmse, SKIP_MESSAGE } from '../tests/helpers/gemstone';

function median(a: number[]): number {
  const s = a.slice().sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  if (!haveGemstone) {
    console.log(JSON.stringify({ skipped: SKIP_MESSAGE }));
    return;
  }
  const params = (process.argv[2] ? JSON.parse(process.argv[2]) : {}) as Partial<GbdtParams>;
  const runs = Number(process.argv[3] ?? 3);
  const s = loadGemstoneSplit();
  const fitTimes: number[] = [];
  let model = new GradientBoostingRegressor(params);
  for (let r = 0; r < runs; r++) {
    model = new GradientBoostingRegressor(params);
    const t0 = performance.now();
    await model.fit(s.trainRaw, s.yTrain);
    fitTimes.push((performance.now() - t0) / 1000);
  }
  const predTimes: number[] = [];
  let pred = new Float64Array(0);
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    pred = model.predict(s.testRaw);
    predTimes.push((performance.now() - t0) / 1000);
  }
  // 100,000 rows: the test rows repeated.
  const n = 100_000;
  const p = s.testRaw.cols;
  const big = new Float64Array(n * p);
  for (let i = 0; i < n; i++) big.set(s.testRaw.data.subarray((i % s.testRaw.rows) * p, (i % s.testRaw.rows + 1) * p), i * p);
  const bigX: Matrix = { data: big, rows: n, cols: p, features: s.testRaw.features };
  const bigTimes: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    model.predict(bigX);
    bigTimes.push((performance.now() - t0) / 1000);
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
        predictSecondsTest: median(predTimes),
        predictSeconds100k: median(bigTimes),
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
