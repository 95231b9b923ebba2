/**
 * `predict --explain` with a classifier on telco-churn.csv (skipped, saying so, when ../shared is
 * absent): gradient-boosted trees explained exactly in log-odds — shap_class names the class,
 * shap_base + the shap_ columns = the log-odds of that class's probability — the positive class
 * ("Yes") by default, another with --explain-class, and an unknown class refused; the model
 * report's SHAP section of the same bundle.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { haveTelco, loadTelcoRecords, TELCO_CSV, TELCO_SKIP_MESSAGE } from '../helpers/telco';

const dir = mkdtempSync(join(tmpdir(), 'loupe-explain-cls-'));
const model = join(dir, 'churn-gbdt.json');
const toPredict = join(dir, 'customers.csv');
const out = join(dir, 'explained.csv');

const logit = (p: number) => Math.log(p / (1 - p));

describe.skipIf(!haveTelco)(`cli predict --explain with a classifier${haveTelco ? '' : ` (${TELCO_SKIP_MESSAGE})`}`, () => {
  let inputs: string[];
  beforeAll(async () => {
    const records = loadTelcoRecords();
    writeFileSync(toPredict, Papa.unparse(records.slice(0, 150).map(({ Churn: _c, ...rest }) => rest), { newline: '\n' }) + '\n');
    const r = await runCli(['train', TELCO_CSV, '--target', 'Churn', '--models', 'gbdt', '--seed', '42', '--out', model, '--no-intervals']);
    expect(r.code, r.err).toBe(0);
    inputs = Object.keys(records[0]).filter((c) => c !== 'Churn' && c !== 'customerID');
  });

  function read(): Array<Record<string, string>> {
    return Papa.parse<Record<string, string>>(readFileSync(out, 'utf8'), { header: true, skipEmptyLines: true }).data;
  }

  it('explains the positive class in log-odds, adding up to the log-odds of proba_Yes', async () => {
    const r = await runCli(['predict', model, toPredict, '--explain', '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/explanations: exact TreeSHAP \(path-dependent\), of class "Yes" \(shap_class\) in log-odds/);
    const rows = read();
    expect(rows).toHaveLength(150);
    const cols = Object.keys(rows[0]);
    expect(cols.slice(cols.indexOf('error'), cols.indexOf('error') + 3)).toEqual(['error', 'shap_class', 'shap_base']);
    const shapCols = cols.filter((c) => c.startsWith('shap_') && c !== 'shap_class' && c !== 'shap_base');
    // One value per input column the model uses (one-hot columns folded back).
    expect(shapCols.every((c) => inputs.includes(c.slice(5)))).toBe(true);
    expect(shapCols.length).toBeGreaterThan(10);
    for (const row of rows) {
      expect(row.shap_class).toBe('Yes');
      const total = shapCols.reduce((s, c) => s + Number(row[c]), Number(row.shap_base));
      expect(Math.abs(total - logit(Number(row.proba_Yes)))).toBeLessThan(1e-9);
    }
    // Tenure moves churn: some rows get a sizeable contribution from it.
    expect(Math.max(...rows.map((row) => Math.abs(Number(row.shap_tenure))))).toBeGreaterThan(0.3);
  });

  it('--explain-class No explains the other class (values negated); an unknown class is refused', async () => {
    const r = await runCli(['predict', model, toPredict, '--explain', '--explain-class', 'No', '--out', out]);
    expect(r.code, r.err).toBe(0);
    for (const row of read()) {
      expect(row.shap_class).toBe('No');
      const total = Object.keys(row).filter((c) => c.startsWith('shap_') && c !== 'shap_class').reduce((s, c) => s + Number(row[c]), 0);
      expect(Math.abs(total - logit(Number(row.proba_No)))).toBeLessThan(1e-9);
    }
    const bad = await runCli(['predict', model, toPredict, '--explain', '--explain-class', 'Maybe']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--explain-class: "Maybe" is not a class of this model \(its classes: "No", "Yes"\)/);
    const alone = await runCli(['predict', model, toPredict, '--explain-class', 'No']);
    expect(alone.code).toBe(2);
    expect(alone.err).toMatch(/--explain-class goes with --explain/);
  });

  it('the model report summarises SHAP of the positive class in log-odds', async () => {
    const html = join(dir, 'report.html');
    const r = await runCli(['report', model, html]);
    expect(r.code, r.err).toBe(0);
    const text = readFileSync(html, 'utf8');
    expect(text).toContain('What drives the predictions (SHAP)');
    expect(text).toMatch(/in log-odds of “Yes”: how far, on average, each column moves that log-odds from the model’s expected -?\d/);
    expect(text).toContain('<span class="lv">tenure</span>');
  });
});
