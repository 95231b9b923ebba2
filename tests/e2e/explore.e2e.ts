/**
 * The Explore screen in a real browser on gemstone.csv: data-quality findings, the target's
 * histogram and its log toggle, the correlation heatmap, box plots and the density chart for a
 * picked column, no stale chart after quick clicks, and the aggregates computed in the EDA worker
 * (the page loads none of that code). Main-thread long tasks are printed here and measured in
 * bench/browser.ts. Without ../shared/data/gemstone.csv only a smoke test on the synthetic sample runs.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadSample, openApp, pageModules, ROOT, workerOnlyModules, type BrowserSession } from './browser';

const GEMSTONE = resolve(ROOT, '../shared/data/gemstone.csv');
const haveGemstone = existsSync(GEMSTONE);
const TIMEOUT = 120_000;

if (!haveGemstone) console.warn(`explore.e2e: ${GEMSTONE} is absent; only the smoke test on the synthetic sample runs.`);

let s: BrowserSession;
let page: Page;

/** A stable text signature of a chart's SVG marks (changes when the chart is redrawn with other data). */
async function marksOf(testId: string): Promise<string> {
  return page
    .getByTestId(testId)
    .locator('svg [aria-label="rect"] rect, svg g[aria-label="rect"] rect')
    .evaluateAll((rects) => rects.map((r) => `${r.getAttribute('x')},${r.getAttribute('width')}`).join(' '));
}

async function gotoExplore(): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Explore' }).click();
  await page.getByRole('heading', { name: 'Explore', level: 1 }).waitFor();
}

async function pickColumn(name: string): Promise<void> {
  await page.getByTestId('column-list').getByRole('button', { name, exact: true }).click();
}

beforeAll(async () => {
  s = await openApp('explore');
  page = s.page;
});

afterAll(async () => {
  await s?.close();
});

describe('Explore screen', () => {
  it('shows an empty state that links to the Data page when no dataset is open', async () => {
    await page.getByRole('heading', { name: 'No dataset open' }).waitFor();
    await gotoExplore();
    const empty = page.getByTestId('explore-empty');
    await empty.getByRole('link', { name: 'Data page' }).waitFor();
    await s.shot('empty');
    await empty.getByRole('link', { name: 'Data page' }).click();
    await page.getByRole('heading', { name: 'Data', level: 1 }).waitFor();
  });

  describe.skipIf(!haveGemstone)('on gemstone.csv', () => {
    let exploreStart = 0;

    it('loads gemstone.csv and opens Explore: the target histogram comes first', async () => {
      await page.getByLabel('CSV file', { exact: true }).setInputFiles(GEMSTONE);
      await page.getByTestId('row-count').filter({ hasText: /^65,535$/ }).waitFor({ timeout: TIMEOUT });
      exploreStart = await s.clock();
      const t0 = Date.now();
      await gotoExplore();
      expect(await page.getByTestId('explore-dataset').textContent()).toBe('gemstone.csv');
      expect(await page.getByTestId('target-select').inputValue()).toBe('price');
      const bars = page.getByTestId('target-histogram').locator('svg rect');
      await bars.nth(5).waitFor({ timeout: TIMEOUT });
      const firstChartMs = Date.now() - t0;
      await page.getByTestId('correlation-heatmap').locator('svg').first().waitFor({ timeout: TIMEOUT });
      const chartsMs = Date.now() - t0;
      console.log(`explore.e2e: first chart after ${firstChartMs} ms, target + heatmap after ${chartsMs} ms`);
      expect(await bars.count()).toBeGreaterThan(10);
      await s.shot('first-charts');
    });

    it('lists data-quality findings in plain words: zeros in z, the id column', async () => {
      const findings = page.getByTestId('findings');
      await findings.getByTestId('finding').first().waitFor({ timeout: TIMEOUT });
      const zeros = findings.locator('[data-kind="implausible-zeros"]').filter({ hasText: '"z"' });
      expect(await zeros.first().textContent()).toMatch(/"z" is 0 in 2 rows \(rows 8751, 39414\)/);
      const id = findings.locator('[data-kind="id-column"]');
      expect(await id.first().textContent()).toMatch(/"id" looks like a row identifier/);
      expect(await findings.locator('[data-kind="skewed"]').filter({ hasText: '"price"' }).count()).toBe(1);
      await s.shot('findings');
    });

    it('redraws the target histogram on a log scale and back', async () => {
      const fig = page.getByTestId('target-histogram');
      const linear = await marksOf('target-histogram');
      expect(linear.length).toBeGreaterThan(0);
      await page.getByTestId('target-log').check();
      await page.getByRole('img', { name: 'Histogram of price on a log scale' }).waitFor({ timeout: TIMEOUT });
      await fig.and(page.locator('[aria-busy="false"]')).waitFor({ timeout: TIMEOUT });
      const log = await marksOf('target-histogram');
      expect(log).not.toBe(linear);
      expect(await fig.locator('figcaption').textContent()).toMatch(/log-spaced bin of price/);
      await s.shot('target-log');
      await page.getByTestId('target-log').uncheck();
      await page.getByRole('img', { name: 'Histogram of price', exact: true }).waitFor({ timeout: TIMEOUT });
    });

    it('draws the correlation heatmap with values: carat–x ≈ 0.98; Spearman on request', async () => {
      const heat = page.getByTestId('correlation-heatmap');
      const cell = heat.locator('svg text[aria-label^="carat and x:"]');
      await cell.waitFor({ timeout: TIMEOUT });
      const r = Number(await cell.textContent());
      expect(r).toBeGreaterThan(0.97);
      expect(r).toBeLessThan(0.99);
      expect(await cell.isVisible()).toBe(true);
      expect(await heat.locator('td[data-pair="x|carat"]').textContent()).toBe(String(r.toFixed(2)));
      // 7 numeric measurements (id is left out): 49 cells.
      expect(await heat.locator('svg text[aria-label]').count()).toBe(49);
      await s.shot('heatmap-pearson');
      await page.getByRole('group', { name: 'Correlation method' }).getByRole('button', { name: 'Spearman' }).click();
      await heat.locator('figcaption', { hasText: /^Spearman/ }).waitFor({ timeout: TIMEOUT });
      const rs = Number(await heat.locator('svg text[aria-label^="carat and x:"]').textContent());
      expect(rs).toBeGreaterThan(0.95);
      await s.shot('heatmap-spearman');
    });

    it('picking cut shows box plots of price per cut', async () => {
      await pickColumn('cut');
      const box = page.getByTestId('relation-boxplots');
      await box.locator('svg').first().waitFor({ timeout: TIMEOUT });
      expect(await box.locator('div[role="img"]').getAttribute('aria-label')).toBe('Box plots of price for each level of cut');
      // One box (q1–q3 bar) per level of cut.
      expect(await box.locator('svg g[aria-label="bar"] rect').count()).toBe(5);
      await page.getByTestId('column-levels').locator('svg').first().waitFor();
      await s.shot('cut-boxplots');
    });

    it('picking carat shows its histogram and the density chart with the mean line', async () => {
      await pickColumn('carat');
      const density = page.getByTestId('relation-density');
      await density.locator('svg').first().waitFor({ timeout: TIMEOUT });
      const grid = density.locator('svg g[aria-label="density grid"]');
      const cells = Number(await grid.getAttribute('data-cells'));
      expect(cells).toBeGreaterThan(50);
      expect(cells).toBeLessThanOrEqual(40 * 40);
      // One path per colour step, not one node per cell.
      expect(await grid.locator('path').count()).toBeLessThanOrEqual(12);
      expect(await density.locator('svg g[aria-label="line"] path').count()).toBe(1);
      // 65,535 rows: a density grid, not one dot per row.
      expect(await density.locator('svg circle').count()).toBeLessThan(100);
      await page.getByTestId('column-histogram').locator('svg rect').first().waitFor();
      await s.shot('carat-density');
    });

    it('quick clicks through columns end on the last one picked, never on a stale chart', async () => {
      for (const c of ['depth', 'clarity', 'table', 'color', 'x']) await pickColumn(c);
      const density = page.getByTestId('relation-density');
      await density.locator('div[role="img"][aria-label^="price against x:"]').waitFor({ timeout: TIMEOUT });
      await page.waitForTimeout(1500); // any late answer for an earlier column would land now
      expect(await page.getByTestId('relation-boxplots').count()).toBe(0);
      expect(await density.locator('div[role="img"]').getAttribute('aria-label')).toMatch(/^price against x:/);
      expect(await page.locator('[data-testid="column-detail"] h3').first().textContent()).toBe('x');
      await s.shot('after-quick-clicks');
    });

    it('another target can be picked on this screen', async () => {
      await page.getByTestId('target-select').selectOption('carat');
      await page.getByRole('img', { name: 'Histogram of carat', exact: true }).waitFor({ timeout: TIMEOUT });
      await page.getByTestId('relation-density').locator('div[role="img"][aria-label^="carat against x:"]').waitFor({ timeout: TIMEOUT });
      await s.shot('target-carat');
      await page.getByTestId('target-select').selectOption('price');
      await page.getByRole('img', { name: 'Histogram of price', exact: true }).waitFor({ timeout: TIMEOUT });
    });

    it('computes the aggregates in the EDA worker: the page loads no EDA code', async () => {
      const modules = await pageModules(page);
      expect(modules).toContain('src/ui/explore/ExplorePage.svelte');
      expect(workerOnlyModules(modules)).toEqual([]);
      expect(page.workers().some((w) => /\/eda\.worker-[\w-]+\.js$/.test(w.url()))).toBe(true);
      // Printed for the reader; bench/browser.ts measures them.
      const tasks = await s.longTasks(exploreStart);
      const charts = await page.evaluate(() =>
        performance.getEntriesByType('measure').filter((m) => m.name.startsWith('chart ')).map((m) => [m.name.slice(6), m.duration] as const),
      );
      const slowest: Record<string, number> = {};
      for (const [name, ms] of charts) slowest[name] = Math.max(slowest[name] ?? 0, Math.round(ms));
      console.log(
        `explore.e2e: ${tasks.length} long tasks (> 50 ms) since opening Explore, longest ${Math.round(Math.max(0, ...tasks.map((t) => t.duration)))} ms; ` +
          `${charts.length} chart renders, slowest per chart (ms): ${JSON.stringify(slowest)}`,
      );
      expect(s.pageErrors).toEqual([]);
    });
  });
  it('follows the open dataset: the synthetic sample (5,000 rows) shows its rows as points', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Data' }).click();
    await loadSample(page, TIMEOUT);
    await gotoExplore();
    await page.getByTestId('explore-dataset').filter({ hasText: 'gemstone-sample-synthetic.csv' }).waitFor();
    await page.getByTestId('target-histogram').locator('svg rect').first().waitFor({ timeout: TIMEOUT });
    await page.getByTestId('correlation-heatmap').locator('svg').first().waitFor({ timeout: TIMEOUT });
    await page.getByTestId('finding').first().waitFor({ timeout: TIMEOUT });
    await pickColumn('carat');
    const points = page.getByTestId('relation-density').locator('svg g[aria-label="points"]');
    await points.waitFor({ timeout: TIMEOUT });
    // n ≤ 5,000: every row is drawn, as one path.
    expect(Number(await points.getAttribute('data-points'))).toBe(5000);
    expect(await points.locator('path').count()).toBe(1);
    await s.shot('sample');
    expect(s.pageErrors).toEqual([]);
  });
});
