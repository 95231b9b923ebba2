/**
 * The model report: one self-contained HTML page about a model version, made from its bundle
 * alone — metrics, prediction intervals and their coverage, predicted-vs-actual and residual plots
 * (inline SVG of binned counts), or for a classifier its metrics, confusion matrix, ROC curves
 * and reliability diagram (class-html.ts), then parameters, lineage and the training data's profile. Inline CSS,
 * no script, no external resource: it opens offline, from a file, anywhere. It holds aggregates
 * only — no row of the training or test data: plots are counts per cell, categories seen in fewer
 * than MIN_LEVEL_ROWS rows are not named, and single-row values (a column's min and max) are left
 * out. Every text from the data or the bundle is HTML-escaped. Numbers carry their exact value in
 * `data-value` so a reader (and the tests) can check them against the bundle.
 */
import type { ModelBundle } from '../bundle/bundle';
import type { ColumnReference } from '../bundle/reference-profile';
import type { IntervalSummary } from '../conformal/calibration';
import { escapeHtml } from '../drift/html';
import { formatCount } from '../format';
import { modelLabel } from '../models/catalog';
import { classificationMetricsSection, classificationPlotsSection } from './class-html';
import { GRID_BINS, RESIDUAL_BINS, type EvaluationDiagnostics, type RegressionDiagnostics } from './diagnostics';
import { fmt, fx, num, pct, scoredOn, section, timesNote } from './html-parts';
import type { ReportShap } from './shap';

/** A category must be seen in at least this many training rows to be named in a report. */
export const MIN_LEVEL_ROWS = 5;
/** Most categories listed per column. */
const MAX_LEVELS = 12;

export interface ModelReportInput {
  bundle: ModelBundle;
  intervals?: IntervalSummary;
  diagnostics?: EvaluationDiagnostics;
  /** Mean |SHAP| per input column, or why there is none (absent: no section). */
  shap?: ReportShap | { reason: string };
  /** Heading, e.g. "gemstone price v3" (default: the bundle's name). */
  title?: string;
  /** Registry facts shown under the heading: version, aliases. */
  registry?: { model?: string; version?: number; aliases?: string[] };
}

const METRICS = [
  ['r2', 'R²'],
  ['rmse', 'RMSE'],
  ['mae', 'MAE'],
  ['mape', 'MAPE'],
  ['medianAe', 'Median absolute error'],
  ['maxError', 'Largest error'],
] as const;

export function renderModelReportHtml(input: ModelReportInput): string {
  const b = input.bundle;
  const title = input.title ?? b.name;
  const label = modelLabel(b.model.type);
  const sub = [
    `${label} predicting “${b.target}”`,
    input.registry?.model ? `registered as ${input.registry.model}${input.registry.version !== undefined ? ` v${input.registry.version}` : ''}` : '',
    input.registry?.aliases?.length ? `aliases: ${input.registry.aliases.join(', ')}` : '',
    `trained ${b.lineage.createdAt}`,
  ].filter(Boolean);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`Model report — ${title}`)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="subtitle">${escapeHtml(sub.join(' · '))}</p>`,
    ...(b.task === 'classification'
      ? [classificationMetricsSection(b), classificationPlotsSection(input.diagnostics?.task === 'classification' ? input.diagnostics : undefined, b)]
      : [metricsSection(b), intervalsSection(input.intervals, b.target), plotsSection(input.diagnostics?.task === 'classification' ? undefined : input.diagnostics, b.target)]),
    ...(input.shap ? [shapSection(input.shap, b.target)] : []),
    paramsSection(b),
    lineageSection(b),
    profileSection(b),
    `<footer>Made by Loupe ${escapeHtml(b.lineage.loupeVersion)} from the model bundle. It holds aggregates only: no row of the training or test data.</footer>`,
    '</main>',
    '</body>',
    '</html>',
  ].join('\n');
}

function metricsSection(b: ModelBundle): string {
  const m = b.metrics.test;
  if (!m) return section('Metrics', '<p class="note">This bundle records no test metrics.</p>');
  const rows = METRICS.map(([key, name]) => `<tr><th scope="row">${name}</th>${num(m[key], `metrics.${key}`)}${b.metrics.folds ? `<td class="folds">${b.metrics.folds.map((f) => escapeHtml(fmt(f[key], 3))).join(' · ')}</td>` : ''}</tr>`);
  return section(
    'Metrics',
    `<p>On ${scoredOn(b)}, in the units of “${escapeHtml(b.target)}”.</p>` +
      `<table><thead><tr><th>Metric</th><th class="num">Value</th>${b.metrics.folds ? '<th>Per fold</th>' : ''}</tr></thead><tbody>${rows.join('')}</tbody></table>` +
      timesNote(b),
  );
}

function intervalsSection(iv: IntervalSummary | undefined, target: string): string {
  if (!iv) return section('Prediction intervals', '<p class="note">This model has no prediction intervals: its bundle was made before Loupe computed them, or its training data was too small to calibrate them.</p>');
  const how =
    iv.method === 'split'
      ? `calibrated on ${formatCount(iv.calibrationRows)} training rows held out of a second fit of the same model`
      : `calibrated on the out-of-fold errors of ${formatCount(iv.calibrationRows)} rows`;
  const norm = iv.normalized ? ', normalised by a residual model (wider where the model is less sure)' : ', of one width for every row';
  const e = iv.evaluation;
  const rows = [
    `<tr><th scope="row">Coverage asked</th><td class="num" data-field="intervals.coverage" data-value="${iv.coverage}">${pct(iv.coverage)}</td></tr>`,
    e
      ? `<tr><th scope="row">Coverage on the ${e.kind === 'test' ? 'test rows' : 'rows out of fold'}</th><td class="num" data-field="intervals.empiricalCoverage" data-value="${e.empiricalCoverage}">${pct(e.empiricalCoverage)}</td></tr>` +
        `<tr><th scope="row">Mean interval width</th>${num(e.meanWidth, 'intervals.meanWidth')}</tr>` +
        `<tr><th scope="row">Rows evaluated</th>${num(e.rows, 'intervals.rows')}</tr>`
      : '',
  ];
  return section(
    'Prediction intervals',
    `<p>${iv.method === 'split' ? 'Split conformal' : 'Cross-conformal'} intervals${escapeHtml(norm)}, ${escapeHtml(how)}. A new row’s “${escapeHtml(target)}” lies inside its interval with probability at least the coverage asked, when new rows resemble the training rows.</p>` +
      `<table><tbody>${rows.join('')}</tbody></table>`,
  );
}

function plotsSection(d: RegressionDiagnostics | undefined, target: string): string {
  if (!d) return section('Predicted vs actual', '<p class="note">This bundle holds no evaluation diagnostics (made before Loupe kept them), so the plots cannot be drawn.</p>');
  const on = d.kind === 'test' ? `the ${formatCount(d.rows)} test rows` : `${formatCount(d.rows)} rows, each predicted by the fold that left it out`;
  return section(
    'Predicted vs actual',
    `<p>On ${on}. Each cell counts rows (darker: more); the axes span the 0.5th to 99.5th percentiles and rows beyond are counted at the edge.</p>` +
      heatmap(d.counts, GRID_BINS, GRID_BINS, d.range, d.range, `Predicted ${target}`, `Actual ${target}`, 'diagonal') +
      `<h3>Residuals</h3><p>Actual − predicted against predicted; the line is zero error.</p>` +
      heatmap(d.residualCounts, RESIDUAL_BINS, GRID_BINS, d.range, [-d.residualRange, d.residualRange], `Predicted ${target}`, 'Residual', 'zero'),
  );
}

const SIZE = 360;
const PAD = { l: 64, r: 12, t: 10, b: 40 };

function heatmap(counts: Uint32Array, rowsN: number, colsN: number, xr: [number, number], yr: [number, number], xLabel: string, yLabel: string, line: 'diagonal' | 'zero'): string {
  const w = SIZE;
  const h = SIZE;
  const cw = w / colsN;
  const ch = h / rowsN;
  let max = 0;
  for (const c of counts) max = Math.max(max, c);
  const cells: string[] = [];
  for (let r = 0; r < rowsN; r++)
    for (let c = 0; c < colsN; c++) {
      const n = counts[r * colsN + c];
      if (!n) continue;
      const o = 0.15 + 0.85 * (Math.log1p(n) / Math.log1p(max));
      cells.push(`<rect x="${fx(PAD.l + c * cw)}" y="${fx(PAD.t + h - (r + 1) * ch)}" width="${fx(cw + 0.3)}" height="${fx(ch + 0.3)}" fill="#1c7ed6" fill-opacity="${fx(o, 100)}"><title>${formatCount(n)}</title></rect>`);
    }
  const sx = (x: number): number => PAD.l + ((x - xr[0]) / (xr[1] - xr[0])) * w;
  const sy = (y: number): number => PAD.t + h - ((y - yr[0]) / (yr[1] - yr[0])) * h;
  const guide =
    line === 'diagonal'
      ? `<line x1="${fx(sx(xr[0]))}" y1="${fx(sy(xr[0]))}" x2="${fx(sx(xr[1]))}" y2="${fx(sy(xr[1]))}" class="guide"/>`
      : `<line x1="${PAD.l}" y1="${fx(sy(0))}" x2="${PAD.l + w}" y2="${fx(sy(0))}" class="guide"/>`;
  const ticks = [
    `<text x="${PAD.l}" y="${PAD.t + h + 14}" class="tick">${escapeHtml(fmt(xr[0], 3))}</text>`,
    `<text x="${PAD.l + w}" y="${PAD.t + h + 14}" class="tick" text-anchor="end">${escapeHtml(fmt(xr[1], 3))}</text>`,
    `<text x="${PAD.l + w / 2}" y="${PAD.t + h + 32}" class="label" text-anchor="middle">${escapeHtml(xLabel)}</text>`,
    `<text x="${PAD.l - 4}" y="${PAD.t + h}" class="tick" text-anchor="end">${escapeHtml(fmt(yr[0], 3))}</text>`,
    `<text x="${PAD.l - 4}" y="${PAD.t + 10}" class="tick" text-anchor="end">${escapeHtml(fmt(yr[1], 3))}</text>`,
    `<text x="14" y="${PAD.t + h / 2}" class="label" text-anchor="middle" transform="rotate(-90 14 ${PAD.t + h / 2})">${escapeHtml(yLabel)}</text>`,
    `<rect x="${PAD.l}" y="${PAD.t}" width="${w}" height="${h}" class="frame"/>`,
  ];
  const W = PAD.l + w + PAD.r;
  const H = PAD.t + h + PAD.b;
  return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(`${yLabel} against ${xLabel}, rows counted per cell`)}">${cells.join('')}${guide}${ticks.join('')}</svg>`;
}

const SHAP_METHOD: Record<ReportShap['kind'], string> = {
  'tree-shap': 'exact path-dependent TreeSHAP',
  linear: 'exact (coefficient × (value − mean))',
  sampling: 'sampling Shapley (seeded permutations)',
  ensemble: 'exact (weighted sum of its members’ TreeSHAP and linear values)',
};

/** What the SHAP values measure, in words: the target's units, or a classifier's class and unit. */
function shapUnit(shap: ReportShap, target: string): string {
  if (shap.explainedClass === undefined) return `in the units of “${escapeHtml(target)}”: how far, on average, each column moves a prediction from the model’s expected ${escapeHtml(fmt(shap.base))}`;
  const which = shap.explainedClass === null ? 'each row’s predicted class' : `“${escapeHtml(shap.explainedClass)}”`;
  const from = Number.isFinite(shap.base) ? ` from the model’s expected ${escapeHtml(fmt(shap.base))}` : '';
  return `in ${shap.unit} of ${which}: how far, on average, each column moves that ${shap.unit}${from}`;
}

function shapSection(shap: ReportShap | { reason: string }, target: string): string {
  if ('reason' in shap) return section('What drives the predictions (SHAP)', `<p class="note">${escapeHtml(shap.reason)}</p>`);
  const order = shap.columns.map((c, j) => ({ c, v: shap.meanAbs[j], j })).sort((a, b) => b.v - a.v);
  const top = Math.max(order[0]?.v ?? 0, 1e-300);
  const bars = order.map(
    ({ c, v, j }) =>
      `<div class="bar"><span class="lv">${escapeHtml(c)}</span><span class="fill shap" style="width:${fx((v / top) * 100)}%"></span><span class="share" data-field="shap.${j}" data-value="${v}">${escapeHtml(fmt(v, 3))}</span></div>`,
  );
  return section(
    'What drives the predictions (SHAP)',
    `<p>Mean |SHAP value| per input column over ${formatCount(shap.rows)} of the bundle’s sampled training rows, ${shapUnit(shap, target)}. Method: ${SHAP_METHOD[shap.kind]}${shap.permutations ? `, ${shap.permutations} permutations a row` : ''}.</p>` +
      bars.join(''),
  );
}

function paramsSection(b: ModelBundle): string {
  const rows = Object.entries(b.model.params).map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td><code>${escapeHtml(JSON.stringify(v))}</code></td></tr>`);
  return section('Parameters', `<p>${escapeHtml(modelLabel(b.model.type))} (<code>${escapeHtml(b.model.type)}</code>), every hyperparameter as fitted.</p><table><tbody>${rows.join('')}</tbody></table>`);
}

function lineageSection(b: ModelBundle): string {
  const l = b.lineage;
  const s = l.split;
  const split =
    s.kind === 'kfold'
      ? `${s.k}-fold cross-validation (seed ${s.seed}), then refitted on all ${formatCount(s.trainRows)} rows`
      : s.kind === 'holdout'
        ? `hold-out: ${formatCount(s.trainRows)} training rows, ${formatCount(s.testRows)} test rows (${pct(s.testSize ?? 0)}, seed ${s.seed})`
        : `a separate test file: ${formatCount(s.trainRows)} training rows, ${formatCount(s.testRows)} test rows`;
  const rows: [string, string][] = [
    ['Dataset', l.datasetName ?? '(unnamed)'],
    ['Dataset SHA-256', l.datasetHash],
    ['Rows in the dataset', formatCount(l.datasetRows)],
    ['Removed by cleaning', formatCount(s.removedByCleaning)],
    ['Split', split],
    ['Model seed', String(l.seed)],
    ...(l.runId ? ([['Run', l.runId]] as [string, string][]) : []),
    ['Trained', l.createdAt],
    ['Loupe version', l.loupeVersion],
  ];
  return section('Lineage', `<table><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${k}</th><td class="wrap">${escapeHtml(v)}</td></tr>`).join('')}</tbody></table>`);
}

function profileSection(b: ModelBundle): string {
  const p = b.referenceProfile;
  const schema = new Map(b.inputSchema.map((c) => [c.name, c]));
  const parts = p.columns.map((c) => {
    const s = schema.get(c.name);
    const role = c.name === b.target ? 'target' : (s?.kind ?? 'input');
    return `<tr><th scope="row" class="wrap">${escapeHtml(c.name)}</th><td>${escapeHtml(role)}${s?.unit ? ` (${escapeHtml(s.unit)})` : ''}</td><td class="num">${formatCount(c.count)}</td><td class="num">${pct(c.missing / Math.max(1, c.count + c.missing))}</td><td>${columnSummary(c)}</td></tr>`;
  });
  return section(
    'Training data profile',
    `<p>${formatCount(p.rows)} training rows. Numbers: mean, standard deviation and deciles; categories: the most frequent, each seen in at least ${MIN_LEVEL_ROWS} rows.</p>` +
      `<table class="profile"><thead><tr><th>Column</th><th>Kind</th><th class="num">Values</th><th class="num">Missing</th><th>Summary</th></tr></thead><tbody>${parts.join('')}</tbody></table>`,
  );
}

function columnSummary(c: ColumnReference): string {
  if (c.kind === 'numeric') {
    const deciles = c.edges.length ? `; deciles ${c.edges.map((e) => fmt(e, 3)).join(', ')}` : '';
    return escapeHtml(`mean ${fmt(c.mean)}, sd ${fmt(c.std)}${deciles}`);
  }
  const named = c.levels.filter((l) => l.count >= MIN_LEVEL_ROWS).sort((a, b) => b.count - a.count);
  const shown = named.slice(0, MAX_LEVELS);
  const rest = c.levels.length - shown.length;
  const bars = shown.map((l) => {
    const share = l.count / Math.max(1, c.count);
    return `<div class="bar"><span class="lv">${escapeHtml(l.level)}</span><span class="fill" style="width:${fx(share * 100)}%"></span><span class="share">${pct(share)}</span></div>`;
  });
  return bars.join('') + (rest > 0 ? `<p class="note">${formatCount(rest)} other level${rest === 1 ? '' : 's'} not named (rarer, or seen in fewer than ${MIN_LEVEL_ROWS} rows).</p>` : '');
}

const CSS = `
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f7f9}
main{max-width:760px;margin:0 auto;padding:24px 16px 48px}
h1{font-size:22px;margin:0 0 4px;overflow-wrap:anywhere}
h2{font-size:17px;margin:0 0 8px}
h3{font-size:15px;margin:14px 0 4px}
.subtitle{color:#57606a;margin:0 0 16px}
section{background:#fff;border-radius:8px;padding:12px 14px;margin:14px 0}
table{width:100%;border-collapse:collapse}
th,td{padding:5px 8px;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top}
th[scope=row]{font-weight:500}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.folds{color:#57606a;font-size:12px}
.wrap{overflow-wrap:anywhere}
code{font-size:12px}
.note{color:#57606a;font-size:12px}
svg{max-width:100%;height:auto;display:block;margin:6px 0}
.frame{fill:none;stroke:#8c959f;stroke-width:1}
.guide{stroke:#d9480f;stroke-width:1.2;stroke-dasharray:4 3}
.tick{font-size:11px;fill:#57606a}
.label{font-size:12px;fill:#1f2328}
.bar{display:grid;grid-template-columns:9em 1fr 4em;align-items:center;gap:6px;font-size:12px}
.bar .lv{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bar .fill{height:8px;background:#8c96a3;border-radius:2px}
.bar .fill.shap{background:#d9480f}
.bar .share{text-align:right;color:#57606a}
footer{color:#57606a;font-size:12px;margin-top:18px}
@media print{body{background:#fff}section{break-inside:avoid}}
`.trim();
