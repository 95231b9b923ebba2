/**
 * A drift report as one self-contained HTML page: inline CSS, inline SVG charts of the reference
 * and current distributions, drifting columns first. No script, no external resource (it opens
 * offline and from a file), and only the report's aggregates. Every text that comes from the data
 * (column names, levels, the caller's title) is HTML-escaped.
 */
import { isPValueTest, type DriftColumnResult, type DriftReport, type DriftTestName } from './types';

export interface DriftHtmlOptions {
  /** Page heading, e.g. the model and version. Default "Data drift report". */
  title?: string;
  /** A line under the heading, e.g. the batch's file name and date (the function reads no clock). */
  subtitle?: string;
  /** Most levels drawn per categorical chart (the most frequent ones); default 25. */
  maxLevels?: number;
  /** Lines of plain text added to the summary (e.g. the model's performance on the batch); escaped. */
  notes?: string[];
  /** Drift of a model's predictions, drawn in its own section after the summary (not counted in the share). */
  prediction?: DriftColumnResult;
}

const TEST_LABELS: Record<DriftTestName, string> = {
  ks: 'Kolmogorov–Smirnov p-value',
  z: 'Z-test p-value (two proportions)',
  chisquare: 'chi-square p-value',
  wasserstein: 'Wasserstein distance (normed by the reference std)',
  jensenshannon: 'Jensen–Shannon distance',
};

const REF_COLOR = '#8c96a3';
const CUR_COLOR = '#d9480f';

/** Escapes the five HTML special characters; safe in text and in double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/** A p-value or distance in a few significant digits; very small p-values in exponent form. */
export function formatValue(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  if (Math.abs(x) < 1e-4) return x.toExponential(2);
  return Number(x.toPrecision(4)).toString();
}

function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function formatShare(s: number): string {
  return `${Number((s * 100).toPrecision(3))}%`;
}

/** DriftReport → a complete HTML document (a string). */
export function renderDriftReportHtml(report: DriftReport, options: DriftHtmlOptions = {}): string {
  const title = options.title ?? 'Data drift report';
  const maxLevels = options.maxLevels ?? 25;
  const ordered = [...report.columns.filter((c) => c.drift), ...report.columns.filter((c) => !c.drift)];
  const drifting = report.columns.filter((c) => c.drift).length;
  const verdict = report.datasetDrift ? 'Dataset drift detected' : 'No dataset drift';
  const parts: string[] = [];
  parts.push(
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(title)}</h1>`,
  );
  if (options.subtitle) parts.push(`<p class="subtitle">${escapeHtml(options.subtitle)}</p>`);
  parts.push(
    `<section class="summary ${report.datasetDrift ? 'drift' : 'ok'}">`,
    `<p class="verdict">${verdict}</p>`,
    `<p>${drifting} of ${report.columns.length} columns drift (${formatShare(report.driftShare)}); the dataset counts as drifting from ${formatShare(report.driftShareThreshold)}.</p>`,
    `<p>Current data: ${formatCount(report.rows)} rows. Reference data: ${formatCount(report.referenceRows)} rows.</p>`,
    ...(options.notes ?? []).map((line) => `<p>${escapeHtml(line)}</p>`),
    '</section>',
  );
  if (options.prediction) parts.push(columnSection(options.prediction, report, maxLevels, 'Model predictions'));
  parts.push(
    '<table class="columns">',
    '<thead><tr><th>Column</th><th>Type</th><th>Test</th><th>Value</th><th>Threshold</th><th>Drift</th></tr></thead>',
    '<tbody>',
  );
  for (const c of ordered) {
    parts.push(
      `<tr class="${c.drift ? 'drift' : 'ok'}">`,
      `<td><a href="#${anchor(c, report)}">${escapeHtml(c.name)}</a></td>`,
      `<td>${c.kind}</td>`,
      `<td>${escapeHtml(TEST_LABELS[c.test])}</td>`,
      `<td class="num">${formatValue(c.value)}</td>`,
      `<td class="num">${isPValueTest(c.test) ? '&lt;' : '&ge;'} ${formatValue(c.threshold)}</td>`,
      `<td>${c.drift ? '<span class="badge drift">drift</span>' : '<span class="badge ok">no drift</span>'}</td>`,
      '</tr>',
    );
  }
  parts.push('</tbody>', '</table>');
  parts.push(
    '<p class="legend">',
    `<span class="swatch" style="background:${REF_COLOR}"></span> reference `,
    `<span class="swatch" style="background:${CUR_COLOR}"></span> current`,
    ' — bars show each sample’s share of its own non-missing values.',
    '</p>',
  );
  for (const c of ordered) parts.push(columnSection(c, report, maxLevels));
  parts.push('</main>', '</body>', '</html>');
  return parts.join('\n');
}

/** Column names may hold anything: anchors use the column's position instead. */
function anchor(c: DriftColumnResult, report: DriftReport): string {
  const at = report.columns.indexOf(c);
  return at < 0 ? 'predictions' : `col-${at}`;
}

function columnSection(c: DriftColumnResult, report: DriftReport, maxLevels: number, heading = c.name): string {
  const comparison = isPValueTest(c.test)
    ? `${formatValue(c.value)} ${c.drift ? '<' : '≥'} ${formatValue(c.threshold)}`
    : `${formatValue(c.value)} ${c.drift ? '≥' : '<'} ${formatValue(c.threshold)}`;
  const details: string[] = [];
  if (c.statistic !== undefined) details.push(`statistic ${formatValue(c.statistic)}`);
  if (c.method) details.push(`${c.method} p-value`);
  const missing =
    c.referenceMissing || c.currentMissing
      ? ` Missing values left out: ${formatCount(c.referenceMissing)} in the reference, ${formatCount(c.currentMissing)} in the current data.`
      : '';
  const chart = c.histogram ? histogramSvg(c) : c.levels ? levelsSvg(c, maxLevels) : '';
  return [
    `<section class="column ${c.drift ? 'drift' : 'ok'}" id="${anchor(c, report)}">`,
    `<h2>${escapeHtml(heading)} ${c.drift ? '<span class="badge drift">drift</span>' : '<span class="badge ok">no drift</span>'}</h2>`,
    `<p>${escapeHtml(TEST_LABELS[c.test])}: ${escapeHtml(comparison)}${details.length ? ` (${escapeHtml(details.join(', '))})` : ''}. Compared ${formatCount(c.referenceCount)} reference and ${formatCount(c.currentCount)} current values.${escapeHtml(missing)}</p>`,
    chart,
    '</section>',
  ].join('\n');
}

const W = 640;
const PAD_L = 48;
const PAD_R = 12;
const PAD_T = 10;
const PAD_B = 28;

function histogramSvg(c: DriftColumnResult): string {
  const h = c.histogram!;
  const bins = h.reference.length;
  const ref = h.reference.map((n) => n / c.referenceCount);
  const cur = h.current.map((n) => n / c.currentCount);
  const top = Math.max(...ref, ...cur, 1e-12);
  const height = 180;
  const plotW = W - PAD_L - PAD_R;
  const plotH = height - PAD_T - PAD_B;
  const bw = plotW / bins;
  const y = (s: number): number => PAD_T + plotH - (s / top) * plotH;
  const rects: string[] = [];
  for (let b = 0; b < bins; b++) {
    const x = PAD_L + b * bw;
    rects.push(
      `<rect x="${fx(x + 1)}" y="${fx(y(ref[b]))}" width="${fx(bw - 2)}" height="${fx(PAD_T + plotH - y(ref[b]))}" fill="${REF_COLOR}" fill-opacity="0.75"><title>${escapeHtml(binLabel(h.edges, b))}: reference ${formatShare(ref[b])}</title></rect>`,
      `<rect x="${fx(x + bw * 0.25)}" y="${fx(y(cur[b]))}" width="${fx(bw * 0.5)}" height="${fx(PAD_T + plotH - y(cur[b]))}" fill="${CUR_COLOR}" fill-opacity="0.85"><title>${escapeHtml(binLabel(h.edges, b))}: current ${formatShare(cur[b])}</title></rect>`,
    );
  }
  const axis = [
    `<line x1="${PAD_L}" y1="${PAD_T + plotH}" x2="${W - PAD_R}" y2="${PAD_T + plotH}" class="axis"/>`,
    `<text x="${PAD_L}" y="${height - 8}" class="tick" text-anchor="start">${escapeHtml(formatValue(h.edges[0]))}</text>`,
    `<text x="${fx(PAD_L + plotW / 2)}" y="${height - 8}" class="tick" text-anchor="middle">${escapeHtml(formatValue(h.edges[bins >> 1]))}</text>`,
    `<text x="${W - PAD_R}" y="${height - 8}" class="tick" text-anchor="end">${escapeHtml(formatValue(h.edges[bins]))}</text>`,
    `<text x="${PAD_L - 6}" y="${PAD_T + 10}" class="tick" text-anchor="end">${formatShare(top)}</text>`,
    `<text x="${PAD_L - 6}" y="${PAD_T + plotH}" class="tick" text-anchor="end">0</text>`,
  ];
  return `<svg viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-label="${escapeHtml(`Distribution of ${c.name}: reference and current`)}">${[...rects, ...axis].join('')}</svg>`;
}

function binLabel(edges: number[], b: number): string {
  return `${formatValue(edges[b])} to ${formatValue(edges[b + 1])}`;
}

function levelsSvg(c: DriftColumnResult, maxLevels: number): string {
  const all = c.levels!;
  const shown = [...all]
    .map((l, i) => ({ ...l, i, weight: Math.max(l.reference / c.referenceCount, l.current / c.currentCount) }))
    .sort((a, b) => b.weight - a.weight || a.i - b.i)
    .slice(0, maxLevels)
    .sort((a, b) => a.i - b.i);
  const top = Math.max(...shown.map((l) => l.weight), 1e-12);
  const row = 22;
  const labelW = 160;
  const height = PAD_T + shown.length * row + 8;
  const plotW = W - labelW - 110; // room on the right for the "a% → b%" label
  const parts: string[] = [];
  shown.forEach((l, k) => {
    const y0 = PAD_T + k * row;
    const rs = l.reference / c.referenceCount;
    const cs = l.current / c.currentCount;
    parts.push(
      `<text x="${labelW - 6}" y="${y0 + 14}" class="label" text-anchor="end">${escapeHtml(truncate(l.level, 24))}<title>${escapeHtml(l.level)}</title></text>`,
      `<rect x="${labelW}" y="${y0 + 2}" width="${fx((rs / top) * plotW)}" height="8" fill="${REF_COLOR}"><title>${escapeHtml(`${l.level}: reference ${formatShare(rs)} (${formatCount(l.reference)})`)}</title></rect>`,
      `<rect x="${labelW}" y="${y0 + 11}" width="${fx((cs / top) * plotW)}" height="8" fill="${CUR_COLOR}"><title>${escapeHtml(`${l.level}: current ${formatShare(cs)} (${formatCount(l.current)})`)}</title></rect>`,
      `<text x="${fx(labelW + Math.max(rs, cs) / top * plotW + 4)}" y="${y0 + 14}" class="tick">${formatShare(rs)} → ${formatShare(cs)}</text>`,
    );
  });
  const more = all.length > shown.length ? `<p class="note">${all.length - shown.length} less frequent levels not drawn.</p>` : '';
  return `<svg viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-label="${escapeHtml(`Levels of ${c.name}: reference and current shares`)}">${parts.join('')}</svg>${more}`;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function fx(x: number): string {
  return (Math.round(x * 10) / 10).toString();
}

const CSS = `
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f7f9}
main{max-width:720px;margin:0 auto;padding:24px 16px 48px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:0 0 6px;overflow-wrap:anywhere}
.subtitle{color:#57606a;margin:0 0 16px}
.summary{border-radius:8px;padding:10px 14px;margin:16px 0;background:#fff;border-left:6px solid #2f9e44}
.summary.drift{border-left-color:#d9480f}
.summary p{margin:4px 0}
.verdict{font-weight:600;font-size:16px}
table.columns{width:100%;border-collapse:collapse;background:#fff;border-radius:8px;overflow:hidden}
table.columns th,table.columns td{padding:6px 8px;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top}
table.columns td:first-child{overflow-wrap:anywhere}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;white-space:nowrap}
.badge.drift{background:#ffe8cc;color:#a33a00}
.badge.ok{background:#d3f9d8;color:#1b6e2b}
.legend{color:#57606a;margin:14px 0}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;vertical-align:baseline}
section.column{background:#fff;border-radius:8px;padding:12px 14px;margin:14px 0}
section.column.drift{box-shadow:inset 4px 0 0 #d9480f}
svg{max-width:100%;height:auto;display:block}
.axis{stroke:#8c959f;stroke-width:1}
.tick{font-size:11px;fill:#57606a}
.label{font-size:12px;fill:#1f2328}
.note{color:#57606a;font-size:12px}
a{color:inherit}
@media print{body{background:#fff}section.column{break-inside:avoid}}
`.trim();
