/**
 * The CLI end to end with the MLP classifier: `train --models mlp` on telco-churn.csv (a
 * classification target) trains 'mlp-classifier', reports its classification metrics and saves
 * it; `predict` with that bundle writes the class label and the probability columns the
 * pipeline computes. Skipped, saying so, when ../shared is absent.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { openBundle } from '../../src/core/bundle/bundle';
import { predictRecords } from '../../src/core/pipeline/predict';
import { runCli } from '../helpers/cli';
import { haveTelco, loadTelcoRecords, TELCO_CSV, TELCO_SKIP_MESSAGE } from '../helpers/telco';

describe.skipIf(!haveTelco)(`cli train --models mlp on telco churn${haveTelco ? '' : ` (${TELCO_SKIP_MESSAGE})`}`, () => {
  it('trains the MLP classifier for Churn, reports and saves it; predict writes its probabilities', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loupe-mlp-cls-cli-'));
    const model = join(dir, 'churn.json');
    const report = join(dir, 'report.json');
    const r = await runCli(['train', TELCO_CSV, '--target', 'Churn', '--models', 'mlp', '--seed', '42', '--out', model, '--report', report, '--no-intervals', '--reference-rows', '0']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/best by ROC AUC: mlp-classifier \(Neural network \(MLP\)\)/);
    const rep = JSON.parse(readFileSync(report, 'utf8'));
    expect(rep).toMatchObject({ task: 'classification', classes: ['No', 'Yes'], best: 'mlp-classifier' });
    const [m] = rep.models;
    expect(m).toMatchObject({ name: 'mlp-classifier', status: 'finished', r2: null });
    // Loupe's own stratified split (not the reference one): scikit-learn's MLP scores about 0.84 ROC AUC, 0.43 log loss on its split.
    expect(m.rocAuc).toBeGreaterThan(0.82);
    expect(m.logLoss).toBeLessThan(0.45);

    const records = loadTelcoRecords().slice(0, 100);
    const toPredict = join(dir, 'customers.csv');
    const predictions = join(dir, 'predictions.csv');
    writeFileSync(toPredict, Papa.unparse(records.map(({ Churn: _churn, ...rest }) => rest), { newline: '\n' }) + '\n');
    const p = await runCli(['predict', model, toPredict, '--out', predictions]);
    expect(p.code, p.err).toBe(0);
    const rows = Papa.parse<Record<string, string>>(readFileSync(predictions, 'utf8'), { header: true, skipEmptyLines: true }).data;
    expect(Object.keys(rows[0]).slice(-4)).toEqual(['prediction', 'proba_No', 'proba_Yes', 'error']);
    const loaded = await openBundle(readFileSync(model, 'utf8'));
    expect(loaded.model.type).toBe('mlp-classifier');
    const direct = predictRecords(loaded, records);
    rows.forEach((row, i) => {
      expect(Number(row.proba_Yes)).toBe(direct.probabilities![2 * i + 1]);
      expect(row.prediction).toBe(loaded.recipe.classes[direct.predictions[i]]);
    });
  });
});
