import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/core/data';
import { CancelledError, PipelineError } from '../../../src/core/errors';
import { rankByR2, trainCandidates, type CandidateResult } from '../../../src/core/pipeline/train';
import { defaultRecipe } from '../../../src/core/recipe';
import { generateSampleGemstones } from '../../../src/core/sample';

async function sample(rows = 1500) {
  return parseCsv(generateSampleGemstones(rows, 3));
}

describe('training pipeline', () => {
  it('trains candidates, ranks them by R² and picks the best', async () => {
    const ds = await sample();
    const recipe = defaultRecipe(ds.schema, 'price', ds.table);
    const progress: number[] = [];
    const done: string[] = [];
    const res = await trainCandidates({
      table: ds.table,
      recipe,
      candidates: [{ type: 'linear' }, { type: 'gbdt', params: { maxIterations: 60 } }, { type: 'tree', params: { maxDepth: 6 } }],
      split: { kind: 'holdout', testSize: 0.2, seed: 42 },
      onProgress: (p) => progress.push(p.overall),
      onCandidateDone: (r) => done.push(r.name),
    });
    expect(res.split).toMatchObject({ kind: 'holdout', trainRows: 1200, testRows: 300 });
    expect(res.leaderboard).toHaveLength(3);
    const r2 = res.leaderboard.map((r) => r.metrics!.r2);
    expect([...r2].sort((a, b) => b - a)).toEqual(r2);
    expect(res.best).toBe(res.leaderboard[0].name);
    expect(done).toHaveLength(3);
    expect(progress.at(-1)).toBe(1);
    for (const r of res.leaderboard) {
      expect(r.status).toBe('finished');
      expect(r.testPredictions).toHaveLength(300);
      expect(r.fitSeconds).toBeGreaterThanOrEqual(0);
    }
    expect(res.testTarget).toHaveLength(300);
    expect(res.logs.some((l) => l.stage === 'evaluation' && l.message.startsWith('Best model'))).toBe(true);
    expect(new Set(res.logs.map((l) => l.stage))).toEqual(new Set(['ingestion', 'transformation', 'training', 'evaluation']));
  });

  it('k-fold reports per-fold metrics and refits on all rows', async () => {
    const ds = await sample(600);
    const res = await trainCandidates({
      table: ds.table,
      recipe: defaultRecipe(ds.schema, 'price', ds.table),
      candidates: [{ type: 'ridge' }],
      split: { kind: 'kfold', k: 3, seed: 1 },
    });
    const r = res.leaderboard[0];
    expect(r.folds).toHaveLength(3);
    expect(r.metrics!.r2).toBeCloseTo(r.folds!.reduce((s, m) => s + m.r2, 0) / 3, 12);
    expect(r.model).toBeDefined();
  });

  it('records a failed candidate and still finishes the others', async () => {
    const ds = await sample(400);
    const res = await trainCandidates({
      table: ds.table,
      recipe: defaultRecipe(ds.schema, 'price', ds.table),
      candidates: [{ type: 'knn', params: { k: -3 } }, { type: 'linear' }],
      split: { kind: 'holdout', testSize: 0.25, seed: 1 },
    });
    expect(res.best).toBe('Linear regression');
    const bad = res.leaderboard.find((r) => r.type === 'knn')!;
    expect(bad.status).toBe('failed');
    expect(bad.error?.stage).toBe('training');
    expect(res.leaderboard.at(-1)).toBe(bad);
  });

  it('names the stage in errors and honours cancellation', async () => {
    const ds = await sample(400);
    const recipe = defaultRecipe(ds.schema, 'price', ds.table);
    await expect(
      trainCandidates({ table: ds.table, recipe: { ...recipe, target: 'nope' }, candidates: [{ type: 'linear' }], split: { kind: 'holdout', testSize: 0.2, seed: 1 } }),
    ).rejects.toSatisfy((e: unknown) => e instanceof PipelineError && e.where.stage === 'transformation');
    const ac = new AbortController();
    const run = trainCandidates({
      table: ds.table,
      recipe,
      candidates: [{ type: 'gbdt', params: { maxIterations: 5000, earlyStopping: false, learningRate: 0.001 } }],
      split: { kind: 'holdout', testSize: 0.2, seed: 1 },
      signal: ac.signal,
      onProgress: (p) => {
        if (p.fraction > 0) ac.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });

  it('rankByR2 puts unfinished candidates last', () => {
    const mk = (name: string, r2: number | undefined, status: CandidateResult['status'] = 'finished') =>
      ({ name, status, metrics: r2 === undefined ? undefined : { r2 } }) as CandidateResult;
    expect(rankByR2([mk('a', 0.5), mk('b', undefined, 'failed'), mk('c', 0.9)]).map((r) => r.name)).toEqual(['c', 'a', 'b']);
  });
});
