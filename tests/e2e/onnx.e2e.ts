/**
 * ONNX export from the Models screen, in a real browser: two bundles trained here in Node (a
 * gradient-boosted model with a log1p target, and a KNN) are imported into the registry; the
 * gbdt version's "Export ONNX" downloads a file, built in a worker (the page never loads the
 * exporter), that onnxruntime-node opens and that predicts what Loupe predicts for a few rows,
 * missing and unseen values included. The KNN version offers no ONNX export and says why.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle, type LoadedBundle } from '../../src/core/bundle/bundle';
import { parseCsv } from '../../src/core/data';
import { MODEL_CATALOG } from '../../src/core/models/catalog';
import { predictRecords } from '../../src/core/pipeline/predict';
import { runTraining } from '../../src/core/pipeline/train';
import { defaultRecipe, type RecordValue } from '../../src/core/recipe';
import { generateSampleGemstones } from '../../src/core/sample';
import { compare, onnxColumns, runOnnx } from '../helpers/onnx';
import { openBrowser, pageModules, workerOnlyModules, type BrowserSession } from './browser';

let s: BrowserSession;
let page: Page;
let tmp: string;
const bundles: Record<'gbdt' | 'knn', { path: string; loaded: LoadedBundle }> = {} as never;

async function importBundle(p: Page, path: string, name: string): Promise<void> {
  await p.getByLabel('Bundle file to import').setInputFiles(path);
  const preview = p.getByTestId('import-preview');
  await preview.waitFor();
  await preview.getByLabel('Model name').fill(name);
  await preview.getByRole('button', { name: 'Register the import' }).click();
  await p.getByTestId('registry-notice').filter({ hasText: `as “${name}” version 1` }).waitFor();
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'loupe-e2e-onnx-'));
  const ds = await parseCsv(generateSampleGemstones(1500, 21));
  const recipe = defaultRecipe(ds.schema, 'price', ds.table);
  recipe.targetTransform = 'log1p';
  const result = await runTraining({
    table: ds.table,
    recipe,
    dataset: { hash: 'e'.repeat(64), name: 'sample gemstones' },
    candidates: [
      { type: 'gbdt', params: { maxIterations: 60 } },
      { type: 'knn', params: {} },
    ],
    split: { kind: 'holdout', testSize: 0.2, seed: 1 },
  });
  for (const c of result.leaderboard) {
    const path = join(tmp, `${c.type}.json`);
    writeFileSync(path, serializeBundle(c.bundle!));
    bundles[c.type as 'gbdt' | 'knn'] = { path, loaded: parseBundle(readFileSync(path, 'utf8')) };
  }
  s = await openBrowser('onnx');
  page = s.page;
  await page.goto(`${s.baseUrl}#/models`);
  await page.getByRole('heading', { name: 'Models', level: 1 }).waitFor();
}, 180_000);

afterAll(async () => {
  await s?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('Export ONNX on the Models screen', () => {
  it('downloads a valid ONNX file built in a worker that predicts what Loupe predicts', async () => {
    await importBundle(page, bundles.gbdt.path, 'price');
    const card = page.locator('[data-testid="version-card"][data-version="1"]');
    const button = card.getByTestId('export-onnx');
    expect(await button.isEnabled()).toBe(true);
    const [d] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(d.suggestedFilename()).toBe('price-v1.onnx');
    const path = join(tmp, d.suggestedFilename());
    await d.saveAs(path);
    await s.shot('exported');
    // The exporter ran in a worker: the page never loaded it.
    expect(workerOnlyModules(await pageModules(page))).toEqual([]);

    const loaded = bundles.gbdt.loaded;
    const records: Array<Record<string, RecordValue>> = Papa.parse<Record<string, string>>(generateSampleGemstones(12, 8).trim(), { header: true }).data;
    records[1].carat = '';
    records[2].cut = 'Superb'; // unseen: imputed, as Loupe does
    records[3].color = 'NA'; // a missing marker
    const loupe = predictRecords(loaded, records).predictions;
    const { prediction, session } = await runOnnx(new Uint8Array(readFileSync(path)), onnxColumns(loaded.recipe.inputSchema(), records));
    expect(session.outputNames).toEqual(['prediction']);
    expect(session.inputNames).toEqual(loaded.recipe.inputSchema().map((c) => c.name));
    const c = compare(prediction, loupe);
    console.log(JSON.stringify({ onnxBytes: readFileSync(path).length, worstRelative: c.worstRelative }));
    expect(c.nanMismatches + c.nanRows).toBe(0);
    expect(c.worstRelative).toBeLessThanOrEqual(1e-6);
    expect(s.pageErrors).toEqual([]);
  });

  it('offers no ONNX export for a KNN version, and says why', async () => {
    await importBundle(page, bundles.knn.path, 'price-knn');
    const card = page.locator('[data-testid="version-card"][data-version="1"]');
    expect(await card.getByTestId('export-onnx').isDisabled()).toBe(true);
    expect(await card.getByTestId('onnx-refusal').textContent()).toBe(`No ONNX export: ${MODEL_CATALOG.knn.cannotExport!.onnx}`);
    await s.shot('knn-refused');
  });
});
