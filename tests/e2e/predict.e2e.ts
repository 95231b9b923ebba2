/**
 * The Predict screen in a real browser, independent of the Train screen: a gbdt bundle is trained
 * here in Node with the real core, imported through the page, then used for the one-row form and
 * for whole files (10,000 rows compared with Node's predictions; 2,000,000 rows written chunk by
 * chunk into the browser's storage and downloaded, and saved straight to a picked file — the
 * picker stubbed with an OPFS file, as headless Chromium has no dialog — each checked row for row
 * in count and on a sample of predictions against Node's; Cancel leaves no output claimed complete).
 */
import { createWriteStream, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle, type LoadedBundle } from '../../src/core/bundle/bundle';
import { parseCsv } from '../../src/core/data';
import { sha256Hex } from '../../src/core/hash';
import { predictCsv, predictRecords } from '../../src/core/pipeline/predict';
import { runTraining } from '../../src/core/pipeline/train';
import { defaultRecipe } from '../../src/core/recipe';
import { generateSampleGemstones } from '../../src/core/sample';
import { OUTPUT_DIR } from '../../workers/protocol';
import { openApp, ROOT, rowFormValues, stubSaveFilePicker, type BrowserSession } from './browser';

const GEMSTONE = resolve(ROOT, '../shared/data/gemstone.csv');
const haveGemstone = existsSync(GEMSTONE);
const BIG_ROWS = 2_000_000;
const BIG_TIMEOUT = 600_000;

let s: BrowserSession;
let page: Page;
let tmp: string;
let loaded: LoadedBundle;
let bundlePath: string;
/** A linear model's bundle (it extrapolates, so it can predict outside the training range of price). */
let linearPath: string;
let linearLoaded: LoadedBundle;
/** Data lines of the source (no header), without the price column. */
let header: string[];
let lines: string[];

/** The 10,000-row file: row 3 has an unseen cut, row 7 a carat that is not a number (read as missing, as in training). */
const BAD_CUT_ROW = 3;
const BAD_CARAT_ROW = 7;

function withoutPrice(line: string, priceAt: number): string {
  const f = line.split(',');
  f.splice(priceAt, 1);
  return f.join(',');
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'loupe-e2e-predict-'));
  if (!haveGemstone) console.warn(`predict e2e: ${GEMSTONE} is absent; using the synthetic sample instead.`);
  const text = haveGemstone ? readFileSync(GEMSTONE, 'utf8') : generateSampleGemstones(20_000, 7);
  const ds = await parseCsv(text);
  const recipe = defaultRecipe(ds.schema, 'price', ds.table);
  const result = await runTraining({
    table: ds.table,
    recipe,
    dataset: { hash: await sha256Hex(new TextEncoder().encode(text)), name: 'gemstone.csv' },
    candidates: [
      { type: 'gbdt', name: 'Gradient-boosted trees (e2e)', params: { maxIterations: 60, seed: 3 } },
      { type: 'linear', name: 'Linear regression (e2e)' },
    ],
    split: { kind: 'holdout', testSize: 0.2, seed: 42 },
  });
  const write = (name: string): [string, LoadedBundle] => {
    const c = result.leaderboard.find((r) => r.name === name)!;
    if (c.status !== 'finished' || !c.bundle) throw new Error(`training failed: ${c.error?.message}`);
    const json = serializeBundle(c.bundle);
    const path = join(tmp, `${c.type}-model.json`);
    writeFileSync(path, json);
    return [path, parseBundle(json)];
  };
  [bundlePath, loaded] = write('Gradient-boosted trees (e2e)');
  [linearPath, linearLoaded] = write('Linear regression (e2e)');

  const all = text.trimEnd().split(/\r?\n/);
  const fullHeader = all[0].split(',');
  const priceAt = fullHeader.indexOf('price');
  header = fullHeader.filter((_, i) => i !== priceAt);
  lines = all.slice(1).map((l) => withoutPrice(l, priceAt));

  s = await openApp('predict', { screen: 'Predict', initScript: stubSaveFilePicker });
  page = s.page;
}, 300_000);

afterAll(async () => {
  await s?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function rowPrediction(): Promise<number> {
  const el = page.getByTestId('row-prediction');
  await page.waitForFunction(() => {
    const e = document.querySelector('[data-testid="row-prediction"]');
    return e?.getAttribute('data-pending') === 'false' && e.getAttribute('data-value') !== '';
  });
  return Number(await el.getAttribute('data-value'));
}

async function download(dest: string): Promise<void> {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('download-predictions').click()]);
  await d.saveAs(dest);
}

/** The names in an OPFS folder of the page's origin (none when it does not exist). */
function opfsNames(dir: string): Promise<string[]> {
  return page.evaluate(async (d) => {
    const root = await navigator.storage.getDirectory();
    const names: string[] = [];
    try {
      const h = (await root.getDirectoryHandle(d)) as FileSystemDirectoryHandle & { keys(): AsyncIterable<string> };
      for await (const n of h.keys()) names.push(n);
    } catch {
      // no such folder
    }
    return names;
  }, dir);
}

/** Size of a file the stubbed picker handed out. */
function pickedSize(name: string): Promise<number> {
  return page.evaluate(async (n) => (await (await (await navigator.storage.getDirectory()).getDirectoryHandle('picked')).getFileHandle(n)).getFile().then((f) => f.size), name);
}

let bigInput: string | undefined;
/** The big input file (made once): the source rows repeated to BIG_ROWS rows. */
async function bigFile(): Promise<string> {
  if (bigInput) return bigInput;
  const input = join(tmp, 'gems-big.csv');
  await new Promise<void>((ok, fail) => {
    const w = createWriteStream(input);
    w.on('error', fail);
    w.write(header.join(',') + '\n');
    let i = 0;
    const pump = (): void => {
      while (i < BIG_ROWS) {
        const block: string[] = [];
        for (let k = 0; k < 5000 && i < BIG_ROWS; k++, i++) block.push(lines[i % lines.length]);
        if (!w.write(block.join('\n') + '\n')) return void w.once('drain', pump);
      }
      w.end(ok);
    };
    pump();
  });
  return (bigInput = input);
}

/**
 * The big output: its header, one line per input row, and at ~200 rows spread over the file
 * (first and last included) the same prediction, to the bit, as Node's for that row.
 */
async function expectBigOutput(path: string): Promise<void> {
  const step = 9973;
  const sample = new Map<number, number>();
  for (let i = 0; i < BIG_ROWS; i += step) sample.set(i, 0);
  sample.set(BIG_ROWS - 1, 0);
  const at = [...sample.keys()];
  const records = at.map((i) => Object.fromEntries(lines[i % lines.length].split(',').map((v, j) => [header[j], v])));
  const node = predictRecords(loaded, records, 1);
  at.forEach((i, k) => sample.set(i, node.predictions[k]));
  let n = -1;
  let checked = 0;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (n === -1) expect(line).toBe([...header, 'prediction', 'error'].join(','));
    else if (sample.has(n)) {
      const cells = Papa.parse<string[]>(line).data[0];
      expect(cells.slice(0, header.length).join(','), `row ${n + 1}`).toBe(lines[n % lines.length]);
      const expected = sample.get(n)!;
      if (Number.isNaN(expected)) expect(cells[header.length]).toBe('');
      else expect(Number(cells[header.length]), `row ${n + 1}`).toBe(expected);
      checked++;
    }
    n++;
  }
  expect(n).toBe(BIG_ROWS);
  expect(checked).toBe(sample.size);
}

describe('Predict page', () => {
  it('says plainly when there is no model, and rejects a bad bundle naming the field', async () => {
    await page.getByTestId('no-models').waitFor();
    expect(await page.getByTestId('no-models').textContent()).toMatch(/No model to predict with yet/);
    const bad = JSON.parse(readFileSync(bundlePath, 'utf8')) as Record<string, unknown>;
    (bad.lineage as Record<string, unknown>).datasetRows = 'many';
    await page.getByLabel('Model bundle file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    const problem = page.getByTestId('import-problem');
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/lineage\.datasetRows/);
    await s.shot('no-model-bad-bundle');
  });

  it('imports a bundle and shows its name, metrics and lineage', async () => {
    await page.getByLabel('Model bundle file').setInputFiles(bundlePath);
    await page.getByTestId('model-facts').waitFor();
    const facts = (await page.getByTestId('model-facts').textContent()) ?? '';
    expect(facts).toContain('price — Gradient-boosted trees (e2e)');
    expect(facts).toContain('gemstone.csv');
    expect(await page.getByTestId('metric-r2').textContent()).toBe(loaded.bundle.metrics.test!.r2.toFixed(3));
    expect(await page.getByTestId('import-problem').count()).toBe(0);
    await s.shot('bundle-imported');
  });

  it('predicts one row from the form as values change, and flags values outside the training range', async () => {
    const carat = loaded.recipe.inputSchema().find((c) => c.name === 'carat')!;
    const first = await rowPrediction();
    expect(Number.isFinite(first)).toBe(true);
    // The page's prediction equals Node's for the same values.
    const v0 = await rowFormValues(page);
    expect(Object.keys(v0).sort()).toEqual(loaded.recipe.inputSchema().map((c) => c.name).sort());
    expect(first).toBeCloseTo(predictRecords(loaded, [v0]).predictions[0], 9);
    // Categories are offered in the model's order.
    const cutLevels = await page.locator('#in-cut option').allTextContents();
    expect(cutLevels).toEqual(loaded.recipe.inputSchema().find((c) => c.name === 'cut')!.levels);
    expect(await page.getByTestId('range-carat').textContent()).toContain('–');

    await page.locator('#in-carat').fill('2.01');
    await page.waitForFunction((prev) => {
      const e = document.querySelector('[data-testid="row-prediction"]');
      return e?.getAttribute('data-pending') === 'false' && e.getAttribute('data-value') !== String(prev);
    }, first);
    const second = await rowPrediction();
    expect(second).not.toBe(first);
    expect(second).toBeCloseTo(predictRecords(loaded, [{ ...v0, carat: '2.01' }]).predictions[0], 9);
    expect(await page.getByTestId('flag-carat').count()).toBe(0);

    await page.locator('#in-carat').fill(String(carat.max! * 3));
    await page.getByTestId('flag-carat').waitFor();
    expect(await page.getByTestId('flag-carat').textContent()).toMatch(/Outside the training range/);
    await s.shot('one-row-out-of-range');
    await page.getByRole('button', { name: 'Reset to typical values' }).click();
    await page.getByTestId('flag-carat').waitFor({ state: 'detached' });
  });

  it('refuses a file that lacks a column the model needs, naming it', async () => {
    const keep = header.filter((h) => h !== 'carat');
    const rows = lines.slice(0, 50).map((l) => l.split(',').filter((_, j) => header[j] !== 'carat').join(','));
    await page.getByLabel('CSV file to predict').setInputFiles({ name: 'no-carat.csv', mimeType: 'text/csv', buffer: Buffer.from([keep.join(','), ...rows].join('\n')) });
    const problem = page.getByTestId('problem').filter({ hasText: 'no-carat.csv' });
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/lacks a column the model needs: "carat"/);
    expect(await page.getByTestId('predict-result').count()).toBe(0);
    await s.shot('file-missing-column');
  });

  it('predicts a 10,000-row file, lists the bad rows, and the download matches Node', async () => {
    const rows = lines.slice(0, 10_000).map((l) => l.split(','));
    const cutAt = header.indexOf('cut');
    const caratAt = header.indexOf('carat');
    rows[BAD_CUT_ROW - 1][cutAt] = 'Superb';
    rows[BAD_CARAT_ROW - 1][caratAt] = 'abc';
    const csv = [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n';
    const input = join(tmp, 'gems-10k.csv');
    writeFileSync(input, csv);

    await page.getByLabel('CSV file to predict').setInputFiles(input);
    await page.getByTestId('predict-result').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('summary-rows').textContent()).toBe('10,000');
    // Read and parsed in the read worker nested in the prediction worker, beside the predicting.
    expect(await page.getByTestId('predict-result').getAttribute('data-read-in')).toBe('read worker');
    const problemRows = await page.getByTestId('problem-row').allTextContents();
    expect(problemRows.some((t) => t.startsWith(String(BAD_CUT_ROW)) && t.includes('cut') && t.includes('Superb'))).toBe(true);
    expect(problemRows.some((t) => t.startsWith(String(BAD_CARAT_ROW)) && t.includes('carat') && t.includes('abc'))).toBe(true);
    await page.getByTestId('prediction-histogram').locator('svg').waitFor();
    await s.shot('file-10k-predicted');

    const out = join(tmp, 'gems-10k-predictions.csv');
    await download(out);
    const parsed = Papa.parse<string[]>(readFileSync(out, 'utf8').trimEnd(), { skipEmptyLines: false });
    const [outHeader, ...data] = parsed.data;
    expect(outHeader).toEqual([...header, 'prediction', 'error']);
    expect(data.length).toBe(10_000);

    // Node, same bundle, same file.
    const expected: number[] = [];
    const errors: string[] = [];
    const summary = await predictCsv(loaded, csv, {
      onChunk: (c) => {
        for (let i = 0; i < c.rows.length; i++) {
          expected.push(c.predictions[i]);
          errors.push(c.errors[i]);
        }
      },
    });
    expect(await page.getByTestId('summary-failed').textContent()).toBe(String(summary.failed));
    let maxDiff = 0;
    for (let i = 0; i < data.length; i++) {
      const cell = data[i][header.length];
      expect(data[i][header.length + 1]).toBe(errors[i]);
      if (Number.isNaN(expected[i])) expect(cell).toBe('');
      else maxDiff = Math.max(maxDiff, Math.abs(Number(cell) - expected[i]));
    }
    expect(maxDiff).toBeLessThanOrEqual(1e-9);
    // The non-numeric carat is read as missing (as loading the training file reads it) and predicted
    // with the imputed value; the unseen cut is handled as the recipe says.
    const missingCarat = Object.fromEntries(header.map((h, j) => [h, h === 'carat' ? '' : rows[BAD_CARAT_ROW - 1][j]]));
    expect(Number(data[BAD_CARAT_ROW - 1][header.length])).toBeCloseTo(predictRecords(loaded, [missingCarat]).predictions[0], 9);
    expect(data[BAD_CARAT_ROW - 1][header.length + 1]).toMatch(/^warning: carat: "abc" is not a number; read as missing/);
    expect(data[BAD_CUT_ROW - 1][header.length + 1]).toBe(errors[BAD_CUT_ROW - 1]);
    expect(await page.getByTestId('summary-out-of-range').textContent()).toBe(String(summary.outOfRange));
    expect(s.pageErrors).toEqual([]);
  });

  it(`predicts a ${BIG_ROWS.toLocaleString('en-US')}-row file into the browser's storage, then downloads it; Cancel leaves no file`, async () => {
    const input = await bigFile();
    // Cancel stops a running file at once, leaves no result, and its partial output is removed.
    await page.getByLabel('CSV file to predict').setInputFiles(input);
    await page.locator('[data-testid="predict-progress"][data-output="opfs"]').getByText(/rows predicted/).waitFor({ timeout: 60_000 });
    expect(await opfsNames(OUTPUT_DIR)).toHaveLength(1);
    await page.getByTestId('predict-progress').getByText(/\d rows\/s/).waitFor();
    await page.getByTestId('predict-progress').getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('predict-notice').filter({ hasText: 'was cancelled' }).waitFor();
    expect(await page.getByTestId('predict-progress').count()).toBe(0);
    expect(await page.getByTestId('predict-result').count()).toBe(0);
    await expect.poll(() => opfsNames(OUTPUT_DIR), { timeout: 10_000 }).toEqual([]);
    await s.shot('file-big-cancelled');

    // Long tasks on the page's main thread while the worker streams the file.
    const since = await s.clock();
    const rss = new RssSampler();
    const heap: number[] = [];
    const started = Date.now();
    await page.getByLabel('CSV file to predict').setInputFiles(input);
    await page.getByTestId('predict-progress').waitFor();
    rss.start();
    const poll = setInterval(() => {
      page
        .evaluate(() => (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0)
        .then((h) => heap.push(h))
        .catch(() => {});
    }, 1000);
    try {
      await page.getByTestId('predict-result').filter({ hasText: 'gems-big.csv' }).waitFor({ timeout: BIG_TIMEOUT });
    } finally {
      clearInterval(poll);
      rss.stop();
    }
    const wall = (Date.now() - started) / 1000;
    expect(await page.getByTestId('predict-result').getAttribute('data-output')).toBe('opfs');
    expect(await page.getByTestId('predict-result').getAttribute('data-read-in')).toBe('read worker');
    expect(await page.getByTestId('summary-rows').textContent()).toBe(BIG_ROWS.toLocaleString('en-US'));
    await s.shot('file-big-predicted');
    const longTasks = (await s.longTasks(since)).map((t) => t.duration);
    const workerSeconds = Number(/in ([\d.]+) s/.exec((await page.getByTestId('predict-result').textContent()) ?? '')?.[1]);
    console.log(
      JSON.stringify({
        bench: 'predict-e2e-big',
        rows: BIG_ROWS,
        output: 'opfs',
        wallSeconds: wall,
        workerSeconds,
        mainThreadLongTasks: longTasks.length,
        longestTaskMs: Math.round(Math.max(0, ...longTasks)),
        pageHeapPeakMB: Math.round(Math.max(0, ...heap) / 2 ** 20),
        rendererRssPeakMB: rss.peakMB,
      }),
    );

    const out = join(tmp, 'gems-big-predictions.csv');
    await download(out);
    await expectBigOutput(out);
    rmSync(out);
    // The output stays in the browser's storage while it can be downloaded, and goes with the result.
    expect(await opfsNames(OUTPUT_DIR)).toHaveLength(1);
    await page.getByLabel('CSV file to predict').setInputFiles({ name: 'tiny.csv', mimeType: 'text/csv', buffer: Buffer.from([header.join(','), lines[0]].join('\n')) });
    await page.getByTestId('predict-result').filter({ hasText: 'tiny.csv' }).waitFor();
    expect(await page.getByTestId('predict-result').getAttribute('data-output')).toBe('memory');
    await expect.poll(() => opfsNames(OUTPUT_DIR), { timeout: 10_000 }).toEqual([]);
  });

  it(`saves a ${BIG_ROWS.toLocaleString('en-US')}-row file's predictions straight to a picked file; Cancel leaves it empty`, async () => {
    // showSaveFilePicker is stubbed (initScript below) with a handle on an OPFS file in `picked/`.
    const input = await bigFile();
    await page.getByTestId('save-to-file').check();
    await page.getByLabel('CSV file to predict').setInputFiles(input);
    await page.getByTestId('save-and-predict').click();
    await page.locator('[data-testid="predict-progress"][data-output="picked"]').getByText(/rows predicted/).waitFor({ timeout: 60_000 });
    await page.getByTestId('predict-progress').getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('predict-notice').filter({ hasText: 'was cancelled' }).waitFor();
    // The writable was aborted: the file stays as the picker left it, empty, never a part of the output.
    await expect.poll(() => pickedSize('gems-big-predictions.csv'), { timeout: 10_000 }).toBe(0);
    expect(await page.getByTestId('predict-result').count()).toBe(0);

    await page.getByLabel('CSV file to predict').setInputFiles(input);
    await page.getByTestId('save-and-predict').click();
    await page.getByTestId('predict-result').filter({ hasText: 'gems-big.csv' }).waitFor({ timeout: BIG_TIMEOUT });
    expect(await page.getByTestId('predict-result').getAttribute('data-output')).toBe('picked');
    expect(await page.getByTestId('saved-predictions').textContent()).toMatch(/Saved to gems-big-predictions\.csv/);
    expect(await page.getByTestId('download-predictions').count()).toBe(0);
    await s.shot('file-big-saved-to-picked-file');
    // Read the picked file back out of the browser (as the person would open it).
    const out = join(tmp, 'picked-predictions.csv');
    const [d] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.evaluate(async () => {
        const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('picked');
        const a = document.createElement('a');
        a.href = URL.createObjectURL(await (await dir.getFileHandle('gems-big-predictions.csv')).getFile());
        a.download = 'picked.csv';
        a.click();
      }),
    ]);
    await d.saveAs(out);
    await expectBigOutput(out);
    rmSync(out);
    await page.getByTestId('save-to-file').uncheck();
    expect(s.pageErrors).toEqual([]);
  });

  it('shows the row’s prediction interval, and adds interval columns to a file when asked', async () => {
    // The gradient-boosted model is selected; its bundle carries 90 % intervals.
    const values = await rowFormValues(page);
    const p = await rowPrediction();
    const interval = page.getByTestId('row-interval');
    await interval.waitFor();
    const node = predictRecords(loaded, [values], 1, { interval: 0.9 });
    expect(p).toBeCloseTo(node.predictions[0], 9);
    expect(Number(await interval.getAttribute('data-lower'))).toBeCloseTo(node.lower![0], 9);
    expect(Number(await interval.getAttribute('data-upper'))).toBeCloseTo(node.upper![0], 9);
    expect(await interval.textContent()).toMatch(/90 % interval: .+ to .+/);

    const rows = lines.slice(0, 50);
    const csv = [header.join(','), ...rows].join('\n') + '\n';
    await page.getByTestId('interval-columns').check();
    await page.getByLabel('CSV file to predict').setInputFiles({ name: 'with-intervals.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByTestId('summary-rows').filter({ hasText: /^50$/ }).waitFor();
    const out = join(tmp, 'with-intervals-predictions.csv');
    await download(out);
    const [outHeader, ...data] = Papa.parse<string[]>(readFileSync(out, 'utf8').trimEnd()).data;
    expect(outHeader).toEqual([...header, 'prediction', 'prediction_lower', 'prediction_upper', 'error']);
    const lower: number[] = [];
    const upper: number[] = [];
    await predictCsv(loaded, csv, { interval: 0.9, onChunk: (c) => c.rows.forEach((_, i) => (lower.push(c.lower![i]), upper.push(c.upper![i]))) });
    data.forEach((r, i) => {
      expect(Number(r[header.length + 1])).toBeCloseTo(lower[i], 9);
      expect(Number(r[header.length + 2])).toBeCloseTo(upper[i], 9);
    });
    await s.shot('row-and-file-intervals');
    await page.getByTestId('interval-columns').uncheck();
    expect(s.pageErrors).toEqual([]);
  });

  it('flags predictions outside the training range of price, and clips them when asked', async () => {
    // A linear model extrapolates: a small, poor stone gets a negative price.
    const range = linearLoaded.bundle.referenceProfile.columns.find((c) => c.name === 'price');
    if (range?.kind !== 'numeric') throw new Error('the bundle should profile price');
    const poor: Record<string, string> = { carat: '0.2', cut: 'Fair', color: 'J', clarity: 'I1', depth: '61.5', table: '57', x: '3.8', y: '3.8', z: '2.3' };
    expect(predictRecords(linearLoaded, [poor]).predictions[0]).toBeLessThan(range.min);
    await page.getByLabel('Model bundle file').setInputFiles(linearPath);
    await page.getByTestId('model-facts').filter({ hasText: 'Linear regression (e2e)' }).waitFor();
    for (const [name, value] of Object.entries(poor)) {
      const field = page.locator(`#in-${name}`);
      if ((await field.evaluate((e) => e.tagName)) === 'SELECT') await field.selectOption(value);
      else await field.fill(value);
    }
    const flag = page.getByTestId('row-flag-out-of-range-prediction');
    await flag.waitFor();
    expect(await flag.textContent()).toMatch(/price: the prediction -[\d.]+ is below the lowest price in training/);

    const cols = header.filter((h) => h in poor);
    const file = { name: 'small-stones.csv', mimeType: 'text/csv', buffer: Buffer.from([cols.join(','), cols.map((c) => poor[c]).join(',')].join('\n') + '\n') };
    await page.getByLabel('CSV file to predict').setInputFiles(file);
    await page.getByTestId('summary-out-of-range').filter({ hasText: /^1$/ }).waitFor();
    await page.getByTestId('clip-predictions').check();
    await page.getByLabel('CSV file to predict').setInputFiles(file);
    await page.getByTestId('summary-out-of-range').filter({ hasText: '1 (clipped)' }).waitFor();
    const out = join(tmp, 'small-stones-clipped.csv');
    await download(out);
    const [, row] = Papa.parse<string[]>(readFileSync(out, 'utf8').trimEnd()).data;
    expect(Number(row[cols.length])).toBe(range.min);
    expect(row[cols.length + 1]).toMatch(/^warning: price: .*clipped to /);
    await s.shot('file-clipped');
    await page.getByTestId('clip-predictions').uncheck();
    expect(s.pageErrors).toEqual([]);
  });
});

/** Peak resident memory of this test's Chromium renderer processes (the tab and its workers), from /proc. */
class RssSampler {
  peakMB = 0;
  #timer: ReturnType<typeof setInterval> | null = null;
  start(): void {
    this.#timer = setInterval(() => this.#sample(), 500);
  }
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
  #sample(): void {
    try {
      let total = 0;
      const procs = readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d))
        .map((pid) => ({ pid, cmd: safeRead(`/proc/${pid}/cmdline`), ppid: safeRead(`/proc/${pid}/stat`).replace(/^.*\) /, '').split(' ')[1] }));
      const root = procs.find((p) => p.cmd.includes('loupe-e2e-predict-') && !p.cmd.includes('--type='));
      if (!root) return;
      const parent = new Map(procs.map((p) => [p.pid, p.ppid]));
      const under = (pid: string): boolean => {
        for (let q: string | undefined = pid, n = 0; q && n < 10; q = parent.get(q), n++) if (q === root.pid) return true;
        return false;
      };
      for (const p of procs) {
        if (!p.cmd.includes('--type=renderer') || !under(p.pid)) continue;
        const m = /VmRSS:\s+(\d+) kB/.exec(safeRead(`/proc/${p.pid}/status`));
        if (m) total += Number(m[1]) / 1024;
      }
      this.peakMB = Math.max(this.peakMB, Math.round(total));
    } catch {
      // /proc may not exist (not Linux): the figure stays 0 and is reported as such.
    }
  }
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return '';
  }
}
