/**
 * k-nearest-neighbours prediction: Loupe's k-d tree and brute force beside scikit-learn's
 * KNeighborsRegressor(n_neighbors=5) (its 'auto' picks a k-d tree here; one thread), in the same
 * run: rounds alternate a scikit-learn process (predicts `repeats` times) and Loupe's predicts
 * in this process. Data: the 13,107 standardized test rows of the reference gemstone split
 * against its 52,428 training rows. Then the switch between k-d tree and brute force: both
 * searches on Gaussian random data (the hardest case for a tree: no structure to prune on) as
 * the number of features grows, and with k 5/25/50 on 3,000 and 20,000 rows where the choice is close.
 *
 * Run: node --import tsx bench/knn.ts [--rounds 3] [--repeats 3] [--no-sweep] [--no-gemstone]
 * Target (issue 13): Loupe's median predict ≤ 1.2× scikit-learn's.
 */
import { loadavg } from 'node:os';
import { KNeighborsRegressor } from '../src/core/models/knn';
import { bruteRefinedRows, treePays } from '../src/core/models/knn/neighbour-index';
import { KdTree } from '../src/core/models/knn/kd-tree';
import type { Matrix } from '../src/core/models/types';
import { Rng } from '../src/core/random';
import { haveGemstone, loadGemstoneSplit, rmse, SKIP_MESSAGE } from '../tests/helpers/gemstone';
import { measureInChild, median, printJson, round, runChild } from './lib/measure';
import { option, pythonPeer } from './lib/python-peer';

interface KnnReport {
  tool: string;
  algorithm: string;
  fitSeconds: number;
  predictSecondsRuns: number[];
  rmse: number;
}

function timePredict(m: KNeighborsRegressor, X: Matrix, times: number): { runs: number[]; pred: Float64Array } {
  const runs: number[] = [];
  let pred: Float64Array = new Float64Array(0);
  for (let r = 0; r < times; r++) {
    const t0 = performance.now();
    pred = m.predict(X);
    runs.push((performance.now() - t0) / 1000);
  }
  return { runs, pred };
}

function gaussian(rows: number, p: number, rng: Rng): Matrix {
  return { data: Float64Array.from({ length: rows * p }, () => rng.normal()), rows, cols: p };
}

async function gemstone(rounds: number, repeats: number): Promise<Record<string, unknown>> {
  const s = loadGemstoneSplit();
  const brute = await new KNeighborsRegressor({ k: 5, algorithm: 'brute' }).fit(s.trainStd, s.yTrain);
  // The defaults ('auto'), as a user gets them; fit time includes building and probing the tree.
  const t0 = performance.now();
  const tree = await new KNeighborsRegressor({ k: 5 }).fit(s.trainStd, s.yTrain);
  const treeFit = (performance.now() - t0) / 1000;
  const peerRuns: number[] = [];
  const treeRuns: number[] = [];
  let peer: KnnReport | undefined;
  let pred: Float64Array = new Float64Array(0);
  for (let r = 0; r < rounds; r++) {
    peer = pythonPeer<KnnReport>(['knn', String(repeats)]);
    peerRuns.push(...peer.predictSecondsRuns);
    const t = timePredict(tree, s.testStd, repeats);
    treeRuns.push(...t.runs);
    pred = t.pred;
  }
  const b = timePredict(brute, s.testStd, 1);
  const treeMedian = median(treeRuns);
  const peerMedian = median(peerRuns);
  return {
    data: { trainRows: s.trainStd.rows, testRows: s.testStd.rows, features: s.trainStd.cols },
    loupe: { search: tree.search, fitSeconds: round(treeFit), predictSeconds: round(treeMedian), predictSecondsRuns: treeRuns.map((x) => round(x)), rmse: round(rmse(pred, s.yTest), 2) },
    loupeBrute: { predictSeconds: round(b.runs[0]), rmse: round(rmse(b.pred, s.yTest), 2), samePredictions: b.pred.every((v, i) => v === pred[i]) },
    peer: peer && {
      tool: `${peer.tool} KNeighborsRegressor(n_neighbors=5), algorithm ${peer.algorithm}, 1 thread`,
      fitSeconds: round(peer.fitSeconds),
      predictSeconds: round(peerMedian),
      predictSecondsRuns: peerRuns.map((x) => round(x)),
      rmse: round(peer.rmse, 2),
    },
    predictRatio: round(treeMedian / peerMedian, 2),
    target: 'predictRatio ≤ 1.2',
  };
}

/** Both searches on Gaussian data: p features, `rows` training rows, 2,000 queries, k neighbours (in a child process). */
async function sweepOne(p: number, rows: number, k: number): Promise<Record<string, unknown>> {
  const rng = new Rng(p);
  const train = gaussian(rows, p, rng);
  const y = Float64Array.from({ length: train.rows }, () => rng.normal());
  const test = gaussian(2_000, p, rng);
  const tree = await new KNeighborsRegressor({ k, algorithm: 'kd_tree' }).fit(train, y);
  const brute = await new KNeighborsRegressor({ k, algorithm: 'brute' }).fit(train, y);
  brute.predict({ ...test, rows: 50, data: test.data.subarray(0, 50 * p) }); // warm up tfjs
  const t = median(timePredict(tree, test, 3).runs);
  const b = median(timePredict(brute, test, 3).runs);
  const share = new KdTree(train.data, train.rows, p).scannedShare(train.data, train.rows, k, 64);
  return {
    features: p,
    rows,
    k,
    kdTreeSeconds: round(t),
    bruteSeconds: round(b),
    kdTreeOverBrute: round(t / b, 2),
    scannedShare: round(share, 3),
    scannedOverRefined: round((share * rows) / bruteRefinedRows(rows, k), 2),
    autoPicks: treePays(share, rows, k) ? 'kd_tree' : 'brute',
  };
}

/**
 * The switch's sweep, each case in a fresh process so that one's JIT state cannot colour the
 * next: feature counts at 20,000 rows and k = 5, then k 5/25/50 on 3,000 and 20,000 rows where
 * the choice is close (6–12 features).
 */
async function sweep(): Promise<Record<string, unknown>[]> {
  const cases: [number, number, number][] = [2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 32].map((p) => [p, 20_000, 5]);
  for (const p of [6, 8, 10, 12]) for (const rows of [3_000, 20_000]) for (const k of [5, 25, 50]) if (!(rows === 20_000 && k === 5)) cases.push([p, rows, k]);
  const out = [];
  for (const [p, rows, k] of cases) {
    const r = await runChild(import.meta.filename, ['--sweep-child', String(p), String(rows), String(k)]);
    const row = Object.fromEntries(['features', 'rows', 'k', 'kdTreeSeconds', 'bruteSeconds', 'kdTreeOverBrute', 'scannedShare', 'scannedOverRefined', 'autoPicks'].map((f) => [f, r[f]]));
    process.stderr.write(JSON.stringify(row) + '\n');
    out.push(row);
  }
  return out;
}

async function main(): Promise<void> {
  const child = process.argv.indexOf('--sweep-child');
  if (child > 0) return measureInChild(() => sweepOne(...(process.argv.slice(child + 1, child + 4).map(Number) as [number, number, number])));
  const rounds = Number(option('--rounds', '3'));
  const repeats = Number(option('--repeats', '3'));
  const out: Record<string, unknown> = { model: 'knn', k: 5 };
  if (!process.argv.includes('--no-gemstone')) out.gemstone = haveGemstone ? await gemstone(rounds, repeats) : { skipped: SKIP_MESSAGE };
  if (!process.argv.includes('--no-sweep')) out.switchSweep = { data: 'Gaussian, 2,000 queries', rows: await sweep() };
  out.loadAverage1m = loadavg()[0];
  printJson(out);
}

void main();
