/**
 * The Data page in a real browser: load files through the picker, schema, warnings, errors that
 * keep the open dataset, reload persistence, the synthetic sample, cancel, and a 1M-row preview.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, ROOT, type BrowserSession } from './browser';

const GEMSTONE = resolve(ROOT, '../shared/data/gemstone.csv');
const haveGemstone = existsSync(GEMSTONE);
const LOAD_TIMEOUT = 120_000;

let s: BrowserSession;
let page: Page;
let tmp: string;

const fileInput = () => page.getByLabel('CSV file', { exact: true });
const csv = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

async function text(testId: string): Promise<string> {
  return ((await page.getByTestId(testId).first().textContent()) ?? '').trim();
}

async function waitRowCount(expected: string): Promise<void> {
  await page.getByTestId('row-count').filter({ hasText: new RegExp(`^${expected}$`) }).waitFor({ timeout: LOAD_TIMEOUT });
}

async function waitIdle(): Promise<void> {
  await page.getByTestId('load-progress').waitFor({ state: 'detached', timeout: LOAD_TIMEOUT });
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'loupe-e2e-files-'));
  s = await openApp('data');
  page = s.page;
});

afterAll(async () => {
  await s?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('Data page', () => {
  it('starts with the Data screen in the navigation and no dataset', async () => {
    await page.getByRole('heading', { name: 'No dataset open' }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'Data' }).getAttribute('aria-current')).toBe('page');
    await s.shot('empty');
  });

  it.skipIf(!haveGemstone)('loads gemstone.csv through the file picker and proposes its schema', async () => {
    await fileInput().setInputFiles(GEMSTONE);
    await waitRowCount('65,535');
    expect(await text('column-count')).toBe('11');
    expect(await text('kind-id')).toBe('id');
    for (const c of ['cut', 'color', 'clarity']) expect(await text(`kind-${c}`)).toBe('categorical');
    expect(await text('kind-price')).toBe('numeric');
    expect(await text('warnings')).toMatch(/"z" is 0 in 2 rows \(rows 8751, 39414\)/);
    // The preview is virtualized: a few dozen rows in the DOM, not 65,535.
    const preview = page.getByTestId('row-preview');
    const rendered = await preview.getByRole('row').count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(60);
    await s.shot('gemstone-loaded');
  });

  it.skipIf(!haveGemstone)('keeps the dataset across a reload and opens it from the list', async () => {
    await page.reload();
    const list = page.getByTestId('dataset-list');
    await list.getByRole('button', { name: 'Open gemstone.csv' }).waitFor();
    await waitRowCount('65,535'); // the last opened dataset is reopened
    await list.getByRole('button', { name: 'Open gemstone.csv' }).click();
    await waitRowCount('65,535');
    expect(await text('kind-id')).toBe('id');
    await s.shot('after-reload');
  });

  it('reports ragged rows by their row numbers', async () => {
    const body = ['a,b,c', '1,2,3', '4,5,6', '7,8', '10,11,12', '13,14,15,16', '17,18,19'].join('\n') + '\n';
    await fileInput().setInputFiles(csv('ragged.csv', body));
    await waitRowCount('6');
    const warnings = await text('warnings');
    expect(warnings).toMatch(/2 rows had a different number of fields than the header \(rows 3, 5\)/);
    await s.shot('ragged');
  });

  it('shows a clear error for an invalid file and keeps the open dataset', async () => {
    const before = await page.getByTestId('dataset-item').count();
    await fileInput().setInputFiles(csv('dupes.csv', 'a,b,a\n1,2,3\n'));
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/could not be read as a table/);
    expect(await alert.textContent()).toMatch(/names a column more than once: "a"/);
    expect(await text('dataset-name')).toBe('ragged.csv');
    expect(await text('row-count')).toBe('6');
    expect(await page.getByTestId('dataset-item').count()).toBe(before);
    await s.shot('duplicate-header-error');

    await fileInput().setInputFiles(csv('empty.csv', ''));
    await page.getByRole('alert').filter({ hasText: 'The file is empty' }).waitFor();
    expect(await text('dataset-name')).toBe('ragged.csv');
    await s.shot('empty-file-error');
    await page.getByRole('button', { name: 'Dismiss message' }).click();
    await page.getByRole('alert').waitFor({ state: 'detached' });
  });

  it('loads the synthetic sample, labelled as synthetic', async () => {
    await page.getByRole('button', { name: 'Load sample (synthetic)' }).click();
    await waitRowCount('5,000');
    expect(await text('dataset-name')).toBe('gemstone-sample-synthetic.csv');
    await page.locator('.title-row .badge', { hasText: 'Synthetic' }).waitFor();
    expect(await text('kind-cut')).toBe('categorical');
    expect(await text('kind-id')).toBe('id');
    await s.shot('sample');
  });

  it('renames and deletes a stored dataset', async () => {
    const list = page.getByTestId('dataset-list');
    await list.getByRole('button', { name: 'Rename ragged.csv' }).click();
    await list.getByLabel('New name for ragged.csv').fill('uneven rows');
    await list.getByRole('button', { name: 'Save' }).click();
    await list.getByRole('button', { name: 'Open uneven rows' }).waitFor();
    await list.getByRole('button', { name: 'Delete uneven rows' }).click();
    await list.getByRole('button', { name: 'Delete', exact: true }).click();
    await list.getByRole('button', { name: 'Open uneven rows' }).waitFor({ state: 'detached' });
    expect(await text('dataset-name')).toBe('gemstone-sample-synthetic.csv');
    await s.shot('renamed-deleted');
  });

  describe('a 1,000,000-row file', () => {
    let big: string;
    beforeAll(() => {
      big = join(tmp, 'million.csv');
      const lines = ['n,group,value,label'];
      for (let i = 0; i < 1_000_000; i++) lines.push(`${i},${i % 7},${(i * 0.37) % 101},L${i % 13}`);
      writeFileSync(big, lines.join('\n') + '\n');
    });

    it('can be cancelled while loading; the open dataset stays', async () => {
      await fileInput().setInputFiles(big);
      const progress = page.getByTestId('load-progress');
      await progress.waitFor();
      await s.shot('loading-progress');
      await progress.getByRole('button', { name: 'Cancel' }).click();
      await progress.waitFor({ state: 'detached' });
      await page.getByRole('status').filter({ hasText: 'cancelled' }).waitFor();
      expect(await text('dataset-name')).toBe('gemstone-sample-synthetic.csv');
      expect(await text('row-count')).toBe('5,000');
    });

    it('loads, and the preview renders only visible rows down to the last one', async () => {
      await fileInput().setInputFiles(big);
      await waitIdle();
      await waitRowCount('1,000,000');
      const preview = page.getByTestId('row-preview');
      expect(await preview.getByRole('row').count()).toBeLessThan(60);
      await preview.evaluate((el) => (el.scrollTop = el.scrollHeight));
      await preview.getByRole('rowheader', { name: '1000000', exact: true }).waitFor();
      const last = preview.getByRole('row').filter({ has: page.getByRole('rowheader', { name: '1000000', exact: true }) });
      expect(await last.getByRole('gridcell').first().textContent()).toBe('999999');
      expect(await preview.getByRole('row').count()).toBeLessThan(60);
      await s.shot('million-rows-bottom');
      expect(s.pageErrors).toEqual([]);
    });
  });
});

/**
 * Page script: every IndexedDB open on the page reports success 1.5 s late (a slow disk, a busy
 * machine). The ingest worker's own opens are not delayed.
 */
function slowStorageOpen(): void {
  const open = IDBFactory.prototype.open;
  IDBFactory.prototype.open = function (this: IDBFactory, ...args: Parameters<IDBFactory['open']>) {
    const request = open.apply(this, args);
    const add = request.addEventListener.bind(request) as (type: string, listener: (e: Event) => void) => void;
    (request as { addEventListener: unknown }).addEventListener = (type: string, listener: (e: Event) => void) =>
      add(type, type === 'success' ? (e: Event) => setTimeout(() => listener(e), 1500) : listener);
    return request;
  };
}

describe('a file picked while the browser storage is still opening', () => {
  let slow: BrowserSession;
  const rows = (n: number) => ['a,b', ...Array.from({ length: n }, (_, i) => `${i},${i % 3}`)].join('\n') + '\n';
  const picker = () => slow.page.getByLabel('CSV file', { exact: true });
  const rowCount = (n: string) => slow.page.getByTestId('row-count').filter({ hasText: new RegExp(`^${n}$`) });

  beforeAll(async () => {
    slow = await openApp('data-slow-storage', { initScript: slowStorageOpen });
  });
  afterAll(async () => {
    await slow?.close();
  });

  it('waits for the storage and loads, with no problem shown', async () => {
    await picker().setInputFiles(csv('early.csv', rows(7)));
    await rowCount('7').waitFor({ timeout: LOAD_TIMEOUT });
    expect(await slow.page.getByTestId('dataset-name').textContent()).toBe('early.csv');
    expect(await slow.page.getByRole('alert').count()).toBe(0);
  });

  it('after a reload, is what stays open: the last dataset is not reopened over it', async () => {
    await slow.page.reload();
    await slow.page.getByRole('heading', { name: 'Data', level: 1 }).waitFor();
    await picker().setInputFiles(csv('second.csv', rows(11)));
    await rowCount('11').waitFor({ timeout: LOAD_TIMEOUT });
    // The stored list has been read by now (both files are in it): the restore, had it run, is over.
    const list = slow.page.getByTestId('dataset-list');
    await list.getByRole('button', { name: 'Open early.csv' }).waitFor();
    await list.getByRole('button', { name: 'Open second.csv' }).waitFor();
    expect(await slow.page.getByTestId('dataset-name').textContent()).toBe('second.csv');
    expect(await slow.page.getByRole('alert').count()).toBe(0);
    expect(slow.pageErrors).toEqual([]);
  });
});
