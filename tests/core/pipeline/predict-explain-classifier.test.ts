/**
 * The prediction pipeline explaining a classifier (three classes, a one-hot column folded back
 * to its input column): each row's explanation is of its predicted class (or the class asked),
 * written as shap_class, shap_base and shap_<column>, adding up to that class's probability;
 * a row that cannot be predicted gets empty cells; one row can carry every class's values.
 */
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedBundle } from '../../../src/core/bundle/bundle';
import { Explainer } from '../../../src/core/explain';
import { predictCsv, predictionChunkToCsv, predictRecords, type PredictionChunk } from '../../../src/core/pipeline/predict';
import { threeClassCsv as csv, trainThreeClassBundle as trainBundle } from '../../helpers/three-classes';

let tree: LoadedBundle;
let rowsCsv: string;
const UNSEEN_ROW = 3;

beforeAll(async () => {
  tree = await trainBundle('tree-classifier', { maxDepth: 6, seed: 1 });
  const lines = csv(20, 7, false).trimEnd().split('\n');
  lines[UNSEEN_ROW] = lines[UNSEEN_ROW].replace(/,[SML]$/, ',XL');
  rowsCsv = lines.join('\n') + '\n';
});

async function predictedRows(loaded: LoadedBundle, explainClass?: number): Promise<string[][]> {
  const chunks: PredictionChunk[] = [];
  await predictCsv(loaded, rowsCsv, { chunkRows: 7, explainer: new Explainer(loaded.model, loaded.recipe), ...(explainClass !== undefined ? { explainClass } : {}), onChunk: (c) => void chunks.push(c) });
  return Papa.parse<string[]>(chunks.map((c, i) => predictionChunkToCsv(c, i === 0)).join('').trim()).data;
}

describe('predicting with explanations of a classifier', () => {
  it("explains each row's predicted class, in probability, per input column (the one-hot colour folded back)", async () => {
    expect(tree.recipe.classes).toEqual(['alpha', 'beta', 'gamma']);
    const rows = await predictedRows(tree);
    const h = rows[0];
    expect(h.slice(h.indexOf('prediction'))).toEqual(['prediction', 'proba_alpha', 'proba_beta', 'proba_gamma', 'error', 'shap_class', 'shap_base', 'shap_x1', 'shap_x2', 'shap_colour', 'shap_size']);
    const body = rows.slice(1);
    expect(body).toHaveLength(20);
    const bad = body[UNSEEN_ROW - 1];
    expect(bad[h.indexOf('error')]).toMatch(/XL/);
    expect(bad.slice(h.indexOf('shap_class')).every((c) => c === '')).toBe(true);
    const seen = new Set<string>();
    for (const r of body.filter((r) => r !== bad)) {
      const cls = r[h.indexOf('shap_class')];
      expect(cls).toBe(r[h.indexOf('prediction')]);
      seen.add(cls);
      const total = ['x1', 'x2', 'colour', 'size'].reduce((s, c) => s + Number(r[h.indexOf(`shap_${c}`)]), Number(r[h.indexOf('shap_base')]));
      expect(Math.abs(total - Number(r[h.indexOf(`proba_${cls}`)]))).toBeLessThan(1e-9);
    }
    // Rows explain different classes, each from its own class's base.
    expect(seen.size).toBeGreaterThan(1);
  });

  it('explains the class asked on every row, and one row can carry every class', async () => {
    const rows = await predictedRows(tree, 2);
    const h = rows[0];
    for (const r of rows.slice(1).filter((_, i) => i !== UNSEEN_ROW - 1)) {
      expect(r[h.indexOf('shap_class')]).toBe('gamma');
      const total = ['x1', 'x2', 'colour', 'size'].reduce((s, c) => s + Number(r[h.indexOf(`shap_${c}`)]), Number(r[h.indexOf('shap_base')]));
      expect(Math.abs(total - Number(r[h.indexOf('proba_gamma')]))).toBeLessThan(1e-9);
    }
    const one = predictRecords(tree, [{ x1: '0.3', x2: '-1.2', colour: 'green', size: 'M' }], 1, { explainer: new Explainer(tree.model, tree.recipe), explainAllClasses: true });
    const e = one.explanation!;
    expect(e.unit).toBe('probability');
    expect(e.byClass!.classes).toEqual([0, 1, 2]);
    for (let k = 0; k < 3; k++) {
      const sum = e.byClass!.bases[k] + e.byClass!.values.subarray(k * 4, k * 4 + 4).reduce((s, v) => s + v, 0);
      expect(Math.abs(sum - one.probabilities![k])).toBeLessThan(1e-9);
    }
    expect(e.explainedClass![0]).toBe(one.predictions[0]);
  });

  it('gradient-boosted trees: log-odds of each class score, the values adding up to the margin', async () => {
    const gbdt = await trainBundle('gbdt-classifier', { maxIterations: 15, seed: 1 });
    const res = predictRecords(gbdt, [{ x1: '1.1', x2: '0.2', colour: 'red', size: 'L' }], 1, { explainer: new Explainer(gbdt.model, gbdt.recipe), explainAllClasses: true });
    const e = res.explanation!;
    expect(e.unit).toBe('log-odds');
    // Softmax of the three margins (base + Σ values) gives the predicted probabilities.
    const z = [0, 1, 2].map((k) => e.byClass!.bases[k] + e.byClass!.values.subarray(k * 4, k * 4 + 4).reduce((s, v) => s + v, 0));
    const max = Math.max(...z);
    const total = z.reduce((s, v) => s + Math.exp(v - max), 0);
    for (let k = 0; k < 3; k++) expect(Math.abs(Math.exp(z[k] - max) / total - res.probabilities![k])).toBeLessThan(1e-12);
  });
});
