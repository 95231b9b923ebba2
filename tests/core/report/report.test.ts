/**
 * The model report: self-contained (no script, no external resource), no data rows, and its
 * numbers are the bundle's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBundle, serializeBundle, type LoadedBundle } from '../../../src/core/bundle/bundle';
import { parseCsv } from '../../../src/core/data';
import { BundleError } from '../../../src/core/errors';
import { runTraining } from '../../../src/core/pipeline/train';
import { defaultRecipe } from '../../../src/core/recipe';
import { GRID_BINS, modelReport, type RegressionDiagnostics } from '../../../src/core/report';
import { Rng } from '../../../src/core/random';
import { Explainer, shapSummary } from '../../../src/core/explain';

const HOSTILE = '<img src=x onerror=alert(1)>';
let csvRows: string[][];
let loaded: LoadedBundle;
let html: string;

/** 600 rows: two numbers with many digits, a grade, a column named with HTML, a rare-label column, and y with 3 decimals. */
function dataset(): string {
  const rng = new Rng(17);
  const header = ['x1', 'x2', 'grade', HOSTILE, 'batch', 'y'];
  csvRows = [];
  for (let i = 0; i < 600; i++) {
    const x1 = rng.next() * 10;
    const x2 = rng.normal();
    const grade = ['low', 'mid', 'high'][i % 3];
    const h = rng.next() * 3;
    // Most rows share a batch; every tenth row has its own, seen once.
    const batch = i % 10 === 0 ? `solo-${String(i).padStart(4, '0')}` : ['north', 'south'][i % 2];
    const y = (1000 + 37 * x1 - 12 * x2 + (grade === 'high' ? 80 : 0) + 5 * h + rng.normal() * 10).toFixed(3);
    csvRows.push([String(x1), String(x2), grade, String(h), batch, y]);
  }
  const q = (s: string): string => (/[",<]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [header.map(q).join(','), ...csvRows.map((r) => r.map(q).join(','))].join('\n') + '\n';
}

beforeAll(async () => {
  const ds = await parseCsv(dataset());
  const recipe = defaultRecipe(ds.schema, 'y', ds.table);
  const res = await runTraining({ table: ds.table, recipe, dataset: { hash: 'e'.repeat(64), name: 'report.csv' }, candidates: [{ type: 'gbdt', params: { maxIterations: 50 } }], split: { kind: 'holdout', testSize: 0.25, seed: 2 } });
  loaded = parseBundle(serializeBundle(res.leaderboard[0].bundle!));
  html = modelReport(loaded, { registry: { model: 'yield', version: 3, aliases: ['champion'] } });
});

describe('the model report', () => {
  it('is one self-contained page: no script, no external resource, no link out', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    // No tag loads or links anything (text such as an escaped column name may say "src=").
    const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
    expect(tags.length).toBeGreaterThan(100);
    for (const t of tags) expect(t).not.toMatch(/\s(src|href|xlink:href|action|srcset|on[a-z]+)\s*=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/https?:|\/\/[a-z]/i);
    expect(html).not.toMatch(/<(iframe|object|embed|link|img|base)\b/i);
  });

  it('escapes what comes from the data: a column named with HTML stays text', () => {
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain(HOSTILE);
  });

  it('holds no row of the data: no target value, no feature value, no category seen once', () => {
    for (const r of csvRows) {
      expect(html).not.toContain(r[5]); // y with 3 decimals
      expect(html).not.toContain(r[0]); // x1 with all its digits
      expect(html).not.toContain(r[1]);
    }
    expect(html).not.toContain('solo-');
    expect(html).toContain('other levels not named');
  });

  it('shows the bundle’s numbers: metrics, interval coverage and width', () => {
    const value = (field: string): number => {
      const m = new RegExp(`data-field="${field.replace('.', '\\.')}" data-value="([^"]+)"`).exec(html);
      if (!m) throw new Error(`no ${field} in the report`);
      return Number(m[1]);
    };
    const t = loaded.bundle.metrics.test!;
    for (const k of ['r2', 'rmse', 'mae', 'mape', 'medianAe', 'maxError'] as const) expect(value(`metrics.${k}`)).toBe(t[k]);
    const e = loaded.intervals!.evaluation!;
    expect(value('intervals.coverage')).toBe(0.9);
    expect(value('intervals.empiricalCoverage')).toBe(e.empiricalCoverage);
    expect(value('intervals.meanWidth')).toBe(e.meanWidth);
    expect(value('intervals.rows')).toBe(150);
  });

  it('draws predicted-vs-actual and residuals from counts of every test row', () => {
    const d = loaded.diagnostics as RegressionDiagnostics;
    expect(d.task).toBeUndefined();
    expect(d).toMatchObject({ kind: 'test', rows: 150 });
    expect(d.counts.reduce((a, b) => a + b, 0)).toBe(150);
    expect(d.residualCounts.reduce((a, b) => a + b, 0)).toBe(150);
    expect(d.counts).toHaveLength(GRID_BINS * GRID_BINS);
    expect((html.match(/<svg /g) ?? []).length).toBe(2);
    // One cell per non-empty count, its count as its tooltip.
    const nonEmpty = Array.from(d.counts).filter((n) => n > 0).length + Array.from(d.residualCounts).filter((n) => n > 0).length;
    expect((html.match(/<rect [^>]*fill="#1c7ed6"/g) ?? []).length).toBe(nonEmpty);
  });

  it('summarises SHAP as mean |value| per input column over the bundle’s sample, equal to the explainer’s', () => {
    expect(loaded.referenceSample).toBeDefined();
    const { X } = loaded.recipe.transformTable(loaded.referenceSample!.table);
    const want = shapSummary(new Explainer(loaded.model, loaded.recipe), loaded.recipe, X, { maxRows: 1000, seed: 0 });
    expect(html).toContain('What drives the predictions (SHAP)');
    expect(html).toContain('exact path-dependent TreeSHAP');
    want.columns.forEach((_, j) => expect(html).toContain(`data-field="shap.${j}" data-value="${want.meanAbs[j]}"`));
    // x1 (37 per unit over 0–10) matters most.
    expect(html.indexOf('<span class="lv">x1</span>')).toBeLessThan(html.indexOf('<span class="lv">x2</span>'));
  });

  it('without a sample of training rows, the SHAP section says why it is empty', () => {
    const b = JSON.parse(serializeBundle(loaded.bundle));
    delete b.referenceSample;
    expect(modelReport(parseBundle(JSON.stringify(b)))).toMatch(/carries no sample of its training rows/);
  });

  it('lists parameters, lineage and registry facts', () => {
    expect(html).toContain('registered as yield v3 · aliases: champion');
    expect(html).toContain('learningRate');
    expect(html).toContain('e'.repeat(64));
    expect(html).toContain('hold-out: 450 training rows, 150 test rows (25 %, seed 2)');
  });

  it('a bundle from before intervals and diagnostics: the report says what it cannot show', () => {
    const old = JSON.parse(serializeBundle(loaded.bundle));
    delete old.intervals;
    delete old.diagnostics;
    const page = modelReport(parseBundle(JSON.stringify(old)));
    expect(page).toContain('This model has no prediction intervals');
    expect(page).toContain('so the plots cannot be drawn');
    expect(page).not.toContain('<svg');
  });

  it('refuses corrupted diagnostics in a bundle, naming the field', () => {
    const b = JSON.parse(serializeBundle(loaded.bundle));
    b.diagnostics.counts.length = 10;
    b.diagnostics.counts.base64 = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    expect(() => parseBundle(JSON.stringify(b))).toThrow(BundleError);
    try {
      parseBundle(JSON.stringify(b));
    } catch (e) {
      expect((e as BundleError).where.field).toBe('diagnostics.counts');
    }
  });
});
