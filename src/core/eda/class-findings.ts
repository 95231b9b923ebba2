/**
 * Findings about a class target, for Explore beside the data-quality ones: an imbalanced target
 * (its rarest class under 20 % of the rows), and the features most associated with the class.
 *
 * Association is measured by mutual information, as the share of the class's entropy a feature
 * explains (Theil's uncertainty coefficient U = I(class; feature) / H(class), in [0, 1]). It was
 * chosen over Cramér's V and the ANOVA F because it is one scale for numbers and labels alike
 * (V is for two labels, F for a number against classes, and their values do not compare), it sees
 * relations that are not monotonic, and it reads plainly: "explains 12 % of the uncertainty about
 * Churn". Numbers are cut into equal-frequency bins (deciles), a missing value is a bin of its
 * own (missingness can tell the class), and the Miller–Madow correction takes off the
 * information that bins or levels show by chance alone (a feature unrelated to the class scores
 * about 0, not a small positive number). Ids, constants and free text (per the schema) are left
 * out: a near-unique label "explains" every row's class and says nothing about new rows.
 */
import type { Column, ColumnSchema, Table } from '../data/types';
import { formatPercent, plural } from '../format';
import type { Finding } from '../data/quality';
import { classBalance, readClassTarget, CLASS_BALANCE_DEFAULTS, type ClassBalance } from './class-target';
import { finiteSorted, withDefaults } from './stats';
import { quantileSorted } from '../data/quantile';
import { upperBound } from '../stats/search';

export interface ClassFindingsOptions {
  /** The rarest class under this share of the rows makes the target imbalanced. Default 0.2. */
  minorityShare?: number;
  /** Numeric features are cut into this many equal-frequency bins. Default 10. */
  bins?: number;
  /** Features named in the association finding. Default 3. */
  top?: number;
}

export const CLASS_FINDINGS_DEFAULTS: Required<ClassFindingsOptions> = { minorityShare: CLASS_BALANCE_DEFAULTS.minorityShare, bins: 10, top: 3 };

export interface ClassAssociation {
  feature: string;
  /** Uncertainty coefficient: the share of the class's entropy the feature explains (0–1, bias-corrected). */
  u: number;
  /** Rows counted (every row with a class). */
  n: number;
}

/**
 * The features' association with the class target, strongest first. `schema` says which columns
 * are ids, constants or free text (left out); columns it does not list are used.
 */
export function classAssociations(table: Table, target: string, schema: readonly ColumnSchema[] = [], bins = CLASS_FINDINGS_DEFAULTS.bins): ClassAssociation[] {
  const t = readClassTarget(table, target);
  const k = t.classes.length;
  const kinds = new Map(schema.map((s) => [s.name, s.kind]));
  const out: ClassAssociation[] = [];
  for (const col of table.columns) {
    const kind = kinds.get(col.name);
    if (col.name === target || kind === 'id' || kind === 'constant' || kind === 'text') continue;
    const { codes, count } = binCodes(col, bins);
    out.push({ feature: col.name, ...uncertainty(t.codes, k, codes, count) });
  }
  return out.sort((a, b) => b.u - a.u || a.feature.localeCompare(b.feature));
}

/**
 * Bin index per row: labels by level; numbers with at most `bins` distinct values (a 0/1 flag, a
 * grade) by value, others by equal-frequency bin (deciles by default). Missing is the last bin.
 */
function binCodes(col: Column, bins: number): { codes: Int32Array; count: number } {
  if (col.type === 'categorical') {
    const m = col.levels.length;
    return { codes: Int32Array.from(col.codes, (c) => (c < 0 || c >= m ? m : c)), count: m + 1 };
  }
  const sorted = finiteSorted(col.values);
  const distinct = firstDistinct(sorted, bins + 1);
  const edges = Float64Array.from(
    distinct.length <= bins ? distinct.slice(1) : new Set(Array.from({ length: bins - 1 }, (_, q) => quantileSorted(sorted, (q + 1) / bins))),
  );
  const codes = new Int32Array(col.values.length);
  for (let i = 0; i < codes.length; i++) {
    const x = col.values[i];
    if (x - x !== 0) {
      codes[i] = edges.length + 1;
      continue;
    }
    // Bin b holds the values in [edges[b − 1], edges[b]): the number of edges ≤ x.
    codes[i] = upperBound(edges, x);
  }
  return { codes, count: edges.length + 2 };
}

/** The first `max` distinct values of a sorted array (all of them when there are fewer). */
function firstDistinct(sorted: Float64Array, max: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < sorted.length && out.length < max; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) out.push(sorted[i]);
  return out;
}

/** U = (I − Miller–Madow bias) / H(class), over rows with a class; 0 when the class has no entropy. */
function uncertainty(classCodes: Float64Array, k: number, bin: Int32Array, bins: number): { u: number; n: number } {
  const joint = new Float64Array(bins * k);
  const byClass = new Float64Array(k);
  const byBin = new Float64Array(bins);
  let n = 0;
  for (let i = 0; i < classCodes.length; i++) {
    const c = classCodes[i];
    if (c !== c) continue;
    joint[bin[i] * k + c]++;
    byClass[c]++;
    byBin[bin[i]]++;
    n++;
  }
  if (n === 0) return { u: 0, n };
  const h = (counts: Float64Array): number => {
    let s = 0;
    for (const x of counts) if (x > 0) s -= (x / n) * Math.log(x / n);
    return s;
  };
  const hc = h(byClass);
  if (hc === 0) return { u: 0, n };
  const mi = hc + h(byBin) - h(joint);
  const used = (a: Float64Array): number => a.reduce((s, x) => s + (x > 0 ? 1 : 0), 0);
  // Miller–Madow: each entropy's plug-in estimate is low by (occupied cells − 1) / 2n.
  const bias = (used(joint) - used(byBin) - used(byClass) + 1) / (2 * n);
  return { u: Math.max(0, (mi - bias) / hc), n };
}

/** The class target's findings: imbalance (a warning) and the strongest associations (a note). */
export function classTargetFindings(table: Table, target: string, schema: readonly ColumnSchema[] = [], opts: ClassFindingsOptions = {}): Finding[] {
  const o = withDefaults(CLASS_FINDINGS_DEFAULTS, opts);
  const balance = classBalance(table, target, { minorityShare: o.minorityShare });
  const out: Finding[] = [];
  if (balance.imbalanced) out.push(imbalanceFinding(balance));
  const top = classAssociations(table, target, schema, o.bins)
    .filter((a) => a.u > 0)
    .slice(0, o.top);
  if (top.length) out.push(associationFinding(target, top));
  return out;
}

const q = (name: string): string => `"${name}"`;

function imbalanceFinding(b: ClassBalance): Finding {
  const m = b.minority;
  return {
    kind: 'class-imbalance',
    severity: 'warning',
    columns: [b.name],
    count: m.count,
    value: m.share,
    message: `${q(b.name)} is imbalanced: its rarest class ${q(m.label)} is ${plural(m.count, 'row')} (${formatPercent(m.share)}), under ${formatPercent(b.minorityShare)} of the rows.`,
    suggestion: `Accuracy flatters a model that rarely predicts ${q(m.label)}: rank by ROC AUC, log loss or F1 (Train), try class weights "balanced", and move the decision threshold to trade missed ${q(m.label)} rows against false alarms.`,
  };
}

function associationFinding(target: string, top: ClassAssociation[]): Finding {
  const list = top.map((a) => `${q(a.feature)} (${formatPercent(a.u)})`).join(', ');
  return {
    kind: 'class-association',
    severity: 'info',
    columns: top.map((a) => a.feature),
    count: top[0].n,
    value: top[0].u,
    message: `Most informative about ${q(target)}: ${list} — the share of the uncertainty about the class that each explains on its own (mutual information).`,
    suggestion: `Look at these against ${q(target)} below; a feature that explains almost everything may be a leak (known only after the outcome).`,
  };
}

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

/** The data-quality findings with the class target's among them, most severe first (the target's after the others of its severity). */
export function withClassFindings(quality: readonly Finding[], table: Table, target: string, schema: readonly ColumnSchema[] = [], opts: ClassFindingsOptions = {}): Finding[] {
  return [...quality, ...classTargetFindings(table, target, schema, opts)].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
}
