/**
 * The Prepare screen in a real browser on gemstone.csv: the inferred ordinal orders, moving a
 * level with the keyboard-accessible buttons, cleaning steps with the rows each removes (counted
 * in the worker), a derived feature with its live preview, the inline "removes every row" error,
 * the log target, the recipe JSON, persistence across a reload — and the counting done in the
 * Prepare worker (the page loads no cleaning code). Main-thread long tasks per test are printed
 * here and measured in bench/browser.ts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, pageModules, ROOT, workerOnlyModules, type BrowserSession } from './browser';

const GEMSTONE = resolve(ROOT, '../shared/data/gemstone.csv');
const haveGemstone = existsSync(GEMSTONE);
if (!haveGemstone) console.warn(`prepare.e2e: skipped, ${GEMSTONE} is absent (see /work/shared/data/README.md).`);
const LOAD_TIMEOUT = 120_000;

let s: BrowserSession;
let page: Page;

const fmt = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });

/** The first data rows of gemstone.csv as records (the test computes expected values from the file itself). */
function firstRows(n: number): Record<string, string>[] {
  const lines = readFileSync(GEMSTONE, 'utf8').split('\n', n + 1);
  const head = lines[0].split(',');
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, k) => [head[k], v])));
}

async function levels(column: string): Promise<string[]> {
  return page.getByTestId(`order-${column}`).getByTestId('level').allTextContents();
}

async function addFilter(column: string, cmp: string, value: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Add a cleaning step' });
  await form.getByLabel('Cleaning step').selectOption('filter');
  await form.getByLabel('Filter column').selectOption(column);
  await form.getByLabel('Comparison').selectOption(cmp);
  await form.getByLabel('Filter value').fill(value);
  await form.getByRole('button', { name: 'Add step' }).click();
}

const step = (n: number) => page.getByTestId('cleaning-step').nth(n);

/** The Prepare worker is running in this page. */
function prepareWorkerRuns(): boolean {
  return page.workers().some((w) => /\/prepare\.worker-[\w-]+\.js$/.test(w.url()));
}

beforeAll(async () => {
  if (!haveGemstone) return;
  s = await openApp('prepare');
  page = s.page;
});

/** Long tasks (ms) per test, printed at the end: where the page was busy. */
const seen: { test: string; tasks: number[] }[] = [];
let since = 0;

beforeEach(async () => {
  if (page) since = await s.clock();
});

afterEach(async (ctx) => {
  if (!page) return;
  seen.push({ test: ctx.task.name, tasks: (await s.longTasks(since)).map((t) => Math.round(t.duration)) });
});

afterAll(async () => {
  await s?.close();
});

describe.skipIf(!haveGemstone)('Prepare page on gemstone.csv', () => {
  it('shows the inferred recipe: target price, cut/color/clarity ordinal in their known orders', async () => {
    await page.getByLabel('CSV file', { exact: true }).setInputFiles(GEMSTONE);
    await page.getByTestId('row-count').filter({ hasText: /^65,535$/ }).waitFor({ timeout: LOAD_TIMEOUT });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Prepare' }).click();
    await page.getByRole('heading', { name: 'Prepare', level: 1 }).waitFor();
    await page.getByTestId('columns-table').waitFor();
    expect(await page.getByTestId('target-select').inputValue()).toBe('price');
    expect(await page.getByTestId('target-reason').textContent()).toMatch(/Proposed: price \(named like a target\)\./);
    expect(await page.getByLabel('Role of id').inputValue()).toBe('ignore');
    for (const c of ['cut', 'color', 'clarity']) {
      expect(await page.getByTestId(`kind-${c}`).inputValue()).toBe('ordinal');
      expect(await page.getByTestId(`schema-kind-${c}`).textContent()).toBe('categorical');
    }
    expect(await levels('cut')).toEqual(['Fair', 'Good', 'Very Good', 'Premium', 'Ideal']);
    expect(await levels('color')).toEqual(['J', 'I', 'H', 'G', 'F', 'E', 'D']);
    expect(await levels('clarity')).toEqual(['I1', 'SI2', 'SI1', 'VS2', 'VS1', 'VVS2', 'VVS1', 'IF']);
    // The inferred choices are marked.
    expect(await page.getByTestId('encoding-carat').locator('option:checked').textContent()).toBe('standardize (default)');
    expect(await page.getByTestId('feature-count').textContent()).toBe('9');
    expect(await page.getByTestId('error-count').textContent()).toBe('ready to train');
    await s.shot('inferred');
  });

  it('moves a level down and back up with the buttons', async () => {
    await page.getByRole('button', { name: 'Move Good down' }).click();
    await expect.poll(() => levels('cut')).toEqual(['Fair', 'Very Good', 'Good', 'Premium', 'Ideal']);
    await page.getByText('edited recipe').waitFor();
    await s.shot('level-moved');
    await page.getByRole('button', { name: 'Move Good up' }).click();
    await expect.poll(() => levels('cut')).toEqual(['Fair', 'Good', 'Very Good', 'Premium', 'Ideal']);
  });

  it('counts the rows each cleaning step removes', async () => {
    await addFilter('x', '>', '0');
    await step(0).getByTestId('removed').filter({ hasText: 'removes 0 rows' }).waitFor();
    await addFilter('z', '>', '0');
    await step(1).getByTestId('removed').filter({ hasText: 'removes 2 rows' }).waitFor();
    expect(await step(1).textContent()).toContain('Keep rows where z > 0');
    expect(await page.getByTestId('rows-left').textContent()).toContain('65,533 of 65,535 rows remain');
    // Reordering keeps the counts right: z first removes the 2 rows, then x removes none.
    await page.getByRole('button', { name: 'Move step 2 up' }).click();
    await step(0).getByTestId('removed').filter({ hasText: 'removes 2 rows' }).waitFor();
    await step(1).getByTestId('removed').filter({ hasText: 'removes 0 rows' }).waitFor();
    await page.getByRole('button', { name: 'Remove step 2' }).click();
    await expect.poll(() => page.getByTestId('cleaning-step').count()).toBe(1);
    await s.shot('cleaning');
  });

  it('previews a derived feature volume = x·y·z live, then adds it', async () => {
    const rows = firstRows(3);
    const volumes = rows.map((r) => Number(r.x) * Number(r.y) * Number(r.z));
    const form = page.getByRole('form', { name: 'Add a derived feature' });
    await form.getByLabel('Feature name').fill('volume');
    await form.getByLabel('Operation').selectOption('product');
    for (const c of ['x', 'y', 'z']) await form.getByRole('checkbox', { name: c, exact: true }).check();
    // Each checkbox asks for a new preview: wait for the one of x × y × z (the earlier ones, of x
    // and of x × y, stay on screen dimmed while it is computed).
    const draft = page.locator('[data-testid="draft-preview"][aria-busy="false"]');
    await expect.poll(async () => (await draft.count()) > 0 && ((await draft.textContent()) ?? '').includes(fmt.format(volumes[0])), { timeout: 60_000 }).toBe(true);
    expect(await draft.textContent()).toContain('x × y × z');
    for (const v of volumes) expect(await draft.textContent()).toContain(fmt.format(v));
    await s.shot('derived-draft');

    await form.getByRole('button', { name: 'Add feature' }).click();
    const item = page.getByTestId('derived-feature').first();
    await item.getByTestId('derived-preview').waitFor();
    const text = (await item.textContent()) ?? '';
    expect(text).toContain('volume');
    expect(text).toContain(fmt.format(volumes[0]));
    // z is 0 in two rows, so volume is 0 there (not missing): min 0, nothing missing.
    expect(text).toMatch(/min 0 ·/);
    expect(await item.getByTestId('derived-missing').textContent()).toBe('0');
    expect(await page.getByTestId('feature-count').textContent()).toBe('10');
    await s.shot('derived-added');
  });

  it('explains a derived feature over a missing column and a duplicate name inline', async () => {
    const form = page.getByRole('form', { name: 'Add a derived feature' });
    await form.getByLabel('Feature name').fill('volume');
    await form.getByLabel('Operation').selectOption('log');
    await form.getByRole('button', { name: 'Add feature' }).click();
    await page.getByRole('alert').filter({ hasText: '“volume” is already the name of a column or feature.' }).waitFor();
    await form.getByLabel('Feature name').fill('');
  });

  it('shows the "removes every row" error inline for carat > 1000, and Train is told', async () => {
    await addFilter('carat', '>', '1000');
    const bad = step(1);
    await bad.getByRole('alert').filter({ hasText: 'removes every remaining row (65,533)' }).waitFor();
    await page.getByTestId('error-count').filter({ hasText: '1 error' }).waitFor();
    await s.shot('removes-every-row');
    await page.getByRole('button', { name: 'Remove step 2' }).click();
    await page.getByTestId('error-count').filter({ hasText: 'ready to train' }).waitFor();
  });

  it('toggles the log target; the recipe JSON shows every change', async () => {
    await page.getByTestId('target-log').check();
    await page.getByRole('button', { name: 'Show recipe JSON' }).click();
    const json = JSON.parse((await page.getByTestId('recipe-json').textContent()) ?? '') as {
      target: string;
      targetTransform: string;
      cleaning: unknown[];
      features: unknown[];
      columns: { name: string; order?: string[] }[];
    };
    expect(json.target).toBe('price');
    expect(json.targetTransform).toBe('log1p');
    expect(json.cleaning).toEqual([{ op: 'filter', column: 'z', cmp: '>', value: 0 }]);
    expect(json.features).toEqual([{ name: 'volume', op: 'product', columns: ['x', 'y', 'z'] }]);
    expect(json.columns.find((c) => c.name === 'cut')?.order).toEqual(['Fair', 'Good', 'Very Good', 'Premium', 'Ideal']);
    await s.shot('json');
  });

  it('keeps the edited recipe across a reload', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Prepare', level: 1 }).waitFor();
    await page.getByTestId('cleaning-step').first().getByTestId('removed').filter({ hasText: 'removes 2 rows' }).waitFor({ timeout: LOAD_TIMEOUT });
    expect(await page.getByTestId('target-log').isChecked()).toBe(true);
    await page.getByTestId('derived-feature').first().getByTestId('derived-preview').waitFor();
    await page.getByText('edited recipe').waitFor();
    await s.shot('after-reload');
  });

  it('resets to the inferred defaults', async () => {
    await page.getByRole('button', { name: 'Reset to inferred defaults' }).click();
    await page.getByText('inferred recipe').waitFor();
    expect(await page.getByTestId('cleaning-step').count()).toBe(0);
    expect(await page.getByTestId('target-log').isChecked()).toBe(false);
    expect(await page.getByTestId('feature-count').textContent()).toBe('9');
    await s.shot('reset');
  });

  it('counted in the Prepare worker: the page loads no cleaning, parsing or profiling code', async () => {
    const modules = await pageModules(page);
    expect(modules).toContain('src/ui/prepare/PreparePage.svelte');
    expect(workerOnlyModules(modules)).toEqual([]);
    expect(prepareWorkerRuns()).toBe(true);
    console.log(`prepare.e2e long tasks per test (ms): ${JSON.stringify(seen)}`);
    expect(s.pageErrors).toEqual([]);
  });
});

describe.skipIf(!haveGemstone)('Prepare page on a 1,000,000-row file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'loupe-prepare-'));
    // (a, b, group, y) repeats every lcm(1000, 13, 5, 10) = 13,000 rows: 987,000 duplicates.
    const lines = ['a,b,group,y'];
    for (let i = 0; i < 1_000_000; i++) lines.push(`${i % 1000},${(i * 7) % 13},L${i % 5},${(i % 10) + 0.5}`);
    writeFileSync(join(dir, 'million.csv'), lines.join('\n') + '\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts duplicates and previews a product in the Prepare worker', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Data' }).click();
    await page.getByLabel('CSV file', { exact: true }).setInputFiles(join(dir, 'million.csv'));
    await page.getByTestId('row-count').filter({ hasText: /^1,000,000$/ }).waitFor({ timeout: LOAD_TIMEOUT });

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Prepare' }).click();
    await page.getByTestId('columns-table').waitFor();
    expect(await page.getByTestId('target-select').inputValue()).toBe('y');
    const form = page.getByRole('form', { name: 'Add a cleaning step' });
    await form.getByLabel('Cleaning step').selectOption('drop-duplicates');
    await form.getByRole('button', { name: 'Add step' }).click();
    await step(0).getByTestId('removed').filter({ hasText: 'removes 987,000 rows' }).waitFor({ timeout: LOAD_TIMEOUT });

    const derived = page.getByRole('form', { name: 'Add a derived feature' });
    await derived.getByLabel('Feature name').fill('ab');
    await derived.getByLabel('Operation').selectOption('product');
    for (const c of ['a', 'b']) await derived.getByRole('checkbox', { name: c, exact: true }).check();
    await derived.getByRole('button', { name: 'Add feature' }).click();
    const item = page.getByTestId('derived-feature').first();
    await item.getByTestId('derived-preview').waitFor({ timeout: LOAD_TIMEOUT });
    // a · b over rows 0…5: 0·0, 1·7, 2·1, 3·8, 4·2, 5·9.
    expect(await item.textContent()).toMatch(/first rows:\s*0\s*7\s*2\s*24\s*8\s*45\s/);
    expect(await item.getByTestId('derived-missing').textContent()).toBe('0');
    await s.shot('million-rows');

    expect(prepareWorkerRuns()).toBe(true);
    expect(workerOnlyModules(await pageModules(page))).toEqual([]);
    console.log(`prepare.e2e long tasks on 1,000,000 rows (ms): ${JSON.stringify((await s.longTasks(since)).map((t) => Math.round(t.duration)))}`);
    expect(s.pageErrors).toEqual([]);
  });
});
