/**
 * Explanations of classifiers: which classes are explained, in which unit, by which method.
 *
 * - Two classes: the positive class (code 1) alone; more: every class, one output each (the
 *   caller picks a row's class: its predicted one by default, see pickClass).
 * - Gradient-boosted trees: exact TreeSHAP on the raw margin, the log-odds of class 1 for two
 *   classes and each class's softmax score for more (what SHAP's TreeExplainer gives by default).
 * - Logistic regression: exact coefficient × (x − training mean) on the same margin.
 * - Decision tree and random forest: exact TreeSHAP over the leaves' class shares, in probability.
 * - Anything else (k-NN, the MLP): sampling Shapley on predictProba's explained columns, against
 *   the background rows the model keeps (`backgroundRows(seed)`): the Classifier contract plus
 *   that one method is all a new classifier needs to be explained.
 *
 * In every case base + Σ values = the model's output in that unit, row by row.
 */
import { ExplainError } from '../errors';
import { modelInfo, type ExplanationKind } from '../models/catalog';
import { RandomForestClassifier } from '../models/forest';
import { GradientBoostingClassifier } from '../models/gbdt';
import { LogisticRegression } from '../models/linear';
import { DecisionTreeClassifier } from '../models/tree';
import type { Classifier, Matrix } from '../models/types';
import type { ExplainOptions, MethodResult } from './explain';
import type { ExplanationUnit } from './method';
import type { Players } from './players';
import { samplingShapley } from './sampling';
import { ensembleForShap, flatTreeForShap, treeModelBase, treeModelShap, type TreeModel } from './tree-models';

export type { ExplanationUnit };

/**
 * A classifier explained through one class: the other class, whose values are that one's negated
 * (its probability is 1 − p, its log-odds −z); undefined when every class has an output.
 */
export function complementClass(model: Classifier, classes: number[]): number | undefined {
  if (classes.length !== 1) return undefined;
  if (model instanceof LogisticRegression) return model.fittedClasses[0];
  return classes[0] === 1 ? 0 : undefined;
}

/** The class codes explained, one output each. */
export function explainedClasses(model: Classifier): number[] {
  if (model instanceof LogisticRegression) {
    // Only the classes it was fitted on have a margin; two fitted classes share one (the second's log-odds).
    const fitted = Array.from(model.fittedClasses);
    return fitted.length === 2 ? [fitted[1]] : fitted;
  }
  return model.classCount === 2 ? [1] : Array.from({ length: model.classCount }, (_, k) => k);
}

/** How a classifier is explained: exact where its catalog says so and its class is one Loupe knows, else sampled. */
export function classifierKindOf(model: Classifier): ExplanationKind {
  const kind = modelInfo(model.type).explanation;
  if (kind === 'tree-shap' && (model instanceof GradientBoostingClassifier || model instanceof DecisionTreeClassifier || model instanceof RandomForestClassifier)) return kind;
  if (kind === 'linear' && model instanceof LogisticRegression) return kind;
  return 'sampling';
}

export function classifierUnit(model: Classifier, kind: ExplanationKind): ExplanationUnit {
  return kind === 'linear' || (kind === 'tree-shap' && model instanceof GradientBoostingClassifier) ? 'log-odds' : 'probability';
}

export function classifierMethod(model: Classifier, kind: ExplanationKind, classes: number[], players: Players, options: ExplainOptions): (X: Matrix) => MethodResult {
  if (kind === 'tree-shap') {
    const tm = classifierTrees(model, classes, players.playerOf);
    const bases = treeModelBase(tm);
    return (X) => ({ bases, values: treeModelShap(tm, X, players.count), raw: true });
  }
  if (kind === 'linear') return logisticMethod(model as LogisticRegression, players);
  const background = classifierBackground(model, options.seed ?? 0);
  const K = model.classCount;
  const cols = players.playerOf.length;
  const O = classes.length;
  const predict = (data: Float64Array, rows: number): Float64Array => {
    const p = model.predictProba({ data, rows, cols });
    const out = new Float64Array(rows * O);
    for (let r = 0; r < rows; r++) for (let o = 0; o < O; o++) out[r * O + o] = p[r * K + classes[o]];
    return out;
  };
  return (X) => {
    const s = samplingShapley(predict, X, background, players, options, O);
    return { bases: s.bases, values: s.values, permutations: s.permutations, raw: false };
  };
}

function classifierTrees(model: Classifier, classes: number[], playerOf: Int32Array): TreeModel {
  const offset = new Float64Array(classes.length);
  if (model instanceof DecisionTreeClassifier) return { trees: [flatTreeForShap(model.flatTree(), playerOf, classes)], scale: 1, offset };
  if (model instanceof RandomForestClassifier) {
    const trees = model.estimators();
    return { trees: trees.map((t) => flatTreeForShap(t, playerOf, classes)), scale: 1 / trees.length, offset };
  }
  if (model instanceof GradientBoostingClassifier) {
    // One booster output per explained class: the single log-odds output for two classes, class k's scores for more.
    const ensembles = model.ensembles();
    const baselines = model.baselines;
    const outputOf = (k: number) => (ensembles.length === 1 ? 0 : k);
    return {
      trees: classes.flatMap((k, o) => ensembleForShap(ensembles[outputOf(k)], playerOf, o)),
      scale: 1,
      offset: Float64Array.from(classes, (k) => baselines[outputOf(k)]),
    };
  }
  throw new Error(`${model.type} has no trees to explain.`);
}

/** Exact: each fitted class's margin intercept + coef · x, split as coef × (x − training mean). */
function logisticMethod(model: LogisticRegression, players: Players): (X: Matrix) => MethodResult {
  const mean = model.trainingMean;
  if (!mean)
    throw new ExplainError(
      'no-training-mean',
      'This logistic regression was saved by an earlier Loupe, which did not record the training mean of each feature; explanations measure from it. Retrain the model to explain it.',
      { field: 'model.state.xMean' },
    );
  const coef = model.coef;
  const intercept = model.intercept;
  const O = intercept.length;
  const p = mean.length;
  const m = players.count;
  const bases = new Float64Array(O);
  for (let o = 0; o < O; o++) {
    bases[o] = intercept[o];
    for (let j = 0; j < p; j++) bases[o] += coef[o * p + j] * mean[j];
  }
  return (X) => {
    const values = new Float64Array(X.rows * O * m);
    for (let r = 0; r < X.rows; r++)
      for (let o = 0; o < O; o++) {
        const at = (r * O + o) * m;
        for (let j = 0; j < p; j++) values[at + players.playerOf[j]] += coef[o * p + j] * (X.data[r * X.cols + j] - mean[j]);
      }
    return { bases, values, raw: true };
  };
}

/** The rows a sampled classifier keeps for explanations (`backgroundRows(seed)`), or ExplainError. */
function classifierBackground(model: Classifier, seed: number): Float64Array {
  const keeps = model as Classifier & { backgroundRows?: (seed: number) => Float64Array | undefined };
  const bg = typeof keeps.backgroundRows === 'function' ? keeps.backgroundRows(seed) : undefined;
  if (!bg)
    throw new ExplainError(
      'no-background',
      `This ${modelInfo(model.type).label.toLowerCase()} model keeps no sample of its training rows (saved by an earlier Loupe, or a kind that never did), and sampled explanations compare against one. Retrain the model to explain it.`,
      { field: 'model.state.background' },
    );
  return bg;
}
