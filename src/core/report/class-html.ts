/**
 * The model report's sections for a classifier: its test metrics (every classification metric, per
 * fold for k-fold), the confusion matrix at its decision, ROC curves and a reliability diagram as
 * inline SVG, all from the bundle's metrics and its aggregate diagnostics (class-diagnostics.ts).
 */
import type { ModelBundle } from '../bundle/bundle';
import { escapeHtml } from '../drift/html';
import { formatCount } from '../format';
import { CLASSIFICATION_METRICS } from '../metrics/classification-ranking';
import { RELIABILITY_BINS, ROC_THRESHOLDS, type ClassificationDiagnostics } from './class-diagnostics';
import { fmt, fx, pct, scoredOn, section, timesNote } from './html-parts';

const COLOURS = ['#1c7ed6', '#d9480f', '#2b8a3e', '#862e9c', '#e67700', '#0b7285', '#c2255c', '#5c940d'];
const SIZE = 300;
const PAD = { l: 48, r: 12, t: 10, b: 40 };

/** A metric's cell: its exact value in `data-value`; "—" (with why) where it is undefined. */
function cell(x: number, field: string): string {
  if (!Number.isFinite(x)) return `<td class="num" data-field="${escapeHtml(field)}" data-value="NaN" title="undefined: the scored rows lack a class">—</td>`;
  return `<td class="num" data-field="${escapeHtml(field)}" data-value="${x}">${escapeHtml(fmt(x, 4))}</td>`;
}

function classList(classes: readonly string[]): string {
  return classes.map((c) => `“${escapeHtml(c)}”`).join(', ');
}

export function classificationMetricsSection(b: ModelBundle): string {
  const c = b.metrics.classification;
  const classes = b.classes ?? [];
  const decision =
    classes.length === 2 && b.decision
      ? `It predicts ${classList([classes[1]])} (the positive class) where its probability is at least ${b.decision.threshold}, else ${classList([classes[0]])}.`
      : `It predicts the most probable of its ${classes.length} classes.`;
  const intro = `<p>A classifier of “${escapeHtml(b.target)}” into ${classList(classes)}. ${decision} Precision, recall and F1 are ${classes.length === 2 ? 'of the positive class' : 'macro averages over the classes'}; ROC AUC is ${classes.length === 2 ? 'binary' : 'one-vs-rest, macro'}.</p>`;
  if (!c) return section('Metrics', `${intro}<p class="note">This bundle records no test metrics.</p>`);
  const rows = CLASSIFICATION_METRICS.map(
    (m) =>
      `<tr><th scope="row">${escapeHtml(m.label)}${m.higherIsBetter ? '' : ' <span class="note">(lower is better)</span>'}</th>${cell(c.test[m.field], `metrics.classification.${m.field}`)}${
        c.folds ? `<td class="folds">${c.folds.map((f) => (Number.isFinite(f[m.field]) ? escapeHtml(fmt(f[m.field], 3)) : '—')).join(' · ')}</td>` : ''
      }</tr>`,
  );
  return section(
    'Metrics',
    intro +
      `<p>On ${scoredOn(b)}.</p>` +
      `<table><thead><tr><th>Metric</th><th class="num">Value</th>${c.folds ? '<th>Per fold</th>' : ''}</tr></thead><tbody>${rows.join('')}</tbody></table>` +
      timesNote(b),
  );
}

export function classificationPlotsSection(d: ClassificationDiagnostics | undefined, b: ModelBundle): string {
  const title = 'Confusion matrix, ROC and reliability';
  if (!d) return section(title, '<p class="note">This bundle holds no evaluation diagnostics (made before Loupe kept them for classifiers), so the confusion matrix and the curves cannot be drawn.</p>');
  const classes = b.classes ?? Array.from({ length: d.classCount }, (_, c) => String(c));
  const on = d.kind === 'test' ? `the ${formatCount(d.rows)} test rows` : `${formatCount(d.rows)} rows, each predicted by the fold that left it out`;
  return section(
    title,
    `<p>On ${on}.</p>` +
      `<h3>Confusion matrix</h3><p>Rows: the actual class; columns: the class predicted${classes.length === 2 && b.decision ? ` (at the threshold ${b.decision.threshold})` : ''}. The diagonal is right.</p>` +
      confusionTable(d, classes) +
      `<h3>ROC curve${d.classCount > 2 ? 's (one vs rest)' : ''}</h3><p>True- against false-positive rate as the threshold falls from 1 to 0, read every 0.01; the dashed diagonal is chance.</p>` +
      rocSvg(d, classes) +
      `<h3>Reliability</h3><p>${
        d.classCount === 2 ? `The share of rows that are ${classList([classes[1]])} against the mean probability given to it` : 'How often the most probable class was right against its mean probability'
      }, in ${RELIABILITY_BINS} bins of probability (dot size: rows); on the dashed diagonal the probabilities can be taken at their word.</p>` +
      reliabilitySvg(d),
  );
}

function confusionTable(d: ClassificationDiagnostics, classes: readonly string[]): string {
  const k = d.classCount;
  let max = 0;
  for (const n of d.confusion) max = Math.max(max, n);
  const head = `<tr><th>Actual \\ predicted</th>${classes.map((c) => `<th class="num wrap">${escapeHtml(c)}</th>`).join('')}<th class="num">Recall</th></tr>`;
  const rows = classes.map((c, a) => {
    let total = 0;
    for (let p = 0; p < k; p++) total += d.confusion[a * k + p];
    const cells = classes.map((_, p) => {
      const n = d.confusion[a * k + p];
      const shade = max > 0 ? fx(0.08 + 0.6 * (n / max), 100) : '0';
      return `<td class="num" data-field="confusion.${a}.${p}" data-value="${n}" style="background:rgba(28,126,214,${shade})${a === p ? ';font-weight:600' : ''}">${formatCount(n)}</td>`;
    });
    return `<tr><th scope="row" class="wrap">${escapeHtml(c)}</th>${cells.join('')}<td class="num">${total > 0 ? pct(d.confusion[a * k + a] / total) : '—'}</td></tr>`;
  });
  return `<table class="confusion"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

function frame(xLabel: string, yLabel: string): string {
  const w = SIZE;
  const h = SIZE;
  return [
    `<rect x="${PAD.l}" y="${PAD.t}" width="${w}" height="${h}" class="frame"/>`,
    `<line x1="${PAD.l}" y1="${PAD.t + h}" x2="${PAD.l + w}" y2="${PAD.t}" class="guide"/>`,
    `<text x="${PAD.l}" y="${PAD.t + h + 14}" class="tick">0</text>`,
    `<text x="${PAD.l + w}" y="${PAD.t + h + 14}" class="tick" text-anchor="end">1</text>`,
    `<text x="${PAD.l - 4}" y="${PAD.t + h}" class="tick" text-anchor="end">0</text>`,
    `<text x="${PAD.l - 4}" y="${PAD.t + 10}" class="tick" text-anchor="end">1</text>`,
    `<text x="${PAD.l + w / 2}" y="${PAD.t + h + 32}" class="label" text-anchor="middle">${escapeHtml(xLabel)}</text>`,
    `<text x="14" y="${PAD.t + h / 2}" class="label" text-anchor="middle" transform="rotate(-90 14 ${PAD.t + h / 2})">${escapeHtml(yLabel)}</text>`,
  ].join('');
}

const sx = (x: number): string => fx(PAD.l + x * SIZE);
const sy = (y: number): string => fx(PAD.t + SIZE - y * SIZE);

function svg(label: string, body: string): string {
  const W = PAD.l + SIZE + PAD.r;
  const H = PAD.t + SIZE + PAD.b;
  return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(label)}">${body}</svg>`;
}

function rocSvg(d: ClassificationDiagnostics, classes: readonly string[]): string {
  const curves = d.classCount === 2 ? [1] : classes.map((_, c) => c);
  const lines = curves.map((c, j) => {
    const pts: string[] = [];
    for (let t = 0; t < ROC_THRESHOLDS; t++) {
      const x = d.rocFpr[j * ROC_THRESHOLDS + t];
      const y = d.rocTpr[j * ROC_THRESHOLDS + t];
      if (Number.isFinite(x) && Number.isFinite(y)) pts.push(`${sx(x)},${sy(y)}`);
    }
    return `<polyline class="roc" data-class="${c}" points="${pts.join(' ')}" fill="none" stroke="${COLOURS[j % COLOURS.length]}" stroke-width="1.8"><title>${escapeHtml(classes[c] ?? String(c))}</title></polyline>`;
  });
  const legend =
    curves.length > 1
      ? curves.map((c, j) => `<text x="${PAD.l + SIZE - 6}" y="${PAD.t + SIZE - 8 - 14 * (curves.length - 1 - j)}" class="tick" text-anchor="end" fill="${COLOURS[j % COLOURS.length]}">${escapeHtml(classes[c])}</text>`).join('')
      : '';
  return svg('ROC curve: true-positive rate against false-positive rate', frame('False-positive rate', 'True-positive rate') + lines.join('') + legend);
}

function reliabilitySvg(d: ClassificationDiagnostics): string {
  let max = 0;
  for (const n of d.reliabilityCounts) max = Math.max(max, n);
  const dots: string[] = [];
  const path: string[] = [];
  for (let b = 0; b < RELIABILITY_BINS; b++) {
    const n = d.reliabilityCounts[b];
    if (!n) continue;
    const x = sx(d.reliabilityMean[b]);
    const y = sy(d.reliabilityPositive[b]);
    path.push(`${x},${y}`);
    dots.push(
      `<circle class="bin" cx="${x}" cy="${y}" r="${fx(2.5 + 5 * Math.sqrt(n / Math.max(1, max)))}" fill="#1c7ed6" fill-opacity="0.75" data-rows="${n}"><title>${formatCount(n)} rows: mean probability ${fmt(d.reliabilityMean[b], 3)}, ${pct(d.reliabilityPositive[b])} positive</title></circle>`,
    );
  }
  const line = path.length > 1 ? `<polyline points="${path.join(' ')}" fill="none" stroke="#1c7ed6" stroke-width="1.2"/>` : '';
  return svg('Reliability diagram: observed share against mean predicted probability', frame('Mean predicted probability', 'Observed share') + line + dots.join(''));
}
