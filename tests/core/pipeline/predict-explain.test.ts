/**
 * The prediction pipeline with an Explainer: every predicted row's explanation adds up to its
 * prediction (before clipping), and a row that cannot be predicted gets empty shap_ cells.
 */
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedBundle } from '../../../src/core/bundle/bundle';
import { Explainer } from '../../../src/core/explain';
import { predictCsv, predictionChunkToCsv, type PredictionChunk } from '../../../src/core/pipeline/predict';
import { generateSampleGemstones } from '../../../src/core/sample';
import { trainStrictCutBundle } from '../../helpers/strict-cut-bundle';

let loaded: LoadedBundle;
let rowsCsv: string;
const UNSEEN_ROW = 4;

beforeAll(async () => {
  // An unseen cut makes the row fail instead of being imputed.
  loaded = await trainStrictCutBundle(generateSampleGemstones(800, 3), 'gbdt', { maxIterations: 30, seed: 2 }, 1);
  const lines = generateSampleGemstones(12, 9).trimEnd().split('\n');
  const header = lines[0].split(',');
  const cutAt = header.indexOf('cut');
  const body = lines.slice(1).map((l) => l.split(','));
  body[UNSEEN_ROW - 1][cutAt] = 'Superb';
  rowsCsv = [header.join(','), ...body.map((r) => r.join(','))].join('\n') + '\n';
});

describe('predictCsv with an explainer', () => {
  it('writes shap_base and shap_<column> that add up to each prediction, empty on a row that could not be predicted', async () => {
    const chunks: PredictionChunk[] = [];
    await predictCsv(loaded, rowsCsv, { chunkRows: 5, clip: true, explainer: new Explainer(loaded.model, loaded.recipe), onChunk: (c) => void chunks.push(c) });
    const text = chunks.map((c, i) => predictionChunkToCsv(c, i === 0)).join('');
    const rows = Papa.parse<string[]>(text.trim()).data;
    const h = rows[0];
    const inputs = loaded.recipe.inputSchema().map((c) => c.name);
    // The input file has a price column: its shap_ column names stay distinct from it.
    expect(h.slice(h.indexOf('shap_base'))).toEqual(['shap_base', ...inputs.map((c) => `shap_${c}`)]);
    const body = rows.slice(1);
    expect(body.length).toBe(12);
    const bad = body[UNSEEN_ROW - 1];
    expect(bad[h.indexOf('prediction')]).toBe('');
    expect(bad[h.indexOf('error')]).toMatch(/Superb/);
    expect(bad.slice(h.indexOf('shap_base')).every((c) => c === '')).toBe(true);
    for (const r of body.filter((r) => r !== bad)) {
      const total = inputs.reduce((s, c) => s + Number(r[h.indexOf(`shap_${c}`)]), Number(r[h.indexOf('shap_base')]));
      const pred = Number(r[h.indexOf('prediction')]);
      // Clipped rows say so; the others add up exactly.
      if (!/clipped/.test(r[h.indexOf('error')])) expect(Math.abs(total - pred) / pred).toBeLessThan(1e-9);
    }
  });
});
