/**
 * What the page loads at start, and how long it blocks its main thread, for this build and a
 * peer built in the same run from a baseline commit (default: the last one before the screens
 * and tfjs were split off the page's entry). Prints JSON.
 *
 *   node --import tsx bench/bundle.ts [--loads 7] [--baseline <git ref>] [--no-baseline]
 *
 * Sizes, raw and gzipped (level 9): the entry script index.html names, its CSS, and every script
 * the page (not its workers) fetched by the end of a start load — the entry loads the rest in
 * steps (src/main.ts), so the entry alone would flatter. Start: each load is a first visit in a
 * fresh browser context of one running Chromium (empty caches; service workers blocked, so no
 * install reload happens while measuring; the browser's own cold start is not the page's), from
 * navigation until the Data screen has rendered and 2 s have passed. Two figures per load: the longest task
 * on the renderer's main thread from a Chromium trace (exact, any length), and the longest
 * PerformanceObserver 'longtask' entry (the web's own measure; it reports only tasks ≥ 50 ms,
 * so 0 means none). Loads of the two builds alternate; medians are quoted.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { serveStatic } from '../tests/e2e/static-server';
import { median, round } from './lib/measure';
import { option } from './lib/options';

const ROOT = resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.LOUPE_CHROMIUM ?? '/usr/bin/chromium';
/** The last commit whose page entry still held tfjs, Plot and every screen. */
const DEFAULT_BASELINE = 'b93e309';

const LOADS = Number(option('loads') ?? 7);
const BASELINE = process.argv.includes('--no-baseline') ? null : (option('baseline') ?? DEFAULT_BASELINE);

interface Size {
  bytes: number;
  gzip: number;
}
const sizeOf = (buf: Buffer): Size => ({ bytes: buf.length, gzip: gzipSync(buf, { level: 9 }).length });
const add = (a: Size, b: Size): Size => ({ bytes: a.bytes + b.bytes, gzip: a.gzip + b.gzip });
const kb = (s: Size): { kB: number; gzipKB: number } => ({ kB: round(s.bytes / 1000, 1), gzipKB: round(s.gzip / 1000, 1) });

/** The entry script index.html loads, and its stylesheets. */
function entryFiles(dist: string): { entry: string; entrySize: Size; css: Size } {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const entry = /<script type="module"[^>]*src="\.\/([^"]+)"/.exec(html)?.[1];
  if (!entry) throw new Error(`${dist}/index.html has no module script`);
  let css: Size = { bytes: 0, gzip: 0 };
  for (const m of html.matchAll(/<link rel="stylesheet"[^>]*href="\.\/([^"]+)"/g)) css = add(css, sizeOf(readFileSync(join(dist, m[1]))));
  return { entry, entrySize: sizeOf(readFileSync(join(dist, entry))), css };
}

/** Sizes of the page's scripts (not the workers') that a start load fetched, as files of `dist`. */
function scriptsSize(dist: string, paths: readonly string[]): Size & { files: number } {
  let total: Size = { bytes: 0, gzip: 0 };
  for (const p of paths) total = add(total, sizeOf(readFileSync(join(dist, p))));
  return { ...total, files: paths.length };
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  args?: { name?: string };
}

/**
 * One first visit: the longest main-thread task (trace) and the longest 'longtask' entry, in ms,
 * and the page's scripts fetched by then (its resource timing: workers keep their own).
 */
async function measureStart(browser: Browser, url: string): Promise<{ traceMs: number; longtaskMs: number; scripts: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { __longest: number };
      w.__longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longest = Math.max(w.__longest, e.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    const cdp = await context.newCDPSession(page);
    const events: TraceEvent[] = [];
    cdp.on('Tracing.dataCollected', (e) => void events.push(...(e.value as unknown as TraceEvent[])));
    const done = new Promise<void>((ok) => cdp.once('Tracing.tracingComplete', () => ok()));
    await cdp.send('Tracing.start', { transferMode: 'ReportEvents', traceConfig: { includedCategories: ['disabled-by-default-devtools.timeline', 'devtools.timeline', 'toplevel', '__metadata'] } });
    await page.goto(url);
    await page.getByRole('heading', { name: 'Data', level: 1 }).waitFor({ timeout: 60_000 });
    await page.waitForTimeout(2000);
    const longtaskMs = await page.evaluate(() => (window as unknown as { __longest: number }).__longest);
    const scripts = (await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name)))
      .map((u) => new URL(u).pathname.slice(1))
      .filter((p) => p.endsWith('.js') && !/\.worker-/.test(p));
    await cdp.send('Tracing.end');
    await done;
    const mainThreads = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
    let traceMs = 0;
    for (const e of events) if (e.name === 'RunTask' && e.ph === 'X' && mainThreads.has(`${e.pid}:${e.tid}`)) traceMs = Math.max(traceMs, (e.dur ?? 0) / 1000);
    return { traceMs, longtaskMs, scripts: [...new Set(scripts)].sort() };
  } finally {
    await context.close();
  }
}

/** Builds `ref` from a clean export of it (git archive) next to this tree's node_modules. */
async function buildBaseline(ref: string): Promise<{ dir: string; commit: string } | { error: string }> {
  let commit: string;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', `${ref}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return { error: `git ref "${ref}" is not in this clone` };
  }
  const dir = mkdtempSync(join(tmpdir(), 'loupe-bench-baseline-'));
  execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C "${dir}"`], { cwd: ROOT });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  await build({ root: dir, configFile: join(dir, 'vite.config.ts'), logLevel: 'silent' });
  return { dir, commit };
}

async function main(): Promise<void> {
  await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'silent' });
  const builds: { name: string; dist: string }[] = [{ name: 'current', dist: join(ROOT, 'dist') }];
  let baseline: { commit: string } | { error: string } | null = null;
  let baselineDir: string | null = null;
  if (BASELINE) {
    const b = await buildBaseline(BASELINE);
    baseline = 'error' in b ? b : { commit: b.commit };
    if ('dir' in b) {
      baselineDir = b.dir;
      builds.push({ name: 'baseline', dist: join(b.dir, 'dist') });
    }
  }
  const servers = await Promise.all(builds.map((b) => serveStatic(b.dist, 'isolated')));
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  const starts = builds.map(() => ({ traceMs: [] as number[], longtaskMs: [] as number[], scripts: [] as string[] }));
  for (let i = 0; i < LOADS; i++) {
    for (let k = 0; k < builds.length; k++) {
      const r = await measureStart(browser, servers[k].url);
      starts[k].traceMs.push(round(r.traceMs, 1));
      starts[k].longtaskMs.push(round(r.longtaskMs, 1));
      starts[k].scripts = r.scripts;
    }
  }
  await browser.close();
  await Promise.all(servers.map((s) => s.close()));
  const results = builds.map((b, k) => {
    const f = entryFiles(b.dist);
    const scripts = scriptsSize(b.dist, starts[k].scripts);
    return {
      build: b.name,
      entry: { file: f.entry, ...kb(f.entrySize) },
      startScripts: { files: scripts.files, ...kb(scripts) },
      css: kb(f.css),
      startLongestTaskMs: { median: median(starts[k].traceMs), runs: starts[k].traceMs },
      startLongtaskObserverMs: { median: median(starts[k].longtaskMs), runs: starts[k].longtaskMs },
    };
  });
  const [cur, base] = results;
  const out = {
    bench: 'bundle',
    machine: { cpus: cpus().length, loadavg: loadavg().map((x) => round(x, 2)) },
    loads: LOADS,
    baseline,
    results,
    ...(base
      ? {
          ratios: {
            entryGzip: round(cur.entry.gzipKB / base.entry.gzipKB, 3),
            startScriptsGzip: round(cur.startScripts.gzipKB / base.startScripts.gzipKB, 3),
            startLongestTask: round(cur.startLongestTaskMs.median / base.startLongestTaskMs.median, 3),
          },
        }
      : {}),
    targets: {
      // The "main chunk": everything the page's scripts fetch to show its first screen.
      mainChunkGzipKB: { target: 150, value: cur.startScripts.gzipKB, met: cur.startScripts.gzipKB <= 150 },
      startLongestTaskMs: { target: 50, value: cur.startLongestTaskMs.median, met: cur.startLongestTaskMs.median <= 50 },
    },
  };
  if (baselineDir) rmSync(baselineDir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set LOUPE_CHROMIUM): this benchmark drives a browser.`);
await main();
