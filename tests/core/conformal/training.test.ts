/** Intervals in the training run and in bundles: where calibration comes from, what is stored, what loads. */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle, type ModelBundle } from '../../../src/core/bundle/bundle';
import { MAX_CALIBRATION_ROWS } from '../../../src/core/conformal';
import { parseCsv } from '../../../src/core/data';
import { BundleError, InvalidParamsError } from '../../../src/core/errors';
import { runTraining, type TrainingRequest, type TrainingResult } from '../../../src/core/pipeline/train';
import { defaultRecipe } from '../../../src/core/recipe';
import { generateSampleGemstones } from '../../../src/core/sample';

const DATASET = { hash: 'c'.repeat(64), name: 'sample.csv' };

async function request(rows: number, rest: Partial<TrainingRequest> & Pick<TrainingRequest, 'candidates' | 'split'>): Promise<TrainingRequest> {
  const ds = await parseCsv(generateSampleGemstones(rows, 4));
  return { table: ds.table, recipe: defaultRecipe(ds.schema, 'price', ds.table), dataset: DATASET, ...rest };
}

const GBDT = { type: 'gbdt' as const, params: { maxIterations: 60 } };

describe('intervals in the training run', () => {
  let holdout: TrainingResult;
  beforeAll(async () => {
    holdout = await runTraining(await request(1500, { candidates: [GBDT, { type: 'linear' }], split: { kind: 'holdout', testSize: 0.2, seed: 5 }, modelSeed: 5 }));
  });

  it('hold-out: calibrates each candidate on 20 % of the training rows and measures coverage on the test part', () => {
    for (const r of holdout.leaderboard) {
      const iv = r.intervals!;
      expect(iv.method).toBe('split');
      expect(iv.coverage).toBe(0.9);
      expect(iv.calibrationRows).toBe(240); // 20 % of 1,200 training rows
      // Normalised by default: σ̂ fitted on half the calibration rows, scores on the other half.
      expect(iv.scale).toBeDefined();
      expect(iv.scores).toHaveLength(120);
      expect(Array.from(iv.scores)).toEqual(Array.from(iv.scores).sort((a, b) => a - b));
      expect(iv.evaluation).toMatchObject({ kind: 'test', coverage: 0.9, rows: 300 });
      // 300 test rows: the coverage is near 90 % (its standard error is ~1.7 points).
      expect(iv.evaluation!.empiricalCoverage).toBeGreaterThan(0.84);
      expect(iv.evaluation!.empiricalCoverage).toBeLessThan(0.97);
      expect(iv.evaluation!.meanWidth).toBeGreaterThan(0);
    }
    expect(holdout.logs.some((l) => /90 % intervals cover \d+\.\d % of the test rows/.test(l.message))).toBe(true);
  });

  it('leaves the shipped model and its metrics as they are without intervals', async () => {
    const without = await runTraining(await request(1500, { candidates: [GBDT, { type: 'linear' }], split: { kind: 'holdout', testSize: 0.2, seed: 5 }, modelSeed: 5, intervals: false }));
    for (const r of without.leaderboard) {
      const same = holdout.leaderboard.find((c) => c.name === r.name)!;
      expect(r.metrics).toEqual(same.metrics);
      expect(r.intervals).toBeUndefined();
      expect(r.bundle!.intervals).toBeUndefined();
    }
    expect(without.warnings).toEqual([]);
  });

  it('plain intervals when asked: one width for every row, every calibration row a score', async () => {
    const res = await runTraining(await request(600, { candidates: [{ type: 'linear' }], split: { kind: 'holdout', testSize: 0.25, seed: 1 }, intervals: { coverage: 0.8, normalized: false } }));
    const iv = res.leaderboard[0].intervals!;
    expect(iv.scale).toBeUndefined();
    expect(iv.scores).toHaveLength(90);
    expect(iv.coverage).toBe(0.8);
    expect(iv.evaluation!.coverage).toBe(0.8);
  });

  it('k-fold: the out-of-fold errors calibrate the refitted model, coverage estimated fold by fold', async () => {
    const res = await runTraining(await request(800, { candidates: [GBDT], split: { kind: 'kfold', k: 4, seed: 2 } }));
    const iv = res.leaderboard[0].intervals!;
    expect(iv.method).toBe('cv');
    expect(iv.calibrationRows).toBe(800);
    expect(iv.scores).toHaveLength(400);
    expect(iv.evaluation).toMatchObject({ kind: 'out-of-fold', rows: 400 });
    expect(iv.evaluation!.empiricalCoverage).toBeGreaterThan(0.84);
    expect(iv.evaluation!.empiricalCoverage).toBeLessThan(0.96);
    expect(MAX_CALIBRATION_ROWS).toBe(20_000);
  });

  it('too few training rows for the coverage: trains anyway, warns, and ships no intervals', async () => {
    const res = await runTraining(await request(40, { candidates: [{ type: 'linear' }], split: { kind: 'holdout', testSize: 0.25, seed: 1 }, intervals: { coverage: 0.95 } }));
    expect(res.leaderboard[0].status).toBe('finished');
    expect(res.leaderboard[0].intervals).toBeUndefined();
    expect(res.leaderboard[0].bundle!.intervals).toBeUndefined();
    const w = res.warnings.find((x) => x.code === 'no-intervals')!;
    expect(w.message).toBe('No prediction intervals: 95 % intervals need at least 19 calibration rows set apart from at least as many training rows, and there are 30 training rows.');
  });

  it('on small data sets apart the fewest calibration rows the coverage needs', async () => {
    const res = await runTraining(await request(40, { candidates: [{ type: 'linear' }], split: { kind: 'holdout', testSize: 0.25, seed: 1 } }));
    expect(res.warnings).toEqual([]);
    const iv = res.leaderboard[0].intervals!;
    expect(iv.calibrationRows).toBe(9); // 20 % of 30 is 6, fewer than the 9 that 90 % needs
    expect(iv.scale).toBeUndefined();
    expect(Number.isFinite(iv.evaluation!.meanWidth)).toBe(true);
  });

  it('refuses a coverage outside (0, 1), naming the field', async () => {
    const req = await request(100, { candidates: [{ type: 'linear' }], split: { kind: 'holdout', testSize: 0.2, seed: 1 }, intervals: { coverage: 90 } });
    await expect(runTraining(req)).rejects.toThrow(InvalidParamsError);
    await expect(runTraining(req)).rejects.toMatchObject({ where: { field: 'intervals.coverage' } });
  });
});

describe('intervals in bundles', () => {
  let bundle: ModelBundle;
  beforeAll(async () => {
    const res = await runTraining(await request(1500, { candidates: [GBDT], split: { kind: 'holdout', testSize: 0.2, seed: 3 } }));
    bundle = res.leaderboard[0].bundle!;
  });

  it('round-trip: the calibration, its residual model and its evaluation come back as they were', () => {
    const text = serializeBundle(bundle);
    const loaded = parseBundle(text);
    expect(loaded.intervals).toBeDefined();
    expect(loaded.bundle.intervals).toEqual(bundle.intervals);
    expect(JSON.parse(serializeBundle(loaded.bundle))).toEqual(JSON.parse(text));
    expect(loaded.intervals!.scale!.model.type).toBe('gbdt');
  });

  it('a bundle from before intervals (no field) still loads, without intervals', () => {
    const old = JSON.parse(serializeBundle(bundle));
    delete old.intervals;
    const loaded = parseBundle(JSON.stringify(old));
    expect(loaded.intervals).toBeUndefined();
    expect('intervals' in loaded.bundle).toBe(false);
  });

  const broken = (edit: (iv: Record<string, unknown>) => void): string => {
    const b = JSON.parse(serializeBundle(bundle));
    edit(b.intervals);
    return JSON.stringify(b);
  };

  it.each([
    ['intervals.coverage', (iv: Record<string, unknown>) => (iv.coverage = 1.5)],
    ['intervals.method', (iv: Record<string, unknown>) => (iv.method = 'magic')],
    ['intervals.scores', (iv: Record<string, unknown>) => (iv.scores = [1, 2, 3])],
    ['intervals.scores', (iv: Record<string, unknown>) => ((iv.scores as { length: number }).length += 1)],
    ['intervals.scale.model.type', (iv: Record<string, unknown>) => ((iv.scale as { model: { type: string } }).model.type = 'knn')],
    ['intervals.scale.model.params.numLeaves', (iv: Record<string, unknown>) => ((iv.scale as { model: { params: Record<string, unknown> } }).model.params.numLeaves = -3)],
    ['intervals.evaluation.empiricalCoverage', (iv: Record<string, unknown>) => ((iv.evaluation as Record<string, unknown>).empiricalCoverage = 2)],
  ])('refuses a bad calibration with a BundleError naming %s', (field, edit) => {
    let err: unknown;
    try {
      parseBundle(broken(edit));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BundleError);
    expect((err as BundleError).code).toBe('bad-intervals');
    expect((err as BundleError).where.field).toBe(field);
  });

  it('refuses scores that are not ascending, naming the first one out of order', () => {
    const b = JSON.parse(serializeBundle(bundle));
    const loaded = parseBundle(serializeBundle(bundle));
    const scores = Float64Array.from(loaded.intervals!.scores).reverse();
    b.intervals.scores = { $typed: 'Float64Array', length: scores.length, base64: Buffer.from(scores.buffer).toString('base64') };
    expect(() => parseBundle(JSON.stringify(b))).toThrow(/intervals\.scores\[1\]: scores must be finite, non-negative and ascending/);
  });
});
