/**
 * Explanations in a real browser, on the built-in synthetic sample: the Train screen's model
 * detail explains a gradient-boosted model in its worker (mean |SHAP| bars for every input
 * column, a beeswarm, partial dependence with ICE curves), the Predict screen's one-row form
 * shows a waterfall whose base and contributions add up to the prediction shown and follow the
 * values typed, and a predicted file can carry shap_ columns that add up too.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleGemstones } from '../../src/core/sample';
import { ARTIFACTS, chooseModels, goTo, openApp, type BrowserSession } from './browser';

const TIMEOUT = 180_000;
const INPUTS = ['carat', 'cut', 'color', 'clarity', 'depth', 'table', 'x', 'y', 'z'];

let s: BrowserSession;
let page: Page;
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'loupe-e2e-explain-'));
  s = await openApp('explain');
  page = s.page;
});

afterAll(async () => {
  await s?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The waterfall's base, contributions and prediction as the page shows them. */
async function waterfall(): Promise<{ base: number; prediction: number; values: Record<string, number> }> {
  const w = page.getByTestId('waterfall');
  await w.getByTestId('waterfall-chart').locator('svg').first().waitFor({ timeout: TIMEOUT });
  return w.evaluate((el) => ({
    base: Number(el.getAttribute('data-base')),
    prediction: Number(el.getAttribute('data-prediction')),
    values: Object.fromEntries(Array.from(el.querySelectorAll('[data-testid="contribution"]'), (r) => [r.getAttribute('data-column')!, Number(r.getAttribute('data-value'))])),
  }));
}

async function settledPrediction(): Promise<number> {
  await page.waitForFunction(() => {
    const e = document.querySelector('[data-testid="row-prediction"]');
    return e?.getAttribute('data-pending') === 'false' && e.getAttribute('data-value') !== '';
  });
  return Number(await page.getByTestId('row-prediction').getAttribute('data-value'));
}

describe('explanations', () => {
  it('trains a gradient-boosted model on the sample', async () => {
    await page.getByRole('button', { name: 'Load sample (synthetic)' }).click();
    await page.getByTestId('row-count').filter({ hasText: /^5,000$/ }).waitFor({ timeout: TIMEOUT });
    await goTo(page, 'Train');
    await chooseModels(page, ['gbdt']);
    await page.getByRole('button', { name: 'Train 1 model' }).click();
    await page.locator('[data-testid="candidate-gbdt"][data-status="finished"]').waitFor({ timeout: TIMEOUT });
    await page.getByTestId('model-detail').waitFor();
  });

  it('model detail: mean |SHAP| bars for every input column and a beeswarm, computed in the worker', async () => {
    const panel = page.getByTestId('explain-panel');
    await panel.getByTestId('explain-model').click();
    await panel.getByTestId('shap-bars').locator('svg').first().waitFor({ timeout: TIMEOUT });
    await panel.getByTestId('shap-beeswarm').locator('svg').first().waitFor();
    const caption = (await panel.getByTestId('explain-caption').textContent()) ?? '';
    expect(caption).toMatch(/1,000 of the 1,000 evaluation rows explained \(exact TreeSHAP \(path-dependent\)\)/);
    const bars = await panel.getByTestId('shap-bars').locator('svg').first().evaluate((svg) => {
      const labels = Array.from(svg.querySelectorAll('g[aria-label="y-axis tick label"] text'), (t) => ({ text: t.textContent ?? '', top: t.getBoundingClientRect().top }));
      labels.sort((a, b) => a.top - b.top);
      const widths = Array.from(svg.querySelectorAll('g[aria-label="bar"] rect'), (r) => Number(r.getAttribute('width')));
      return { labels: labels.map((l) => l.text), widths };
    });
    expect([...bars.labels].sort()).toEqual([...INPUTS].sort());
    // Sorted: the widest bar on top; carat (with x, y, z) drives a gemstone's price.
    expect(bars.widths).toEqual([...bars.widths].sort((a, b) => b - a));
    expect(['carat', 'x', 'y', 'z']).toContain(bars.labels[0]);
    // One dot per drawn row and column: every 2nd of the 1,000 rows, to stay under 6,000 dots (said so).
    expect(await panel.getByText('(500 of them drawn)').count()).toBe(1);
    expect(await panel.getByTestId('shap-beeswarm').locator('svg circle').count()).toBe(500 * INPUTS.length);
    await s.shot('summary');
  });

  it('partial dependence of carat: one ICE curve per sampled row and their mean, rising with carat', async () => {
    const panel = page.getByTestId('explain-panel');
    await panel.getByLabel('Column', { exact: true }).selectOption('carat');
    await panel.getByRole('button', { name: 'Show partial dependence' }).click();
    const chart = panel.getByTestId('pd-chart').locator('svg').first();
    await chart.waitFor({ timeout: TIMEOUT });
    const paths = await chart.locator('g[aria-label="line"]').evaluateAll((gs) => gs.map((g) => g.querySelectorAll('path').length));
    expect(paths).toEqual([100, 1]);
    const pd = await chart.evaluate((svg) => {
      const line = Array.from(svg.querySelectorAll('g[aria-label="line"]'))[1].querySelector('path')!;
      const d = line.getAttribute('d')!;
      const pts = Array.from(d.matchAll(/[ML]([\d.-]+),([\d.-]+)/g), (m) => Number(m[2]));
      return { first: pts[0], last: pts[pts.length - 1] };
    });
    // SVG y grows downwards: a higher price is a smaller y.
    expect(pd.last).toBeLessThan(pd.first);
    await s.shot('partial-dependence');
    // The README's picture (docs/screenshots/explain-summary.png is copied from it).
    await panel.screenshot({ path: join(ARTIFACTS, 'explain', 'summary-only.png') });
  });

  it('Predict one row: a waterfall from the expected price through each column to the prediction shown', async () => {
    await goTo(page, 'Predict');
    await page.getByTestId('row-form').waitFor({ timeout: TIMEOUT });
    const p0 = await settledPrediction();
    const w0 = await waterfall();
    expect(Object.keys(w0.values).sort()).toEqual([...INPUTS].sort());
    const sum = w0.base + Object.values(w0.values).reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - p0) / p0).toBeLessThan(1e-9);
    expect(w0.prediction).toBe(p0);
    await page.locator('#in-carat').fill('2.2');
    await page.waitForFunction((prev) => {
      const e = document.querySelector('[data-testid="waterfall"]');
      return e !== null && Number(e.getAttribute('data-prediction')) !== prev;
    }, p0);
    const p1 = await settledPrediction();
    const w1 = await waterfall();
    expect(Math.abs(w1.base + Object.values(w1.values).reduce((a, b) => a + b, 0) - p1) / p1).toBeLessThan(1e-9);
    // The same model, the same base; a bigger stone, a larger carat contribution.
    expect(w1.base).toBe(w0.base);
    expect(w1.values.carat).toBeGreaterThan(w0.values.carat);
    await page.getByTestId('waterfall').scrollIntoViewIfNeeded();
    await s.shot('waterfall');
    // The README's picture (docs/screenshots/explain-waterfall.png is copied from it).
    await page.getByTestId('waterfall').screenshot({ path: join(ARTIFACTS, 'explain', 'waterfall-only.png') });
  });

  it('a predicted file can carry shap_base and shap_<column> columns that add up to each prediction', async () => {
    const lines = generateSampleGemstones(300, 21).trimEnd().split(/\r?\n/);
    const header = lines[0].split(',');
    const priceAt = header.indexOf('price');
    const csv = lines.map((l) => l.split(',').filter((_, j) => j !== priceAt).join(',')).join('\n') + '\n';
    const input = join(tmp, 'sample-300.csv');
    writeFileSync(input, csv);
    await page.getByTestId('explain-predictions').check();
    await page.getByLabel('CSV file to predict').setInputFiles(input);
    await page.getByTestId('predict-result').waitFor({ timeout: TIMEOUT });
    const dest = join(tmp, 'explained.csv');
    const [d] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('download-predictions').click()]);
    await d.saveAs(dest);
    const rows = Papa.parse<string[]>(readFileSync(dest, 'utf8').trim()).data;
    const h = rows[0];
    expect(h.slice(h.indexOf('shap_base'))).toEqual(['shap_base', ...INPUTS.map((c) => `shap_${c}`)]);
    const pred = h.indexOf('prediction');
    for (const r of rows.slice(1)) {
      const total = INPUTS.reduce((a, c) => a + Number(r[h.indexOf(`shap_${c}`)]), Number(r[h.indexOf('shap_base')]));
      expect(Math.abs(total - Number(r[pred])) / Number(r[pred])).toBeLessThan(1e-9);
    }
    expect(rows.length).toBe(301);
  });
});
