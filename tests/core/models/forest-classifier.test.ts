import { describe, expect, it } from 'vitest';
import { roundTrip } from '../../helpers/model-json';
import { RandomForestClassifier } from '../../../src/core/models/forest';
import { accumulateProba } from '../../../src/core/models/tree';
import { modelFromJSON } from '../../../src/core/models/registry';
import type { Classifier } from '../../../src/core/models/types';
import { accuracyOf, expectProbabilities, syntheticClasses } from '../../helpers/classification';

describe('RandomForestClassifier', () => {
  const tr = syntheticClasses(1000, 6, 3, 1);
  const te = syntheticClasses(400, 6, 3, 2);

  it('averages its trees’ class shares; predict is their argmax; beats chance by far', async () => {
    const m = await new RandomForestClassifier({ nEstimators: 15, seed: 2 }).fit(tr.X, tr.y);
    const proba = m.predictProba(te.X);
    expectProbabilities(proba, te.X.rows, 3);
    const mean = new Float64Array(te.X.rows * 3);
    for (const t of m.estimators()) accumulateProba(t, te.X.data, te.X.rows, te.X.cols, mean, 1 / 15);
    for (let i = 0; i < mean.length; i++) expect(proba[i]).toBeCloseTo(mean[i], 14);
    expect(accuracyOf(te.y, m.predict(te.X))).toBeGreaterThan(0.75);
    // √6 → 2 features per split by default, and leaves of at least 20 rows.
    expect(m.params.maxFeatures).toBe('sqrt');
    for (const t of m.estimators()) for (let i = 0; i < t.feature.length; i++) if (t.feature[i] < 0) expect(t.nSamples[i]).toBeGreaterThanOrEqual(20);
  });

  it('is deterministic under a seed and differs with another', async () => {
    const a = await new RandomForestClassifier({ nEstimators: 5, seed: 4 }).fit(tr.X, tr.y);
    const b = await new RandomForestClassifier({ nEstimators: 5, seed: 4 }).fit(tr.X, tr.y);
    const c = await new RandomForestClassifier({ nEstimators: 5, seed: 5 }).fit(tr.X, tr.y);
    expect(Array.from(b.predictProba(te.X))).toEqual(Array.from(a.predictProba(te.X)));
    expect(Array.from(c.predictProba(te.X))).not.toEqual(Array.from(a.predictProba(te.X)));
  });

  it('keeps classCount columns when a class is missing, and balanced weights raise a rare class', async () => {
    const two = syntheticClasses(600, 6, 2, 3);
    const m = await new RandomForestClassifier({ nEstimators: 5 }).fit(two.X, two.y, { classCount: 4 });
    const proba = m.predictProba(te.X);
    expectProbabilities(proba, te.X.rows, 4);
    for (let i = 0; i < te.X.rows; i++) expect(proba[i * 4 + 2] + proba[i * 4 + 3]).toBe(0);
    // Keep one in eight of class 1.
    const keep = Array.from({ length: two.X.rows }, (_, i) => i).filter((i) => two.y[i] === 0 || i % 8 === 0);
    const X = { data: Float64Array.from(keep.flatMap((i) => Array.from(two.X.data.subarray(i * 6, i * 6 + 6)))), rows: keep.length, cols: 6 };
    const y = Float64Array.from(keep, (i) => two.y[i]);
    const meanP1 = (c: Classifier): number => {
      const p = c.predictProba(two.X);
      let s = 0;
      for (let i = 0; i < two.X.rows; i++) s += p[i * 2 + 1];
      return s / two.X.rows;
    };
    const plain = await new RandomForestClassifier({ nEstimators: 10, minSamplesLeaf: 5 }).fit(X, y);
    const balanced = await new RandomForestClassifier({ nEstimators: 10, minSamplesLeaf: 5, classWeight: 'balanced' }).fit(X, y);
    expect(meanP1(balanced)).toBeGreaterThan(meanP1(plain) + 0.05);
  });

  it('round-trips through the registry with identical probabilities and importances', async () => {
    const m = await new RandomForestClassifier({ nEstimators: 4, criterion: 'entropy' }).fit(tr.X, tr.y);
    const back = modelFromJSON(roundTrip(m.toJSON())) as Classifier;
    expect(back.type).toBe('forest-classifier');
    expect(Array.from(back.predictProba(te.X))).toEqual(Array.from(m.predictProba(te.X)));
    expect(back.featureImportance()).toEqual(m.featureImportance());
    const imp = m.featureImportance();
    expect(imp.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});
