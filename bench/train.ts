/**
 * Every model on the reference split of ../shared/data/gemstone.csv, through Loupe's own
 * pipeline (parseCsv → default recipe → fit on the 52,428 training rows → score the 13,107 test
 * rows), beside the peer figures of ../shared/reference/peers.md.
 *
 *   node --import tsx bench/train.ts [--models gbdt,forest] [--runs 3]
 *
 * Prints one JSON object (figures per model, with the peer's) and a Markdown table. Fit and
 * predict seconds are medians over `--runs` fits (default 3; the forest and the MLP run once
 * unless asked). Wall-clock on a shared 2-core machine: compare with the peer ratio, not alone.
 */
import { isModelType } from '../src/core/models/registry';
import type { ModelType } from '../src/core/models/types';
import { runTraining } from '../src/core/pipeline/train';
import { defaultRecipe } from '../src/core/recipe';
import { initTf } from '../src/core/tf';
import { median, printJson, round } from './lib/measure';
import { option } from './lib/options';
import { GEMSTONE_CSV, GEMSTONE_TEST_IDS, haveReferenceSplit, referenceSplitTables } from './lib/reference-split';

/** Peers on the same split (../shared/reference/peers.md), 1-thread figures where given: the regression models this bench runs. */
const PEERS = {
  linear: { tool: 'sklearn LinearRegression', fit: 0.014, predict: 0.0002, rmse: 1022.0, r2: 0.93591 },
  ridge: { tool: 'sklearn Ridge(alpha=1)', fit: 0.004, predict: 0.0002, rmse: 1022.01, r2: 0.93591 },
  lasso: { tool: 'sklearn Lasso(alpha=1)', fit: 0.105, predict: 0.0005, rmse: 1021.88, r2: 0.93592 },
  elasticnet: { tool: 'sklearn ElasticNet(1, 0.5)', fit: 0.01, predict: 0.0002, rmse: 1544.04, r2: 0.8537 },
  knn: { tool: 'sklearn KNeighbors(k=5)', fit: 0.045, predict: 0.29, rmse: 699.38, r2: 0.96999 },
  tree: { tool: 'sklearn DecisionTree', fit: 0.2, predict: 0.007, rmse: 836.2, r2: 0.95709 },
  forest: { tool: 'sklearn RandomForest(100), 2 threads', fit: 6.7, predict: 0.27, rmse: 611.84, r2: 0.97703 },
  gbdt: { tool: 'sklearn HistGradientBoosting, 1 thread', fit: 0.31, predict: 0.03, rmse: 577.42, r2: 0.97954 },
  mlp: { tool: 'sklearn MLP(64,64)', fit: 12.6, predict: 0.01, rmse: 631.83, r2: 0.9755 },
} satisfies Partial<Record<ModelType, { tool: string; fit: number; predict: number; rmse: number; r2: number }>>;
type BenchedModel = keyof typeof PEERS;

/** The targets on this split. */
const TARGETS: Partial<Record<ModelType, { rmse: number; fit?: number }>> = {
  gbdt: { rmse: 575, fit: 1.0 },
  forest: { rmse: 612, fit: 6.7 },
  mlp: { rmse: 615, fit: 15 },
  knn: { rmse: 700 },
  tree: { rmse: 840 },
};

async function main(): Promise<void> {
  if (!haveReferenceSplit) {
    printJson({ skipped: `${GEMSTONE_CSV} or ${GEMSTONE_TEST_IDS} is absent` });
    return;
  }
  const models = (option('models')?.split(',') ?? Object.keys(PEERS)).filter((t): t is BenchedModel => isModelType(t) && Object.hasOwn(PEERS, t));
  const runsArg = option('runs');
  const { ds, train, test } = await referenceSplitTables();
  const recipe = defaultRecipe(ds.schema, 'price', ds.table);
  const tf = models.includes('mlp') || models.includes('knn') ? await initTf() : undefined;

  const rows: Record<string, unknown>[] = [];
  for (const type of models) {
    const runs = runsArg ? Number(runsArg) : type === 'forest' || type === 'mlp' ? 1 : 3;
    const fits: number[] = [];
    const predicts: number[] = [];
    let last: Awaited<ReturnType<typeof runTraining>>['leaderboard'][number] | undefined;
    for (let r = 0; r < runs; r++) {
      const res = await runTraining({ table: train, recipe, dataset: { hash: 'bench' }, bundles: 'none', candidates: [{ type, name: type }], split: { kind: 'test-table', table: test, seed: 0 } });
      last = res.leaderboard[0];
      if (last.status !== 'finished') throw new Error(`${type}: ${last.error?.message}`);
      fits.push(last.fitSeconds);
      predicts.push(last.predictSeconds);
    }
    const m = last!.metrics!;
    const row: Record<string, unknown> = {
      model: type,
      fitSeconds: round(median(fits), 3),
      predictSeconds: round(median(predicts), 4),
      rmse: round(m.rmse, 2),
      mae: round(m.mae, 2),
      r2: round(m.r2, 5),
      runs,
      iterations: Math.max(last!.history.train.length, last!.history.validation.length) || undefined,
      peer: PEERS[type],
      fitRatioToPeer: round(median(fits) / PEERS[type].fit, 2),
      target: TARGETS[type],
      meetsRmseTarget: TARGETS[type] ? m.rmse <= TARGETS[type]!.rmse : undefined,
    };
    if (type === 'gbdt') {
      // Predicting 100,000 rows: the test matrix repeated.
      const model = last!.model!;
      const res = await runTraining({ table: train, recipe, dataset: { hash: 'bench' }, bundles: 'none', candidates: [{ type: 'linear' }], split: { kind: 'test-table', table: test, seed: 0 } });
      const X = res.recipe.transformTable(test).X;
      const n = 100_000;
      const data = new Float64Array(n * X.cols);
      for (let i = 0; i < n; i++) data.set(X.data.subarray((i % X.rows) * X.cols, ((i % X.rows) + 1) * X.cols), i * X.cols);
      const times: number[] = [];
      for (let r = 0; r < 5; r++) {
        const t0 = performance.now();
        model.predict({ data, rows: n, cols: X.cols, features: X.features });
        times.push((performance.now() - t0) / 1000);
      }
      row.predict100kSeconds = round(median(times), 4);
    }
    rows.push(row);
    process.stderr.write(`${type}: RMSE ${row.rmse}, R² ${row.r2}, fit ${row.fitSeconds} s (peer ${PEERS[type].fit} s)\n`);
  }
  printJson({ bench: 'train', split: { train: train.rowCount, test: test.rowCount }, tfBackend: tf, node: process.version, models: rows });
  const table = [
    '| model | fit s | predict s | RMSE | R² | peer | peer fit s | peer RMSE |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const p = r.peer as (typeof PEERS)[BenchedModel];
      return `| ${r.model} | ${r.fitSeconds} | ${r.predictSeconds} | ${r.rmse} | ${r.r2} | ${p.tool} | ${p.fit} | ${p.rmse} |`;
    }),
  ].join('\n');
  process.stderr.write('\n' + table + '\n');
}

await main();
