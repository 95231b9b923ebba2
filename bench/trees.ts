/**
 * Decision tree and random forest on the reference gemstone split: fit seconds (median of 3 for
 * the tree, one run for the 100-tree forest), predict seconds on the 13,107 test rows, RMSE, R².
 * Run: node --import tsx bench/trees.ts   (optional: --trees N for the forest size)
 * Compare with ../shared/reference/peers.md (scikit-learn: tree 0.20 s / 836.20; forest 6.7 s on 2 threads / 611.84).
 */
import { haveGemstone, loadGemstoneSplit, rmse, SKIP_MESSAGE } from '../tests/helpers/gemstone';
import { DecisionTreeRegressor } from '../src/core/models/tree';
import { RandomForestRegressor } from '../src/core/models/forest';
import type { Regressor } from '../src/core/models/types';
import { r2 } from '../src/core/metrics';
import { cpuSeconds, median } from './lib/measure';
import { numberOption } from './lib/options';

if (!haveGemstone) {
  console.log(JSON.stringify({ skipped: SKIP_MESSAGE }));
  process.exit(0);
}
const nTrees = numberOption('trees', 100);
const s = loadGemstoneSplit();


async function run(make: () => Regressor, repeats: number): Promise<Record<string, unknown>> {
  const fits: number[] = [];
  const cpus: number[] = [];
  let model: Regressor | undefined;
  for (let r = 0; r < repeats; r++) {
    const m = make();
    const c0 = cpuSeconds();
    const t0 = performance.now();
    await m.fit(s.trainStd, s.yTrain);
    fits.push((performance.now() - t0) / 1000);
    cpus.push(cpuSeconds() - c0);
    model = m;
  }
  const preds: number[] = [];
  let p: Float64Array = new Float64Array(0);
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    p = model!.predict(s.testStd);
    preds.push((performance.now() - t0) / 1000);
  }
  return {
    fitSeconds: median(fits),
    fitRuns: fits,
    fitCpuSeconds: median(cpus),
    predictSeconds: median(preds),
    rmse: rmse(p, s.yTest),
    r2: r2(s.yTest, p),
  };
}

const tree = await run(() => new DecisionTreeRegressor(), 3);
const forest = await run(() => new RandomForestRegressor({ nEstimators: nTrees }), 1);
console.log(
  JSON.stringify(
    {
      data: { trainRows: s.trainStd.rows, testRows: s.testStd.rows, features: s.trainStd.cols },
      decisionTree: { params: 'defaults (unlimited depth)', ...tree },
      randomForest: { params: `nEstimators ${nTrees}, defaults, one thread`, ...forest },
      reference: { sklearnTree: { fitSeconds: 0.2, rmse: 836.2 }, sklearnForest2Threads: { fitSeconds: 6.7, rmse: 611.84 } },
    },
    null,
    2,
  ),
);
