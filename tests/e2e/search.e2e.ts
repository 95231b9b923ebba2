/**
 * The Train screen's Search mode in a real browser, on the built-in synthetic sample (so it runs
 * without ../shared/data) with the page reporting four cores (three workers): a small budget
 * over two families runs trials in all three workers, stops by itself, refits the best and puts
 * it in Runs with its trials as child runs; the table, the best-so-far curve and the parallel
 * coordinates show the same trials; Stop keeps the best so far; asked to, it blends the trials
 * into an ensemble and keeps whichever cross-validation prefers; axe finds no violation. Times
 * are never asserted.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, goTo, loadSample, openBrowser, pageModules, workerOnlyModules, type BrowserSession } from './browser';

const TIMEOUT = 240_000;

let s: BrowserSession;
let page: Page;

const trainWorkers = (): number => page.workers().filter((w) => /train\.worker/.test(w.url())).length;

async function chooseFamilies(types: string[]): Promise<void> {
  for (const box of await page.locator('[data-testid^="search-family-"]').all()) {
    const type = (await box.getAttribute('data-testid'))!.replace('search-family-', '');
    if ((await box.isChecked()) !== types.includes(type)) await box.click();
  }
}

/** The trials table as the page shows it. */
async function trialRows(): Promise<{ id: number; model: string; status: string; score: string }[]> {
  return page.getByTestId('search-trial').evaluateAll((rows) =>
    rows.map((r) => ({
      id: Number(r.querySelector('td')!.textContent),
      model: (r.querySelector('th')!.firstChild!.textContent ?? '').trim(),
      status: r.getAttribute('data-status') ?? '',
      score: (r.querySelector('[data-testid="search-trial-score"]')!.textContent ?? '').trim(),
    })),
  );
}

describe('Train screen: Search mode', () => {
  beforeAll(async () => {
    s = await openBrowser('search');
    page = s.page;
    await s.context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 4 }));
    await page.goto(s.baseUrl);
    await page.getByRole('heading', { name: 'Data', level: 1 }).waitFor();
    await loadSample(page, TIMEOUT);
    await goTo(page, 'Train');
    await page.getByTestId('mode-search').check();
  });

  afterAll(async () => {
    await s?.close();
  });

  it('searches within a small budget in three workers, refits the best, and records it with its trials', async () => {
    await chooseFamilies(['ridge', 'tree']);
    await page.getByTestId('search-budget').fill('8');
    await page.getByTestId('search-start').click();
    await page.getByTestId('search-refit').waitFor({ timeout: TIMEOUT });
    await s.shot('search-done');
    const status = await page.getByTestId('search-status').innerText();
    expect(status).toMatch(/stopped because the budget was spent/);
    // Trials ran side by side in hardwareConcurrency − 1 workers.
    expect(trainWorkers()).toBe(3);

    const rows = await trialRows();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(new Set(rows.map((r) => r.model))).toEqual(new Set(['Ridge', 'Decision tree']));
    // The best (badged: the best trial on every row; a trial on a share of the rows may score lower) is the one the status names, with the same score.
    const best = page.locator('[data-testid="search-trial"].best');
    await expect.poll(() => best.count()).toBe(1);
    const bestId = Number(await best.locator('td').first().textContent());
    const bestRow = rows.find((r) => r.id === bestId)!;
    const bestText = await page.getByTestId('search-best').innerText();
    expect(bestText).toContain(`trial ${bestRow.id}`);
    expect(status).toContain(`CV RMSE ${bestRow.score}`);
    // The curve ends at the best score; the parallel coordinates draw one line per scored trial of each family.
    expect(await page.getByTestId('search-curve').getAttribute('aria-label')).toMatch(new RegExp(`to ${bestRow.score.replace(/[.,]/g, '\\$&')} after`));
    for (const [type, label] of [['ridge', 'Ridge'], ['tree', 'Decision tree']] as const) {
      const scored = rows.filter((r) => r.model === label && r.status === 'finished').length;
      const fig = page.getByTestId(`search-parallel-${type}`);
      if (scored === 0) continue;
      expect(await fig.getByTestId('search-parallel-line').count()).toBe(scored);
      expect(await fig.getAttribute('aria-label')).toContain(`${scored} ${label} trials`);
    }
    // The page ran only the scheduler (search-schedule); trials and the refit ran in workers.
    const modules = await pageModules(page);
    expect(modules).toContain('src/core/pipeline/search-schedule.ts');
    expect(workerOnlyModules(modules)).toEqual([]);

    // Runs: the search's run (the refitted best) and one child run per trial.
    await goTo(page, 'Runs');
    await page.locator('[data-testid="run-row"]').first().waitFor({ timeout: 30_000 });
    await expect.poll(async () => page.locator('[data-testid="run-row"]').count(), { timeout: 30_000 }).toBe(rows.length + 1);
    await expect.poll(async () => page.locator('[data-testid="run-row"]').filter({ hasText: 'Search best' }).count()).toBe(1);
    expect(await page.locator('[data-testid="run-row"]').filter({ hasText: /Trial \d+ —/ }).count()).toBe(rows.length);
    await goTo(page, 'Train');
  });

  it('Stop keeps the best so far and refits it', async () => {
    await page.getByTestId('search-budget').fill('600');
    await page.getByTestId('search-start').click();
    await page.getByTestId('search-best').waitFor({ timeout: TIMEOUT });
    await page.getByTestId('search-cancel').click();
    await page.getByTestId('search-refit').waitFor({ timeout: TIMEOUT });
    expect(await page.getByTestId('search-status').innerText()).toMatch(/stopped because you stopped it/);
    expect(await page.locator('[data-testid="search-trial"].best').count()).toBe(1);
    await s.shot('search-stopped');
  });

  it('blends the trials into an ensemble when asked, and keeps the model cross-validation prefers', async () => {
    await chooseFamilies(['ridge', 'tree']);
    await page.getByTestId('search-budget').fill('8');
    await page.getByTestId('search-ensemble-option').check();
    await page.getByTestId('search-start').click();
    await page.getByTestId('search-refit').waitFor({ timeout: TIMEOUT });
    const blended = page.getByTestId('search-ensemble');
    await blended.waitFor();
    await s.shot('search-ensemble');
    const chosen = await blended.getAttribute('data-chosen');
    const text = await blended.innerText();
    expect(text).toMatch(/^Ensemble of \d+ trials? \(trial \d+ × [\d.]+/);
    const [ensembleCv, bestCv] = [await blended.getAttribute('data-ensemble-cv'), await blended.getAttribute('data-best-cv')].map(Number);
    expect(Number.isFinite(ensembleCv) && Number.isFinite(bestCv)).toBe(true);
    // The ensemble is kept only when its cross-validated RMSE is lower.
    expect(chosen).toBe(ensembleCv < bestCv ? 'ensemble' : 'best-trial');
    // Its fits (the members, the best trial among them) ran in the other workers, side by side:
    const members = Number((text.match(/^Ensemble of (\d+) trial/) ?? [])[1]);
    // Every member on all training rows and on the proper part of the interval calibration split.
    expect(Number(await blended.getAttribute('data-refitted-elsewhere'))).toBeGreaterThanOrEqual(2 * members);
    expect(text).toMatch(/\d+ of its fits \(the members’, and their interval calibration fits\) ran side by side in the other workers\./);
    // Runs: the search's run under the kept model's name, with its trials as children.
    await goTo(page, 'Runs');
    const name = chosen === 'ensemble' ? 'Search ensemble' : 'Search best';
    await expect.poll(async () => page.locator('[data-testid="run-row"]').filter({ hasText: name }).count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    if (chosen === 'ensemble') expect(await page.locator('[data-testid="run-row"]').filter({ hasText: 'Search ensemble' }).count()).toBe(1);
    await goTo(page, 'Train');
    await page.getByTestId('search-ensemble-option').uncheck();
  });

  it('searches classifiers on a classification target, scored by log loss, and refits the best as a classifier', async () => {
    await goTo(page, 'Data');
    await page.getByRole('button', { name: 'Load classification sample (synthetic)' }).click();
    await page.getByTestId('dataset-name').filter({ hasText: 'churn-sample-synthetic.csv' }).waitFor({ timeout: TIMEOUT });
    await goTo(page, 'Train');
    await page.getByTestId('mode-search').check();
    // The families offered are classifiers; ensembles (regression only) cannot be asked for.
    const offered = await page.locator('[data-testid^="search-family-"]').evaluateAll((boxes) => boxes.map((b) => b.getAttribute('data-testid')!.replace('search-family-', '')));
    expect(offered).toContain('logistic');
    expect(offered).toContain('gbdt-classifier');
    expect(offered).not.toContain('ridge');
    expect(await page.getByTestId('search-ensemble-option').isDisabled()).toBe(true);
    await chooseFamilies(['logistic', 'tree-classifier']);
    await page.getByTestId('search-budget').fill('6');
    await page.getByTestId('search-start').click();
    await page.getByTestId('search-refit').waitFor({ timeout: TIMEOUT });
    await s.shot('search-classification');
    const rows = await trialRows();
    expect(new Set(rows.map((r) => r.model))).toEqual(new Set(['Logistic regression', 'Decision tree']));
    expect(await page.getByTestId('search-trials').locator('thead').innerText()).toContain('CV log loss');
    // The status names the best full-resource trial (the badged row) by its log loss.
    const bestScore = (await page.locator('[data-testid="search-trial"].best [data-testid="search-trial-score"]').innerText()).trim();
    expect(await page.getByTestId('search-status').innerText()).toContain(`CV log loss ${bestScore}`);
    expect(Number(bestScore)).toBeGreaterThan(0);
    expect(Number(bestScore)).toBeLessThan(0.7);
    expect(await page.getByTestId('search-refit').innerText()).toMatch(/test ROC AUC 0\.\d{4}, log loss 0\.\d{4}, accuracy 0\.\d{4}/);
    expect(await page.getByTestId('search-curve').getAttribute('aria-label')).toMatch(/^Best cross-validated log loss over time/);
  });

  it('has no accessibility violation', async () => {
    const found = await axeViolations(page);
    if (found.length) await s.shot('a11y');
    expect(found.map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.join(' | ')}`)).toEqual([]);
    expect(s.pageErrors).toEqual([]);
  });
});
