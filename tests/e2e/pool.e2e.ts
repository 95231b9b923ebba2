/**
 * The training pool on a machine with more cores (hardwareConcurrency reported as 4, so 3
 * workers): one random forest grows its trees in all three workers, and cancelling a long forest
 * stops it while its helpers are busy. That the shared forest is the one a single worker builds
 * is asserted in tests/app/worker-pool.test.ts and tests/core/models/forest.test.ts.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chooseModels, openBrowser, ROOT, type BrowserSession } from './browser';

const GEMSTONE = resolve(ROOT, '../shared/data/gemstone.csv');
const haveGemstone = existsSync(GEMSTONE);
if (!haveGemstone) console.warn(`pool.e2e: skipped, ${GEMSTONE} is absent.`);

let s: BrowserSession;
let page: Page;

const trainWorkers = (): number => page.workers().filter((w) => /train\.worker/.test(w.url())).length;

describe.skipIf(!haveGemstone)('Training pool with several workers', () => {
  beforeAll(async () => {
    s = await openBrowser('pool');
    page = s.page;
    // Through DevTools (not subject to the page's CSP): the page sees four cores.
    await s.context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 4 }));
    await page.goto(s.baseUrl);
    await page.getByRole('heading', { name: 'Data', level: 1 }).waitFor();
    await page.getByLabel('CSV file', { exact: true }).setInputFiles(GEMSTONE);
    await page.getByTestId('row-count').filter({ hasText: /^65,535$/ }).waitFor({ timeout: 120_000 });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Train' }).click();
    await page.getByRole('heading', { name: 'Train', level: 1 }).waitFor();
  });

  afterAll(async () => {
    await s?.close();
  });

  it('uses hardwareConcurrency − 1 workers, and one random forest grows its trees in all of them', async () => {
    await page.getByTestId('backend').filter({ hasText: /· 3 workers/ }).waitFor({ timeout: 60_000 });
    await chooseModels(page, ['forest']);
    await page.getByRole('button', { name: 'Hyperparameters of Random forest' }).click();
    await page.locator('#p-forest-nEstimators').fill('30');
    await page.getByRole('button', { name: 'Train 1 models' }).click();
    await page.locator('[data-testid="candidate-forest"][data-status="finished"]').waitFor({ timeout: 240_000 });
    // The pool starts a worker only when a task needs one: three means the forest's helpers ran.
    expect(trainWorkers()).toBe(3);
    await s.shot('forest-finished');
  });

  it('cancels a long forest while its helpers grow trees', async () => {
    await page.locator('#p-forest-nEstimators').fill('2000');
    await page.getByRole('button', { name: 'Train 1 models' }).click();
    await page.locator('[data-testid="candidate-forest"][data-status="running"]').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(3000);
    await page.getByRole('button', { name: 'Cancel Random forest' }).click();
    await page.locator('[data-testid="candidate-forest"][data-status="cancelled"]').waitFor({ timeout: 30_000 });
    await s.shot('forest-cancelled');
    expect(s.pageErrors).toEqual([]);
  });
});
