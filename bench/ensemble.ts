/**
 * Ensembles on the gemstone reference split: k-fold cross-validation of the candidates on the
 * 52,428 training rows (their out-of-fold predictions weigh the ensemble), every model refitted
 * on all training rows, then scored on the 13,107 test rows — the ensemble (greedy selection and
 * ridge stacking) beside the best single model by cross-validation.
 *
 *   node --import tsx bench/ensemble.ts [--models linear,ridge,knn,tree,forest,gbdt,mlp] [--folds 5] [--seed 42]
 *
 * Default models: those the Train screen ticks by default. Prints one JSON object. Figures that
 * matter are RMSEs (the same every run for a seed); seconds are for scale on a shared machine.
 */
import { CANDIDATE_TYPES, MODEL_CATALOG } from '../src/core/models/catalog';
import { isModelType } from '../src/core/models/registry';
import type { ModelType, Regressor } from '../src/core/models/types';
import { rmse } from '../src/core/metrics';
import { ensembleCandidate, type OutOfFoldCandidate } from '../src/core/pipeline/ensemble';
import { runTraining } from '../src/core/pipeline/train';
import { defaultRecipe } from '../src/core/recipe';
import { kFold } from '../src/core/data/split';
import { initTf } from '../src/core/tf';
import { printJson, round } from './lib/measure';
import { option } from './lib/options';
import { GEMSTONE_CSV, GEMSTONE_TEST_IDS, haveReferenceSplit, referenceSplitTables } from './lib/reference-split';

async function main(): Promise<void> {
  if (!haveReferenceSplit) {
    printJson({ skipped: `${GEMSTONE_CSV} or ${GEMSTONE_TEST_IDS} is absent` });
    return;
  }
  const defaults = CANDIDATE_TYPES.filter((t) => MODEL_CATALOG[t].selectedByDefault);
  const models = (option('models')?.split(',') ?? defaults).filter(isModelType) as ModelType[];
  const k = Number(option('folds') ?? 5);
  const seed = Number(option('seed') ?? 42);
  const { ds, train, test } = await referenceSplitTables();
  const recipe = defaultRecipe(ds.schema, 'price', ds.table);
  const tf = models.some((m) => MODEL_CATALOG[m].tfjs) ? await initTf() : undefined;

  const t0 = performance.now();
  const run = await runTraining({
    table: train,
    recipe,
    dataset: { hash: 'bench' },
    bundles: 'none',
    intervals: false,
    modelSeed: seed,
    candidates: models.map((type) => ({ type, name: type })),
    split: { kind: 'kfold', k, seed },
    ensemble: {},
    onCandidateDone: (r) => process.stderr.write(`${r.name}: ${r.status}, CV RMSE ${r.metrics ? r.metrics.rmse.toFixed(2) : '—'} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`),
  });
  const fitted = run.recipe;
  const { X: testX, y: testY } = fitted.transformTable(test);
  const testRmse = (m: Regressor): { rmse: number; seconds: number } => {
    const t = performance.now();
    const p = fitted.decodeTarget(m.predict({ ...testX, features: fitted.features }));
    return { rmse: rmse(testY!, p), seconds: (performance.now() - t) / 1000 };
  };

  const singles = run.leaderboard.filter((r) => r.status === 'finished' && r.type !== 'ensemble');
  const rows = singles.map((r) => ({ model: r.name, cvRmse: round(r.metrics!.rmse, 2), testRmse: round(testRmse(r.model!).rmse, 2), fitSeconds: round(r.fitSeconds, 2) }));
  const bestSingle = singles[0];
  const bestSingleTest = testRmse(bestSingle.model!);

  // Greedy selection came with the run; stacking from the same out-of-fold predictions (no refit needed).
  const greedy = run.leaderboard.find((r) => r.type === 'ensemble')!;
  if (greedy.status !== 'finished') throw new Error(`ensemble: ${greedy.error?.message}`);
  const actual = singles[0].evaluation!.actual;
  const foldOf = new Uint32Array(actual.length);
  kFold(actual.length, k, seed).forEach((f, i) => f.test.forEach((r) => (foldOf[r] = i)));
  const members: OutOfFoldCandidate[] = singles.map((r) => ({ name: r.name, type: r.type, oof: r.evaluation!.predicted, model: r.model!, fitSeconds: r.fitSeconds, predictSeconds: r.predictSeconds }));
  const t1 = performance.now();
  const stacking = ensembleCandidate({ candidates: members, actual, recipe: fitted, foldOf, k, request: { method: 'stacking' } }).result;
  const stackingSeconds = (performance.now() - t1) / 1000;

  const ensembleRow = (r: typeof greedy) => {
    const t = testRmse(r.model!);
    return {
      cvRmse: round(r.metrics!.rmse, 2),
      testRmse: round(t.rmse, 2),
      predictSeconds: round(t.seconds, 3),
      members: r.members!.map((m) => ({ name: m.name, weight: round(m.weight, 4) })),
    };
  };
  const g = ensembleRow(greedy);
  const s = { ...ensembleRow(stacking), buildSeconds: round(stackingSeconds, 2) };
  printJson({
    bench: 'ensemble',
    split: { train: train.rowCount, test: test.rowCount, folds: k, seed },
    tfBackend: tf,
    node: process.version,
    models: rows,
    bestSingle: { model: bestSingle.name, cvRmse: round(bestSingle.metrics!.rmse, 2), testRmse: round(bestSingleTest.rmse, 2), predictSeconds: round(bestSingleTest.seconds, 3) },
    greedy: g,
    stacking: s,
    testGainGreedy: round(bestSingleTest.rmse - g.testRmse, 2),
    testGainStacking: round(bestSingleTest.rmse - s.testRmse, 2),
    totalSeconds: round((performance.now() - t0) / 1000, 1),
  });
}

await main();
