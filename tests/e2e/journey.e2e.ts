/**
 * The whole journey of the classic ML project in one browser tab, on ../shared/data/gemstone.csv:
 * load → explore shows charts → prepare with the ordinal orders → train linear, gbdt and mlp →
 * the leaderboard shows gradient-boosted trees first with R² ≥ 0.975 → one-row prediction from
 * the form → bulk prediction of 10,000 rows → the downloaded CSV holds, row for row, what the CLI
 * predicts for the same rows with the model's bundle (registered and downloaded from the Models
 * screen) → the page itself loaded none of the parsing, EDA, cleaning, training or prediction
 * code (workers did that work). A screenshot per step (test-artifacts/journey/), which the README
 * shows. The page's long tasks are measured in bench/browser.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseModels, exportVersion, goTo, openApp, pageModules, ROOT, workerOnlyModules, type BrowserSession, registerModel } from './browser';

const GEMSTONE = resolve(ROOT, '../shared/data/gemstone.csv');
const haveGemstone = existsSync(GEMSTONE);
if (!haveGemstone) console.warn(`journey.e2e: skipped, ${GEMSTONE} is absent.`);
const TIMEOUT = 280_000;

let s: BrowserSession;
let page: Page;
let tmp: string;
/** The 10,000 rows predicted on the page, and the page's predictions CSV for them. */
let rowsPath: string;
let pagePredictionsPath: string;

describe.skipIf(!haveGemstone)('the whole journey on gemstone.csv', () => {
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'loupe-journey-'));
    s = await openApp('journey');
    page = s.page;
  });

  afterAll(async () => {
    await s?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('loads the file through the picker', async () => {
    await page.getByLabel('CSV file', { exact: true }).setInputFiles(GEMSTONE);
    await page.getByTestId('row-count').filter({ hasText: /^65,535$/ }).waitFor({ timeout: TIMEOUT });
    await s.shot('data');
  });

  it('explore shows the findings and charts', async () => {
    await goTo(page, 'Explore');
    await page.getByTestId('target-histogram').locator('svg rect').nth(5).waitFor({ timeout: TIMEOUT });
    await page.getByTestId('correlation-heatmap').locator('svg').first().waitFor({ timeout: TIMEOUT });
    const findings = page.getByTestId('findings');
    await findings.locator('[data-kind="implausible-zeros"]').filter({ hasText: '"z"' }).first().waitFor({ timeout: TIMEOUT });
    await s.shot('explore');
  });

  it('prepare proposes the known ordinal orders', async () => {
    await goTo(page, 'Prepare');
    await page.getByTestId('columns-table').waitFor();
    expect(await page.getByTestId('target-select').inputValue()).toBe('price');
    const orders: Record<string, string[]> = {
      cut: ['Fair', 'Good', 'Very Good', 'Premium', 'Ideal'],
      color: ['J', 'I', 'H', 'G', 'F', 'E', 'D'],
      clarity: ['I1', 'SI2', 'SI1', 'VS2', 'VS1', 'VVS2', 'VVS1', 'IF'],
    };
    for (const [c, order] of Object.entries(orders)) {
      expect(await page.getByTestId(`kind-${c}`).inputValue()).toBe('ordinal');
      expect(await page.getByTestId(`order-${c}`).getByTestId('level').allTextContents()).toEqual(order);
    }
    expect(await page.getByTestId('error-count').textContent()).toBe('ready to train');
    await s.shot('prepare');
  });

  it('trains linear, gbdt and mlp: gbdt leads with R² ≥ 0.975', async () => {
    await goTo(page, 'Train');
    await chooseModels(page, ['linear', 'gbdt', 'mlp']);
    const since = await s.clock();
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Train 3 models' }).click();
    for (const t of ['linear', 'gbdt', 'mlp']) await page.locator(`[data-testid="candidate-${t}"][data-status="finished"]`).waitFor({ timeout: TIMEOUT });
    await page.getByTestId('leaderboard').waitFor();
    const long = (await s.longTasks(since)).map((e) => e.duration);
    console.log(JSON.stringify({ journeyTrainSeconds: (Date.now() - t0) / 1000, longTasks: long.length, maxLongTaskMs: Math.round(Math.max(0, ...long)) }));
    const rows = page.getByTestId('leaderboard-row');
    expect(await rows.count()).toBe(3);
    expect(await rows.first().getAttribute('data-type')).toBe('gbdt');
    expect(Number(await rows.first().getByTestId('r2').textContent())).toBeGreaterThanOrEqual(0.975);
    await page.getByTestId('model-detail').getByTestId('pred-vs-actual').locator('svg').first().waitFor();
    await s.shot('train');
  });

  it('predicts one row from the form with the best model', async () => {
    await goTo(page, 'Predict');
    await page.getByTestId('model-facts').waitFor({ timeout: TIMEOUT });
    expect(await page.getByTestId('model-facts').textContent()).toMatch(/Gradient-boosted trees/);
    const value = async (): Promise<number> => {
      await page.waitForFunction(() => {
        const e = document.querySelector('[data-testid="row-prediction"]');
        return e?.getAttribute('data-pending') === 'false' && e.getAttribute('data-value') !== '';
      });
      return Number(await page.getByTestId('row-prediction').getAttribute('data-value'));
    };
    await page.locator('#in-carat').fill('0.5');
    const small = await value();
    await page.locator('#in-carat').fill('1.5');
    await page.waitForFunction((prev) => {
      const e = document.querySelector('[data-testid="row-prediction"]');
      return e?.getAttribute('data-pending') === 'false' && Number(e.getAttribute('data-value')) !== prev;
    }, small);
    const big = await value();
    expect(big).toBeGreaterThan(small);
    await s.shot('predict-row');
  });

  it('predicts a 10,000-row file and downloads input columns plus a prediction column', async () => {
    const lines = readFileSync(GEMSTONE, 'utf8').trim().split(/\r?\n/);
    const header = lines[0].split(',');
    const price = header.indexOf('price');
    const keep = (cells: string[]): string[] => cells.filter((_, j) => j !== price);
    const csv = [keep(header).join(','), ...lines.slice(1, 10_001).map((l) => keep(l.split(',')).join(','))].join('\n') + '\n';
    rowsPath = join(tmp, 'gems-10k.csv');
    writeFileSync(rowsPath, csv);
    await page.getByLabel('CSV file to predict').setInputFiles(rowsPath);
    await page.getByTestId('predict-result').waitFor({ timeout: TIMEOUT });
    expect(await page.getByTestId('summary-rows').textContent()).toBe('10,000');
    await page.getByTestId('prediction-histogram').locator('svg').waitFor();
    await s.shot('predict');
    const [d] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('download-predictions').click()]);
    pagePredictionsPath = join(tmp, 'predictions.csv');
    await d.saveAs(pagePredictionsPath);
    const parsed = Papa.parse<Record<string, string>>(readFileSync(pagePredictionsPath, 'utf8').trim(), { header: true });
    expect(parsed.meta.fields).toEqual([...keep(header), 'prediction', 'error']);
    expect(parsed.data).toHaveLength(10_000);
    for (const r of parsed.data) expect(Number(r.prediction)).toBeGreaterThan(0);
  });

  it("the downloaded predictions equal the CLI's for the same rows with the same model bundle", async () => {
    // The model that predicted (the best of the run, gradient-boosted trees) is registered and its bundle downloaded.
    await goTo(page, 'Runs');
    const gbdtRun = page.locator('[data-testid="run-row"][data-type="gbdt"][data-status="finished"]');
    await gbdtRun.waitFor({ timeout: 10_000 });
    await gbdtRun.getByRole('button', { name: /^Register run/ }).click();
    await registerModel(page, { name: 'price' });
    await goTo(page, 'Models');
    const bundlePath = join(tmp, 'price-v1.json');
    const bundle = JSON.parse(await exportVersion(page, 1, bundlePath)) as { model: { type: string } };
    // A tree model: no tfjs in its prediction, so Chromium and Node must agree to rounding.
    expect(bundle.model.type).toBe('gbdt');

    const cliOut = join(tmp, 'cli-predictions.csv');
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'predict', bundlePath, rowsPath, '--out', cliOut], { cwd: ROOT, encoding: 'utf8' });
    expect(cli.status, cli.stderr).toBe(0);
    const read = (path: string) => Papa.parse<Record<string, string>>(readFileSync(path, 'utf8').trim(), { header: true });
    const fromPage = read(pagePredictionsPath);
    const fromCli = read(cliOut);
    expect(fromPage.meta.fields).toEqual(fromCli.meta.fields);
    expect(fromCli.data).toHaveLength(10_000);
    let worst = 0;
    for (let i = 0; i < fromCli.data.length; i++) {
      const a = fromPage.data[i];
      const b = fromCli.data[i];
      expect(a.id).toBe(b.id);
      expect(a.error).toBe(b.error);
      const p = Number(a.prediction);
      const q = Number(b.prediction);
      expect(Number.isFinite(q)).toBe(true);
      worst = Math.max(worst, Math.abs(p - q) / Math.max(Math.abs(q), 1e-12));
    }
    console.log(JSON.stringify({ pageVsCliWorstRelativeDifference: worst }));
    expect(worst).toBeLessThanOrEqual(1e-9);
  });

  it('left the heavy work to workers: the page loaded no parsing, EDA, cleaning, training or prediction code', async () => {
    const modules = await pageModules(page);
    for (const screen of ['data/DataPage', 'explore/ExplorePage', 'prepare/PreparePage', 'train/TrainPage', 'predict/PredictPage', 'models/ModelsPage'])
      expect(modules).toContain(`src/ui/${screen}.svelte`);
    expect(workerOnlyModules(modules)).toEqual([]);
    const workers = page.workers().map((w) => new URL(w.url()).pathname.replace(/^.*\//, '').replace(/-[\w-]+\.js$/, ''));
    for (const w of ['ingest.worker', 'eda.worker', 'prepare.worker', 'train.worker', 'predict.worker']) expect(workers).toContain(w);
    expect(s.pageErrors).toEqual([]);
  });
});
