/**
 * Saving another decision threshold into a trained bundle (the Train screen's slider) gives the
 * bundle a run trained with that threshold would have made: decision, reference-sample
 * predictions and threshold-dependent metrics alike.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/core/data';
import type { ModelBundle } from '../../../src/core/bundle/bundle';
import { BundleError, InvalidParamsError } from '../../../src/core/errors';
import { withDecisionThreshold } from '../../../src/core/pipeline/decision-threshold';
import { runTraining, type SplitSpec, type TrainingRequest } from '../../../src/core/pipeline/train';
import { defaultRecipe } from '../../../src/core/recipe';

/** n rows of two overlapping classes ("no" around 0, "yes" around 1.2 in x1; x2 noise), deterministic. */
async function request(n: number, split: SplitSpec, threshold?: number, labels = ['no', 'yes']): Promise<TrainingRequest> {
  const lines = ['x1,x2,shade,churn'];
  let s = 987;
  const rand = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
  for (let i = 0; i < n; i++) {
    const yes = i % 3 === 0;
    lines.push(`${((yes ? 1.2 : 0) + 2.5 * rand()).toFixed(4)},${(2 * rand()).toFixed(4)},${i % 2 ? 'dark' : 'light'},${labels[yes ? 1 : 0]}`);
  }
  const ds = await parseCsv(lines.join('\n'));
  return {
    table: ds.table,
    recipe: defaultRecipe(ds.schema, 'churn', ds.table),
    dataset: { hash: 'd'.repeat(64), name: 'churn.csv' },
    candidates: [{ type: 'logistic' }],
    split,
    referenceSampleRows: 150,
    ...(threshold !== undefined ? { threshold } : {}),
  };
}

/** The bundle without the moment it was made and the seconds its fit took. */
function timeless(b: ModelBundle): unknown {
  return JSON.parse(JSON.stringify({ ...b, lineage: { ...b.lineage, createdAt: '' }, metrics: { ...b.metrics, fitSeconds: 0, predictSeconds: 0 } }));
}

describe('a bundle saved with another decision threshold', () => {
  for (const split of [{ kind: 'holdout', testSize: 0.25, seed: 3 }, { kind: 'kfold', k: 4, seed: 3 }] as SplitSpec[])
    it(`${split.kind}: equals the bundle of a run trained with that threshold`, async () => {
      const at05 = (await runTraining(await request(400, split))).leaderboard[0];
      const at03 = (await runTraining(await request(400, split, 0.3))).leaderboard[0];
      const moved = withDecisionThreshold(at05.bundle!, 0.3, at05.evaluation);
      expect(moved.metricsUpdated).toBe(true);
      expect(moved.bundle.decision).toEqual({ threshold: 0.3 });
      // The metrics that depend on the threshold moved; the ones of the probabilities did not.
      expect(moved.bundle.metrics.classification!.test.recall).toBeGreaterThan(at05.bundle!.metrics.classification!.test.recall);
      expect(moved.bundle.metrics.classification!.test.rocAuc).toBe(at05.bundle!.metrics.classification!.test.rocAuc);
      expect(moved.bundle.referenceSample!.predictions).not.toEqual(at05.bundle!.referenceSample!.predictions);
      expect(timeless(moved.bundle)).toEqual(timeless(at03.bundle!));
    });

  it('at the threshold it already has, the bundle comes back as it was', async () => {
    const c = (await runTraining(await request(300, { kind: 'holdout', testSize: 0.25, seed: 5 }))).leaderboard[0];
    expect(timeless(withDecisionThreshold(c.bundle!, 0.5, c.evaluation).bundle)).toEqual(timeless(c.bundle!));
  });

  it('an evaluation that is a sample of the rows scored leaves the metrics as they were, and says so', async () => {
    const c = (await runTraining({ ...(await request(400, { kind: 'holdout', testSize: 0.5, seed: 5 })), maxEvaluationRows: 50 })).leaderboard[0];
    expect(c.evaluation!.actual.length).toBeLessThan(c.evaluation!.totalRows);
    const moved = withDecisionThreshold(c.bundle!, 0.2, c.evaluation);
    expect(moved.metricsUpdated).toBe(false);
    expect(moved.bundle.metrics).toEqual(c.bundle!.metrics);
    expect(moved.bundle.decision).toEqual({ threshold: 0.2 });
  });

  it('refuses a threshold outside [0, 1] and a bundle that is not a binary classifier, naming the field', async () => {
    const c = (await runTraining(await request(300, { kind: 'holdout', testSize: 0.25, seed: 5 }))).leaderboard[0];
    expect(() => withDecisionThreshold(c.bundle!, 1.2)).toThrow(InvalidParamsError);
    const three = (await runTraining({ ...(await request(300, { kind: 'holdout', testSize: 0.25, seed: 5 })) })).leaderboard[0].bundle!;
    const multi = { ...three, classes: ['no', 'yes', 'maybe'] };
    expect(() => withDecisionThreshold(multi, 0.4)).toThrow(BundleError);
    expect(() => withDecisionThreshold(multi, 0.4)).toThrow(expect.objectContaining({ where: expect.objectContaining({ field: 'decision' }) }));
  });
});
