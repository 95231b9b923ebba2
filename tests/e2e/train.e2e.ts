/**
 * The Train screen in a real browser: gemstone.csv through the file picker, three candidates in
 * the worker pool (the page loads no training code), the leaderboard (gradient-boosted trees
 * first, R² ≥ 0.975), the tfjs backend line, plots for the best model checked against its bundle
 * (registered and downloaded, then predicted in Node on the same split: bins, axis ranges and
 * importance bars), permutation importance, and cancelling a long candidate. Timings are printed, never asserted (bench/browser.ts measures the
 * page's long tasks).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseBundle } from '../../src/core/bundle/bundle';
import { requireColumn, parseCsv, takeRows, trainTestSplit } from '../../src/core/data';
import type { ModelType } from '../../src/core/models/types';
import { chooseModels, exportVersion, goTo, openApp, pageModules, ROOT, workerOnlyModules, type BrowserSession, registerModel } from './browser';

const GEMSTONE = resolve(ROOT, '../shared/data/gemstone.csv');
const haveGemstone = existsSync(GEMSTONE);
if (!haveGemstone) console.warn(`train.e2e: skipped, ${GEMSTONE} is absent.`);
const TRAIN_TIMEOUT = 280_000;

let s: BrowserSession;
let page: Page;

type Type = ModelType;

/** Non-empty cells of a bins × bins grid over the two domains (the last cell of each axis closed). */
function occupiedCells(xs: ArrayLike<number>, ys: ArrayLike<number>, [x0, x1]: number[], [y0, y1]: number[], bins = 40): number {
  const seen = new Set<number>();
  const cell = (v: number, lo: number, hi: number) => Math.min(bins - 1, Math.floor((v - lo) / ((hi - lo) / bins)));
  for (let i = 0; i < xs.length; i++) seen.add(cell(ys[i], y0, y1) * bins + cell(xs[i], x0, x1));
  return seen.size;
}

function extent(...arrays: ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays)
    for (let i = 0; i < a.length; i++) {
      lo = Math.min(lo, a[i]);
      hi = Math.max(hi, a[i]);
    }
  return [lo, hi];
}

/** What a chart drew: its scales' domains, the rects of one mark, and the y-axis labels top to bottom. */
interface Drawn {
  x: number[];
  y: (number | string)[];
  rects: { x: number; y: number; width: number }[];
  yLabels: string[];
}

async function drawn(testId: string, mark: string): Promise<Drawn> {
  return page
    .getByTestId('model-detail')
    .getByTestId(testId)
    .locator('svg')
    .first()
    .evaluate((svg, markLabel) => {
      // Plot hangs scale() on the element it returns: the domains the chart was drawn with.
      const plot = svg as SVGSVGElement & { scale(name: string): { domain: (number | string)[] } };
      const rects = Array.from(svg.querySelectorAll(`g[aria-label="${markLabel}"] rect`), (r) => ({
        x: Number(r.getAttribute('x')),
        y: Number(r.getAttribute('y')),
        width: Number(r.getAttribute('width')),
      }));
      const labels = Array.from(svg.querySelectorAll('g[aria-label="y-axis tick label"] text'), (t) => ({ text: t.textContent ?? '', top: t.getBoundingClientRect().top }));
      labels.sort((a, b) => a.top - b.top);
      return { x: plot.scale('x').domain as number[], y: plot.scale('y').domain, rects, yLabels: labels.map((l) => l.text) };
    }, mark);
}

async function waitStatus(type: Type, status: string, timeout = TRAIN_TIMEOUT): Promise<void> {
  await page.locator(`[data-testid="candidate-${type}"][data-status="${status}"]`).waitFor({ timeout });
}

describe.skipIf(!haveGemstone)('Train screen', () => {
  beforeAll(async () => {
    s = await openApp('train');
    page = s.page;
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
    await chooseModels(page, ['linear', 'gbdt', 'mlp']);
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
      await svg.first().waitFor({ timeout: 30_000 }); // PlotBox draws in a task after the heading
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
    // The plots draw after the heading (a busy machine can take a moment).
    await detail.getByTestId('importance').locator('svg').first().waitFor({ timeout: 30_000 });
    expect(await detail.getByTestId('importance').locator('svg').count()).toBeGreaterThan(0);
    await s.shot('linear-plots');
  });

  it("draws the test rows' numbers: bins, axis ranges and importance bars match the model's bundle on the same split", async () => {
    // The best model's bundle, as a person gets it: register it, download it from Models.
    await page.getByTestId('leaderboard').getByRole('link', { name: 'Register Gradient-boosted trees' }).click();
    await registerModel(page, { name: 'price' });
    await goTo(page, 'Models');
    const tmp = mkdtempSync(join(tmpdir(), 'loupe-e2e-train-'));
    let bundleText: string;
    let reportHtml: string;
    try {
      bundleText = await exportVersion(page, 1, join(tmp, 'bundle.json'));
      const card = page.locator('[data-testid="version-card"][data-version="1"]');
      const [r] = await Promise.all([page.waitForEvent('download'), card.getByTestId('export-report').click()]);
      expect(r.suggestedFilename()).toBe('price-v1-report.html');
      await r.saveAs(join(tmp, 'report.html'));
      reportHtml = readFileSync(join(tmp, 'report.html'), 'utf8');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    const loaded = parseBundle(bundleText);
    expect(loaded.bundle.model.type).toBe('gbdt');
    // The model report from Models: the version's own numbers, no script.
    const iv = loaded.intervals!.evaluation!;
    expect(reportHtml).toContain('<h1>price v1</h1>');
    expect(reportHtml).toContain(`data-field="metrics.rmse" data-value="${loaded.bundle.metrics.test!.rmse}"`);
    expect(reportHtml).toContain(`data-field="intervals.empiricalCoverage" data-value="${iv.empiricalCoverage}"`);
    expect(reportHtml).not.toMatch(/<script/i);
    // Its SHAP summary, made in a worker over the bundle's sample of training rows.
    expect(reportHtml).toContain('What drives the predictions (SHAP)');
    expect(reportHtml).toContain('exact path-dependent TreeSHAP');
    // The same test rows in Node: the split the bundle records, over the same file.
    const split = loaded.bundle.lineage.split!;
    expect(split).toMatchObject({ kind: 'holdout', seed: 42, testSize: 0.2, removedByCleaning: 0 });
    const { table } = await parseCsv(readFileSync(GEMSTONE, 'utf8'));
    const test = takeRows(table, trainTestSplit(table.rowCount, { testSize: split.testSize!, seed: split.seed }).test);
    expect(test.rowCount).toBe(split.testRows);
    const column = requireColumn(test, 'price');
    if (column.type !== 'numeric') throw new Error('price is not numeric');
    const actual = column.values;
    const { X } = loaded.recipe.transformTable(test);
    const predicted = loaded.recipe.decodeTarget(loaded.model.predict(X));
    const residual = actual.map((a, i) => a - predicted[i]);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Train' }).click();
    await page.getByTestId('leaderboard').getByRole('button', { name: 'Gradient-boosted trees' }).click();
    const detail = page.getByTestId('model-detail');
    await detail.getByRole('heading', { name: /Gradient-boosted trees \(best\)/ }).waitFor();
    expect(await detail.textContent()).toContain(`On the ${split.testRows.toLocaleString('en-US')} test rows`);
    // The intervals' coverage on the test rows and their mean width, as the bundle records them.
    const coverage = detail.getByTestId('interval-coverage');
    expect(Number(await coverage.getAttribute('data-coverage'))).toBe(iv.empiricalCoverage);
    expect(Number(await coverage.getAttribute('data-width'))).toBe(iv.meanWidth);
    expect(await coverage.textContent()).toMatch(/90 % conformal intervals, normalised .*: they covered\s+\d+\.\d %\s+of the test rows/);
    const close = (got: number[], want: number[]) => want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 6));

    // Predicted vs actual: one axis range for both, from the smallest to the largest value of either; one rect per occupied bin.
    await detail.getByTestId('pred-vs-actual').locator('svg').first().waitFor();
    const pva = await drawn('pred-vs-actual', 'rect');
    const both = extent(actual, predicted);
    close(pva.x, both);
    close(pva.y as number[], both);
    expect(pva.rects.length).toBe(occupiedCells(actual, predicted, both, both));

    // Residuals against predicted.
    const res = await drawn('residuals', 'rect');
    close(res.x, extent(predicted));
    close(res.y as number[], extent(residual));
    expect(res.rects.length).toBe(occupiedCells(predicted, residual, extent(predicted), extent(residual)));

    // Importance: the model's gain shares, largest first, bar lengths in proportion.
    const gain = loaded.model.featureImportance!()!;
    const total = gain.reduce((a, b) => a + b, 0);
    const want = loaded.recipe.featureNames.map((name, i) => ({ name, share: gain[i] / total })).sort((a, b) => b.share - a.share);
    const imp = await drawn('importance', 'bar');
    expect(imp.yLabels).toEqual(want.map((w) => w.name));
    expect(imp.y).toEqual(want.map((w) => w.name));
    const bars = [...imp.rects].sort((a, b) => a.y - b.y);
    expect(bars).toHaveLength(want.length);
    for (let i = 0; i < bars.length; i++) expect(bars[i].width / bars[0].width).toBeCloseTo(want[i].share / want[0].share, 3);
    await s.shot('charts-checked');
  });

  it('explains an invalid hyperparameter inline and blocks the run', async () => {
    if (!(await page.getByTestId('params-gbdt').isVisible())) await page.getByRole('button', { name: 'Hyperparameters of Gradient-boosted trees' }).click();
    const lr = page.locator('#p-gbdt-learningRate');
    await lr.fill('0');
    await page.getByTestId('params-gbdt').getByRole('alert').filter({ hasText: /learningRate/ }).waitFor();
    await page.getByTestId('blocker').filter({ hasText: /Gradient-boosted trees/ }).waitFor();
    await s.shot('invalid-param');
    await lr.fill('0.1');
    await page.getByTestId('params-gbdt').getByRole('alert').waitFor({ state: 'detached' });
  });

  it('cancels a long candidate', async () => {
    await chooseModels(page, ['forest']);
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
