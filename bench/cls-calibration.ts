/**
 * What probability calibration and prediction sets cost a classification run, and what they give:
 * the training run (runTraining, Loupe's default recipe) on telco-churn.csv's reference split
 * (test rows = ../shared/reference/telco-test-ids.txt), one model, four requests run alternately
 * in one process: no sets and no calibration; sets (the default: a second fit on 80 % of the
 * training rows); sets + Platt; sets + isotonic. Medians of the runs' seconds; test Brier, log
 * loss and ROC AUC, and the 90 % sets' coverage and mean size. Prints JSON; asserts nothing.
 *
 *   node --import tsx bench/cls-calibration.ts [--runs 3] [--model gbdt-classifier]
 */
import { readFileSync } from 'node:fs';
import { parseCsv, takeRows } from '../src/core/data';
import type { CalibrationChoice } from '../src/core/models/calibration-model';
import type { ModelType } from '../src/core/models/types';
import { runTraining } from '../src/core/pipeline/train';
import { defaultRecipe } from '../src/core/recipe';
import { haveTelco, loadTelcoTestIds, TELCO_CSV } from '../tests/helpers/telco';
import { median, printJson, round } from './lib/measure';
import { numberOption, option } from './lib/options';

async function main(): Promise<void> {
  if (!haveTelco) {
    printJson({ skipped: `${TELCO_CSV} or its reference split is absent` });
    return;
  }
  const runs = numberOption('runs', 3);
  const model = (option('model') ?? 'gbdt-classifier') as ModelType;
  const ds = await parseCsv(readFileSync(TELCO_CSV, 'utf8'));
  const ids = loadTelcoTestIds();
  const idColumn = ds.table.columns.find((c) => c.name === 'customerID')!;
  if (idColumn.type !== 'categorical') throw new Error('customerID should be read as labels');
  const isTest = Array.from(idColumn.codes, (code) => ids.has(idColumn.levels[code]));
  const rows = (test: boolean) => Uint32Array.from(isTest.flatMap((t, i) => (t === test ? [i] : [])));
  const train = takeRows(ds.table, rows(false));
  const test = takeRows(ds.table, rows(true));
  const recipe = defaultRecipe(ds.schema, 'Churn', ds.table);

  const variants: Array<{ name: string; sets: boolean; calibration: CalibrationChoice }> = [
    { name: 'plain', sets: false, calibration: 'none' },
    { name: 'sets', sets: true, calibration: 'none' },
    { name: 'sets+platt', sets: true, calibration: 'platt' },
    { name: 'sets+isotonic', sets: true, calibration: 'isotonic' },
  ];
  const seconds: Record<string, number[]> = {};
  const scores: Record<string, Array<{ brier: number; logLoss: number; rocAuc: number; coverage?: number; size?: number }>> = {};
  for (let r = 0; r < runs; r++)
    for (const v of variants) {
      const t0 = performance.now();
      const res = await runTraining({
        table: train,
        recipe,
        dataset: { hash: 'bench' },
        bundles: 'none',
        referenceSampleRows: 0,
        intervals: v.sets ? {} : false,
        calibration: v.calibration,
        candidates: [{ type: model }],
        split: { kind: 'test-table', table: test, seed: r },
        modelSeed: r,
      });
      (seconds[v.name] ??= []).push((performance.now() - t0) / 1000);
      const c = res.leaderboard[0];
      const e = c.predictionSets?.evaluation;
      (scores[v.name] ??= []).push({ brier: c.classification!.brier, logLoss: c.classification!.logLoss, rocAuc: c.classification!.rocAuc, ...(e ? { coverage: e.empiricalCoverage, size: e.meanSetSize } : {}) });
    }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  printJson({
    bench: 'cls-calibration',
    split: { trainRows: train.rowCount, testRows: test.rowCount },
    model,
    runs,
    medianRunSeconds: Object.fromEntries(Object.entries(seconds).map(([k, s]) => [k, round(median(s), 2)])),
    costRatio: Object.fromEntries(Object.entries(seconds).map(([k, s]) => [k, round(median(s) / median(seconds.plain), 2)])),
    test: Object.fromEntries(
      Object.entries(scores).map(([k, s]) => [
        k,
        {
          brier: round(mean(s.map((x) => x.brier)), 5),
          logLoss: round(mean(s.map((x) => x.logLoss)), 5),
          rocAuc: round(mean(s.map((x) => x.rocAuc)), 4),
          ...(s[0].coverage !== undefined ? { setCoverage90: s.map((x) => round(x.coverage!, 4)), meanSetSize: round(mean(s.map((x) => x.size!)), 3) } : {}),
        },
      ]),
    ),
  });
}

await main();
