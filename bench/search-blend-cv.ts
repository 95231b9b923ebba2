/**
 * How the search's starting points and the gbdt refit were chosen: cross-validation on the
 * TRAINING rows of the gemstone reference split only (the test rows are never scored).
 *
 *   node --import tsx bench/search-blend-cv.ts 'gbdt:{}' 'mlp:{"hiddenLayers":[128,128],"batchSize":256,"maxEpochs":40}' ...
 *   node --import tsx bench/search-blend-cv.ts --refit 'gbdt:{"maxDepth":6}'
 *
 * Configurations: each is scored as a search trial (pipeline/search.ts `evaluateTrial`: the
 * search's own 5 folds, seed 0), then greedy ensemble selection weighs their out-of-fold
 * predictions (weights chosen on the same rows, so the blend's figure is a comparison between
 * sets of members, not an estimate of its error). Prints each configuration's CV RMSE and
 * seconds, and the blend's CV RMSE and weights.
 *
 * --refit: nested 5-fold CV of a gbdt configuration — for each outer fold, an inner 5-fold CV
 * of its training part gives the iterations the fits ran; the outer training part is then
 * refitted with early stopping (its own 10 % hold-out) and without it for 1, 1.15, 1.3 and 1.5
 * times the inner fits' mean iterations; prints the mean outer RMSE of each.
 */
import { kFold } from '../src/core/data/split';
import { rmse } from '../src/core/metrics';
import { MODEL_CATALOG } from '../src/core/models/catalog';
import { GradientBoostingRegressor } from '../src/core/models/gbdt/index';
import { resolveParams } from '../src/core/models/params';
import type { Matrix, ModelType } from '../src/core/models/types';
import { selectWeights, TARGET_UNITS } from '../src/core/pipeline/ensemble';
import { evaluateTrial, searchData } from '../src/core/pipeline/search';
import { defaultRecipe } from '../src/core/recipe';
import { initTf } from '../src/core/tf';
import { loadGemstoneSplit } from '../tests/helpers/gemstone';
import { printJson, round } from './lib/measure';
import { GEMSTONE_CSV, GEMSTONE_TEST_IDS, haveReferenceSplit, referenceSplitTables } from './lib/reference-split';

function parseConfig(arg: string): { model: ModelType; given: Record<string, unknown> } {
  const i = arg.indexOf(':');
  return { model: arg.slice(0, i) as ModelType, given: JSON.parse(arg.slice(i + 1)) as Record<string, unknown> };
}

const mean = (a: readonly number[]): number => a.reduce((x, y) => x + y, 0) / a.length;

async function blend(configs: string[]): Promise<void> {
  await initTf();
  const { ds, train, test } = await referenceSplitTables();
  const recipe = defaultRecipe(ds.schema, 'price', ds.table);
  // The test table only completes the request: the folds are of the training rows.
  const data = await searchData({ table: train, recipe, split: { kind: 'test-table', table: test, seed: 0 }, seed: 0 });
  const rows: Record<string, unknown>[] = [];
  const oof: Float64Array[] = [];
  for (const arg of configs) {
    const { model, given } = parseConfig(arg);
    const params = resolveParams(MODEL_CATALOG[model].params, { ...(MODEL_CATALOG[model].seeded ? { seed: 0 } : {}), ...given }, model) as Record<string, unknown>;
    const t = await evaluateTrial(data, { id: rows.length, model, params, resource: 1, bracket: -1, rung: 0 });
    if (t.status !== 'finished') throw new Error(`${arg}: ${t.status} ${t.error?.message ?? ''}`);
    oof.push(t.oof!);
    rows.push({ config: arg, cvRmse: round(t.cvScore, 2), seconds: round(t.seconds, 1) });
    process.stderr.write(JSON.stringify(rows.at(-1)) + '\n');
  }
  const w = selectWeights(oof, data.actual, TARGET_UNITS, { method: 'greedy' }).weights;
  const mix = new Float64Array(data.actual.length);
  oof.forEach((p, j) => p.forEach((v, i) => (mix[i] += w[j] * v)));
  printJson({ data: 'gemstone training rows only (5-fold CV, seed 0)', configs: rows, blendCvRmse: round(rmse(data.actual, mix), 2), weights: Array.from(w, (x) => round(x, 3)) });
}

function takeRows(X: Matrix, rows: ArrayLike<number>): Matrix {
  const p = X.cols;
  const out = new Float64Array(rows.length * p);
  for (let i = 0; i < rows.length; i++) out.set(X.data.subarray(rows[i] * p, rows[i] * p + p), i * p);
  return { data: out, rows: rows.length, cols: p, features: X.features };
}
const takeValues = (y: Float64Array, rows: ArrayLike<number>): Float64Array => Float64Array.from({ length: rows.length }, (_, i) => y[rows[i]]);

async function refit(arg: string): Promise<void> {
  const params = parseConfig(arg).given;
  const multipliers = [1, 1.15, 1.3, 1.5];
  const s = loadGemstoneSplit();
  const scores: Record<string, number[]> = { earlyStopping: [], ...Object.fromEntries(multipliers.map((m) => [`steps x${m}`, []])) };
  for (const outer of kFold(s.trainRaw.rows, 5, 2026)) {
    const X = takeRows(s.trainRaw, outer.train);
    const y = takeValues(s.yTrain, outer.train);
    const Xv = takeRows(s.trainRaw, outer.test);
    const yv = takeValues(s.yTrain, outer.test);
    const steps: number[] = [];
    for (const inner of kFold(X.rows, 5, 7)) steps.push((await new GradientBoostingRegressor({ ...params, seed: 0 }).fit(takeRows(X, inner.train), takeValues(y, inner.train))).history().train.length);
    scores.earlyStopping.push(rmse((await new GradientBoostingRegressor({ ...params, seed: 0 }).fit(X, y)).predict(Xv), yv));
    for (const m of multipliers) {
      const model = await new GradientBoostingRegressor({ ...params, seed: 0, earlyStopping: false, maxIterations: Math.round(mean(steps) * m) }).fit(X, y);
      scores[`steps x${m}`].push(rmse(model.predict(Xv), yv));
    }
  }
  printJson({ data: 'gemstone training rows only (nested 5-fold CV)', params, outerRmse: Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, round(mean(v), 2)])) });
}

async function main(): Promise<void> {
  if (!haveReferenceSplit) {
    printJson({ skipped: `${GEMSTONE_CSV} or ${GEMSTONE_TEST_IDS} is absent` });
    return;
  }
  const args = process.argv.slice(2);
  if (args[0] === '--refit') await refit(args[1] ?? 'gbdt:{}');
  else await blend(args.length > 0 ? args : ['gbdt:{}', 'gbdt:{"maxDepth":6,"numLeaves":64,"learningRate":0.03,"loss":"squared_error_log_link"}', 'mlp:{}', 'mlp:{"hiddenLayers":[128,128],"maxEpochs":40,"batchSize":256}', 'forest:{}']);
}

await main();
