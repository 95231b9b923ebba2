import { describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle } from '../../../src/core/bundle/bundle';
import { parseCsv } from '../../../src/core/data';
import { CancelledError, PipelineError } from '../../../src/core/errors';
import { regressionMetrics } from '../../../src/core/metrics';
import { createModel } from '../../../src/core/models/registry';
import { rankCandidates, runTraining, type CandidateResult, type TrainingRequest } from '../../../src/core/pipeline/train';
import { defaultRecipe, fitRecipe } from '../../../src/core/recipe';
import { generateSampleGemstones } from '../../../src/core/sample';
import { predictRecords } from '../../../src/core/pipeline/predict';

const DATASET = { hash: 'b'.repeat(64), name: 'sample.csv' };

async function sample(rows = 1500) {
  return parseCsv(generateSampleGemstones(rows, 3));
}

async function request(rows: number, rest: Partial<TrainingRequest> & Pick<TrainingRequest, 'candidates' | 'split'>): Promise<TrainingRequest> {
  const ds = await sample(rows);
  return { table: ds.table, recipe: defaultRecipe(ds.schema, 'price', ds.table), dataset: DATASET, ...rest };
}

/** A small table whose columns are given as lists of numbers. */
async function numericTable(cols: Record<string, number[]>) {
  const names = Object.keys(cols);
  const n = cols[names[0]].length;
  const csv = [names.join(','), ...Array.from({ length: n }, (_, i) => names.map((c) => cols[c][i]).join(','))].join('\n');
  return parseCsv(csv);
}

describe('the training run', () => {
  it('trains candidates, ranks them by R², picks the best and builds each bundle', async () => {
    const progress: number[] = [];
    const done: string[] = [];
    const req = await request(1500, {
      candidates: [{ type: 'linear' }, { type: 'gbdt', params: { maxIterations: 60 } }, { type: 'tree', params: { maxDepth: 6 } }],
      split: { kind: 'holdout', testSize: 0.2, seed: 42 },
      onProgress: (p) => progress.push(p.overall),
      onCandidateDone: (r) => done.push(r.name),
    });
    const res = await runTraining(req);
    expect(res.split).toMatchObject({ kind: 'holdout', trainRows: 1200, testRows: 300 });
    expect(res.rankedBy).toBe('r2');
    expect(res.warnings).toEqual([]);
    expect(res.leaderboard).toHaveLength(3);
    const r2 = res.leaderboard.map((r) => r.metrics!.r2);
    expect([...r2].sort((a, b) => b - a)).toEqual(r2);
    expect(res.best).toBe(res.leaderboard[0].name);
    expect(done).toHaveLength(3);
    expect(progress.at(-1)).toBe(1);
    for (const r of res.leaderboard) {
      expect(r.status).toBe('finished');
      expect(r.fitSeconds).toBeGreaterThan(0);
      // The per-row test predictions are the ones the metrics were computed from.
      expect(r.evaluation).toMatchObject({ kind: 'test', totalRows: 300 });
      expect(r.evaluation!.actual).toHaveLength(300);
      expect(regressionMetrics(r.evaluation!.actual, r.evaluation!.predicted)).toEqual(r.metrics);
      // Its bundle predicts what the model does, and carries its metrics and lineage.
      const loaded = parseBundle(serializeBundle(r.bundle!));
      expect(loaded.bundle.metrics.test).toEqual(r.metrics);
      expect(loaded.bundle.lineage).toMatchObject({ datasetHash: DATASET.hash, datasetName: 'sample.csv', datasetRows: 1500, seed: 42, split: res.split });
      expect(loaded.bundle.name).toBe(`price — ${r.name}`);
    }
    expect(res.evaluationRows.inSample).toBe(false);
    expect(res.evaluationRows.y).toEqual(res.leaderboard[0].evaluation!.actual);
    expect(res.logs.some((l) => l.stage === 'evaluation' && l.message.startsWith('Best model'))).toBe(true);
    expect(new Set(res.logs.map((l) => l.stage))).toEqual(new Set(['ingestion', 'transformation', 'training', 'evaluation']));
  });

  it('builds only the best bundle, or none, when asked', async () => {
    const req = await request(500, { candidates: [{ type: 'linear' }, { type: 'ridge' }], split: { kind: 'holdout', testSize: 0.2, seed: 1 } });
    const best = await runTraining({ ...req, bundles: 'best' });
    expect(best.leaderboard.map((r) => r.bundle !== undefined)).toEqual([true, false]);
    const none = await runTraining({ ...req, bundles: 'none' });
    expect(none.leaderboard.every((r) => r.bundle === undefined)).toBe(true);
  });

  it('k-fold: per-fold metrics, out-of-fold predictions for every row, and a refit equal to a direct fit on all rows', async () => {
    const ds = await sample(600);
    const recipe = defaultRecipe(ds.schema, 'price', ds.table);
    const res = await runTraining({ table: ds.table, recipe, dataset: DATASET, candidates: [{ type: 'ridge' }], split: { kind: 'kfold', k: 3, seed: 1 } });
    const r = res.leaderboard[0];
    expect(r.folds).toHaveLength(3);
    expect(r.metrics!.r2).toBeCloseTo(r.folds!.reduce((s, m) => s + m.r2, 0) / 3, 12);
    expect(r.evaluation).toMatchObject({ kind: 'out-of-fold', totalRows: 600 });
    // Every row was predicted once, by a model that did not see it: no better than the folds say.
    const pooled = regressionMetrics(r.evaluation!.actual, r.evaluation!.predicted);
    expect(pooled.rmse).toBeGreaterThan(0);
    expect(Math.abs(pooled.r2 - r.metrics!.r2)).toBeLessThan(0.02);
    // The refit is the model a direct fit on every row gives.
    const fitted = fitRecipe(recipe, ds.table);
    const t = fitted.transformTable(ds.table);
    const direct = await createModel('ridge').fit(t.X, fitted.encodeTarget(t.y!));
    expect(Array.from(r.model!.predict(t.X))).toEqual(Array.from(direct.predict(t.X)));
    expect(res.evaluationRows.inSample).toBe(true);
  });

  it('keeps at most maxEvaluationRows per-row predictions, a seeded sample, and says how many were scored', async () => {
    const req = await request(1000, { candidates: [{ type: 'linear' }], split: { kind: 'kfold', k: 2, seed: 5 }, maxEvaluationRows: 100 });
    const a = (await runTraining(req)).leaderboard[0].evaluation!;
    const b = (await runTraining(req)).leaderboard[0].evaluation!;
    expect(a.totalRows).toBe(1000);
    expect(a.actual).toHaveLength(100);
    expect(Array.from(b.predicted)).toEqual(Array.from(a.predicted));
  });

  it('gives seeded models the run seed unless their params set one', async () => {
    const req = await request(400, { candidates: [{ type: 'tree' }, { type: 'tree', params: { seed: 3 } }, { type: 'linear' }], split: { kind: 'holdout', testSize: 0.25, seed: 1 }, modelSeed: 17 });
    const res = await runTraining(req);
    const byName = Object.fromEntries(res.leaderboard.map((r) => [r.name, r.params]));
    expect(byName['Decision tree'].seed).toBe(17);
    expect(byName['Decision tree #2'].seed).toBe(3);
    expect(byName['Linear regression'].seed).toBeUndefined();
  });

  it('records a failed candidate and still finishes the others', async () => {
    const req = await request(400, { candidates: [{ type: 'knn', params: { k: -3 } }, { type: 'linear' }], split: { kind: 'holdout', testSize: 0.25, seed: 1 } });
    const res = await runTraining(req);
    expect(res.best).toBe('Linear regression');
    const bad = res.leaderboard.find((r) => r.type === 'knn')!;
    expect(bad.status).toBe('failed');
    expect(bad.error).toMatchObject({ stage: 'training', code: 'bad-param' });
    expect(bad.bundle).toBeUndefined();
    expect(res.leaderboard.at(-1)).toBe(bad);
  });

  it('names the stage in errors and honours cancellation', async () => {
    const req = await request(400, { candidates: [{ type: 'linear' }], split: { kind: 'holdout', testSize: 0.2, seed: 1 } });
    await expect(runTraining({ ...req, recipe: { ...req.recipe, target: 'nope' } })).rejects.toSatisfy((e: unknown) => e instanceof PipelineError && e.where.stage === 'transformation');
    const ac = new AbortController();
    const run = runTraining({
      ...req,
      candidates: [{ type: 'gbdt', params: { maxIterations: 5000, earlyStopping: false, learningRate: 0.001 } }],
      signal: ac.signal,
      onProgress: (p) => {
        if (p.fraction > 0) ac.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });

  it('rankCandidates puts unfinished candidates last, by R² or by RMSE', () => {
    const mk = (name: string, r2: number | undefined, rmse = 0, status: CandidateResult['status'] = 'finished') =>
      ({ name, status, metrics: r2 === undefined ? undefined : { r2, rmse } }) as CandidateResult;
    expect(rankCandidates([mk('a', 0.5), mk('b', undefined, 0, 'failed'), mk('c', 0.9)]).map((r) => r.name)).toEqual(['c', 'a', 'b']);
    expect(rankCandidates([mk('a', 0, 3), mk('b', undefined, 0, 'failed'), mk('c', 0, 5)], 'rmse').map((r) => r.name)).toEqual(['a', 'c', 'b']);
  });
});

describe('degenerate data (the newcomer defects)', () => {
  it('refuses a constant target with an error naming the column', async () => {
    const ds = await numericTable({ x: Array.from({ length: 50 }, (_, i) => i), y: Array(50).fill(3) });
    const run = runTraining({ table: ds.table, recipe: defaultRecipe(ds.schema, 'y', ds.table), dataset: DATASET, candidates: [{ type: 'linear' }], split: { kind: 'holdout', testSize: 0.2, seed: 1 } });
    await expect(run).rejects.toMatchObject({ name: 'PipelineError', code: 'constant-target', where: { column: 'y', stage: 'transformation' } });
  });

  it('refuses a test part of one row, and k-fold folds under two rows, saying what to do', async () => {
    const ds = await numericTable({ x: [1.5, 2.25, 3.5, 4.75, 5.5], y: [2, 4, 5, 9, 11] });
    const base = { table: ds.table, recipe: defaultRecipe(ds.schema, 'y', ds.table), dataset: DATASET, candidates: [{ type: 'linear' as const }] };
    await expect(runTraining({ ...base, split: { kind: 'holdout', testSize: 0.2, seed: 1 } })).rejects.toMatchObject({ code: 'test-too-small', where: { field: 'testSize' } });
    await expect(runTraining({ ...base, split: { kind: 'holdout', testSize: 0.2, seed: 1 } })).rejects.toThrow(/1 row; scoring a model needs at least 2.*larger test share or k-fold/);
    await expect(runTraining({ ...base, split: { kind: 'kfold', k: 5, seed: 1 } })).rejects.toMatchObject({ code: 'test-too-small', where: { field: 'k' } });
    // Two rows per fold are enough.
    const ok = await runTraining({ ...base, table: (await numericTable({ x: [1.5, 2.25, 3.5, 4.75, 5.5, 6.25], y: [2, 4, 5, 9, 11, 12] })).table, split: { kind: 'kfold', k: 3, seed: 1 } });
    expect(ok.leaderboard[0].status).toBe('finished');
  });

  it('ranks by RMSE and says so when the test target is constant (R² undefined)', async () => {
    // The training rows vary; the 10 test rows of the given test file all have y = 7.
    const train = await numericTable({ x: Array.from({ length: 40 }, (_, i) => ((i * 7) % 40) + 0.5), y: Array.from({ length: 40 }, (_, i) => 2 * i + (i % 3)) });
    const test = await numericTable({ x: Array.from({ length: 10 }, (_, i) => 3 + i * 0.01), y: Array(10).fill(7) });
    const res = await runTraining({
      table: train.table,
      recipe: defaultRecipe(train.schema, 'y', train.table),
      dataset: DATASET,
      candidates: [{ type: 'linear' }, { type: 'tree', params: { maxDepth: 1 } }],
      split: { kind: 'test-table', table: test.table, seed: 1 },
    });
    expect(res.rankedBy).toBe('rmse');
    expect(res.warnings.map((w) => w.code)).toEqual(['r2-undefined']);
    const rmse = res.leaderboard.map((r) => r.metrics!.rmse);
    expect([...rmse].sort((a, b) => a - b)).toEqual(rmse);
    expect(res.best).toBe(res.leaderboard[0].name);
  });

  it('warns when features outnumber the training rows (wide data)', async () => {
    const cols: Record<string, number[]> = {};
    for (let j = 0; j < 30; j++) cols[`f${j}`] = Array.from({ length: 25 }, (_, i) => Math.sin(i * (j + 1)));
    cols.y = Array.from({ length: 25 }, (_, i) => i);
    const ds = await numericTable(cols);
    const res = await runTraining({ table: ds.table, recipe: defaultRecipe(ds.schema, 'y', ds.table), dataset: DATASET, candidates: [{ type: 'ridge' }], split: { kind: 'holdout', testSize: 0.2, seed: 1 } });
    expect(res.warnings).toEqual([expect.objectContaining({ code: 'wide-data', rows: 20, message: expect.stringContaining('more features (30) than training rows (20)') })]);
  });

  it('counts the rows removed for a missing target as a warning', async () => {
    const y = Array.from({ length: 30 }, (_, i) => (i % 10 === 0 ? NaN : i * 1.5));
    const ds = await numericTable({ x: Array.from({ length: 30 }, (_, i) => ((i * 7) % 30) + 0.5), y });
    // The default recipe drops them in a cleaning step (counted there); without that step the run drops and warns.
    const recipe = { ...defaultRecipe(ds.schema, 'y', ds.table), cleaning: [] };
    const res = await runTraining({ table: ds.table, recipe, dataset: DATASET, candidates: [{ type: 'linear' }], split: { kind: 'holdout', testSize: 0.2, seed: 1 } });
    expect(res.warnings).toEqual([expect.objectContaining({ code: 'missing-target', column: 'y', rows: 3 })]);
    expect(res.split.removedByCleaning).toBe(3);
  });
});

describe('bundles from the run', () => {
  it('predict what the run scored', async () => {
    const req = await request(600, { candidates: [{ type: 'gbdt', params: { maxIterations: 30 } }], split: { kind: 'holdout', testSize: 0.2, seed: 4 } });
    const res = await runTraining(req);
    const c = res.leaderboard[0];
    const loaded = parseBundle(serializeBundle(c.bundle!));
    const rows = [{ carat: 0.7, cut: 'Ideal', color: 'G', clarity: 'VS1', depth: 61.2, table: 57, x: 5.69, y: 5.73, z: 3.5 }];
    const direct = res.recipe.decodeTarget(c.model!.predict(res.recipe.transformRecords(rows).X));
    expect(Array.from(predictRecords(loaded, rows).predictions)).toEqual(Array.from(direct));
  });
});
