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
 *
 * Classifiers (classifier.ts) are explained per class, with no curve, in the unit their method is
 * exact in: the raw margin ('log-odds') for gradient-boosted trees and logistic regression, the
 * class probability for trees and forests (TreeSHAP over leaf class shares) and for sampling
 * (k-NN, the MLP, any other Classifier keeping background rows). Two classes: the positive class
 * (code 1) alone; more: every class, one output each.
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
import { CalibratedClassifier } from '../models/calibration-model';
import { isClassifier, type Matrix, type Regressor } from '../models/types';
import { FittedRecipe } from '../recipe';
import { featurePlayers, foldToColumns, playersFromSources, type Players } from './players';
import { samplingShapley, type SamplingOptions } from './sampling';
import { ensembleForShap, flatTreeForShap, treeModelBase, treeModelShap, type TreeModel } from './tree-models';
import { classifierKindOf, classifierMethod, classifierUnit, complementClass, explainedClasses, type ExplanationUnit } from './classifier';

export interface Explanation {
  kind: ExplanationKind;
  /** What base, values and predictions are measured in: the target's units, or a classifier's log-odds or probability. */
  unit: ExplanationUnit;
  /**
   * A classifier's explained classes (codes), one output each: [1] (the positive class) for two
   * classes, every class for more. Absent for a regressor (one output).
   */
  classes?: number[];
  /** One class explained for two: the other class, whose values are the explained one's negated (pickClass). */
  complement?: number;
  /** Input columns, in the recipe's input order. */
  columns: string[];
  rows: number;
  /** The model's expected output with nothing known about the row (a classifier's: its first explained class's). */
  base: number;
  /** Per output: its expected value (one for a regressor). */
  bases: Float64Array;
  /** rows × outputs × columns (row r, output o, column j at (r · outputs + o) · columns + j), in `unit`. */
  values: Float64Array;
  /** rows × outputs: base + Σ values of each row, the model's output (before any clipping). */
  predictions: Float64Array;
  /** Sampling: permutations used per row. */
  permutations?: number;
  /** Raw-unit values were scaled to the target's units (see the header). */
  scaled: boolean;
}

export type ExplainOptions = SamplingOptions;
export type { ExplanationUnit };

/** Turns raw model outputs into the target's units. */
type Curve = (raw: Float64Array) => Float64Array;

/** An explanation method's answer: values rows × outputs × players, in raw units when `raw`. */
export interface MethodResult {
  bases: Float64Array;
  values: Float64Array;
  permutations?: number;
  raw: boolean;
}

/** Explains one model, prepared once (trees routed, players built) for many calls. */
export class Explainer {
  readonly kind: ExplanationKind;
  readonly unit: ExplanationUnit;
  /** A classifier's explained classes (see Explanation.classes); undefined for a regressor. */
  readonly classes: number[] | undefined;
  /** See Explanation.complement. */
  readonly complement: number | undefined;
  readonly columns: string[];
  private readonly players: Players;
  private readonly curve: Curve | null;
  private readonly method: (X: Matrix) => MethodResult;

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
    if (model instanceof CalibratedClassifier)
      throw new ExplainError(
        'calibrated-model',
        `Explanations of a calibrated classifier are not built yet: its probabilities pass through a ${model.method === 'sigmoid' ? 'Platt' : 'isotonic'} calibration after the ${modelInfo(model.type).label.toLowerCase()} model, which neither TreeSHAP nor the linear method follows. Train it without calibration to explain it.`,
        { field: 'probabilityCalibration' },
      );
    this.kind = explanationKindOf(model);
    this.players = recipe ? playersFromSources(recipe.featureSources(), recipe.inputSchema().map((c) => c.name)) : featurePlayers((source as { features: string[] }).features);
    this.columns = this.players.columns;
    if (isClassifier(model)) {
      // A classifier is explained in its method's own unit: no link, no target decoding.
      this.classes = explainedClasses(model);
      this.complement = complementClass(model, this.classes);
      this.unit = classifierUnit(model, this.kind);
      this.curve = null;
      this.method = classifierMethod(model, this.kind, this.classes, this.players, options);
      return;
    }
    this.classes = undefined;
    this.complement = undefined;
    this.unit = 'target';
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
    const { bases: rawBases, values: raw, permutations, raw: isRaw } = this.method(X);
    const scaled = isRaw && this.curve !== null;
    // A curve is a regressor's: one output.
    const bases = scaled ? Float64Array.of(0) : rawBases;
    let values = raw;
    if (scaled) ({ base: bases[0], values } = throughCurve(rawBases[0], raw, X.rows, m, this.curve!));
    const outputs = bases.length;
    const folded = foldToColumns(this.players, values, X.rows * outputs);
    const c = this.columns.length;
    const predictions = new Float64Array(X.rows * outputs);
    for (let ro = 0; ro < X.rows * outputs; ro++) {
      let s = bases[ro % outputs];
      for (let j = 0; j < c; j++) s += folded[ro * c + j];
      predictions[ro] = s;
    }
    const out: Explanation = { kind: this.kind, unit: this.unit, columns: this.columns, rows: X.rows, base: bases[0], bases, values: folded, predictions, scaled };
    if (this.classes) out.classes = this.classes;
    if (this.complement !== undefined) out.complement = this.complement;
    if (permutations !== undefined) out.permutations = permutations;
    return out;
  }

  private prepare(recipe: FittedRecipe | null): Explainer['method'] {
    const model = this.model;
    const players = this.players;
    if (this.kind !== 'sampling') {
      const exact = exactMethod(model, players);
      return (X) => {
        const r = exact(X);
        return { bases: Float64Array.of(r.base), values: r.values, raw: true };
      };
    }
    const background = backgroundOf(model, this.options.seed ?? 0);
    const cols = players.playerOf.length;
    const predict = (data: Float64Array, rows: number): Float64Array => {
      const y = model.predict({ data, rows, cols });
      return recipe ? recipe.decodeTarget(y) : y;
    };
    return (X) => {
      const s = samplingShapley(predict, X, background, players, this.options);
      return { bases: s.bases, values: s.values, permutations: s.permutations, raw: false };
    };
  }
}

/** How `model` is explained: its catalog's kind, or for an ensemble, exact when every member is (classifiers: classifier.ts). */
export function explanationKindOf(model: Regressor): ExplanationKind {
  if (isClassifier(model)) return classifierKindOf(model);
  if (!(model instanceof EnsembleRegressor)) return modelInfo(model.type).explanation;
  return model.members.every((m) => explanationKindOf(m.model) !== 'sampling') ? 'ensemble' : 'sampling';
}

/** The curve a model's raw output goes through (gradient-boosted trees' log link), or null. */
function linkOf(model: Regressor): Curve | null {
  if (!(model instanceof GradientBoostingRegressor)) return null;
  const loss = lossByName(model.params.loss);
  if (loss.link === 'identity') return null;
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
    const base = treeModelBase(tm)[0];
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
  const none = Float64Array.of(0);
  if (model instanceof DecisionTreeRegressor) return { trees: [flatTreeForShap(model.flatTree(), playerOf)], scale: 1, offset: none };
  if (model instanceof RandomForestRegressor) {
    const trees = model.estimators();
    return { trees: trees.map((t) => flatTreeForShap(t, playerOf)), scale: 1 / trees.length, offset: none };
  }
  if (model instanceof GradientBoostingRegressor) return { trees: ensembleForShap(model.ensemble(), playerOf), scale: 1, offset: Float64Array.of(model.baseline) };
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
