/**
 * Monitoring in a real browser, on the built-in synthetic sample (runs without ../shared/data):
 * load the sample → train → register "price" v1 → predict a file of heavier stones with it →
 * Predict says the dataset drifts → Monitor shows the batch with the drifting columns first and
 * the distributions drawn → the HTML report downloads, self-contained → thresholds saved re-judge
 * it → the training dataset as reference instead → a reload keeps it all. The drift statistics ran in the prediction worker, not the page.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleGemstones } from '../../src/core/sample';
import { chooseModels, goTo, openApp, pageModules, workerOnlyModules, type BrowserSession } from './browser';

const TIMEOUT = 120_000;

let s: BrowserSession;
let page: Page;
let tmp: string;

/** 400 generated stones, carat and the sizes × 1.6, depth + 2.5 and table + 3: six of the nine inputs moved. */
function heavierStones(): string {
  const rows = Papa.parse<string[]>(generateSampleGemstones(400, 31).trim()).data;
  const change: Record<string, (v: number) => number> = { carat: (v) => v * 1.6, x: (v) => v * 1.6, y: (v) => v * 1.6, z: (v) => v * 1.6, depth: (v) => v + 2.5, table: (v) => v + 3 };
  const at = rows[0].map((name) => change[name]);
  return Papa.unparse(rows.map((r, i) => (i === 0 ? r : r.map((v, j) => (at[j] ? String(Number(at[j](Number(v)).toFixed(3))) : v)))), { newline: '\n' }) + '\n';
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'loupe-e2e-monitor-'));
  s = await openApp('monitor', { viewport: { width: 1400, height: 900 } });
  page = s.page;
});

afterAll(async () => {
  await s?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('monitoring a predicted file', () => {
  it('loads the sample, trains a model and registers it as "price" v1', async () => {
    await page.getByRole('button', { name: 'Load sample (synthetic)' }).click();
    await page.getByTestId('row-count').filter({ hasText: /^5,000$/ }).waitFor({ timeout: TIMEOUT });
    await goTo(page, 'Train');
    await chooseModels(page, ['linear']);
    await page.getByRole('button', { name: 'Train 1 model' }).click();
    await page.locator('[data-testid="candidate-linear"][data-status="finished"]').waitFor({ timeout: TIMEOUT });
    await goTo(page, 'Runs');
    await page.locator('[data-testid="run-row"][data-status="finished"]').first().waitFor({ timeout: 10_000 });
    await page.getByTestId('run-row').first().getByRole('button', { name: /^Register run/ }).click();
    const form = page.getByTestId('register-form');
    await form.getByLabel('Model name').fill('price');
    await form.getByLabel('Alias').fill('champion');
    await form.getByRole('button', { name: 'Register' }).click();
    await page.getByTestId('registered-notice').waitFor();
    await goTo(page, 'Models');
    const reference = page.locator('[data-testid="version-card"][data-version="1"]').getByTestId('drift-reference');
    expect((await reference.textContent())!.replace(/\s+/g, ' ').trim()).toBe('Drift reference a sample of 4,000 training rows in the bundle');
  });

  it('predicting a file of heavier stones records a drift report: Predict says the dataset drifts', async () => {
    await goTo(page, 'Predict');
    await page.getByTestId('model-picker').selectOption('registry:price@1');
    const input = join(tmp, 'heavier-stones.csv');
    writeFileSync(input, heavierStones());
    await page.getByLabel('CSV file to predict').setInputFiles(input);
    await page.getByTestId('predict-result').waitFor({ timeout: TIMEOUT });
    const note = page.getByTestId('drift-note');
    await note.waitFor();
    expect(await note.textContent()).toMatch(/Dataset drift: \d of 9 input columns drift \(.*carat.*\); the predictions drift/);
    expect(await note.textContent()).toMatch(/sample of training rows in the model/);
  });

  it('Monitor shows the batch for price v1, drifting columns first with their distributions', async () => {
    await goTo(page, 'Monitor');
    await page.getByTestId('monitored-models').getByRole('button', { name: /^price v1/ }).waitFor();
    const report = page.getByTestId('batch-report');
    await report.waitFor();
    expect(await report.getByRole('heading', { level: 2 }).textContent()).toBe('heavier-stones.csv');
    expect(await page.getByTestId('batch-verdict').textContent()).toMatch(/^Dataset drift: [5-9] of 9 columns drift/);
    expect(await page.getByTestId('batch-performance').textContent()).toMatch(/^RMSE on 400 labelled rows: .*degraded/);
    const flags = await page.getByTestId('drift-column').evaluateAll((els) => els.map((e) => [e.querySelector('.column-name')!.textContent, e.getAttribute('data-drift')]));
    expect(flags).toHaveLength(9);
    const firstCalm = flags.findIndex(([, d]) => d === 'no');
    const drifting = flags.slice(0, firstCalm < 0 ? flags.length : firstCalm);
    expect(drifting.every(([, d]) => d === 'yes')).toBe(true);
    expect(flags.slice(drifting.length).every(([, d]) => d === 'no')).toBe(true);
    expect(drifting.map(([n]) => n)).toEqual(expect.arrayContaining(['carat', 'x', 'y', 'z', 'depth', 'table']));
    await page.getByTestId('drift-column').first().locator('svg').first().waitFor();
    expect(await page.getByTestId('monitored-batches').locator('tbody tr').count()).toBe(1);
    await s.shot('monitor');
    // The statistics ran in the worker: the page holds none of their code.
    expect(workerOnlyModules(await pageModules(page))).toEqual([]);
  });

  it('exports the batch as one self-contained HTML report', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-drift-html').click()]);
    expect(download.suggestedFilename()).toBe('heavier-stones-drift.html');
    const path = join(tmp, 'report.html');
    await download.saveAs(path);
    const html = readFileSync(path, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('Dataset drift detected');
    expect(html).toContain('Model predictions');
    expect(html).toMatch(/RMSE on 400 labelled rows/);
    expect(html).not.toMatch(/<script|<link|src=|url\(/);
  });

  it('with the training dataset (stored by Load sample) as the reference, the next file is compared with all its rows', async () => {
    await page.getByTestId('reference-dataset').check();
    await page.getByRole('status').filter({ hasText: /compared with its training dataset/ }).waitFor();
    await goTo(page, 'Predict');
    await page.getByTestId('model-picker').selectOption('registry:price@1');
    await page.getByLabel('CSV file to predict').setInputFiles(join(tmp, 'heavier-stones.csv'));
    await page.getByTestId('drift-note').filter({ hasText: /Compared with the training dataset/ }).waitFor({ timeout: TIMEOUT });
    await goTo(page, 'Monitor');
    await expect.poll(() => page.getByTestId('monitored-batches').locator('tbody tr').count()).toBe(2);
    const verdict = (await page.getByTestId('batch-verdict').textContent())!.replace(/\s+/g, ' ');
    expect(verdict).toMatch(/^Dataset drift: .* 400 rows against 5,000 reference rows \(the training dataset\)/);
  });

  it('saved thresholds judge the report again, and a reload keeps batch and thresholds', async () => {
    await page.getByTestId('threshold-global').fill('50');
    await page.getByTestId('save-thresholds').click();
    await page.getByTestId('batch-verdict').filter({ hasText: /^No dataset drift: 0 of 9 columns drift/ }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Monitor', level: 1 }).waitFor();
    await page.getByTestId('batch-verdict').filter({ hasText: /^No dataset drift: 0 of 9/ }).waitFor({ timeout: TIMEOUT });
    expect(await page.getByTestId('threshold-global').inputValue()).toBe('50');
    await page.getByTestId('threshold-global').fill('');
    await page.getByTestId('save-thresholds').click();
    await page.getByTestId('batch-verdict').filter({ hasText: /^Dataset drift: / }).waitFor();
    expect(s.pageErrors).toEqual([]);
  });
});
