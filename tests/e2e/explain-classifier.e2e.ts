/**
 * Explanations of a classifier in a real browser: a small three-class file (alpha, beta, gamma;
 * a one-hot colour) loaded through the file picker, a decision tree trained on it; the model
 * detail explains it in probability with a class choice (each row's predicted class, or one
 * class: the bars change), and Predict's one-row waterfall explains the row's class, adding up to
 * that class's probability, with the other classes a choice away.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { threeClassCsv } from '../helpers/three-classes';
import { chooseModels, goTo, openApp, type BrowserSession } from './browser';

const TIMEOUT = 180_000;
const INPUTS = ['x1', 'x2', 'colour', 'size'];

let s: BrowserSession;
let page: Page;

beforeAll(async () => {
  s = await openApp('explain-classifier');
  page = s.page;
});

afterAll(async () => {
  await s?.close();
});

async function barWidths(): Promise<number[]> {
  const svg = page.getByTestId('explain-panel').getByTestId('shap-bars').locator('svg').first();
  await svg.waitFor({ timeout: TIMEOUT });
  return svg.evaluate((el) => Array.from(el.querySelectorAll('g[aria-label="bar"] rect'), (r) => Number(r.getAttribute('width'))));
}

async function waterfall(): Promise<{ base: number; prediction: number; unit: string; values: number[] }> {
  const w = page.getByTestId('waterfall');
  await w.getByTestId('waterfall-chart').locator('svg').first().waitFor({ timeout: TIMEOUT });
  return w.evaluate((el) => ({
    base: Number(el.getAttribute('data-base')),
    prediction: Number(el.getAttribute('data-prediction')),
    unit: el.getAttribute('data-unit') ?? '',
    values: Array.from(el.querySelectorAll('[data-testid="contribution"]'), (r) => Number(r.getAttribute('data-value'))),
  }));
}

describe('explanations of a classifier', () => {
  it('trains a decision tree on a three-class file', async () => {
    await page.getByLabel('CSV file', { exact: true }).setInputFiles({ name: 'classes.csv', mimeType: 'text/csv', buffer: Buffer.from(threeClassCsv(600, 1)) });
    await page.getByTestId('row-count').filter({ hasText: /^600$/ }).waitFor({ timeout: TIMEOUT });
    await goTo(page, 'Train');
    await chooseModels(page, ['tree-classifier']);
    await page.getByRole('button', { name: 'Train 1 model' }).click();
    await page.locator('[data-testid="candidate-tree-classifier"][data-status="finished"]').waitFor({ timeout: TIMEOUT });
    await page.getByTestId('model-detail').waitFor();
  });

  it('model detail: SHAP in probability, of each row’s predicted class or of one class', async () => {
    const panel = page.getByTestId('explain-panel');
    await panel.getByTestId('explain-model').click();
    const predicted = await barWidths();
    expect(predicted).toHaveLength(INPUTS.length);
    const caption = panel.getByTestId('explain-caption');
    expect(await caption.getAttribute('data-unit')).toBe('probability');
    expect(await caption.textContent()).toMatch(/in probability of each row's predicted class; each class has its own expected probability: alpha 0\.\d+, beta 0\.\d+, gamma 0\.\d+/);
    await panel.getByTestId('explain-class').selectOption({ label: 'gamma' });
    await page.waitForFunction(() => /of “gamma”/.test(document.querySelector('[data-testid="explain-caption"]')?.textContent ?? ''));
    expect(await caption.textContent()).toMatch(/the model's expected probability is 0\.\d+/);
    expect(await barWidths()).not.toEqual(predicted);
    await panel.getByRole('button', { name: 'Show partial dependence' }).click();
    await panel.getByTestId('pd-chart').locator('svg').first().waitFor({ timeout: TIMEOUT });
    expect(await panel.getByText('Predicted probability of “gamma” as').count()).toBe(1);
    await s.shot('summary');
  });

  it('Predict one row: a waterfall of the predicted class in probability, another class a choice away', async () => {
    await goTo(page, 'Predict');
    await page.getByTestId('row-form').waitFor({ timeout: TIMEOUT });
    const w0 = await waterfall();
    expect(w0.unit).toBe('probability');
    expect(w0.values).toHaveLength(INPUTS.length);
    expect(Math.abs(w0.base + w0.values.reduce((a, b) => a + b, 0) - w0.prediction)).toBeLessThan(1e-9);
    expect(w0.prediction).toBeGreaterThan(0);
    expect(w0.prediction).toBeLessThanOrEqual(1 + 1e-9);
    const select = page.getByTestId('waterfall-class');
    const shown = await select.inputValue();
    const other = ['0', '1', '2'].find((k) => k !== shown)!;
    await select.selectOption(other);
    await page.waitForFunction((b) => Number(document.querySelector('[data-testid="waterfall"]')?.getAttribute('data-base')) !== b, w0.base);
    const w1 = await waterfall();
    expect(Math.abs(w1.base + w1.values.reduce((a, b) => a + b, 0) - w1.prediction)).toBeLessThan(1e-9);
    // The predicted class is the most probable one.
    expect(w1.prediction).toBeLessThanOrEqual(w0.prediction + 1e-9);
    await page.getByTestId('waterfall').scrollIntoViewIfNeeded();
    await s.shot('waterfall');
  });
});
