/**
 * Drives Debian's Chromium with playwright-core. One persistent context (a fresh user-data dir)
 * per test file, so IndexedDB survives page reloads within the file but never leaks between files.
 * Also the browser tests' shared probes: main-thread long tasks (one observer, installed in every
 * page), axe-core accessibility checks, and which source modules the page itself has loaded.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AxeResults, ImpactValue } from 'axe-core';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { candidateTypesFor, MODEL_CATALOG, MODEL_LABELS } from '../../src/core/models/catalog';
import type { ModelType } from '../../src/core/models/types';

export const ROOT = resolve(import.meta.dirname, '../..');
export const ARTIFACTS = join(ROOT, 'test-artifacts');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A task that kept the page's main thread busy for over 50 ms (times in ms on the page's clock). */
export interface LongTask {
  start: number;
  duration: number;
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  baseUrl: string;
  /** Saves test-artifacts/<file>/<nn>-<step>.png. Its own long tasks are left out of `longTasks`. */
  shot(step: string): Promise<void>;
  /** performance.now() in the page (the clock `longTasks` counts on; it restarts on reload). */
  clock(): Promise<number>;
  /**
   * The page's long tasks since `since` (its clock; default: since it loaded). A full-page
   * screenshot lays out and paints the whole page on its main thread: tasks overlapping a
   * screenshot are the harness's, not the app's, and are left out.
   */
  longTasks(since?: number): Promise<LongTask[]>;
  /** Errors the page logged or threw (a test may assert there were none). */
  pageErrors: string[];
  close(): Promise<void>;
}

export interface BrowserOptions {
  /** Where the built app is served; default: the URL the e2e global setup provides. */
  baseUrl?: string;
  viewport?: { width: number; height: number };
  /** 'block' runs the session without service workers (a browser or host where they are unavailable). */
  serviceWorkers?: 'allow' | 'block';
}

/** Opens a screen from the main navigation and waits for its heading. */
export async function goTo(page: Page, screen: string, timeout?: number): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: screen, exact: true }).click();
  await page.getByRole('heading', { name: screen, level: 1 }).waitFor({ timeout });
}

/** Data → Load sample (synthetic), until its 5,000 rows are counted. */
export async function loadSample(page: Page, timeout?: number): Promise<void> {
  await page.getByRole('button', { name: 'Load sample (synthetic)' }).click();
  await page.getByTestId('row-count').filter({ hasText: /^5,000$/ }).waitFor({ timeout });
}

/**
 * An init script standing in for showSaveFilePicker (headless Chromium has no dialog): as
 * Chromium's picker does, the chosen file exists, empty, once picked; here in OPFS `picked/`.
 */
export function stubSaveFilePicker(): void {
  (window as unknown as { showSaveFilePicker: unknown }).showSaveFilePicker = async (options?: { suggestedName?: string }) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('picked', { create: true });
    const handle = await dir.getFileHandle(options?.suggestedName ?? 'predictions.csv', { create: true });
    const w = await handle.createWritable();
    await w.close();
    return handle;
  };
}

/** Fills the open register form and registers, until the notice names the model. */
export async function registerModel(page: Page, fields: { name: string; description?: string; alias?: string }): Promise<void> {
  const form = page.getByTestId('register-form');
  await form.getByLabel('Model name').fill(fields.name);
  if (fields.description !== undefined) await form.getByLabel('Description').fill(fields.description);
  if (fields.alias !== undefined) await form.getByLabel('Alias').fill(fields.alias);
  await form.getByRole('button', { name: 'Register' }).click();
  await page.getByTestId('registered-notice').filter({ hasText: `“${fields.name}” version` }).waitFor();
}

/** On the Models screen: downloads the bundle of `version` to `path` and returns its text. */
export async function exportVersion(page: Page, version: number, path: string): Promise<string> {
  const card = page.locator(`[data-testid="version-card"][data-version="${version}"]`);
  const [d] = await Promise.all([page.waitForEvent('download'), card.getByTestId('export-bundle').click()]);
  await d.saveAs(path);
  return readFileSync(path, 'utf8');
}

/** The Predict screen's row form as the page holds it: input id (without "in-") → value, inputs and selects. */
export async function rowFormValues(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const out: Record<string, string> = {};
    for (const el of document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-testid="row-form"] input, [data-testid="row-form"] select'))
      out[el.id.replace(/^in-/, '')] = el.value;
    return out;
  });
}

/** Ticks exactly the models `types` in the Train screen's list. */
export async function chooseModels(page: Page, types: readonly ModelType[]): Promise<void> {
  // The screen lists one task's candidates (the regressor and the classifier of a family share a label).
  for (const t of candidateTypesFor(MODEL_CATALOG[types[0]].tasks[0])) {
    const box = page.getByRole('checkbox', { name: MODEL_LABELS[t], exact: true });
    if ((await box.isChecked()) !== types.includes(t)) await box.click();
  }
}

export function chromiumPath(): string {
  const path = process.env.LOUPE_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at ${path}. Run .ci/run (it installs it) or \`apt-get install chromium\`, ` +
        'or point LOUPE_CHROMIUM at a Chromium binary.',
    );
  }
  return path;
}

interface ProbeWindow {
  __loupeLongTasks?: LongTask[];
  /** [from, to] of each screenshot, on the page's clock. */
  __loupeShots?: [number, number][];
}

/** One PerformanceObserver('longtask') in every page of `context`, from before the app's first script. */
export async function observeLongTasks(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as ProbeWindow;
    if (w.__loupeLongTasks) return;
    const tasks: LongTask[] = (w.__loupeLongTasks = []);
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) tasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

export function pageClock(page: Page): Promise<number> {
  return page.evaluate(() => performance.now());
}

/** Long tasks of `page` since `since` (page clock) that overlap no screenshot taken through a session. */
export function longTasksSince(page: Page, since = 0): Promise<LongTask[]> {
  return page.evaluate((t) => {
    const w = window as unknown as ProbeWindow;
    if (!w.__loupeLongTasks) throw new Error('No long-task observer in this page (observeLongTasks on its context).');
    const shots = w.__loupeShots ?? [];
    // No named helpers in here: tsx would wrap them in a __name() the page does not have.
    return w.__loupeLongTasks.filter((e) => e.start + e.duration >= t && !shots.some(([a, b]) => e.start < b && e.start + e.duration > a));
  }, since);
}

export async function openBrowser(testName: string, options: BrowserOptions = {}): Promise<BrowserSession> {
  const executablePath = chromiumPath();
  const userDataDir = mkdtempSync(join(tmpdir(), `loupe-e2e-${testName}-`));
  const shotDir = join(ARTIFACTS, testName);
  rmSync(shotDir, { recursive: true, force: true });
  mkdirSync(shotDir, { recursive: true });
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: ARGS,
    viewport: options.viewport ?? { width: 1400, height: 1000 },
    serviceWorkers: options.serviceWorkers ?? 'allow',
  });
  await observeLongTasks(context);
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  let n = 0;
  return {
    context,
    page,
    baseUrl: options.baseUrl ?? inject('baseUrl'),
    pageErrors,
    async shot(step) {
      n++;
      const name = `${String(n).padStart(2, '0')}-${step.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`;
      const from = await pageClock(page);
      await page.screenshot({ path: join(shotDir, name), fullPage: true });
      await page.evaluate((a) => {
        const w = window as unknown as ProbeWindow;
        (w.__loupeShots ??= []).push([a, performance.now()]);
      }, from);
    },
    clock: () => pageClock(page),
    longTasks: (since) => longTasksSince(page, since),
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A browser session on the app, showing `screen` (default: the first screen, Data); `initScript`
 * runs in every document before the app's own scripts (to stub a browser API).
 */
export async function openApp(testName: string, options: BrowserOptions & { screen?: string; initScript?: () => void } = {}): Promise<BrowserSession> {
  const s = await openBrowser(testName, options);
  try {
    if (options.initScript) await s.context.addInitScript(options.initScript);
    await s.page.goto(options.screen ? `${s.baseUrl}#/${options.screen.toLowerCase()}` : s.baseUrl);
    await s.page.getByRole('heading', { name: options.screen ?? 'Data', level: 1 }).waitFor();
    return s;
  } catch (e) {
    await s.close();
    throw e;
  }
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One accessibility rule broken on the page, with the elements that break it. */
export interface AxeViolation {
  id: string;
  impact: ImpactValue | null;
  help: string;
  /** Up to five offending elements: CSS selector and the start of their HTML. */
  nodes: string[];
}

/**
 * Runs axe-core on the page as it is now (its WCAG 2.x A/AA rules and best practices) and returns
 * the violations of the given impact levels (default: every level).
 */
export async function axeViolations(page: Page, impacts: readonly ImpactValue[] = ['minor', 'moderate', 'serious', 'critical']): Promise<AxeViolation[]> {
  // Evaluated through DevTools, not as an inline <script>: the page's Content-Security-Policy forbids those.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.html.slice(0, 120)}`),
    }));
  });
  return violations.filter((v) => v.impact !== null && impacts.includes(v.impact));
}

/**
 * The source modules (repository-relative paths) of the scripts the page's document has loaded so
 * far. Workers load their own scripts, which are not counted: what is listed runs on the page.
 */
export async function pageModules(page: Page): Promise<string[]> {
  const chunks = inject('pageChunks');
  if (Object.keys(chunks).length === 0) throw new Error('The e2e global setup recorded no page chunks.');
  const urls = await page.evaluate(() => [
    ...performance.getEntriesByType('resource').map((e) => e.name),
    ...Array.from(document.scripts, (s) => s.src).filter(Boolean),
  ]);
  const base = new URL(inject('baseUrl')).pathname;
  const files = new Set(urls.map((u) => new URL(u).pathname.slice(base.length)));
  return [...files].flatMap((f) => chunks[f] ?? []);
}

/**
 * Code that runs in workers and never on the page (architecture rule 2): CSV parsing and
 * profiling, EDA aggregates and the sorting behind them, cleaning counts, the training, search
 * (its trials; the page runs only search-schedule), prediction and retraining pipelines, the ONNX exporter, and the drift statistics of monitoring (the page
 * only re-judges stored reports: pipeline/monitor-settings).
 */
const WORKER_ONLY = [
  'node_modules/papaparse/',
  'src/core/data/csv/',
  'src/core/data/profile',
  'src/core/eda/',
  'src/core/stats/sort',
  'src/core/recipe/cleaning',
  'src/core/pipeline/train',
  'src/core/pipeline/search.ts',
  'src/core/pipeline/predict',
  'src/core/pipeline/importance',
  'src/core/onnx/',
  'src/core/pipeline/retrain.ts',
  'src/core/pipeline/retrain-data.ts',
  'src/core/pipeline/monitor.ts',
  'src/core/pipeline/predicted-batch',
  'src/core/drift/report',
  'src/core/drift/statistics',
  'src/core/drift/kolmogorov',
];

/** Those of `modules` (from pageModules) that should only ever load in a worker. */
export function workerOnlyModules(modules: readonly string[]): string[] {
  return modules.filter((m) => WORKER_ONLY.some((prefix) => m.startsWith(prefix)));
}
