/** `loupe report <model.json> <out.html>`: the model report of a bundle the CLI trained. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSampleGemstones } from '../../src/core/sample';
import { runCli } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'loupe-cli-report-'));
const model = join(dir, 'model.json');

beforeAll(async () => {
  writeFileSync(join(dir, 'train.csv'), generateSampleGemstones(800, 31));
  const r = await runCli(['train', join(dir, 'train.csv'), '--models', 'gbdt', '--folds', '3', '--out', model]);
  if (r.code !== 0) throw new Error(r.err);
});

describe('cli report', () => {
  it('writes the HTML report of a bundle: its metrics, intervals and plots, no script', async () => {
    const out = join(dir, 'report.html');
    const r = await runCli(['report', model, out, '--title', 'Gem prices']);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`wrote ${out}`);
    const html = readFileSync(out, 'utf8');
    const bundle = JSON.parse(readFileSync(model, 'utf8'));
    expect(html).toContain('<h1>Gem prices</h1>');
    expect(html).toContain(`data-field="metrics.rmse" data-value="${bundle.metrics.test.rmse}"`);
    expect(html).toContain(`data-field="intervals.empiricalCoverage" data-value="${bundle.intervals.evaluation.empiricalCoverage}"`);
    expect(html).toContain('3-fold cross-validation (seed 42), then refitted on all 800 rows');
    expect(html).toContain('calibrated on the out-of-fold errors of 800 rows');
    expect(html).not.toMatch(/<script/i);
    expect((html.match(/<svg /g) ?? []).length).toBe(2);
  });

  it('refuses bad arguments (exit 2) and a file that is not a bundle (exit 1)', async () => {
    expect((await runCli(['report', model])).code).toBe(2);
    const notHtml = await runCli(['report', model, join(dir, 'report.pdf')]);
    expect(notHtml.code).toBe(2);
    expect(notHtml.err).toContain('name the output file *.html');
    writeFileSync(join(dir, 'not-a-bundle.json'), '{"hello": 1}');
    const bad = await runCli(['report', join(dir, 'not-a-bundle.json'), join(dir, 'x.html')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('not a Loupe model bundle');
  });
});
