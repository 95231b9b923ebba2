/**
 * Gradient-boosted trees' default fit beside scikit-learn's HistGradientBoostingRegressor
 * (defaults, one thread), in the same run: rounds alternate a scikit-learn process (fits
 * `repeats` times) and Loupe's fits in this process, so both see the same machine load. Then the
 * test RMSE of both over seeds 0–5 on the reference split (the accuracy the defaults must keep).
 *
 * Run: node --import tsx bench/gbdt-peer.ts [jsonParams] [--rounds 3] [--repeats 3] [--python path]
 * Target (issue 13): Loupe's median fit ≤ 1.5× scikit-learn's, mean RMSE over seeds no worse
 * than before. Python: $LOUPE_PYTHON, else /work/skl/bin/python, else python3.
 */
import { loadavg } from 'node:os';
import { GradientBoostingRegressor } from '../src/core/models/gbdt/index';
import type { GbdtParams } from '../src/core/models/gbdt/index';
import { haveGemstone, loadGemstoneSplit, rmse, SKIP_MESSAGE } from '../tests/helpers/gemstone';
import { cpuSeconds, median, printJson, round } from './lib/measure';
import { option, pythonPeer } from './lib/python-peer';

interface HgbReport {
  tool: string;
  fitSecondsRuns: number[];
  /** CPU seconds of the same fits (user + system): steadier than wall time on a shared machine. */
  fitCpuSecondsRuns: number[];
  bySeed: { seed: number; rmse: number; iterations: number }[];
  meanRmse: number;
}

const SEEDS = [0, 1, 2, 3, 4, 5];

async function main(): Promise<void> {
  if (!haveGemstone) {
    printJson({ skipped: SKIP_MESSAGE });
    return;
  }
  const first = process.argv[2];
  const params = (first && !first.startsWith('--') ? JSON.parse(first) : {}) as Partial<GbdtParams>;
  const rounds = Number(option('--rounds', '3'));
  const repeats = Number(option('--repeats', '3'));
  const s = loadGemstoneSplit();
  const peerRuns: number[] = [];
  const peerCpu: number[] = [];
  const loupeRuns: number[] = [];
  const loupeCpu: number[] = [];
  let peer: HgbReport | undefined;
  // One untimed fit first: the JIT's warm-up (reported as firstFitSeconds), as the peer's code
  // arrives compiled; the medians below are then of steady-state fits on both sides.
  const w0 = performance.now();
  await new GradientBoostingRegressor(params).fit(s.trainRaw, s.yTrain);
  const firstFit = (performance.now() - w0) / 1000;
  for (let r = 0; r < rounds; r++) {
    // The peer's seeds are scored in the last round only.
    const rep = pythonPeer<HgbReport>(['hgb', String(repeats), ...(r === rounds - 1 ? [SEEDS.join(',')] : [])]);
    peerRuns.push(...rep.fitSecondsRuns);
    peerCpu.push(...rep.fitCpuSecondsRuns);
    if (r === rounds - 1) peer = rep;
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      const c0 = cpuSeconds();
      await new GradientBoostingRegressor(params).fit(s.trainRaw, s.yTrain);
      loupeRuns.push((performance.now() - t0) / 1000);
      loupeCpu.push(cpuSeconds() - c0);
    }
  }
  const bySeed = [];
  for (const seed of SEEDS) {
    const m = await new GradientBoostingRegressor({ ...params, seed }).fit(s.trainRaw, s.yTrain);
    bySeed.push({ seed, rmse: round(rmse(m.predict(s.testRaw), s.yTest), 2), iterations: m.iterations, iterationsRun: m.history().train.length });
  }
  const loupeMean = bySeed.reduce((a, b) => a + b.rmse, 0) / bySeed.length;
  const loupeFit = median(loupeRuns);
  const peerFit = median(peerRuns);
  printJson({
    data: { trainRows: s.trainRaw.rows, testRows: s.testRaw.rows },
    loadAverage1m: loadavg()[0],
    loupe: { model: 'gbdt', params, firstFitSeconds: round(firstFit), fitSeconds: round(loupeFit), fitSecondsRuns: loupeRuns.map((x) => round(x)), fitCpuSeconds: round(median(loupeCpu)), bySeed, meanRmse: round(loupeMean, 2) },
    peer: peer && {
      tool: `${peer.tool} HistGradientBoostingRegressor defaults, 1 thread`,
      fitSeconds: round(peerFit),
      fitSecondsRuns: peerRuns.map((x) => round(x)),
      fitCpuSeconds: round(median(peerCpu)),
      bySeed: peer.bySeed.map((b) => ({ ...b, rmse: round(b.rmse, 2) })),
      meanRmse: round(peer.meanRmse, 2),
    },
    fitRatio: round(loupeFit / peerFit, 2),
    fitCpuRatio: round(median(loupeCpu) / median(peerCpu), 2),
    target: 'fitRatio ≤ 1.5',
  });
}

void main();
