/**
 * A classifier's bundle (logistic regression on a generated three-class and a two-class target):
 * the round trip keeps the classes, the threshold and identical probabilities; NaN metrics
 * survive JSON; a bundle whose model and recipe disagree on the task is refused, naming the field.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle, type ModelBundle } from '../../../src/core/bundle/bundle';
import { parseCsv } from '../../../src/core/data';
import { BundleError } from '../../../src/core/errors';
import { isClassifier, type Classifier } from '../../../src/core/models/types';
import { predictRecords } from '../../../src/core/pipeline/predict';
import { runTraining, type TrainingResult } from '../../../src/core/pipeline/train';
import { defaultRecipe } from '../../../src/core/recipe';
import { thrown } from '../../helpers/errors';

/** n rows: a number, a label and a class that depends on both (three classes, or two with `binary`). */
function csv(n: number, binary: boolean): string {
  const lines = ['size,shop,kind'];
  for (let i = 0; i < n; i++) {
    const size = (i * 37) % 100;
    const shop = ['north', 'south'][i % 2];
    const kind = binary ? (size + (shop === 'north' ? 15 : 0) + ((i * 13) % 30) > 70 ? 'big' : 'small') : size < 33 ? 'low' : size < 66 ? 'mid' : 'high';
    lines.push(`${size},${shop},${kind}`);
  }
  return lines.join('\n');
}

async function train(binary: boolean, threshold?: number): Promise<TrainingResult> {
  const ds = await parseCsv(csv(300, binary));
  return runTraining({
    table: ds.table,
    dataset: { hash: 'd'.repeat(64) },
    recipe: defaultRecipe(ds.schema, 'kind', ds.table),
    candidates: [{ type: 'logistic' }],
    split: { kind: 'holdout', testSize: 0.25, seed: 5 },
    intervals: false,
    ...(threshold !== undefined ? { threshold } : {}),
  });
}

const rows = [
  { size: 10, shop: 'north' },
  { size: '55', shop: 'south' },
  { size: 90, shop: 'north' },
];

describe("a classifier's bundle", () => {
  let three: TrainingResult;
  let two: TrainingResult;
  beforeAll(async () => {
    [three, two] = await Promise.all([train(false), train(true, 0.3)]);
  });

  it('round-trips the classes and identical probabilities; three classes have no threshold', () => {
    const r = three.leaderboard[0];
    const loaded = parseBundle(serializeBundle(r.bundle!));
    expect(loaded.bundle).toMatchObject({ task: 'classification', classes: ['high', 'low', 'mid'] });
    expect(loaded.bundle.decision).toBeUndefined();
    expect(loaded.recipe.classes).toEqual(['high', 'low', 'mid']);
    expect(isClassifier(loaded.model) && loaded.model.classCount).toBe(3);
    const direct = (r.model as Classifier).predictProba(three.recipe.transformRecords(rows).X);
    expect(Array.from(predictRecords(loaded, rows).probabilities!)).toEqual(Array.from(direct));
    expect(loaded.bundle.metrics.classification!.test).toEqual(r.classification);
  });

  it('keeps a binary threshold, and predicts with it', () => {
    const loaded = parseBundle(serializeBundle(two.leaderboard[0].bundle!));
    expect(loaded.bundle.decision).toEqual({ threshold: 0.3 });
    const out = predictRecords(loaded, rows);
    for (let i = 0; i < rows.length; i++) expect(out.predictions[i]).toBe(out.probabilities![2 * i + 1] >= 0.3 ? 1 : 0);
  });

  it('reads back a NaN metric (JSON null) as NaN', () => {
    const b: ModelBundle = structuredClone(three.leaderboard[0].bundle!);
    b.metrics.classification!.test.rocAuc = NaN;
    const loaded = parseBundle(serializeBundle(b));
    expect(loaded.bundle.metrics.classification!.test.rocAuc).toBeNaN();
  });

  it('refuses a threshold on three classes, and a model whose task or class count contradicts the recipe', () => {
    const b = three.leaderboard[0].bundle!;
    const withDecision = { ...b, decision: { threshold: 0.4 } };
    expect(thrown(() => parseBundle(serializeBundle(withDecision)), BundleError).where.field).toBe('decision');
    // The two-class model inside the three-class recipe.
    const mixed = { ...b, model: two.leaderboard[0].bundle!.model };
    expect(thrown(() => parseBundle(serializeBundle(mixed)), BundleError).where.field).toBe('model.state.classCount');
    // A regression recipe with a classifier.
    const recipe = structuredClone(b.recipe) as { task?: string; classes?: string[] };
    delete recipe.task;
    delete recipe.classes;
    const regression = { ...b, recipe };
    const e = thrown(() => parseBundle(serializeBundle(regression)), BundleError);
    expect(e.where.field).toBe('model.type');
    expect(e.message).toMatch(/predicts classes/);
  });
});
