/**
 * How the gbdt defaults were chosen: k-fold cross-validation on the TRAINING rows of the
 * reference gemstone split only (the test rows are never read). For each candidate parameter set
 * it prints the mean CV RMSE over folds × model seeds, the mean fit CPU seconds and the mean
 * number of boosting iterations run (early stopping included).
 *
 * Run: node --import tsx bench/gbdt-cv.ts '[{"learningRate":0.1}, {...}]' [--folds 5] [--seeds 0,1]
 * With no configs it compares the old defaults (learning rate 0.04) with the current defaults.
 */
import { kFold } from '../src/core/data/split';
import { GradientBoostingRegressor } from '../src/core/models/gbdt/index';
import type { GbdtParams } from '../src/core/models/gbdt/index';
import type { Matrix } from '../src/core/models/types';
import { haveGemstone, loadGemstoneSplit, rmse, SKIP_MESSAGE } from '../tests/helpers/gemstone';
import { median, printJson, round } from './lib/measure';
import { option } from './lib/python-peer';

function takeRows(X: Matrix, rows: Uint32Array): Matrix {
  const p = X.cols;
  const data = new Float64Array(rows.length * p);
  for (let i = 0; i < rows.length; i++) data.set(X.data.subarray(rows[i] * p, rows[i] * p + p), i * p);
  return { data, rows: rows.length, cols: p, features: X.features };
}

const cpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function main(): Promise<void> {
  if (!haveGemstone) {
    printJson({ skipped: SKIP_MESSAGE });
    return;
  }
  const first = process.argv[2];
  const configs: Partial<GbdtParams>[] =
    first && !first.startsWith('--') ? (JSON.parse(first) as Partial<GbdtParams>[]) : [{ learningRate: 0.04 }, {}];
  const k = Number(option('--folds', '5'));
  const seeds = option('--seeds', '0,1').split(',').map(Number);
  const s = loadGemstoneSplit();
  // Folds of the training rows only; the fold split's seed is fixed so every config sees the same folds.
  const folds = kFold(s.trainRaw.rows, k, 2026).map((f) => ({
    X: takeRows(s.trainRaw, f.train),
    y: Float64Array.from(f.train, (r) => s.yTrain[r]),
    Xv: takeRows(s.trainRaw, f.test),
    yv: Float64Array.from(f.test, (r) => s.yTrain[r]),
  }));
  const results = [];
  for (const params of configs) {
    const errors: number[] = [];
    const cpu: number[] = [];
    const iterations: number[] = [];
    for (const seed of seeds)
      for (const f of folds) {
        const c0 = cpuSeconds();
        const m = await new GradientBoostingRegressor({ ...params, seed }).fit(f.X, f.y);
        cpu.push(cpuSeconds() - c0);
        iterations.push(m.history().train.length);
        errors.push(rmse(m.predict(f.Xv), f.yv));
      }
    const mean = (a: number[]): number => a.reduce((x, y) => x + y, 0) / a.length;
    const row = {
      params,
      cvRmse: round(mean(errors), 2),
      fitCpuSecondsMean: round(mean(cpu)),
      fitCpuSecondsMedian: round(median(cpu)),
      iterationsRunMean: round(mean(iterations), 1),
    };
    process.stderr.write(JSON.stringify(row) + '\n');
    results.push(row);
  }
  printJson({ data: 'gemstone training rows only', folds: k, seeds, results });
}

void main();
