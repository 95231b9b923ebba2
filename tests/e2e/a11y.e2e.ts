/**
 * Accessibility and layout of every screen, each with real content, on the built-in synthetic
 * sample (so it runs without ../shared/data): axe-core finds no violation on Data, Explore (box
 * plots and the density chart), Prepare, Train (a finished run with its charts and the parameter
 * editor open, then its explanations), Predict (a model, the one-row form with its waterfall and
 * a predicted file), Runs (two runs compared, one in detail), Models (a registered version) and
 * Monitor (the predicted file's drift report). At 1400 × 900 the Prepare columns table fits
 * its card, Encoding column included.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleGemstones } from '../../src/core/sample';
import { axeViolations, chooseModels, goTo, openBrowser, type BrowserSession } from './browser';

const TIMEOUT = 120_000;

let s: BrowserSession;
let page: Page;
let tmp: string;

/** Every axe violation on the page now, with a screenshot to look at when there is one. */
async function violations(step: string): Promise<string[]> {
  const found = await axeViolations(page);
  if (found.length) await s.shot(`a11y-${step}`);
  return found.map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.join(' | ')}`);
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'loupe-e2e-a11y-'));
  s = await openBrowser('a11y', { viewport: { width: 1400, height: 900 } });
  page = s.page;
  await page.goto(s.baseUrl);
  await page.getByRole('heading', { name: 'Data', level: 1 }).waitFor();
});

afterAll(async () => {
  await s?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('every screen passes axe-core with real content', () => {
  it('Data: empty, then with the sample loaded', async () => {
    expect(await violations('data-empty')).toEqual([]);
    await page.getByRole('button', { name: 'Load sample (synthetic)' }).click();
    await page.getByTestId('row-count').filter({ hasText: /^5,000$/ }).waitFor({ timeout: TIMEOUT });
    expect(await violations('data')).toEqual([]);
  });

  it('Explore: findings, target histogram, heatmap, box plots and the density chart', async () => {
    await goTo(page, 'Explore');
    await page.getByTestId('target-histogram').locator('svg rect').first().waitFor({ timeout: TIMEOUT });
    await page.getByTestId('correlation-heatmap').locator('svg').first().waitFor({ timeout: TIMEOUT });
    await page.getByTestId('finding').first().waitFor({ timeout: TIMEOUT });
    await page.getByTestId('column-list').getByRole('button', { name: 'cut', exact: true }).click();
    await page.getByTestId('relation-boxplots').locator('svg').first().waitFor({ timeout: TIMEOUT });
    await page.locator('[data-testid="relation-boxplots"][aria-busy="false"]').waitFor({ timeout: TIMEOUT });
    expect(await violations('explore-cut')).toEqual([]);
    await page.getByTestId('column-list').getByRole('button', { name: 'carat', exact: true }).click();
    await page.getByTestId('relation-density').locator('svg').first().waitFor({ timeout: TIMEOUT });
    await page.locator('[data-testid="relation-density"][aria-busy="false"]').waitFor({ timeout: TIMEOUT });
    expect(await violations('explore-carat')).toEqual([]);
  });

  it('Prepare: the columns table, cleaning steps and derived features', async () => {
    await goTo(page, 'Prepare');
    await page.getByTestId('columns-table').waitFor();
    expect(await violations('prepare')).toEqual([]);
  });

  it('Prepare at 1400 × 900: the columns table fits its card, the Encoding column inside it', async () => {
    expect(page.viewportSize()).toEqual({ width: 1400, height: 900 });
    const fit = await page.getByTestId('columns-table').evaluate((table) => {
      const card = table.closest('.card')!;
      const style = getComputedStyle(card);
      const box = card.getBoundingClientRect();
      const encoding = Array.from(table.querySelectorAll('thead th')).find((th) => th.textContent?.trim() === 'Encoding');
      // How much narrower each select is than its widest option needs (its width when left to itself).
      const squeezed = Array.from(table.querySelectorAll('select'), (sel) => {
        const free = sel.cloneNode(true) as HTMLSelectElement;
        free.style.width = 'auto';
        free.style.position = 'absolute';
        document.body.append(free);
        const short = free.getBoundingClientRect().width - sel.getBoundingClientRect().width;
        free.remove();
        return short;
      });
      return {
        tableWidth: table.scrollWidth,
        cardContentWidth: card.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
        wrapScrolls: table.parentElement!.scrollWidth > table.parentElement!.clientWidth,
        encodingRight: encoding ? encoding.getBoundingClientRect().right : null,
        cardContentRight: box.right - parseFloat(style.borderRightWidth) - parseFloat(style.paddingRight),
        selects: squeezed.length,
        columns: table.querySelectorAll('tbody tr[data-column]').length,
        mostSqueezedPx: Math.max(...squeezed),
      };
    });
    console.log(`a11y.e2e: Prepare columns table at 1400 px: ${JSON.stringify(fit)}`);
    expect(fit.encodingRight).not.toBeNull();
    expect(fit.tableWidth).toBeLessThanOrEqual(fit.cardContentWidth);
    expect(fit.wrapScrolls).toBe(false);
    expect(fit.encodingRight!).toBeLessThanOrEqual(fit.cardContentRight + 0.5);
    // Four selects per column (role, kind, missing values, encoding), each as wide as its longest option (to a pixel's rounding).
    expect(fit.columns).toBeGreaterThanOrEqual(10);
    expect(fit.selects).toBe(4 * fit.columns);
    expect(fit.mostSqueezedPx).toBeLessThanOrEqual(2);
    await s.shot('prepare-1400');
  });

  it('Train: the parameter editor open, then a finished run with its charts', async () => {
    await goTo(page, 'Train');
    await chooseModels(page, ['linear', 'gbdt']);
    await page.getByRole('button', { name: 'Hyperparameters of Gradient-boosted trees' }).click();
    await page.getByTestId('params-gbdt').waitFor();
    expect(await violations('train-params')).toEqual([]);
    await page.locator('#p-gbdt-maxIterations').fill('60');
    await page.getByRole('button', { name: 'Train 2 models' }).click();
    for (const t of ['linear', 'gbdt']) await page.locator(`[data-testid="candidate-${t}"][data-status="finished"]`).waitFor({ timeout: TIMEOUT });
    const detail = page.getByTestId('model-detail');
    for (const id of ['pred-vs-actual', 'residuals', 'importance']) await detail.getByTestId(id).locator('svg').first().waitFor();
    expect(await violations('train-finished')).toEqual([]);
    await detail.getByTestId('explain-model').click();
    await detail.getByTestId('shap-beeswarm').locator('svg').first().waitFor({ timeout: TIMEOUT });
    await detail.getByRole('button', { name: 'Show partial dependence' }).click();
    await detail.getByTestId('pd-chart').locator('svg').first().waitFor({ timeout: TIMEOUT });
    expect(await violations('train-explained')).toEqual([]);
  });

  it('Predict: the model, the one-row form and a predicted file', async () => {
    await goTo(page, 'Predict');
    await page.getByTestId('model-facts').waitFor({ timeout: TIMEOUT });
    await page.getByTestId('row-form').waitFor();
    await page.getByTestId('waterfall-chart').locator('svg').first().waitFor({ timeout: TIMEOUT });
    const lines = generateSampleGemstones(200, 11).trimEnd().split(/\r?\n/);
    const header = lines[0].split(',');
    const priceAt = header.indexOf('price');
    const csv = lines.map((l) => l.split(',').filter((_, j) => j !== priceAt).join(',')).join('\n') + '\n';
    const input = join(tmp, 'sample-200.csv');
    writeFileSync(input, csv);
    await page.getByLabel('CSV file to predict').setInputFiles(input);
    await page.getByTestId('predict-result').waitFor({ timeout: TIMEOUT });
    await page.getByTestId('prediction-histogram').locator('svg').waitFor();
    expect(await violations('predict')).toEqual([]);
  });

  it('Runs: two runs compared, one in detail', async () => {
    await goTo(page, 'Runs');
    await expect.poll(() => page.locator('[data-testid="run-row"][data-status="finished"]').count(), { timeout: 10_000 }).toBe(2);
    await page.getByRole('checkbox', { name: 'Select all shown runs' }).check();
    await page.getByTestId('run-compare').waitFor();
    await page.getByTestId('compare-curves').locator('svg').first().waitFor();
    expect(await violations('runs-compare')).toEqual([]);
    await page.getByTestId('run-row').first().getByRole('button').first().click();
    expect(await violations('runs-detail')).toEqual([]);
  });

  it('Models: a registered version', async () => {
    await page.getByTestId('run-row').first().getByRole('button', { name: /^Register run/ }).click();
    const form = page.getByTestId('register-form');
    await form.waitFor();
    expect(await violations('runs-register')).toEqual([]);
    await form.getByLabel('Model name').fill('price');
    await form.getByLabel('Alias').fill('champion');
    await form.getByRole('button', { name: 'Register' }).click();
    await page.getByTestId('registered-notice').waitFor();
    await goTo(page, 'Models');
    await page.locator('[data-testid="version-card"][data-version="1"]').waitFor();
    expect(await violations('models')).toEqual([]);
    expect(s.pageErrors).toEqual([]);
  });

  it('Monitor: the drift report of the file predicted on Predict, with its charts and thresholds', async () => {
    await goTo(page, 'Monitor');
    await page.getByTestId('batch-report').waitFor({ timeout: TIMEOUT });
    await page.getByTestId('drift-column').first().locator('svg').first().waitFor();
    await page.getByText('Per column').click();
    expect(await violations('monitor')).toEqual([]);
    expect(s.pageErrors).toEqual([]);
  });
});
