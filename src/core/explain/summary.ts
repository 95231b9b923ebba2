/**
 * The global view of a model's explanations: per input column, the mean |value| over a sample
 * of rows (the bars) and every sampled row's value with the column's own value as a rank
 * (the beeswarm, coloured low → high). Rows are a seeded sample of at most `maxRows`.
 * A classifier's summary holds every explained class (one output each) and each row's predicted
 * class; summaryForClass (class-pick.ts) gives the view of one class, or of the predicted ones.
 */
import { permutation, Rng } from '../random';
import type { Matrix } from '../models/types';
import type { FittedRecipe } from '../recipe';
import type { ExplanationKind } from '../models/catalog';
import type { Explainer } from './explain';
import type { ExplanationUnit } from './method';

export interface ShapSummary {
  kind: ExplanationKind;
  /** What base and values are measured in (see Explanation.unit). */
  unit: ExplanationUnit;
  /** A classifier's explained classes and complement (see Explanation); absent for a regressor. */
  classes?: number[];
  complement?: number;
  /** A classifier's: each explained row's predicted class (code), and the class labels by code. */
  predictedClass?: Float64Array;
  labels?: string[];
  columns: string[];
  /** The model's expected prediction, in `unit` (a classifier's: its first explained class's). */
  base: number;
  /** Per output (see Explanation.bases). */
  bases: Float64Array;
  /** Rows explained (after sampling down to maxRows). */
  rows: number;
  /** Rows there were to sample from. */
  totalRows: number;
  /** rows × outputs × columns, in `unit`. */
  values: Float64Array;
  /** outputs × columns: mean |value|. */
  meanAbs: Float64Array;
  /**
   * rows × columns: the row's own value of the column as its rank among the sampled rows, 0..1
   * (NaN for a one-hot or derived-only column, which has no single ordered value).
   */
  valueRank: Float64Array;
  /** Sampling explanations: permutations per row. */
  permutations?: number;
}

/** Explains a seeded sample of at most `maxRows` rows of X (the recipe's output). */
export function shapSummary(explainer: Explainer, recipe: FittedRecipe, X: Matrix, options: { maxRows: number; seed?: number }): ShapSummary {
  const p = X.cols;
  let rows = X;
  if (X.rows > options.maxRows) {
    const pick = permutation(X.rows, new Rng(options.seed ?? 0)).slice(0, options.maxRows).sort();
    const data = new Float64Array(pick.length * p);
    pick.forEach((r, k) => data.set(X.data.subarray(r * p, r * p + p), k * p));
    rows = { data, rows: pick.length, cols: p, features: X.features };
  }
  const e = explainer.explain(rows);
  const c = e.columns.length;
  const n = rows.rows;
  const O = e.bases.length;
  const meanAbs = new Float64Array(O * c);
  for (let r = 0; r < n; r++) for (let k = 0; k < O * c; k++) meanAbs[k] += Math.abs(e.values[r * O * c + k]) / n;
  // A column's own ordered value: its single feature that is neither one-hot nor shared with another column.
  const sources = recipe.featureSources();
  const names = recipe.featureNames;
  const own = e.columns.map((col) => sources.findIndex((s, f) => s.length === 1 && s[0] === col && names[f] === col));
  const valueRank = new Float64Array(n * c).fill(NaN);
  own.forEach((f, j) => {
    if (f < 0) return;
    const v = Float64Array.from({ length: n }, (_, r) => rows.data[r * p + f]);
    const order = Array.from({ length: n }, (_, r) => r).sort((a, b) => v[a] - v[b]);
    // Ties share their mean rank, so equal values get one colour.
    for (let k = 0; k < n; ) {
      let m = k;
      while (m + 1 < n && v[order[m + 1]] === v[order[k]]) m++;
      const rank = n > 1 ? (k + m) / 2 / (n - 1) : 0.5;
      for (let t = k; t <= m; t++) valueRank[order[t] * c + j] = rank;
      k = m + 1;
    }
  });
  const out: ShapSummary = { kind: e.kind, unit: e.unit, columns: e.columns, base: e.base, bases: e.bases, rows: n, totalRows: X.rows, values: e.values, meanAbs, valueRank };
  if (e.permutations !== undefined) out.permutations = e.permutations;
  if (e.classes) {
    out.classes = e.classes;
    if (e.complement !== undefined) out.complement = e.complement;
    out.predictedClass = explainer.model.predict(rows);
    out.labels = [...recipe.classes];
  }
  return out;
}
