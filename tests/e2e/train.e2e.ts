/**
 * The Train screen in a real browser: gemstone.csv through the file picker, three candidates in
 * the worker pool, the leaderboard (gradient-boosted trees first, R² ≥ 0.975), no main-thread
 * task over 200 ms while training, the tfjs backend line, plots for the best model, permutation
 * importance, and cancelling a long candidate. Timings are printed, never asserted.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { MODEL_LABELS } from '../../src/core/models/catalog';
import type { ModelType } from '../../src/core/models/types';
import { openBrowser, ROOT, type BrowserSession } from './browser';

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

  it('trains linear, gbdt and mlp; gbdt leads with R² ≥ 0.975; no long task over 200 ms', async () => {
    await choose(['linear', 'gbdt', 'mlp']);
    await page.getByRole('button', { name: 'Hyperparameters of Gradient-boosted trees' }).click();
    await page.getByTestId('params-gbdt').waitFor();
    await s.shot('models-chosen');
    await page.evaluate(() => {
      const w = window as unknown as { __long: { start: number; duration: number }[]; __t0: number };
      w.__long = [];
      w.__t0 = performance.now();
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__long.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Train 3 models' }).click();
    await page.locator('[data-testid^="candidate-"][data-status="running"]').first().waitFor({ timeout: 60_000 });
    // A full-page screenshot blocks the renderer itself: its window is left out of the long-task check.
    const shotStart = await page.evaluate(() => performance.now());
    await s.shot('training-progress');
    const shotEnd = await page.evaluate(() => performance.now());
    for (const t of ['linear', 'gbdt', 'mlp'] as const) await waitStatus(t, 'finished');
    const seconds = (Date.now() - t0) / 1000;
    await page.getByTestId('leaderboard').waitFor();
    const long = await page.evaluate(() => {
      const w = window as unknown as { __long: { start: number; duration: number }[]; __t0: number };
      return w.__long.filter((e) => e.start >= w.__t0);
    });
    const appTasks = long.filter((e) => e.start + e.duration < shotStart || e.start > shotEnd);
    const maxLong = appTasks.reduce((m, e) => Math.max(m, e.duration), 0);
    console.log(
      JSON.stringify({
        trainLinearGbdtMlpSeconds: seconds,
        longTasks: appTasks.length,
        maxLongTaskMs: maxLong,
        over200: appTasks.filter((e) => e.duration > 200).map((e) => [Math.round(e.start), Math.round(e.duration)]),
        screenshotTasks: long.length - appTasks.length,
      }),
    );
    expect(maxLong).toBeLessThanOrEqual(200);

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
