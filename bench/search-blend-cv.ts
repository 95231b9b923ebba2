/**
 * How the search's starting points and the gbdt refit were chosen: cross-validation on the
 * TRAINING rows of the gemstone reference split only (the test rows are never scored).
 *
 *   node --import tsx bench/search-blend-cv.ts 'gbdt:{}' 'mlp:{"hiddenLayers":[128,128],"batchSize":256,"maxEpochs":40}' ...
 *   node --import tsx bench/search-blend-cv.ts --refit 'gbdt:{"maxDepth":6}'
 *   node --import tsx bench/search-blend-cv.ts --bagging [configs…]
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
import { takeRows as takeTableRows } from '../src/core/data/table';
import { createModel } from '../src/core/models/registry';
import { refitParams } from '../src/core/pipeline/search-schedule';
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

/**
 * --bagging: nested 5-fold CV of a blend's members shipped two ways. For each outer fold, the
 * search's own k-fold CV of its training part (searchData, seed = outer fold) gives each
 * configuration's fold models and out-of-fold predictions, and greedy selection weighs them; the
 * outer test part is then predicted (a) by each member refitted on the whole training part
 * (refitParams, as search --ensemble ships today), (b) by the mean of its k fold models (bagging,
 * as AutoGluon ships), and (c) by the mean of (a) and (b). Prints each configuration's and the
 * blend's RMSE over every outer test row for each.
 *
 * Measured 2026-12-06 with the default members (the search's starts and the forest): bagging
 * lowers each gbdt by 0.8–1.4 and the forest by 4.3, raises the MLP by 2.9 (it gains more from
 * the fifth of the rows than from averaging), and leaves the blend where it was: refit 592.29,
 * bag 592.68, their mean 592.21. The blend already averages the members' variance away, so
 * search --ensemble keeps refitting.
 */
async function bagging(configs: string[]): Promise<void> {
  await initTf();
  const { ds, train } = await referenceSplitTables();
  const recipe = defaultRecipe(ds.schema, 'price', ds.table);
  const ways = ['refit', 'bag', 'refit+bag'] as const;
  const n = train.rowCount;
  const actual = new Float64Array(n);
  const single = configs.map(() => Object.fromEntries(ways.map((w) => [w, new Float64Array(n)])) as Record<(typeof ways)[number], Float64Array>);
  const blended = Object.fromEntries(ways.map((w) => [w, new Float64Array(n)])) as Record<(typeof ways)[number], Float64Array>;
  const weightsByFold: number[][] = [];
  let o = 0;
  for (const outer of kFold(n, 5, 2026)) {
    const outerTrain = takeTableRows(train, outer.train);
    const outerTest = takeTableRows(train, outer.test);
    const data = await searchData({ table: outerTrain, recipe, split: { kind: 'test-table', table: outerTest, seed: o }, seed: o });
    const test = data.prepared.test!;
    outer.test.forEach((r, i) => (actual[r] = test.yRaw[i]));
    const foldTestX = data.folds.map((fd) => fd.recipe.transformTable(outerTest).X);
    const oofs: Float64Array[] = [];
    const preds: Record<(typeof ways)[number], Float64Array>[] = [];
    for (const arg of configs) {
      const { model, given } = parseConfig(arg);
      const params = resolveParams(MODEL_CATALOG[model].params, { ...(MODEL_CATALOG[model].seeded ? { seed: o } : {}), ...given }, model) as Record<string, unknown>;
      const oof = new Float64Array(data.actual.length);
      const bag = new Float64Array(test.yRaw.length);
      const stepsRun: number[] = [];
      for (let k = 0; k < data.folds.length; k++) {
        const fd = data.folds[k];
        const m = createModel(model, params);
        await m.fit(fd.train.X, fd.train.y);
        const h = m.history();
        if (MODEL_CATALOG[model].refitSteps && h.validation.length > 0) stepsRun.push(h.train.length);
        const p = fd.recipe.decodeTarget(m.predict(fd.test.X));
        fd.rows.forEach((r, i) => (oof[r] = p[i]));
        const q = fd.recipe.decodeTarget(m.predict(foldTestX[k]));
        q.forEach((v, i) => (bag[i] += v / data.folds.length));
      }
      const full = createModel(model, refitParams({ model, params, stepsRun: stepsRun.length === data.folds.length ? stepsRun : undefined }));
      await full.fit(data.prepared.train.X, data.prepared.train.y);
      const refit = data.prepared.recipe.decodeTarget(full.predict(test.X));
      const both = refit.map((v, i) => (v + bag[i]) / 2);
      oofs.push(oof);
      preds.push({ refit, bag, 'refit+bag': both });
      process.stderr.write(`outer ${o} ${arg}: cv ${round(rmse(data.actual, oof), 2)} refit ${round(rmse(test.yRaw, refit), 2)} bag ${round(rmse(test.yRaw, bag), 2)} both ${round(rmse(test.yRaw, both), 2)}\n`);
    }
    const w = selectWeights(oofs, data.actual, TARGET_UNITS, { method: 'greedy' }).weights;
    weightsByFold.push(Array.from(w, (x) => round(x, 3)));
    for (const way of ways) {
      preds.forEach((p, j) => outer.test.forEach((r, i) => ((single[j][way][r] = p[way][i]), (blended[way][r] += w[j] * p[way][i]))));
    }
    process.stderr.write(`outer ${o} blend: ${ways.map((way) => `${way} ${round(rmse(test.yRaw, Float64Array.from(outer.test, (r) => blended[way][r])), 2)}`).join(', ')}\n`);
    o++;
  }
  const score = (p: Record<(typeof ways)[number], Float64Array>): Record<string, number> => Object.fromEntries(ways.map((w) => [w, round(rmse(actual, p[w]), 2)]));
  printJson({
    data: 'gemstone training rows only (nested 5-fold CV: outer folds scored, inner folds the search\'s CV)',
    configs: configs.map((c, j) => ({ config: c, outerRmse: score(single[j]) })),
    blendOuterRmse: score(blended),
    weightsByFold,
  });
}

/** The search's starting points and the forest: the members a 120 s search blends. */
const DEFAULT_MEMBERS = ['gbdt:{}', 'gbdt:{"maxDepth":6,"numLeaves":64,"learningRate":0.03,"loss":"squared_error_log_link"}', 'gbdt:{"loss":"squared_error_log_target"}', 'mlp:{"hiddenLayers":[128,128],"maxEpochs":40,"batchSize":256,"alpha":0.01}', 'forest:{}'];

async function main(): Promise<void> {
  if (!haveReferenceSplit) {
    printJson({ skipped: `${GEMSTONE_CSV} or ${GEMSTONE_TEST_IDS} is absent` });
    return;
  }
  const args = process.argv.slice(2);
  if (args[0] === '--refit') await refit(args[1] ?? 'gbdt:{}');
  else if (args[0] === '--bagging') await bagging(args.length > 1 ? args.slice(1) : DEFAULT_MEMBERS);
  else await blend(args.length > 0 ? args : ['gbdt:{}', 'gbdt:{"maxDepth":6,"numLeaves":64,"learningRate":0.03,"loss":"squared_error_log_link"}', 'mlp:{}', 'mlp:{"hiddenLayers":[128,128],"maxEpochs":40,"batchSize":256}', 'forest:{}']);
}

await main();
