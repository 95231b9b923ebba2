import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { roundTrip } from '../../helpers/model-json';
import { BundleError } from '../../../src/core/errors';
import { modelFromJSON } from '../../../src/core/models/registry';
import { DecisionTreeClassifier, type TreeClassifierParams } from '../../../src/core/models/tree';
import type { Classifier, Matrix } from '../../../src/core/models/types';
import { accuracyOf, expectProbabilities, syntheticClasses } from '../../helpers/classification';

interface Fixture {
  X: number[][];
  y: number[];
  Xtest: number[][];
  cases: { params: Record<string, unknown>; proba: number[][]; importance: number[]; nodes: number }[];
}

const fixture = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../fixtures/sklearn-tree-classifier-small.json'), 'utf8')) as Fixture;
const matrix = (rows: number[][]): Matrix => ({ data: Float64Array.from(rows.flat()), rows: rows.length, cols: rows[0].length });

describe('DecisionTreeClassifier', () => {
  const params = (p: Record<string, unknown>): Partial<TreeClassifierParams> => ({
    criterion: p.criterion as 'gini' | 'entropy',
    maxDepth: (p.max_depth as number | undefined) ?? null,
    minSamplesLeaf: (p.min_samples_leaf as number | undefined) ?? 1,
    classWeight: p.class_weight === 'balanced' ? 'balanced' : 'none',
  });

  it.each(fixture.cases.map((c) => [JSON.stringify(c.params), c] as const))(
    "grows scikit-learn's tree where no two splits tie (depth ≤ 4: %s): same probabilities, importances and node count",
    async (_name, c) => {
      const m = await new DecisionTreeClassifier(params(c.params)).fit(matrix(fixture.X), Float64Array.from(fixture.y));
      const proba = m.predictProba(matrix(fixture.Xtest));
      const want = c.proba.flat();
      for (let i = 0; i < want.length; i++) expect(proba[i], `entry ${i}`).toBeCloseTo(want[i], 12);
      const imp = m.featureImportance();
      c.importance.forEach((v, j) => expect(imp[j], `importance ${j}`).toBeCloseTo(v, 12));
      expect(m.flatTree().feature.length).toBe(c.nodes);
    },
  );

  it('gives valid probabilities whose argmax is predict; deep trees fit their training rows', async () => {
    const tr = syntheticClasses(800, 5, 4, 1);
    const te = syntheticClasses(300, 5, 4, 2);
    const m = await new DecisionTreeClassifier({ seed: 3 }).fit(tr.X, tr.y);
    expectProbabilities(m.predictProba(te.X), te.X.rows, 4);
    expect(accuracyOf(tr.y, m.predict(tr.X))).toBe(1);
    expect(accuracyOf(te.y, m.predict(te.X))).toBeGreaterThan(0.6);
  });

  it('keeps classCount columns when a class is missing from y', async () => {
    const tr = syntheticClasses(400, 5, 2, 5);
    const m = await new DecisionTreeClassifier({ maxDepth: 3 }).fit(tr.X, tr.y, { classCount: 3 });
    const proba = m.predictProba(tr.X);
    expectProbabilities(proba, tr.X.rows, 3);
    for (let i = 0; i < tr.X.rows; i++) expect(proba[i * 3 + 2]).toBe(0);
  });

  it('round-trips through the registry with identical probabilities, and checks the class shares it reads', async () => {
    const tr = syntheticClasses(400, 5, 3, 6);
    const m = await new DecisionTreeClassifier({ maxDepth: 5, criterion: 'entropy' }).fit(tr.X, tr.y);
    const back = modelFromJSON(roundTrip(m.toJSON())) as Classifier;
    expect(Array.from(back.predictProba(tr.X))).toEqual(Array.from(m.predictProba(tr.X)));
    const bad = roundTrip(m.toJSON());
    const proba = (bad.state.proba as Float64Array).slice();
    proba[4] = 1.5;
    bad.state = { ...bad.state, proba };
    expect(() => modelFromJSON(bad)).toThrow(expect.objectContaining({ name: 'BundleError', where: { field: 'state.proba[4]' } }));
    const short = roundTrip(m.toJSON());
    short.state = { ...short.state, proba: (short.state.proba as Float64Array).slice(1) };
    expect(() => modelFromJSON(short)).toThrow(BundleError);
  });
});
