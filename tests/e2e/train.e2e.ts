/**
 * The Train screen in a real browser: gemstone.csv through the file picker, three candidates in
 * the worker pool (the page loads no training code), the leaderboard (gradient-boosted trees
 * first, R² ≥ 0.975), the tfjs backend line, plots for the best model, permutation importance, and
 * cancelling a long candidate. Timings are printed, never asserted (bench/browser.ts measures the
 * page's long tasks).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { MODEL_LABELS } from '../../src/core/models/catalog';
import type { ModelType } from '../../src/core/models/types';
import { openBrowser, pageModules, ROOT, workerOnlyModules, type BrowserSession } from './browser';

const GEMSTONE = resolve(ROOT, '../shared/data/gemstone.csv');
const haveGemstone = existsSync(GEMSTONE);
if (!haveGemstone) console.warn(`train.e2e: skipped, ${GEMSTONE} is absent.`);
const TRAIN_TIMEOUT = 280_000;

let s: BrowserSession;
let page: Page;

const LABELS = MODEL_LABELS;
type Type = ModelType;

async function choose(types: Type[]): Promise<void> {
  for (const [t, label] of Object.entries(LABELS) as [Type, string][]) {
    const box = page.getByRole('checkbox', { name: label, exact: true });
    if ((await box.isChecked()) !== types.includes(t)) await box.click();
  }
}

async function waitStatus(type: Type, status: string, timeout = TRAIN_TIMEOUT): Promise<void> {
  await page.locator(`[data-testid="candidate-${type}"][data-status="${status}"]`).waitFor({ timeout });
}

describe.skipIf(!haveGemstone)('Train screen', () => {
  beforeAll(async () => {
    s = await openBrowser('train');
    page = s.page;
    await page.goto(s.baseUrl);
    await page.getByRole('heading', { name: 'Data', level: 1 }).waitFor();
  });

  afterAll(async () => {
    await s?.close();
  });

  it('loads gemstone.csv and opens the Train screen with the backend shown', async () => {
    await page.getByLabel('CSV file', { exact: true }).setInputFiles(GEMSTONE);
    await page.getByTestId('row-count').filter({ hasText: /^65,535$/ }).waitFor({ timeout: 120_000 });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Train' }).click();
    await page.getByRole('heading', { name: 'Train', level: 1 }).waitFor();
    const backend = page.getByTestId('backend');
    await backend.filter({ hasText: /tfjs: wasm \((threaded SIMD|SIMD)/ }).waitFor({ timeout: 60_000 });
    console.log(`train.e2e backend: ${(await backend.textContent())?.trim()}`);
    await s.shot('train-screen');
  });

  it('trains linear, gbdt and mlp in the worker pool; gbdt leads with R² ≥ 0.975', async () => {
    await choose(['linear', 'gbdt', 'mlp']);
    await page.getByRole('button', { name: 'Hyperparameters of Gradient-boosted trees' }).click();
    await page.getByTestId('params-gbdt').waitFor();
    await s.shot('models-chosen');
    const since = await s.clock();
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Train 3 models' }).click();
    await page.locator('[data-testid^="candidate-"][data-status="running"]').first().waitFor({ timeout: 60_000 });
    await s.shot('training-progress');
    for (const t of ['linear', 'gbdt', 'mlp'] as const) await waitStatus(t, 'finished');
    const seconds = (Date.now() - t0) / 1000;
    await page.getByTestId('leaderboard').waitFor();
    const long = await s.longTasks(since);
    console.log(JSON.stringify({ trainLinearGbdtMlpSeconds: seconds, longTasks: long.length, maxLongTaskMs: Math.round(Math.max(0, ...long.map((e) => e.duration))) }));
    // The page only queues and shows: fitting, scoring and bundling ran in training workers.
    const modules = await pageModules(page);
    expect(modules).toContain('src/ui/train/TrainPage.svelte');
    expect(workerOnlyModules(modules)).toEqual([]);
    expect(page.workers().filter((w) => /\/train\.worker-[\w-]+\.js$/.test(w.url())).length).toBeGreaterThanOrEqual(1);

    const rows = page.getByTestId('leaderboard-row');
    expect(await rows.count()).toBe(3);
    expect(await rows.first().getAttribute('data-type')).toBe('gbdt');
    const r2 = Number(await rows.first().getByTestId('r2').textContent());
    console.log(JSON.stringify({ leaderboard: await rows.allTextContents() }));
    expect(r2).toBeGreaterThanOrEqual(0.975);
    expect(await rows.first().locator('.best-badge').count()).toBe(1);
    // Loss curves for the boosted trees and the MLP.
    expect(await page.getByTestId('loss-gbdt').locator('svg').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('loss-mlp').locator('svg').count()).toBeGreaterThan(0);
    await s.shot('leaderboard');
  });

  it('shows predicted-vs-actual, residuals and feature importance for the best model', async () => {
    const detail = page.getByTestId('model-detail');
    await detail.getByRole('heading', { name: /Gradient-boosted trees \(best\)/ }).waitFor();
    for (const id of ['pred-vs-actual', 'residuals', 'importance']) {
      const svg = detail.getByTestId(id).locator('svg');
      expect(await svg.count()).toBeGreaterThan(0);
      // Binned, not one node per row.
      expect(await detail.getByTestId(id).locator('rect, path, line').count()).toBeLessThan(5000);
    }
    await detail.getByRole('button', { name: 'Compute permutation importance' }).click();
    await detail.getByTestId('perm-importance').locator('svg').first().waitFor({ timeout: 120_000 });
    await s.shot('best-model-plots');
    // Another model's plots on click.
    await page.getByTestId('leaderboard').getByRole('button', { name: 'Linear regression' }).click();
    await detail.getByRole('heading', { name: 'Linear regression' }).waitFor();
    expect(await detail.getByTestId('importance').locator('svg').count()).toBeGreaterThan(0);
    await s.shot('linear-plots');
  });

  it('explains an invalid hyperparameter inline and blocks the run', async () => {
    await page.getByRole('button', { name: 'Hyperparameters of Gradient-boosted trees' }).isVisible();
    const lr = page.locator('#p-gbdt-learningRate');
    await lr.fill('0');
    await page.getByTestId('params-gbdt').getByRole('alert').filter({ hasText: /learningRate/ }).waitFor();
    await page.getByTestId('blocker').filter({ hasText: /Gradient-boosted trees/ }).waitFor();
    await s.shot('invalid-param');
    await lr.fill('0.1');
    await page.getByTestId('params-gbdt').getByRole('alert').waitFor({ state: 'detached' });
  });

  it('cancels a long candidate', async () => {
    await choose(['forest']);
    await page.getByRole('button', { name: 'Hyperparameters of Random forest' }).click();
    await page.locator('#p-forest-nEstimators').fill('2000');
    await page.getByRole('button', { name: 'Train 1 models' }).click();
    await waitStatus('forest', 'running', 60_000);
    await page.waitForTimeout(1500);
    await s.shot('forest-running');
    await page.getByRole('button', { name: 'Cancel Random forest' }).click();
    await waitStatus('forest', 'cancelled', 30_000);
    await s.shot('forest-cancelled');
    expect(s.pageErrors).toEqual([]);
  });
});
