/**
 * Drives Debian's Chromium with playwright-core. One persistent context (a fresh user-data dir)
 * per test file, so IndexedDB survives page reloads within the file but never leaks between files.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';

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

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  baseUrl: string;
  /** Saves test-artifacts/<file>/<nn>-<step>.png. */
  shot(step: string): Promise<void>;
  /** Errors the page logged or threw (a test may assert there were none). */
  pageErrors: string[];
  close(): Promise<void>;
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

export async function openBrowser(testName: string, options: { baseUrl?: string; serviceWorkers?: 'allow' | 'block' } = {}): Promise<BrowserSession> {
  const executablePath = chromiumPath();
  const userDataDir = mkdtempSync(join(tmpdir(), `loupe-e2e-${testName}-`));
  const shotDir = join(ARTIFACTS, testName);
  rmSync(shotDir, { recursive: true, force: true });
  mkdirSync(shotDir, { recursive: true });
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: ARGS,
    viewport: { width: 1400, height: 1000 },
    serviceWorkers: options.serviceWorkers ?? 'allow',
  });
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
      await page.screenshot({ path: join(shotDir, name), fullPage: true });
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
