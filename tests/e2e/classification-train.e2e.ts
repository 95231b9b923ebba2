/**
 * The Train screen of a classifier in a real browser: a small generated binary CSV (made here)
 * → two classifiers trained → the best one's confusion matrix, ROC, precision–recall and
 * reliability charts, each named for assistive technology, axe clean → the decision threshold
 * moved: the matrix and the scores change live, the ROC point moves → saved with the model →
 * registered from the run, and the registered bundle decides with the saved threshold (checked
 * by predicting the test rows with it in Node).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseBundle } from '../../src/core/bundle/bundle';
import { predictRecords } from '../../src/core/pipeline/predict';
import { ARTIFACTS, axeViolations, chooseModels, exportVersion, goTo, openApp, registerModel, type BrowserSession } from './browser';

const TIMEOUT = 120_000;

/** 600 rows: two numeric inputs and a colour; `churn` is "Yes" more often as x1 grows (overlapping classes, so thresholds matter). Deterministic. */
function churnCsv(): string {
  const lines = ['tenure,charges,colour,churn'];
  let s = 20261205;
  const rand = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < 600; i++) {
    const yes = rand() < 0.35;
    const tenure = (yes ? 8 : 20) + 14 * (rand() - 0.5) * 2;
    const charges = (yes ? 75 : 60) + 30 * (rand() - 0.5) * 2;
    lines.push(`${tenure.toFixed(1)},${charges.toFixed(2)},${rand() < 0.5 ? 'red' : 'blue'},${yes ? 'Yes' : 'No'}`);
  }
  return lines.join('\n') + '\n';
}

/** 450 rows of three classes of `label` (a, b, c) around three centres, overlapping. Deterministic. */
function threeClassCsv(): string {
  const lines = ['u,v,label'];
  let s = 7;
  const rand = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const centres: Record<string, [number, number]> = { a: [0, 0], b: [2, 0], c: [1, 2] };
  for (let i = 0; i < 450; i++) {
    const label = 'abc'[i % 3];
    const [cu, cv] = centres[label];
    lines.push(`${(cu + 3 * (rand() - 0.5)).toFixed(3)},${(cv + 3 * (rand() - 0.5)).toFixed(3)},${label}`);
  }
  return lines.join('\n') + '\n';
}

let s: BrowserSession;
let page: Page;
let tmp: string;
/** The registered version's bundle, exported. */
let registered: ReturnType<typeof parseBundle>;
/** The generated file's first 200 rows as records (inputs only). */
const RECORDS = churnCsv()
  .trim()
  .split('\n')
  .slice(1, 201)
  .map((l) => {
    const [tenure, charges, colour] = l.split(',');
    return { tenure, charges, colour };
  });

const detail = () => page.getByTestId('model-detail');

/** The confusion matrix's counts, row by row (actual No, actual Yes). */
async function matrix(): Promise<number[][]> {
  return detail()
    .getByTestId('confusion-matrix')
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('td'), (td) => Number(td.dataset.count))));
}

/** The operating point drawn on the ROC chart (the red dot), in the chart's pixels. */
async function rocPoint(): Promise<string | null> {
  // Plot puts a constant fill on the mark's group, not on each circle.
  const dot = detail().getByTestId('roc-curve').locator('svg [fill="#b42318"] circle, svg circle[fill="#b42318"]').first();
  await dot.waitFor();
  return dot.evaluate((c) => `${c.getAttribute('cx')},${c.getAttribute('cy')}`);
}

describe('Train screen: a binary classifier', () => {
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'loupe-cls-train-'));
    s = await openApp('classification-train');
    page = s.page;
  });

  afterAll(async () => {
    await s?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('trains logistic regression and a decision tree on a generated churn file', async () => {
    await page.getByLabel('CSV file', { exact: true }).setInputFiles({ name: 'churn.csv', mimeType: 'text/csv', buffer: Buffer.from(churnCsv()) });
    await page.getByTestId('row-count').filter({ hasText: /^600$/ }).waitFor({ timeout: TIMEOUT });
    await goTo(page, 'Train');
    await chooseModels(page, ['logistic', 'tree-classifier']);
    await page.getByRole('button', { name: 'Train 2 models' }).click();
    for (const t of ['logistic', 'tree-classifier'])
      await page.locator(`[data-testid="candidate-${t}"][data-status="finished"]`).waitFor({ timeout: TIMEOUT });
    await page.getByTestId('leaderboard').waitFor();
    expect(await page.getByTestId('leaderboard-row').count()).toBe(2);
  });

  it('shows the confusion matrix, ROC, precision–recall and reliability of the best model, each named, axe clean', async () => {
    await detail().getByRole('heading', { name: /\(best\)/ }).waitFor();
    const m = await matrix();
    expect(m).toHaveLength(2);
    // A stratified 20 % test part of 600 rows.
    expect(m.flat().reduce((a, b) => a + b, 0)).toBe(120);
    expect(await detail().getByTestId('confusion-matrix').locator('thead th').allTextContents()).toEqual(['Actual ↓ / predicted →', 'No', 'Yes']);
    for (const id of ['roc-curve', 'pr-curve', 'reliability']) await detail().getByTestId(id).locator('svg').first().waitFor();
    expect(await detail().getByTestId('roc-curve').getAttribute('aria-label')).toMatch(/^ROC curve of Yes: Yes \(AUC 0\.\d{3}\); at threshold 0\.5: false-positive rate/);
    expect(await detail().getByTestId('pr-curve').getAttribute('aria-label')).toMatch(/average precision 0\.\d{3}/);
    expect(await detail().getByTestId('reliability').getAttribute('aria-label')).toMatch(/^Reliability diagram of Yes, \d+ bins: \d+ rows predicted/);
    expect(await detail().getByTestId('brier').textContent()).toMatch(/Brier score 0\.\d{3}/);
    await expect.poll(() => detail().getByTestId('saved-threshold').getAttribute('data-threshold')).toBe('0.5');
    await s.shot('classifier-detail');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('moving the threshold changes the matrix and the scores live; saving it shows the saved threshold', async () => {
    const before = await matrix();
    const recallBefore = Number(await detail().getByTestId('threshold-recall').textContent());
    const pointBefore = await rocPoint();
    await detail().getByTestId('threshold-number').fill('0.2');
    await expect.poll(matrix).not.toEqual(before);
    const after = await matrix();
    // A lower threshold calls more rows Yes: the predicted-Yes column grows, row totals stay.
    expect(after[0][1] + after[1][1]).toBeGreaterThan(before[0][1] + before[1][1]);
    expect(after.map((r) => r[0] + r[1])).toEqual(before.map((r) => r[0] + r[1]));
    expect(Number(await detail().getByTestId('threshold-recall').textContent())).toBeGreaterThan(recallBefore);
    await expect.poll(rocPoint).not.toBe(pointBefore);
    expect(await detail().getByTestId('saved-threshold').getAttribute('data-threshold')).toBe('0.5');

    // The slider moves the same threshold.
    const range = detail().getByTestId('threshold-range');
    expect(await range.inputValue()).toBe('0.2');
    await range.fill('0.3');
    expect(await detail().getByTestId('threshold-number').inputValue()).toBe('0.3');
    await detail().getByTestId('threshold-number').fill('1.5');
    await detail().getByRole('alert').filter({ hasText: 'a number from 0 to 1' }).waitFor();
    await detail().getByTestId('threshold-number').fill('0.25');

    await detail().getByTestId('save-threshold').click();
    await detail().getByRole('status').filter({ hasText: /Saved: Predict and a version registered from this run decide at 0\.25/ }).waitFor({ timeout: 30_000 });
    expect(await detail().getByTestId('saved-threshold').getAttribute('data-threshold')).toBe('0.25');
    expect(await detail().getByTestId('save-threshold').isDisabled()).toBe(true);
    await s.shot('threshold-saved');
    // The README's picture (docs/screenshots/train-classifier.png is copied from it).
    await detail().screenshot({ path: join(ARTIFACTS, 'classification-train', 'detail-only.png') });
    expect(await axeViolations(page)).toEqual([]);
  });

  it('permutation importance of a classifier is the drop in accuracy', async () => {
    await detail().getByRole('button', { name: 'Compute permutation importance' }).click();
    await detail().getByTestId('perm-importance').locator('svg').waitFor({ timeout: TIMEOUT });
    expect(await detail().getByText(/^Drop in accuracy when a feature's column is shuffled/).count()).toBe(1);
    expect(await detail().getByText(/baseline accuracy 0\.\d{4}/).count()).toBe(1);
  });

  it('the version registered from the run decides with the saved threshold', async () => {
    const best = page.getByTestId('leaderboard-row').first();
    const name = (await best.getAttribute('data-type')) === 'logistic' ? 'Logistic regression' : 'Decision tree';
    await best.getByRole('link', { name: `Register ${name}` }).click();
    await registerModel(page, { name: 'churn' });
    await goTo(page, 'Models');
    const text = await exportVersion(page, 1, join(tmp, 'churn-v1.json'));
    const loaded = (registered = parseBundle(text));
    expect(loaded.bundle.decision).toEqual({ threshold: 0.25 });
    // Predicting with it: "Yes" exactly where P(Yes) ≥ 0.25.
    const rows = RECORDS;
    const p = predictRecords(loaded, rows);
    let between = 0;
    for (let i = 0; i < rows.length; i++) {
      const yes = p.probabilities![i * 2 + 1];
      expect(p.predictions[i]).toBe(yes >= 0.25 ? 1 : 0);
      if (yes >= 0.25 && yes < 0.5) between++;
    }
    // Rows the default 0.5 would have called No: the saved threshold is what made them Yes.
    expect(between).toBeGreaterThan(0);
    expect(s.pageErrors).toEqual([]);
  });

  it('Predict decides one row with the saved threshold: P(Yes) between 0.25 and 0.5 is called Yes', async () => {
    const p = predictRecords(registered, RECORDS).probabilities!;
    const i = RECORDS.findIndex((_, r) => p[r * 2 + 1] >= 0.3 && p[r * 2 + 1] < 0.45);
    const j = RECORDS.findIndex((_, r) => p[r * 2 + 1] < 0.2);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(j).toBeGreaterThanOrEqual(0);
    await goTo(page, 'Predict');
    // The class Predict shows for a record: its code (0 = No, 1 = Yes), or the label itself.
    const decided = async (r: { tenure: string; charges: string; colour: string }): Promise<string> => {
      await page.locator('#in-tenure').fill(r.tenure);
      await page.locator('#in-charges').fill(r.charges);
      await page.locator('#in-colour').selectOption(r.colour);
      const out = page.getByTestId('row-prediction');
      await expect.poll(() => out.getAttribute('data-pending')).toBe('false');
      const value = (await out.getAttribute('data-value')) ?? '';
      return value === '1' || value === 'Yes' ? 'Yes' : value === '0' || value === 'No' ? 'No' : `unexpected ${value}`;
    };
    await expect.poll(() => decided(RECORDS[i])).toBe('Yes');
    await expect.poll(() => decided(RECORDS[j])).toBe('No');
    expect(s.pageErrors).toEqual([]);
  });

  it('three classes: a 3 × 3 matrix, one ROC and PR line per class against the rest, reliability per chosen class, no threshold', async () => {
    await goTo(page, 'Data');
    await page.getByLabel('CSV file', { exact: true }).setInputFiles({ name: 'three.csv', mimeType: 'text/csv', buffer: Buffer.from(threeClassCsv()) });
    await page.getByTestId('row-count').filter({ hasText: /^450$/ }).waitFor({ timeout: TIMEOUT });
    await goTo(page, 'Train');
    await chooseModels(page, ['logistic']);
    await page.getByRole('button', { name: 'Train 1 models' }).click();
    // The last run's finished logistic regression stays on screen until this one's replaces it.
    await expect.poll(async () => (await matrix()).map((r) => r.length), { timeout: TIMEOUT }).toEqual([3, 3, 3]);
    await page.locator('[data-testid="candidate-logistic"][data-status="finished"]').waitFor({ timeout: TIMEOUT });
    await detail().getByTestId('roc-curve').locator('svg').first().waitFor();
    const m = await matrix();
    expect(m.flat().reduce((a, b) => a + b, 0)).toBe(90);
    expect(await detail().getByTestId('roc-curve').getAttribute('aria-label')).toMatch(/^ROC curves, each class against the rest: a \(AUC 0\.\d{3}\), b \(AUC 0\.\d{3}\), c \(AUC 0\.\d{3}\)\.$/);
    expect(await detail().getByTestId('pr-curve').getAttribute('aria-label')).toMatch(/c \(average precision 0\.\d{3}\)\.$/);
    expect(await detail().getByTestId('threshold-control').count()).toBe(0);
    expect(await detail().getByTestId('reliability').getAttribute('aria-label')).toMatch(/^Reliability diagram of a,/);
    await detail().getByTestId('reliability-class').selectOption('c');
    await expect.poll(() => detail().getByTestId('reliability').getAttribute('aria-label')).toMatch(/^Reliability diagram of c,/);
    await s.shot('three-classes');
    expect(await axeViolations(page)).toEqual([]);
    expect(s.pageErrors).toEqual([]);
  });
});
