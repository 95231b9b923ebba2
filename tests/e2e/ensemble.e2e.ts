/**
 * An ensemble in a real browser, on the built-in synthetic sample: a k-fold run of two models,
 * then "Build ensemble of these models" — an Ensemble candidate trained in a worker, in the
 * leaderboard with its members' weights, explained exactly (its members are a linear model and
 * a tree) and offered on Predict, where one row gets a prediction.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseModels, goTo, loadSample, openApp, type BrowserSession } from './browser';

const TIMEOUT = 180_000;

let s: BrowserSession;
let page: Page;

beforeAll(async () => {
  s = await openApp('ensemble');
  page = s.page;
});

afterAll(async () => {
  await s?.close();
});

describe('ensembles on the Train screen', () => {
  it('offers no ensemble before a k-fold run has finished models', async () => {
    await loadSample(page, TIMEOUT);
    await goTo(page, 'Train');
    await page.getByRole('radio', { name: 'k-fold cross-validation' }).check();
    await page.getByLabel('Folds (k)').fill('3');
    await chooseModels(page, ['linear', 'tree']);
    // Ensemble is not a candidate of its own in the picker.
    expect(await page.getByRole('checkbox', { name: 'Ensemble', exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Train 2 models' }).click();
    for (const t of ['linear', 'tree']) await page.locator(`[data-testid="candidate-${t}"][data-status="finished"]`).waitFor({ timeout: TIMEOUT });
  });

  it('builds an ensemble of the run’s models: a new leaderboard row with its members’ weights', async () => {
    const build = page.getByTestId('build-ensemble');
    await expect.poll(() => build.isEnabled(), { timeout: 10_000 }).toBe(true);
    await build.click();
    await page.locator('[data-testid="candidate-ensemble"][data-status="finished"]').waitFor({ timeout: TIMEOUT });
    const members = (await page.getByTestId('ensemble-members').textContent()) ?? '';
    expect(members).toMatch(/^Ensemble: /);
    // Weights in per cent, summing to about 100.
    const weights = [...members.matchAll(/(\d+) %/g)].map((m) => Number(m[1]));
    expect(weights.length).toBeGreaterThanOrEqual(1);
    expect(Math.abs(weights.reduce((a, b) => a + b, 0) - 100)).toBeLessThanOrEqual(weights.length);
    const row = page.locator('[data-testid="leaderboard-row"][data-type="ensemble"]');
    const r2 = Number(await row.getByTestId('r2').textContent());
    expect(r2).toBeGreaterThan(0.8);
    await s.shot('ensemble-leaderboard');
  });

  it('explains the ensemble exactly, in its worker', async () => {
    await page.getByTestId('leaderboard').getByRole('button', { name: 'Ensemble', exact: true }).click();
    const detail = page.getByTestId('model-detail');
    await detail.getByRole('heading', { name: /^Ensemble/ }).waitFor();
    const panel = page.getByTestId('explain-panel');
    await panel.getByTestId('explain-model').click();
    await panel.getByTestId('shap-bars').locator('svg').first().waitFor({ timeout: TIMEOUT });
    expect(await panel.getByTestId('explain-caption').textContent()).toMatch(/exact: the weighted sum of its members' exact values/);
  });

  it('predicts one row with the ensemble on Predict', async () => {
    await goTo(page, 'Predict');
    const picker = page.getByTestId('model-picker');
    const options = await picker.locator('option').allTextContents();
    const ensemble = options.find((o) => o.startsWith('Ensemble'));
    expect(ensemble, options.join(' | ')).toBeDefined();
    await picker.selectOption({ label: ensemble! });
    await page.waitForFunction(() => {
      const e = document.querySelector('[data-testid="row-prediction"]');
      return e?.getAttribute('data-pending') === 'false' && e.getAttribute('data-value') !== '';
    }, undefined, { timeout: TIMEOUT });
    expect(Number(await page.getByTestId('row-prediction').getAttribute('data-value'))).toBeGreaterThan(0);
  });
});
