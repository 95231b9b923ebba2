/** The self-contained HTML drift report: safe, offline, aggregates only, drifting columns first. */
import { describe, expect, it } from 'vitest';
import { computeDrift, renderDriftReportHtml } from '../../../src/core/drift';
import { Rng } from '../../../src/core/random';
import { cat, num, table } from '../eda/helpers';

const rng = new Rng(11);
const normals = (n: number, mean = 0): number[] => Array.from({ length: n }, () => Math.round((mean + rng.normal()) * 1000) / 1000);
const EVIL = '<img src=x onerror=alert(1)>';

function sampleReport() {
  const refValues = normals(1500);
  const curValues = normals(1200, 1.5);
  // A value in the middle of each sample that must never reach the report (rows are not aggregates).
  refValues[700] = 0.123456789;
  curValues[600] = 1.987654321;
  const reference = table(
    num('steady', normals(1500)),
    num(EVIL, refValues),
    cat('grade', Array.from({ length: 1500 }, (_, i) => ['A', 'B', '<script>alert(2)</script>'][i % 3])),
  );
  const current = table(
    num('steady', normals(1200)),
    num(EVIL, curValues),
    cat('grade', Array.from({ length: 1200 }, (_, i) => ['A', 'B', '<script>alert(2)</script>', 'C"\'&'][i % 4])),
  );
  return computeDrift(reference, current);
}

describe('renderDriftReportHtml', () => {
  const report = sampleReport();
  const html = renderDriftReportHtml(report, { title: 'Model <b>x</b> v2', subtitle: 'batch "june.csv" & more' });

  it('is a complete page with no script, no URL and no external resource', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toMatch(/<\/html>$/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/https?:/i);
    // No inline event handler: attribute names of every tag, quoted values (escaped) blanked out.
    for (const tag of html.matchAll(/<([a-z][\w-]*)([^>]*)>/gi)) expect(tag[2].replace(/"[^"]*"/g, '""'), tag[0]).not.toMatch(/\son\w*\s*=/i);
    expect(html).not.toMatch(/url\(|@import|<link|<iframe|<object|<embed|<img/i);
    for (const m of html.matchAll(/\b(?:href|src)="([^"]*)"/g)) expect(m[1]).toMatch(/^#col-\d+$/);
  });

  it('escapes every text from the data and the caller', () => {
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('C&quot;&#39;&amp;');
    expect(html).toContain('Model &lt;b&gt;x&lt;/b&gt; v2');
    expect(html).toContain('batch &quot;june.csv&quot; &amp; more');
    expect(html).not.toContain('<b>x</b>');
  });

  it('lists drifting columns first, in the table and in the sections', () => {
    expect(report.columns.map((c) => [c.name, c.drift])).toEqual([
      ['steady', false],
      [EVIL, true],
      ['grade', true],
    ]);
    const rows = [...html.matchAll(/<tr class="(drift|ok)">\s*<td><a href="#col-(\d)">/g)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual([
      ['drift', '1'],
      ['drift', '2'],
      ['ok', '0'],
    ]);
    const sections = [...html.matchAll(/<section class="column (drift|ok)" id="col-(\d)">/g)].map((m) => m[2]);
    expect(sections).toEqual(['1', '2', '0']);
    expect(html).toContain('Dataset drift detected');
    expect(html).toContain('2 of 3 columns drift');
  });

  it('draws each column’s distributions as inline SVG from the aggregates only', () => {
    expect((html.match(/<svg /g) ?? []).length).toBe(3);
    expect(html).not.toContain('0.123456789');
    expect(html).not.toContain('1.987654321');
    expect(html).not.toContain('0.1235'); // not even rounded
  });

  it('says when nothing drifts', () => {
    const calm = computeDrift(table(num('a', normals(500))), table(num('a', normals(400))), { threshold: 1e-9 });
    const page = renderDriftReportHtml(calm);
    expect(page).toContain('No dataset drift');
    expect(page).toContain('<title>Data drift report</title>');
  });
});
