/**
 * Classifier runs through tracking and the registry in a real browser, on telco-churn.csv: two
 * classifiers trained → Runs shows their ROC AUC and log loss → Compare compares them by the
 * classification metrics with their ROC curves overlaid → a run's detail names its task, classes
 * and threshold → registered, its version card shows the classification metrics, after a reload
 * too. Skipped when ../shared is absent. Timings are printed, never asserted.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveTelco, TELCO_CSV, TELCO_SKIP_MESSAGE } from '../helpers/telco';
import { chooseModels, goTo, openApp, registerModel, type BrowserSession } from './browser';

const TRAIN_TIMEOUT = 240_000;
let s: BrowserSession;
let page: Page;

beforeAll(async () => {
  if (!haveTelco) return;
  s = await openApp('tracking-classification');
  page = s.page;
}, 120_000);

afterAll(async () => {
  await s?.close();
});

describe.skipIf(!haveTelco)(`Classifier runs, compare and registry ${haveTelco ? '' : TELCO_SKIP_MESSAGE}`, () => {
  it('trains logistic regression and a decision tree on Churn; Runs shows their ROC AUC and log loss', async () => {
    await page.getByLabel('CSV file', { exact: true }).setInputFiles(TELCO_CSV);
    await page.getByTestId('row-count').filter({ hasText: /^7,043$/ }).waitFor({ timeout: 60_000 });
    const t0 = Date.now();
    await goTo(page, 'Train');
    await chooseModels(page, ['logistic', 'tree-classifier']);
    // (The count on the button may include ticked models of the other task, which are not trained.)
    await page.getByRole('button', { name: /^Train \d+ models$/ }).click();
    for (const t of ['logistic', 'tree-classifier']) await page.locator(`[data-testid="candidate-${t}"][data-status="finished"]`).waitFor({ timeout: TRAIN_TIMEOUT });
    console.log(JSON.stringify({ twoClassifierRunsSeconds: (Date.now() - t0) / 1000 }));
    await goTo(page, 'Runs');
    await expect.poll(() => page.locator('[data-testid="run-row"][data-status="finished"]').count(), { timeout: 15_000 }).toBe(2);
    const auc = await page.getByTestId('run-roc-auc').allTextContents();
    expect(auc.map(Number).every((v) => v > 0.6 && v <= 1)).toBe(true);
    const logLoss = await page.getByTestId('run-log-loss').allTextContents();
    // A full-depth tree's probabilities are 0 or 1, so its log loss can be large; logistic regression's is below 0.5.
    expect(logLoss.map(Number).every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    expect(Math.min(...logLoss.map(Number))).toBeLessThan(0.5);
    // Only classifier runs are stored: the regression columns are not shown.
    expect(await page.getByTestId('run-r2').count()).toBe(0);
    await s.shot('classifier-runs');
  });

  it('compares the two classifiers by their metrics, ROC curves overlaid', async () => {
    await page.getByRole('checkbox', { name: 'Select all shown runs' }).check();
    const compare = page.getByTestId('run-compare');
    await compare.waitFor();
    const names = await compare.getByTestId('compare-metric-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-metric')));
    expect(names).toEqual(expect.arrayContaining(['rocAuc', 'logLoss', 'accuracy', 'f1', 'brier']));
    expect(names).not.toContain('r2');
    expect(await compare.getByTestId('compare-note').count()).toBe(0);
    await compare.getByTestId('compare-roc').locator('svg').first().waitFor();
    expect(await compare.getByTestId('compare-roc').locator('svg path').count()).toBeGreaterThanOrEqual(2);
    await s.shot('classifier-compare');
  });

  it('a run’s detail names its task, classes and threshold; registered, its version shows the classification metrics after a reload', async () => {
    const logistic = page.locator('[data-testid="run-row"][data-type="logistic"]');
    await logistic.getByRole('button', { name: /^Register run/ }).click();
    const detail = page.getByTestId('run-detail');
    expect(await detail.getByTestId('detail-task').textContent()).toMatch(/classification of “Churn”: No, Yes/);
    expect(await detail.getByTestId('detail-threshold').textContent()).toMatch(/“Yes” where its probability ≥ 0\.5/);
    const auc = Number(await detail.locator('[data-testid="detail-metrics"] tr[data-metric="rocAuc"] td').textContent());
    await registerModel(page, { name: 'churn', alias: 'champion' });
    await page.reload();
    await goTo(page, 'Models');
    const card = page.locator('[data-testid="version-card"][data-version="1"]');
    await card.getByTestId('version-metrics').waitFor();
    expect(Number(await card.locator('[data-testid="version-metrics"] [data-metric="rocAuc"] strong').textContent())).toBeCloseTo(auc, 4);
    expect(await card.getByTestId('version-classification').textContent()).toMatch(/2 classes \(No, Yes\) · “Yes” where its probability ≥ 0\.5/);
    await s.shot('classifier-version');
  });
});
