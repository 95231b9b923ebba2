/**
 * Explanations of predictions: per input column, in the target's units, base + Σ values =
 * prediction for every row. The catalog says which method each model gets:
 * - 'tree-shap': exact path-dependent TreeSHAP (tree-shap.ts) over the model's trees;
 * - 'linear': exact coef × (x − training mean), summed per player;
 * - 'sampling': seeded antithetic permutation sampling (sampling.ts) against background rows
 *   the model keeps (k-NN: its training rows; MLP: a sample stored at fit);
 * - 'ensemble': intercept + Σ weight × each member's exact values (Shapley values are linear in
 *   the model, so this is exact), each member's first taken through its own link. An ensemble
 *   with a member that only sampling explains is sampled as a whole (background rows from that
 *   member).
 *
 * Exact methods work in the model's raw units. When the prediction goes through a curve after
 * that (a log1p target, the log-link loss), the raw values add up to the raw prediction, and
 * each is scaled by (prediction − base) / (raw prediction − raw base) so that they add up in
 * the target's units — exact in raw units, proportional in the target's. Sampling estimates the
 * target-unit prediction directly and needs no scaling.
 */
import { ExplainError } from '../errors';
import { modelInfo, type ExplanationKind } from '../models/catalog';
import { RandomForestRegressor } from '../models/forest';
import { GradientBoostingRegressor } from '../models/gbdt';
import { lossByName } from '../models/gbdt/loss';
import { KNeighborsRegressor } from '../models/knn';
import { LinearBase } from '../models/linear/linear-base';
import { MlpRegressor } from '../models/mlp';
import { DecisionTreeRegressor } from '../models/tree';
import { EnsembleRegressor } from '../models/ensemble/ensemble';
import type { Matrix, Regressor } from '../models/types';
import { FittedRecipe } from '../recipe';
import { featurePlayers, foldToColumns, playersFromSources, type Players } from './players';
import { samplingShapley, type SamplingOptions } from './sampling';
import { ensembleForShap, flatTreeForShap, treeModelBase, treeModelShap, type TreeModel } from './tree-models';

export interface Explanation {
  kind: ExplanationKind;
  /** Input columns, in the recipe's input order. */
  columns: string[];
  rows: number;
  /** The model's expected prediction with nothing known about the row, in the target's units. */
  base: number;
  /** rows × columns, in the target's units. */
  values: Float64Array;
  /** base + Σ values of each row: the model's prediction (before any clipping). */
  predictions: Float64Array;
  /** Sampling: permutations used per row. */
  permutations?: number;
  /** Raw-unit values were scaled to the target's units (see the header). */
  scaled: boolean;
}

export type ExplainOptions = SamplingOptions;

/** Turns raw model outputs into the target's units. */
type Curve = (raw: Float64Array) => Float64Array;

/** Explains one model, prepared once (trees routed, players built) for many calls. */
export class Explainer {
  readonly kind: ExplanationKind;
  readonly columns: string[];
  private readonly players: Players;
  private readonly curve: Curve | null;
  private readonly method: (X: Matrix) => { base: number; values: Float64Array; permutations?: number; raw: boolean };

  /**
   * `source`: the fitted recipe the model's matrix comes from (values per input column, in the
   * target's units), or the names of the matrix's features (values per feature, in the model's
   * units). Throws ExplainError when the model lacks what its method needs (an older bundle).
   */
  constructor(
    readonly model: Regressor,
    source: FittedRecipe | { features: string[] },
    private readonly options: ExplainOptions = {},
  ) {
    const recipe = source instanceof FittedRecipe ? source : null;
    this.kind = explanationKindOf(model);
    this.players = recipe ? playersFromSources(recipe.featureSources(), recipe.inputSchema().map((c) => c.name)) : featurePlayers((source as { features: string[] }).features);
    this.columns = this.players.columns;
    const link = linkOf(model);
    const decode = recipe && recipe.recipe.targetTransform !== 'none' ? recipe : null;
    this.curve =
      link || decode
        ? (raw) => {
            const out = link ? link(raw) : raw.slice();
            return decode ? decode.decodeTarget(out) : out;
          }
        : null;
    this.method = this.prepare(recipe);
  }

  /** Explains every row of X (the recipe's output for them). */
  explain(X: Matrix): Explanation {
    const m = this.players.count;
    const { base: rawBase, values: raw, permutations, raw: isRaw } = this.method(X);
    const scaled = isRaw && this.curve !== null;
    const { base, values } = scaled ? throughCurve(rawBase, raw, X.rows, m, this.curve!) : { base: rawBase, values: raw };
    const folded = foldToColumns(this.players, values, X.rows);
    const c = this.columns.length;
    const predictions = new Float64Array(X.rows);
    for (let r = 0; r < X.rows; r++) {
      let s = base;
      for (let j = 0; j < c; j++) s += folded[r * c + j];
      predictions[r] = s;
    }
    const out: Explanation = { kind: this.kind, columns: this.columns, rows: X.rows, base, values: folded, predictions, scaled };
    if (permutations !== undefined) out.permutations = permutations;
    return out;
  }

  private prepare(recipe: FittedRecipe | null): Explainer['method'] {
    const model = this.model;
    const players = this.players;
    if (this.kind !== 'sampling') {
      const exact = exactMethod(model, players);
      return (X) => ({ ...exact(X), raw: true });
    }
    const background = backgroundOf(model, this.options.seed ?? 0);
    const cols = players.playerOf.length;
    const predict = (data: Float64Array, rows: number): Float64Array => {
      const y = model.predict({ data, rows, cols });
      return recipe ? recipe.decodeTarget(y) : y;
    };
    return (X) => {
      const s = samplingShapley(predict, X, background, players, this.options);
      return { base: s.base, values: s.values, permutations: s.permutations, raw: false };
    };
  }
}

/** How `model` is explained: its catalog's kind, or for an ensemble, exact when every member is. */
export function explanationKindOf(model: Regressor): ExplanationKind {
  if (!(model instanceof EnsembleRegressor)) return modelInfo(model.type).explanation;
  return model.members.every((m) => explanationKindOf(m.model) !== 'sampling') ? 'ensemble' : 'sampling';
}

/** The curve a model's raw output goes through (gradient-boosted trees' log link), or null. */
function linkOf(model: Regressor): Curve | null {
  if (!(model instanceof GradientBoostingRegressor) || model.params.loss === 'squared_error') return null;
  const loss = lossByName(model.params.loss);
  return (raw) => {
    const out = raw.slice();
    loss.inverseLink(out);
    return out;
  };
}

/**
 * Raw-unit values (base + Σ values = raw output) taken to a curve's units: each row's values are
 * scaled by (curve(raw prediction) − curve(raw base)) / (raw prediction − raw base), or by the
 * curve's slope at the base where the two are too close to divide.
 */
function throughCurve(rawBase: number, raw: Float64Array, rows: number, m: number, curve: Curve): { base: number; values: Float64Array } {
  const rawPred = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = rawBase;
    for (let i = 0; i < m; i++) s += raw[r * m + i];
    rawPred[r] = s;
  }
  const pred = curve(rawPred);
  const base = curve(Float64Array.of(rawBase))[0];
  const values = new Float64Array(raw.length);
  const h = 1e-6 * (1 + Math.abs(rawBase));
  const [lo, hi] = curve(Float64Array.of(rawBase - h, rawBase + h));
  const slope = (hi - lo) / (2 * h);
  for (let r = 0; r < rows; r++) {
    const d = rawPred[r] - rawBase;
    const k = Math.abs(d) > 1e-12 * (1 + Math.abs(rawBase)) ? (pred[r] - base) / d : slope;
    for (let i = 0; i < m; i++) values[r * m + i] = raw[r * m + i] * k;
  }
  return { base, values };
}

type ExactMethod = (X: Matrix) => { base: number; values: Float64Array };

/** An exactly explained model's values per player, in its raw units (before its link, if any). */
function exactMethod(model: Regressor, players: Players): ExactMethod {
  if (model instanceof EnsembleRegressor) {
    // Each member in its own output units (through its link), then weighed: the ensemble adds those up.
    const parts = model.members.map(({ model: member, weight }) => {
      const method = exactMethod(member, players);
      const link = linkOf(member);
      return { weight, method: link ? (X: Matrix) => { const r = method(X); return throughCurve(r.base, r.values, X.rows, players.count, link); } : method };
    });
    const intercept = model.intercept;
    return (X) => {
      let base = intercept;
      const values = new Float64Array(X.rows * players.count);
      for (const { weight, method } of parts) {
        const r = method(X);
        base += weight * r.base;
        for (let k = 0; k < values.length; k++) values[k] += weight * r.values[k];
      }
      return { base, values };
    };
  }
  const kind = modelInfo(model.type).explanation;
  if (kind === 'tree-shap') {
    const tm = treeModelOf(model, players.playerOf);
    const base = treeModelBase(tm);
    return (X) => ({ base, values: treeModelShap(tm, X, players.count) });
  }
  if (!(model instanceof LinearBase)) throw new Error(`${model.type} is not explained exactly.`);
  const mean = model.trainingMean;
  if (!mean)
    throw new ExplainError(
      'no-training-mean',
      'This linear model was saved by an earlier Loupe, which did not record the training mean of each feature; explanations measure from it. Retrain the model to explain it.',
      { field: 'model.state.xMean' },
    );
  const coef = model.coef;
  let base = model.intercept;
  for (let j = 0; j < coef.length; j++) base += coef[j] * mean[j];
  return (X) => {
    const values = new Float64Array(X.rows * players.count);
    for (let r = 0; r < X.rows; r++)
      for (let j = 0; j < X.cols; j++) values[r * players.count + players.playerOf[j]] += coef[j] * (X.data[r * X.cols + j] - mean[j]);
    return { base, values };
  };
}

function treeModelOf(model: Regressor, playerOf: Int32Array): TreeModel {
  if (model instanceof DecisionTreeRegressor) return { trees: [flatTreeForShap(model.flatTree(), playerOf)], scale: 1, offset: 0 };
  if (model instanceof RandomForestRegressor) {
    const trees = model.estimators();
    return { trees: trees.map((t) => flatTreeForShap(t, playerOf)), scale: 1 / trees.length, offset: 0 };
  }
  if (model instanceof GradientBoostingRegressor) return { trees: ensembleForShap(model.ensemble(), playerOf), scale: 1, offset: model.baseline };
  throw new Error(`${model.type} has no trees to explain.`);
}

function backgroundOf(model: Regressor, seed: number): Float64Array {
  // A sampled ensemble has a member that only sampling explains; its background rows serve all.
  if (model instanceof EnsembleRegressor) {
    const sampled = model.members.find((m) => explanationKindOf(m.model) === 'sampling');
    if (sampled) return backgroundOf(sampled.model, seed);
  }
  if (model instanceof KNeighborsRegressor) return model.backgroundRows(seed);
  if (model instanceof MlpRegressor) {
    const bg = model.backgroundRows();
    if (!bg)
      throw new ExplainError(
        'no-background',
        'This neural network was saved by an earlier Loupe, which did not keep the sample of training rows that explanations compare against. Retrain the model to explain it.',
        { field: 'model.state.background' },
      );
    return bg;
  }
  throw new Error(`${model.type} has no background rows for sampling explanations.`);
}
