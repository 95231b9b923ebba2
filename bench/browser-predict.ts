/**
 * Bulk prediction in Chromium (issue 14): a generated file of gemstone-shaped rows predicted on
 * the built app's Predict screen with the default gradient-boosted model, its output written by
 * the prediction worker into the browser's storage (OPFS) as it goes — beside papaparse alone
 * parsing the same file in the same page, runs alternating, for the ratio. With `--big N` one more
 * file of N rows (10,000,000: about 500 MB) is predicted once while the JS heaps of the tab and of
 * the prediction worker are sampled through the DevTools protocol (Runtime.getHeapUsage per target).
 * Without ../shared/data/gemstone.csv the rows come from the built-in synthetic sample.
 *
 *   node --import tsx bench/browser-predict.ts [--rows 1000000] [--runs 3] [--big 10000000]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { parseBundle, serializeBundle } from '../src/core/bundle/bundle';
import { parseCsv } from '../src/core/data';
import { sha256Hex } from '../src/core/hash';
import { runTraining } from '../src/core/pipeline/train';
import { defaultRecipe } from '../src/core/recipe';
import { generateSampleGemstones } from '../src/core/sample';
import { chromiumPath, openBrowser } from '../tests/e2e/browser';
import { buildApp, DIST } from '../tests/e2e/global-setup';
import { serveStatic } from '../tests/e2e/static-server';
import { median, printJson, round } from './lib/measure';
import { numberOption } from './lib/options';

const ROOT = resolve(import.meta.dirname, '..');
const GEMSTONE = resolve(ROOT, '../shared/data/gemstone.csv');
const TIMEOUT = 1_800_000;
const PAPA_SOURCE = readFileSync(createRequire(import.meta.url).resolve('papaparse/papaparse.min.js'), 'utf8');

/** Trains the default gradient-boosted model (default parameters) on the data; its bundle's path, and the data lines without the target. */
async function model(dir: string): Promise<{ bundlePath: string; header: string; lines: string[]; dataset: string }> {
  const real = existsSync(GEMSTONE);
  const text = real ? readFileSync(GEMSTONE, 'utf8') : generateSampleGemstones(20_000, 7);
  const ds = await parseCsv(text);
  const result = await runTraining({
    table: ds.table,
    recipe: defaultRecipe(ds.schema, 'price', ds.table),
    dataset: { hash: await sha256Hex(new TextEncoder().encode(text)), name: 'gemstone.csv' },
    candidates: [{ type: 'gbdt', name: 'Gradient-boosted trees (default)' }],
    split: { kind: 'holdout', testSize: 0.2, seed: 42 },
  });
  const c = result.leaderboard[0];
  if (c.status !== 'finished' || !c.bundle) throw new Error(`training failed: ${c.error?.message}`);
  const json = serializeBundle(c.bundle);
  parseBundle(json); // as the page will
  const bundlePath = join(dir, 'gbdt-model.json');
  writeFileSync(bundlePath, json);
  const all = text.trimEnd().split(/\r?\n/);
  const names = all[0].split(',');
  const price = names.indexOf('price');
  const keep = (l: string) => l.split(',').filter((_, j) => j !== price).join(',');
  return { bundlePath, header: keep(all[0]), lines: all.slice(1).map(keep), dataset: real ? 'gemstone.csv' : 'synthetic sample' };
}

/** Writes `rows` data rows (the source rows repeated) under the header. */
async function generate(path: string, header: string, lines: string[], rows: number): Promise<void> {
  await new Promise<void>((ok, fail) => {
    const w = createWriteStream(path);
    w.on('error', fail);
    w.write(header + '\n');
    let i = 0;
    const pump = (): void => {
      while (i < rows) {
        const block: string[] = [];
        for (let k = 0; k < 5000 && i < rows; k++, i++) block.push(lines[i % lines.length]);
        if (!w.write(block.join('\n') + '\n')) return void w.once('drain', pump);
      }
      w.end(ok);
    };
    pump();
  });
}

/** papaparse alone on the page's main thread: the file streamed in its default chunks, rows counted. Seconds. */
async function papaAlone(page: Page, path: string): Promise<number> {
  if (!(await page.evaluate(() => 'Papa' in window))) await page.evaluate(PAPA_SOURCE);
  await page.evaluate(() => {
    if (document.getElementById('bench-file')) return;
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'bench-file';
    input.hidden = true;
    document.body.append(input);
  });
  await page.setInputFiles('#bench-file', path);
  // A string, not a function: tsx would wrap the callbacks' names in a __name() the page does not have.
  const { seconds, rows } = (await page.evaluate(`new Promise((ok, fail) => {
    const file = document.getElementById('bench-file').files[0];
    let rows = 0;
    const t0 = performance.now();
    Papa.parse(file, {
      chunk: (r) => { rows += r.data.length; },
      complete: () => ok({ seconds: (performance.now() - t0) / 1000, rows }),
      error: (e) => fail(e),
    });
  })`)) as { seconds: number; rows: number };
  if (rows < 1) throw new Error('papaparse read no rows');
  return seconds;
}

/** Predicts the file on the Predict screen until its result; wall seconds and the worker's own. */
async function loupe(page: Page, path: string, rows: number): Promise<{ seconds: number; workerSeconds: number; output: string | null; readIn: string | null }> {
  const name = path.split('/').pop()!;
  const t0 = performance.now();
  await page.getByLabel('CSV file to predict').setInputFiles(path);
  const result = page.getByTestId('predict-result').filter({ hasText: name });
  await result.waitFor({ timeout: TIMEOUT });
  const seconds = (performance.now() - t0) / 1000;
  const shown = await page.getByTestId('summary-rows').textContent();
  if (shown !== rows.toLocaleString('en-US')) throw new Error(`the page predicted ${shown} rows, not ${rows}`);
  return { seconds, workerSeconds: Number(/in ([\d.]+) s/.exec((await result.textContent()) ?? '')?.[1]), output: await result.getAttribute('data-output'), readIn: await result.getAttribute('data-read-in') };
}

/** What Runtime.getHeapUsage answers (backingStorageSize: ArrayBuffer stores, outside the JS heap; newer Chromium only). */
interface HeapUsage {
  usedSize: number;
  backingStorageSize?: number;
}

/**
 * JS heap in use (MB) of the page and of each dedicated worker, sampled, with the ArrayBuffer
 * stores beside it (typed arrays live there): workers are reached through the page's DevTools
 * session (Target.attachToTarget, messages relayed).
 */
class HeapSampler {
  readonly peaks = new Map<string, number>();
  /** The same with ArrayBuffer stores added. */
  readonly peaksWithBuffers = new Map<string, number>();
  #timer: ReturnType<typeof setInterval> | null = null;
  #sessions = new Map<string, string>();
  #next = 1;
  #waiting = new Map<number, (usage: HeapUsage) => void>();
  constructor(private readonly cdp: CDPSession) {
    cdp.on('Target.receivedMessageFromTarget', (e: { message: string }) => {
      const m = JSON.parse(e.message) as { id?: number; result?: HeapUsage };
      if (m.id !== undefined && m.result) this.#waiting.get(m.id)?.(m.result);
    });
  }
  start(ms = 500): void {
    this.#timer = setInterval(() => void this.#sample().catch(() => {}), ms);
  }
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.#sample().catch(() => {});
  }
  #note(name: string, u: HeapUsage): void {
    const mb = (b: number) => round(b / 2 ** 20, 1);
    this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, mb(u.usedSize)));
    this.peaksWithBuffers.set(name, Math.max(this.peaksWithBuffers.get(name) ?? 0, mb(u.usedSize + (u.backingStorageSize ?? 0))));
  }
  async #sample(): Promise<void> {
    this.#note('page', (await this.cdp.send('Runtime.getHeapUsage')) as HeapUsage);
    const { targetInfos } = (await this.cdp.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string; title: string; url: string }[] };
    for (const t of targetInfos) {
      if (t.type !== 'worker') continue;
      let sessionId = this.#sessions.get(t.targetId);
      if (!sessionId) {
        sessionId = ((await this.cdp.send('Target.attachToTarget', { targetId: t.targetId, flatten: false })) as { sessionId: string }).sessionId;
        this.#sessions.set(t.targetId, sessionId);
      }
      const id = this.#next++;
      const used = new Promise<HeapUsage>((ok) => this.#waiting.set(id, ok));
      await this.cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }) });
      const usage = await Promise.race([used, new Promise<null>((ok) => setTimeout(() => ok(null), 2000))]);
      this.#waiting.delete(id);
      if (usage) this.#note(`worker ${t.title || t.url.split('/').pop()}`, usage);
    }
  }
}

async function main(): Promise<void> {
  const rows = numberOption('rows', 1_000_000);
  const runs = numberOption('runs', 3);
  const big = numberOption('big', 0);
  const tmp = mkdtempSync(join(tmpdir(), 'loupe-bench-browser-predict-'));
  process.stderr.write('building the app and training the model…\n');
  await buildApp();
  const server = await serveStatic(DIST, 'isolated');
  const s = await openBrowser('bench-browser-predict', { baseUrl: server.url });
  const page = s.page;
  try {
    const m = await model(tmp);
    if (m.dataset !== 'gemstone.csv') process.stderr.write(`${GEMSTONE} is absent: using the synthetic sample.\n`);
    const file = join(tmp, `rows-${rows}.csv`);
    await generate(file, m.header, m.lines, rows);
    await page.goto(`${server.url}#/predict`);
    await page.getByRole('heading', { name: 'Predict', level: 1 }).waitFor();
    await page.getByLabel('Model bundle file').setInputFiles(m.bundlePath);
    await page.getByTestId('model-facts').waitFor({ timeout: TIMEOUT });

    const papa: number[] = [];
    const ours: { seconds: number; workerSeconds: number; output: string | null; readIn: string | null }[] = [];
    for (let r = 0; r < runs; r++) {
      papa.push(await papaAlone(page, file));
      ours.push(await loupe(page, file, rows));
      process.stderr.write(`run ${r + 1}: papaparse ${round(papa[r], 2)} s, Loupe ${round(ours[r].seconds, 2)} s (worker ${ours[r].workerSeconds} s, output ${ours[r].output}, read in the ${ours[r].readIn})\n`);
    }
    const inputMB = round(statSync(file).size / 2 ** 20, 1);
    const papaMedian = median(papa);
    const loupeMedian = median(ours.map((o) => o.seconds));
    let bigFigures: Record<string, unknown> | undefined;
    if (big > 0) {
      const bigFile = join(tmp, `rows-${big}.csv`);
      await generate(bigFile, m.header, m.lines, big);
      rmSync(file);
      const cdp = await s.context.newCDPSession(page);
      // The page starts clean: papaparse's garbage from the runs above is not the prediction's.
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = new HeapSampler(cdp);
      heap.start();
      let run: Awaited<ReturnType<typeof loupe>>;
      try {
        run = await loupe(page, bigFile, big);
      } finally {
        await heap.stop();
      }
      bigFigures = { rows: big, inputMB: Math.round(statSync(bigFile).size / 2 ** 20), seconds: round(run.seconds, 2), workerSeconds: run.workerSeconds, output: run.output, heapPeakMB: Object.fromEntries(heap.peaks), withArrayBuffersPeakMB: Object.fromEntries(heap.peaksWithBuffers), target: { tabHeapMB: 100, workerHeapMB: 300 } };
      process.stderr.write(`big: ${JSON.stringify(bigFigures)}\n`);
      await cdp.detach();
    }
    if (s.pageErrors.length) throw new Error(`the page threw: ${s.pageErrors.join('; ')}`);
    printJson({
      bench: 'browser-predict',
      dataset: m.dataset,
      model: 'gbdt, default parameters',
      rows,
      inputMB,
      runs,
      chromium: spawnSync(chromiumPath(), ['--version'], { encoding: 'utf8' }).stdout.trim(),
      machine: { cpus: cpus().length, loadavg1: round(loadavg()[0], 2) },
      papaparseAloneSeconds: { median: round(papaMedian, 2), runs: papa.map((x) => round(x, 2)) },
      loupeSeconds: { median: round(loupeMedian, 2), runs: ours.map((o) => round(o.seconds, 2)), workerMedian: median(ours.map((o) => o.workerSeconds)), output: ours[0].output, readIn: ours[0].readIn },
      ratioToPapaparse: round(loupeMedian / papaMedian, 2),
      target: { seconds: 5, ratio: 2.5 },
      ...(bigFigures ? { big: bigFigures } : {}),
    });
  } finally {
    await s.close();
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
