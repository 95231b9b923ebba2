/**
 * The global summary of a classifier's explanations: every class's values and mean |value|, each
 * row's predicted class, the view of one class or of each row's predicted class (what Train and
 * the model report draw), and the report's SHAP section in the classifier's unit.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedBundle } from '../../../src/core/bundle/bundle';
import { Explainer, shapSummary, summaryForClass, type ShapSummary } from '../../../src/core/explain';
import { modelReport, reportShap } from '../../../src/core/report';
import { trainThreeClassBundle } from '../../helpers/three-classes';

let loaded: LoadedBundle;
let s: ShapSummary;

beforeAll(async () => {
  loaded = await trainThreeClassBundle('tree-classifier', { maxDepth: 6, seed: 1 });
  const { X } = loaded.recipe.transformTable(loaded.referenceSample!.table);
  s = shapSummary(new Explainer(loaded.model, loaded.recipe), loaded.recipe, X, { maxRows: 200, seed: 0 });
});

describe('SHAP summary of a classifier', () => {
  it('holds every class: values rows × classes × columns, mean |value| per class, predicted classes and labels', () => {
    const c = s.columns.length;
    expect(s.columns).toEqual(['x1', 'x2', 'colour', 'size']);
    expect(s.unit).toBe('probability');
    expect(s.classes).toEqual([0, 1, 2]);
    expect(s.labels).toEqual(['alpha', 'beta', 'gamma']);
    expect(s.values.length).toBe(s.rows * 3 * c);
    expect(s.meanAbs.length).toBe(3 * c);
    const { X } = loaded.recipe.transformTable(loaded.referenceSample!.table);
    expect(s.totalRows).toBe(X.rows);
    expect(new Set(s.predictedClass).size).toBeGreaterThan(1);
  });

  it('one class: its own slice, its base; each row’s predicted class: per-row values, no single base', () => {
    const c = s.columns.length;
    const beta = summaryForClass(s, 1);
    expect(beta.base).toBe(s.bases[1]);
    expect(beta.values.length).toBe(s.rows * c);
    for (let r = 0; r < s.rows; r++) for (let j = 0; j < c; j++) expect(beta.values[r * c + j]).toBe(s.values[(r * 3 + 1) * c + j]);
    for (let j = 0; j < c; j++) expect(beta.meanAbs[j]).toBeCloseTo(s.meanAbs[c + j], 12);
    const predicted = summaryForClass(s, 'predicted');
    expect(predicted.base).toBeNaN();
    for (let r = 0; r < s.rows; r++) {
      const k = s.predictedClass![r];
      for (let j = 0; j < c; j++) expect(predicted.values[r * c + j]).toBe(s.values[(r * 3 + k) * c + j]);
    }
  });

  it('the model report draws the predicted-class view in probability', () => {
    const shap = reportShap(loaded, { tfReady: false });
    if ('reason' in shap) throw new Error(shap.reason);
    expect(shap).toMatchObject({ kind: 'tree-shap', unit: 'probability', explainedClass: null });
    const html = modelReport(loaded);
    expect(html).toContain('in probability of each row’s predicted class');
    shap.columns.forEach((_, j) => expect(html).toContain(`data-field="shap.${j}" data-value="${shap.meanAbs[j]}"`));
  });
});
