/**
 * Speed of classifier explanations (issue 11/12): SHAP values for 1,000 rows of telco-churn.csv
 * with the default gradient-boosted classifier, trained through Loupe's own recipe and pipeline
 * (19 input columns, one-hot columns one player each), by exact TreeSHAP on the log-odds margin,
 * beside a peer measured in the same run: the model-agnostic route, sampling Shapley on the
 * probability (128 permutations a row, what k-NN gets), on the first `SAMPLED_ROWS` rows and
 * scaled to 1,000. The model's own predictProba of the 1,000 rows is printed for scale.
 *
 *   node --import tsx bench/shap-classifier.ts [runs]
 *
 * Prints JSON; figures are medians of `runs` (default 5), wall and CPU seconds. Checks local
 * accuracy (base + Σ values = the margin) on every row.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseBundle, serializeBundle } from '../src/core/bundle/bundle';
import { parseCsv } from '../src/core/data';
import { takeRows } from '../src/core/data/table';
import { Explainer } from '../src/core/explain';
import { classifierMethod } from '../src/core/explain/classifier';
import { playersFromSources } from '../src/core/explain/players';
import type { GradientBoostingClassifier } from '../src/core/models/gbdt';
import type { Classifier, Matrix } from '../src/core/models/types';
import { runTraining } from '../src/core/pipeline/train';
import { defaultRecipe } from '../src/core/recipe';
import { haveTelco, TELCO_CSV, TELCO_SKIP_MESSAGE } from '../tests/helpers/telco';
import { cpuSeconds, median, printJson, round } from './lib/measure';

const ROWS = 1000;
const SAMPLED_ROWS = 10;
const PERMUTATIONS = 128;

async function main(): Promise<void> {
  if (!haveTelco) {
    printJson({ skipped: TELCO_SKIP_MESSAGE });
    return;
  }
  const runs = Number(process.argv[2] ?? 5);
  const ds = await parseCsv(readFileSync(TELCO_CSV, 'utf8'));
  const recipe = defaultRecipe(ds.schema, 'Churn', ds.table);
  const result = await runTraining({
    table: ds.table,
    recipe,
    dataset: { hash: '0'.repeat(64) },
    candidates: [{ type: 'gbdt-classifier', params: {} }],
    split: { kind: 'holdout', testSize: 0.2, seed: 42 },
  });
  const bundle = result.leaderboard[0].bundle;
  if (!bundle) throw new Error(`gbdt-classifier did not train: ${result.leaderboard[0].error}`);
  const loaded = parseBundle(serializeBundle(bundle));
  const model = loaded.model as GradientBoostingClassifier;
  const { X } = loaded.recipe.transformTable(takeRows(ds.table, Int32Array.from({ length: ROWS }, (_, i) => i)));

  const wall: number[] = [];
  const cpu: number[] = [];
  let e = new Explainer(model, loaded.recipe).explain(X);
  for (let r = 0; r < runs; r++) {
    const c0 = cpuSeconds();
    const t0 = performance.now();
    // Preparing the explainer (routing tables, players) is part of the cost.
    e = new Explainer(model, loaded.recipe).explain(X);
    wall.push((performance.now() - t0) / 1000);
    cpu.push(cpuSeconds() - c0);
  }
  const margin = model.decisionFunction(X)[0];
  let localAccuracy = 0;
  for (let r = 0; r < ROWS; r++) localAccuracy = Math.max(localAccuracy, Math.abs(e.predictions[r] - margin[r]));

  const predictWall: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    model.predictProba(X);
    predictWall.push((performance.now() - t0) / 1000);
  }

  // The peer: sampling Shapley on the probability of "Yes", as for a model without trees, against 32 training rows.
  const players = playersFromSources(loaded.recipe.featureSources(), loaded.recipe.inputSchema().map((c) => c.name));
  const bg = X.data.slice(0, 32 * X.cols);
  // The same model seen only through the Classifier contract plus background rows.
  const opaque = { type: model.type, task: 'classification', classCount: 2, predictProba: (m: Matrix) => model.predictProba(m), backgroundRows: () => bg } as unknown as Classifier;
  const sampled = classifierMethod(opaque, 'sampling', [1], players, { permutations: PERMUTATIONS, seed: 0 });
  const few = { data: X.data.slice(0, SAMPLED_ROWS * X.cols), rows: SAMPLED_ROWS, cols: X.cols, features: X.features };
  const sWall: number[] = [];
  let permutationsUsed = 0;
  for (let r = 0; r < Math.min(runs, 3); r++) {
    const t0 = performance.now();
    permutationsUsed = sampled(few).permutations ?? 0;
    sWall.push((performance.now() - t0) / 1000);
  }
  const treeShapSeconds = median(wall);
  const samplingPerRow = median(sWall) / SAMPLED_ROWS;
  printJson({
    benchmark: 'shap-classifier',
    data: 'telco-churn.csv, first 1,000 rows, Loupe default recipe',
    model: 'gbdt-classifier (default params)',
    rows: ROWS,
    inputColumns: e.columns.length,
    features: X.cols,
    trees: model.iterations,
    unit: e.unit,
    treeShap: { seconds: round(treeShapSeconds), cpuSeconds: round(median(cpu)), secondsAll: wall.map((x) => round(x)), runs },
    predictProba: { seconds: round(median(predictWall), 4) },
    samplingPeer: { rowsMeasured: SAMPLED_ROWS, permutations: permutationsUsed, secondsPerRow: round(samplingPerRow, 4), secondsFor1000RowsScaled: round(samplingPerRow * ROWS, 1) },
    speedupOverSampling: round((samplingPerRow * ROWS) / treeShapSeconds, 1),
    localAccuracyMaxError: localAccuracy,
    loadAverage1m: round(loadavg()[0], 2),
  });
}

void main();
