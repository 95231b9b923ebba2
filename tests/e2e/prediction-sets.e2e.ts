/**
 * A calibrated classifier's bundle (trained here in Node with the real core: logistic regression,
 * Platt calibration, 90 % prediction sets) on the Predict screen: the one-row answer shows the
 * row's prediction set, the same as Node's, and the file option offers the set column.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle, type LoadedBundle } from '../../src/core/bundle/bundle';
import { setLabels } from '../../src/core/conformal/sets';
import { parseCsv } from '../../src/core/data';
import { predictRecords } from '../../src/core/pipeline/predict';
import { runTraining } from '../../src/core/pipeline/train';
import { defaultRecipe } from '../../src/core/recipe';
import { syntheticClasses } from '../helpers/classification';
import { openApp, rowFormValues, type BrowserSession } from './browser';

let s: BrowserSession;
let page: Page;
let tmp: string;
let bundlePath: string;
let loaded: LoadedBundle;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'loupe-e2e-sets-'));
  const { X, y } = syntheticClasses(1500, 3, 3, 9);
  const rows = Array.from({ length: X.rows }, (_, i) => [X.data[i * 3].toFixed(4), X.data[i * 3 + 1].toFixed(4), X.data[i * 3 + 2].toFixed(4), ['low', 'mid', 'high'][y[i]]]);
  const ds = await parseCsv(Papa.unparse([['f1', 'f2', 'f3', 'grade'], ...rows], { newline: '\n' }));
  const result = await runTraining({
    table: ds.table,
    recipe: defaultRecipe(ds.schema, 'grade', ds.table),
    dataset: { hash: 'e'.repeat(64), name: 'grades.csv' },
    candidates: [{ type: 'logistic' }],
    split: { kind: 'holdout', testSize: 0.25, seed: 3 },
    calibration: 'platt',
  });
  const c = result.leaderboard[0];
  if (c.status !== 'finished' || !c.bundle) throw new Error(`training failed: ${c.error?.message}`);
  const json = serializeBundle(c.bundle);
  bundlePath = join(tmp, 'grades-model.json');
  writeFileSync(bundlePath, json);
  loaded = parseBundle(json);
  s = await openApp('prediction-sets', { screen: 'Predict' });
  page = s.page;
}, 300_000);

afterAll(async () => {
  await s?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('prediction sets on the Predict screen', () => {
  it("shows a calibrated classifier's 90 % prediction set for one row, as Node predicts it, and offers the set column for a file", async () => {
    expect(loaded.predictionSets?.coverage).toBe(0.9);
    await page.getByLabel('Model bundle file').setInputFiles(bundlePath);
    const set = page.getByTestId('row-prediction-set');
    await set.waitFor({ timeout: 60_000 });
    expect(await set.textContent()).toMatch(/90 % prediction set:\s+(empty|\w)/);
    await page.locator('#in-f1').fill('3');
    await page.locator('#in-f2').fill('-3');
    await page.waitForFunction(() => document.querySelector('[data-testid="row-prediction"]')?.getAttribute('data-pending') === 'false');
    await page.waitForFunction(() => document.querySelector('[data-testid="row-prediction-set"]') !== null);
    const values = await rowFormValues(page);
    const node = predictRecords(loaded, [values], 1, { interval: 0.9 });
    const want = setLabels(node.sets!, 0, loaded.recipe.classes);
    await page.waitForFunction((w) => document.querySelector('[data-testid="row-prediction-set"]')?.getAttribute('data-labels') === w, want);
    expect(want.split('|')).toContain('low');
    expect(await page.getByText(/Add a 90 % prediction set/).count()).toBe(1);
    await s.shot('one-row-prediction-set');
  });
});
