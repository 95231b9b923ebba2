/**
 * Speed of explanations (issue 12 §1): SHAP values for 1,000 test rows of the default
 * gradient-boosted model on the reference gemstone split, by exact path-dependent TreeSHAP,
 * beside a brute-force baseline in the same run — Shapley values enumerated over all 2^9
 * coalitions of the same game (exact.ts), on the first `baselineRows` rows and scaled to 1,000.
 * Both must give the same values (maxAbsDifference). Run: `node --import tsx bench/shap.ts [runs]`.
 * Prints JSON; figures are medians of `runs` (default 5), wall and CPU seconds.
 */
import { loadavg } from 'node:os';
import { Explainer } from '../src/core/explain';
import { exactShapley, pathExpectation } from '../src/core/explain/exact';
import { ensembleForShap } from '../src/core/explain/tree-models';
import { GradientBoostingRegressor } from '../src/core/models/gbdt/index';
import type { Matrix } from '../src/core/models/types';
import { haveGemstone, loadGemstoneSplit, SKIP_MESSAGE } from '../tests/helpers/gemstone';
import { median, round } from './lib/measure';

const ROWS = 1000;
const BASELINE_ROWS = 3;
const TARGET_SECONDS = 2;

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function main(): Promise<void> {
  if (!haveGemstone) {
    console.log(JSON.stringify({ skipped: SKIP_MESSAGE }));
    return;
  }
  const runs = Number(process.argv[2] ?? 5);
  const s = loadGemstoneSplit();
  const model = await new GradientBoostingRegressor({}).fit(s.trainRaw, s.yTrain);
  const p = s.testRaw.cols;
  const X: Matrix = { data: s.testRaw.data.slice(0, ROWS * p), rows: ROWS, cols: p, features: s.testRaw.features };
  const names = [...s.features];

  const wall: number[] = [];
  const cpu: number[] = [];
  let values: Float64Array = new Float64Array(0);
  let base = 0;
  for (let r = 0; r < runs; r++) {
    const c0 = cpuSeconds();
    const t0 = performance.now();
    // Preparing the explainer (routing tables, players) is part of the cost.
    const e = new Explainer(model, { features: names }).explain(X);
    wall.push((performance.now() - t0) / 1000);
    cpu.push(cpuSeconds() - c0);
    values = e.values;
    base = e.base;
  }
  const pred = model.predict(X);
  let localAccuracy = 0;
  for (let r = 0; r < ROWS; r++) {
    let sum = base;
    for (let j = 0; j < p; j++) sum += values[r * p + j];
    localAccuracy = Math.max(localAccuracy, Math.abs(sum - pred[r]));
  }

  // Brute force: 2^p coalitions, each a path-dependent expectation over every tree.
  const trees = ensembleForShap(model.ensemble(), Int32Array.from({ length: p }, (_, j) => j));
  const bfWall: number[] = [];
  const bfCpu: number[] = [];
  let maxDiff = 0;
  for (let r = 0; r < BASELINE_ROWS; r++) {
    const c0 = cpuSeconds();
    const t0 = performance.now();
    const hots = trees.map((t) => {
      const hot = new Int32Array(t.left.length);
      t.route(X.data, r * p, hot);
      return hot;
    });
    const phi = exactShapley(p, (mask) => {
      let v = 0;
      for (let k = 0; k < trees.length; k++) v += pathExpectation(trees[k], hots[k], mask);
      return v;
    });
    bfWall.push((performance.now() - t0) / 1000);
    bfCpu.push(cpuSeconds() - c0);
    for (let j = 0; j < p; j++) maxDiff = Math.max(maxDiff, Math.abs(phi[j] - values[r * p + j]));
  }
  const treeShapSeconds = median(wall);
  const bruteSecondsPerRow = median(bfWall);
  const leaves = model.ensemble().state.feature.reduce((n, f) => n + (f < 0 ? 1 : 0), 0);
  console.log(
    JSON.stringify(
      {
        benchmark: 'shap',
        model: 'gbdt (default params)',
        rows: ROWS,
        features: p,
        trees: model.iterations,
        leaves,
        treeShap: { seconds: round(treeShapSeconds), cpuSeconds: round(median(cpu)), secondsAll: wall.map((x) => round(x)), runs },
        bruteForce: {
          rowsMeasured: BASELINE_ROWS,
          coalitions: 2 ** p,
          secondsPerRow: round(bruteSecondsPerRow),
          cpuSecondsPerRow: round(median(bfCpu)),
          secondsFor1000RowsScaled: round(bruteSecondsPerRow * ROWS, 1),
        },
        speedup: round((bruteSecondsPerRow * ROWS) / treeShapSeconds, 1),
        maxAbsDifference: maxDiff,
        localAccuracyMaxError: localAccuracy,
        targetSeconds: TARGET_SECONDS,
        withinTarget: treeShapSeconds <= TARGET_SECONDS,
        cpuWithinTarget: median(cpu) <= TARGET_SECONDS,
        loadAverage1m: round(loadavg()[0], 2),
      },
      null,
      2,
    ),
  );
}

void main();
