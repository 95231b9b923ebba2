/**
 * What prediction intervals cost the training run, and what they give, on the gemstone reference
 * split: the same request (default gradient-boosted trees) with and without intervals, run
 * alternately in one process, medians of the runs. Also normalised vs plain intervals: coverage on
 * the test rows and mean width. Prints JSON; asserts nothing.
 *
 *   node --import tsx bench/intervals.ts [--runs 3]
 */
import type { IntervalRequest } from '../src/core/conformal/training';
import { runTraining } from '../src/core/pipeline/train';
import { defaultRecipe } from '../src/core/recipe';
import { median, printJson, round } from './lib/measure';
import { numberOption } from './lib/options';
import { GEMSTONE_CSV, GEMSTONE_TEST_IDS, haveReferenceSplit, referenceSplitTables } from './lib/reference-split';

async function main(): Promise<void> {
  if (!haveReferenceSplit) {
    printJson({ skipped: `${GEMSTONE_CSV} or ${GEMSTONE_TEST_IDS} is absent` });
    return;
  }
  const runs = numberOption('runs', 3);
  const { ds, train, test } = await referenceSplitTables();
  const recipe = defaultRecipe(ds.schema, 'price', ds.table);

  const variants: Record<string, IntervalRequest | false> = { none: false, normalised: {}, plain: { normalized: false } };
  const seconds: Record<string, number[]> = { none: [], normalised: [], plain: [] };
  const coverage: Record<string, number[]> = { normalised: [], plain: [] };
  const width: Record<string, number[]> = { normalised: [], plain: [] };
  for (let r = 0; r < runs; r++)
    for (const [name, intervals] of Object.entries(variants)) {
      const t0 = performance.now();
      const res = await runTraining({ table: train, recipe, dataset: { hash: 'bench' }, bundles: 'none', intervals, candidates: [{ type: 'gbdt' }], split: { kind: 'test-table', table: test, seed: r }, modelSeed: r });
      seconds[name].push((performance.now() - t0) / 1000);
      const e = res.leaderboard[0].intervals?.evaluation;
      if (e) {
        coverage[name].push(e.empiricalCoverage);
        width[name].push(e.meanWidth);
      }
    }
  printJson({
    bench: 'intervals',
    split: { trainRows: train.rowCount, testRows: test.rowCount },
    model: 'gbdt (defaults)',
    runs,
    medianRunSeconds: Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, round(median(v), 2)])),
    costRatio: { normalised: round(median(seconds.normalised) / median(seconds.none), 2), plain: round(median(seconds.plain) / median(seconds.none), 2) },
    coverage90: Object.fromEntries(Object.entries(coverage).map(([k, v]) => [k, { perSeed: v.map((x) => round(x, 4)), mean: round(v.reduce((a, b) => a + b, 0) / v.length, 4) }])),
    meanWidth: Object.fromEntries(Object.entries(width).map(([k, v]) => [k, round(median(v), 1)])),
  });
}

await main();
