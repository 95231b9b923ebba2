/**
 * Browser benchmark: the longest task on the page's main thread per screen and step, in Debian's
 * Chromium on the built app. The browser tests check outcomes; how long the page is blocked
 * depends on the machine and its load, so it is measured here. Builds the app, serves dist/ as
 * the e2e setup does, and drives a fresh browser profile per run through: load gemstone.csv on
 * Data, Explore (charts, box plots, the density chart, quick clicks), edits on Prepare, training
 * linear + gbdt + mlp, and Predict (one row, then a 10,000-row file). Without
 * ../shared/data/gemstone.csv it uses the built-in synthetic sample and says so.
 *
 * Beside the figures: a fixed piece of JavaScript timed on the same page in the same run (sorting
 * 1,000,000 numbers), so figures from a busy machine can be read as ratios to it.
 *
 *   node --import tsx bench/browser.ts [--runs 3]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { generateSampleGemstones } from '../src/core/sample';
import { chooseModels, chromiumPath, goTo, longTasksSince, openBrowser, pageClock, type LongTask } from '../tests/e2e/browser';
import { buildApp, DIST, type PageChunks } from '../tests/e2e/global-setup';
import { serveStatic } from '../tests/e2e/static-server';
import { median, printJson, round } from './lib/measure';
import { numberOption } from './lib/options';

const ROOT = resolve(import.meta.dirname, '..');
const GEMSTONE = resolve(ROOT, '../shared/data/gemstone.csv');
const TIMEOUT = 300_000;
/** Time left after a step's last visible result for late work (storing, re-rendering) to show up. */
const SETTLE_MS = 1500;

const STEPS = ['data', 'explore', 'prepare', 'train', 'predict'] as const;
type Step = (typeof STEPS)[number];

interface StepFigures {
  /** The longest main-thread task, ms (0 when none went over 50 ms). */
  longestMs: number;
  /** Tasks over 50 ms. */
  longTasks: number;
  /** Sum over long tasks of their time beyond 50 ms (Lighthouse's total blocking time). */
  blockingMs: number;
  /** Wall-clock seconds of the step. */
  seconds: number;
}

function figures(tasks: LongTask[], seconds: number): StepFigures {
  return {
    longestMs: Math.round(Math.max(0, ...tasks.map((t) => t.duration))),
    longTasks: tasks.length,
    blockingMs: Math.round(tasks.reduce((sum, t) => sum + t.duration - 50, 0)),
    seconds: round(seconds, 2),
  };
}

/** Sorts 1,000,000 seeded numbers on the page's main thread, three times; the median in ms. */
async function calibrate(page: Page): Promise<number> {
  const times = await page.evaluate(() => {
    const out: number[] = [];
    for (let k = 0; k < 3; k++) {
      const a = new Float64Array(1_000_000);
      let x = 12345;
      for (let i = 0; i < a.length; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        a[i] = x;
      }
      const t0 = performance.now();
      a.sort();
      out.push(performance.now() - t0);
    }
    return out;
  });
  return median(times);
}

/** kB of the page's own script chunks it loaded (the workers' scripts are fetched too, and left out). */
async function pageScriptKB(page: Page, chunks: PageChunks): Promise<number> {
  const paths = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
  const loaded = new Set(paths.map((p) => p.replace(/^\//, '')).filter((f) => f in chunks));
  return Math.round([...loaded].reduce((sum, f) => sum + statSync(join(DIST, f)).size, 0) / 1024);
}

interface Inputs {
  dataset: 'gemstone.csv' | 'synthetic sample';
  rows: string;
  /** 10,000 rows without the target, for Predict. */
  predictCsv: string;
}

function inputs(dir: string): Inputs {
  const real = existsSync(GEMSTONE);
  const text = real ? readFileSync(GEMSTONE, 'utf8') : generateSampleGemstones(5000, 1);
  const lines = text.trimEnd().split(/\r?\n/);
  const header = lines[0].split(',');
  const price = header.indexOf('price');
  const keep = (l: string) => l.split(',').filter((_, j) => j !== price).join(',');
  const predictCsv = join(dir, 'predict-rows.csv');
  writeFileSync(predictCsv, [keep(lines[0]), ...lines.slice(1, 10_001).map(keep)].join('\n') + '\n');
  return { dataset: real ? 'gemstone.csv' : 'synthetic sample', rows: (lines.length - 1).toLocaleString('en-US'), predictCsv };
}

interface RunFigures {
  steps: Record<Step, StepFigures>;
  calibrationMs: number;
  pageScriptKB: number;
}

async function oneRun(baseUrl: string, chunks: PageChunks, input: Inputs, run: number): Promise<RunFigures> {
  const s = await openBrowser(`bench-browser-${run}`, { baseUrl });
  const page = s.page;
  const steps = {} as Record<Step, StepFigures>;
  const measure = async (step: Step, work: () => Promise<void>): Promise<void> => {
    const since = await pageClock(page);
    const t0 = performance.now();
    await work();
    await page.waitForTimeout(SETTLE_MS);
    steps[step] = figures(await longTasksSince(page, since), (performance.now() - t0 - SETTLE_MS) / 1000);
    process.stderr.write(`run ${run + 1} ${step}: ${JSON.stringify(steps[step])}\n`);
  };
  try {
    await page.goto(baseUrl);
    await page.getByRole('heading', { name: 'Data', level: 1 }).waitFor();
    const calibrationMs = await calibrate(page);

    await measure('data', async () => {
      if (input.dataset === 'gemstone.csv') await page.getByLabel('CSV file', { exact: true }).setInputFiles(GEMSTONE);
      else await page.getByRole('button', { name: 'Load sample (synthetic)' }).click();
      await page.getByTestId('row-count').filter({ hasText: new RegExp(`^${input.rows}$`) }).waitFor({ timeout: TIMEOUT });
    });

    await measure('explore', async () => {
      await goTo(page, 'Explore');
      await page.getByTestId('target-histogram').locator('svg rect').nth(5).waitFor({ timeout: TIMEOUT });
      await page.getByTestId('correlation-heatmap').locator('svg').first().waitFor({ timeout: TIMEOUT });
      await page.getByTestId('finding').first().waitFor({ timeout: TIMEOUT });
      const pick = (name: string) => page.getByTestId('column-list').getByRole('button', { name, exact: true }).click();
      await pick('cut');
      await page.getByTestId('relation-boxplots').locator('svg').first().waitFor({ timeout: TIMEOUT });
      await pick('carat');
      await page.getByTestId('relation-density').locator('svg').first().waitFor({ timeout: TIMEOUT });
      for (const c of ['depth', 'clarity', 'table', 'color', 'x']) await pick(c);
      await page.getByTestId('relation-density').locator('div[role="img"][aria-label^="price against x:"]').waitFor({ timeout: TIMEOUT });
    });

    await measure('prepare', async () => {
      await goTo(page, 'Prepare');
      await page.getByTestId('columns-table').waitFor();
      await page.getByRole('button', { name: 'Move Good down' }).click();
      const cleaning = page.getByRole('form', { name: 'Add a cleaning step' });
      await cleaning.getByLabel('Cleaning step').selectOption('filter');
      await cleaning.getByLabel('Filter column').selectOption('z');
      await cleaning.getByLabel('Comparison').selectOption('>');
      await cleaning.getByLabel('Filter value').fill('0');
      await cleaning.getByRole('button', { name: 'Add step' }).click();
      await page.getByTestId('cleaning-step').first().getByTestId('removed').filter({ hasText: /removes [\d,]+ rows?/ }).waitFor({ timeout: TIMEOUT });
      const derived = page.getByRole('form', { name: 'Add a derived feature' });
      await derived.getByLabel('Feature name').fill('volume');
      await derived.getByLabel('Operation').selectOption('product');
      for (const c of ['x', 'y', 'z']) await derived.getByRole('checkbox', { name: c, exact: true }).check();
      await derived.getByRole('button', { name: 'Add feature' }).click();
      await page.getByTestId('derived-feature').first().getByTestId('derived-preview').waitFor({ timeout: TIMEOUT });
      await page.getByTestId('target-log').check();
      await page.getByTestId('target-log').uncheck();
      await page.getByRole('button', { name: 'Move Good up' }).click();
    });

    await measure('train', async () => {
      await goTo(page, 'Train');
      const chosen = ['linear', 'gbdt', 'mlp'] as const;
      await chooseModels(page, chosen);
      await page.getByRole('button', { name: 'Train 3 models' }).click();
      for (const t of chosen) await page.locator(`[data-testid="candidate-${t}"][data-status="finished"]`).waitFor({ timeout: TIMEOUT });
      for (const id of ['pred-vs-actual', 'residuals', 'importance']) await page.getByTestId('model-detail').getByTestId(id).locator('svg').first().waitFor();
    });

    await measure('predict', async () => {
      await goTo(page, 'Predict');
      await page.getByTestId('row-form').waitFor({ timeout: TIMEOUT });
      await page.locator('#in-carat').fill('1.5');
      await page.waitForFunction(() => document.querySelector('[data-testid="row-prediction"]')?.getAttribute('data-pending') === 'false');
      await page.getByLabel('CSV file to predict').setInputFiles(input.predictCsv);
      await page.getByTestId('predict-result').waitFor({ timeout: TIMEOUT });
      await page.getByTestId('prediction-histogram').locator('svg').waitFor();
    });
    if (s.pageErrors.length) throw new Error(`the page threw: ${s.pageErrors.join('; ')}`);
    return { steps, calibrationMs, pageScriptKB: await pageScriptKB(page, chunks) };
  } finally {
    await s.close();
  }
}

async function main(): Promise<void> {
  const runs = numberOption('runs', 3);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive whole number');
  const tmp = mkdtempSync(join(tmpdir(), 'loupe-bench-browser-'));
  process.stderr.write('building the app…\n');
  const chunks = await buildApp();
  const server = await serveStatic(DIST, 'isolated');
  const baseUrl = server.url;
  try {
    const input = inputs(tmp);
    if (input.dataset !== 'gemstone.csv') process.stderr.write(`${GEMSTONE} is absent: using the synthetic sample (5,000 rows).\n`);
    const results: RunFigures[] = [];
    for (let r = 0; r < runs; r++) results.push(await oneRun(baseUrl, chunks, input, r));
    const steps = Object.fromEntries(
      STEPS.map((step) => {
        const per = results.map((x) => x.steps[step]);
        return [step, { longestMs: median(per.map((f) => f.longestMs)), blockingMs: median(per.map((f) => f.blockingMs)), seconds: median(per.map((f) => f.seconds)), runs: per }];
      }),
    );
    const calibrationMs = round(median(results.map((x) => x.calibrationMs)), 1);
    const longest = Math.max(...STEPS.map((k) => steps[k].longestMs));
    printJson({
      bench: 'browser',
      dataset: input.dataset,
      runs,
      chromium: spawnSync(chromiumPath(), ['--version'], { encoding: 'utf8' }).stdout.trim(),
      machine: { cpus: cpus().length, loadavg1: round(loadavg()[0], 2) },
      pageScriptKB: results[0].pageScriptKB,
      calibration: { what: 'sort 1,000,000 float64 on the page main thread, ms (median)', ms: calibrationMs },
      longestTaskMs: longest,
      longestTaskVsCalibration: round(longest / calibrationMs, 2),
      steps,
    });
  } finally {
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
