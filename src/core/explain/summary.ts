/**
 * The global view of a model's explanations: per input column, the mean |value| over a sample
 * of rows (the bars) and every sampled row's value with the column's own value as a rank
 * (the beeswarm, coloured low → high). Rows are a seeded sample of at most `maxRows`.
 */
import { permutation, Rng } from '../random';
import type { Matrix } from '../models/types';
import type { FittedRecipe } from '../recipe';
import type { ExplanationKind } from '../models/catalog';
import type { Explainer } from './explain';

export interface ShapSummary {
  kind: ExplanationKind;
  columns: string[];
  /** The model's expected prediction, in the target's units. */
  base: number;
  /** Rows explained (after sampling down to maxRows). */
  rows: number;
  /** Rows there were to sample from. */
  totalRows: number;
  /** rows × columns, in the target's units. */
  values: Float64Array;
  /** Per column: mean |value|. */
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
  const meanAbs = new Float64Array(c);
  for (let r = 0; r < n; r++) for (let j = 0; j < c; j++) meanAbs[j] += Math.abs(e.values[r * c + j]) / n;
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
  const out: ShapSummary = { kind: e.kind, columns: e.columns, base: e.base, rows: n, totalRows: X.rows, values: e.values, meanAbs, valueRank };
  if (e.permutations !== undefined) out.permutations = e.permutations;
  return out;
}
