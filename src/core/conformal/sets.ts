/**
 * Conformal prediction sets for classifiers: the classification side of this folder. From a
 * classifier's probabilities on rows it was not fitted on, sorted nonconformity scores; a later
 * row's set at coverage c holds every class whose score, were it the true class, is at most the
 * conformal quantile (quantile.ts) of those scores — so the true class is in the set with
 * probability at least c, whatever the model (Vovk et al. 2005; Angelopoulos & Bates 2021 §1–2).
 *
 * score 'lac' (least ambiguous set-valued classifier, Sadinle et al. 2019):
 *   s(x, y) = 1 − p̂_y(x). The smallest sets on average; a set may be empty where no class is
 *   probable enough at that coverage.
 * score 'aps' (adaptive prediction sets, Romano et al. 2020, without randomisation):
 *   s(x, y) = Σ p̂_j(x) over the classes j with p̂_j(x) ≥ p̂_y(x): the probability mass down to
 *   and including y. Sets grow where the model is unsure; never empty; conservative.
 *
 * The calibration rows come as for intervals (training.ts): a seeded part of the training rows
 * held out of a second fit (hold-out, test file), or k-fold's out-of-fold probabilities.
 */
import { InvalidParamsError } from '../errors';
import { reachableCoverage } from './calibration';
import { conformalQuantile } from './quantile';
import { crossCalibrationRows } from './training';

export type SetScore = 'lac' | 'aps';
export const SET_SCORES: readonly SetScore[] = ['lac', 'aps'];

/** How well the sets did on rows apart from the calibration. */
export interface SetEvaluation {
  /** `test`: the test part; `out-of-fold`: each fold's rows with the quantile of the other folds' scores. */
  kind: 'test' | 'out-of-fold';
  coverage: number;
  /** Share of those rows whose class is in their set. */
  empiricalCoverage: number;
  /** Mean number of classes in a set. */
  meanSetSize: number;
  rows: number;
}

export interface ConformalSets {
  score: SetScore;
  /** `split`: a held-out part of the training rows and a second fit; `cv`: k-fold's out-of-fold probabilities. */
  method: 'split' | 'cv';
  /** The coverage sets are given at unless another is asked for. */
  coverage: number;
  /** Nonconformity scores of the calibration rows, ascending. */
  scores: Float64Array;
  calibrationRows: number;
  evaluation?: SetEvaluation;
}

/** The score of every class of every row as if it were the true one (rows × k). */
export function classScores(score: SetScore, proba: ArrayLike<number>, k: number): Float64Array {
  const rows = proba.length / k;
  const out = new Float64Array(proba.length);
  for (let i = 0; i < rows; i++) {
    const o = i * k;
    for (let c = 0; c < k; c++) {
      const p = proba[o + c];
      if (score === 'lac') {
        out[o + c] = 1 - p;
        continue;
      }
      let mass = 0;
      for (let j = 0; j < k; j++) if (proba[o + j] >= p) mass += proba[o + j];
      out[o + c] = Math.min(1, mass);
    }
  }
  return out;
}

/** Each row's score of its own class. */
export function trueClassScores(score: SetScore, proba: ArrayLike<number>, y: ArrayLike<number>, k: number): Float64Array {
  const all = classScores(score, proba, k);
  return Float64Array.from(y, (c, i) => all[i * k + c]);
}

export interface SetCalibrationInput {
  score: SetScore;
  method: ConformalSets['method'];
  coverage: number;
  /** Probabilities (rows × k) of rows the model was not fitted on, and their class codes. */
  proba: Float64Array;
  y: Float64Array;
  k: number;
}

export function calibrateSets(input: SetCalibrationInput): ConformalSets {
  const scores = trueClassScores(input.score, input.proba, input.y, input.k).sort();
  return { score: input.score, method: input.method, coverage: input.coverage, scores, calibrationRows: input.y.length };
}

/** Set membership (rows × k, 1 = in the set) at `coverage` (default: the calibration's); every class where there are too few scores. */
export function predictSets(c: Pick<ConformalSets, 'score' | 'scores' | 'coverage'>, proba: ArrayLike<number>, k: number, coverage = c.coverage): Uint8Array {
  return membersAt(classScores(c.score, proba, k), conformalQuantile(c.scores, coverage));
}

function membersAt(scores: Float64Array, q: number): Uint8Array {
  // A hair of slack: a score equal to the quantile in exact arithmetic must stay in (1 − p computed twice).
  return Uint8Array.from(scores, (s) => (s <= q + 1e-12 ? 1 : 0));
}

/** Share of rows whose class is in its set, and the mean set size. */
export function scoreSets(kind: SetEvaluation['kind'], y: ArrayLike<number>, members: Uint8Array, k: number, coverage: number): SetEvaluation {
  let inside = 0;
  let size = 0;
  for (let i = 0; i < y.length; i++) {
    if (members[i * k + y[i]]) inside++;
    for (let c = 0; c < k; c++) size += members[i * k + c];
  }
  return { kind, coverage, empiricalCoverage: inside / y.length, meanSetSize: size / y.length, rows: y.length };
}

/** A set as the predictions file writes it: its class labels in class order, joined by '|'. */
export function setLabels(members: Uint8Array, row: number, classes: readonly string[]): string {
  const k = classes.length;
  const out: string[] = [];
  for (let c = 0; c < k; c++) if (members[row * k + c]) out.push(classes[c]);
  return out.join('|');
}

/**
 * The coverage to give sets at: `requested`, or the one the model was calibrated at. Refused, in
 * words, when the model has no set calibration or too few scores for the coverage.
 */
export function setCoverage(c: ConformalSets | undefined, requested?: number, field = 'interval'): number {
  if (!c)
    throw new InvalidParamsError(
      'no-sets',
      'This classifier has no prediction sets: its bundle was made before Loupe computed them, or its training data was too small to calibrate them. Train it again to get them.',
      { field },
    );
  return reachableCoverage(c.scores.length, c.coverage, requested, 'prediction sets', field);
}

export interface SplitSetInput {
  score: SetScore;
  coverage: number;
  /** Probabilities of the calibration rows by the model refitted without them, and their class codes. */
  proba: Float64Array;
  y: Float64Array;
  k: number;
  /** The test part: class codes and the shipped model's probabilities, to measure coverage. */
  test: { y: Float64Array; proba: Float64Array };
}

/** Hold-out / test file: calibrated on the held-out part, judged on the test part. */
export function splitSets(input: SplitSetInput): ConformalSets {
  const c = calibrateSets({ score: input.score, method: 'split', coverage: input.coverage, proba: input.proba, y: input.y, k: input.k });
  return { ...c, evaluation: scoreSets('test', input.test.y, predictSets(c, input.test.proba, input.k), input.k, c.coverage) };
}

export interface CrossSetInput {
  score: SetScore;
  coverage: number;
  /** Out-of-fold probabilities of every training row (rows × k), their class codes and the fold that left each out. */
  proba: Float64Array;
  y: Float64Array;
  k: number;
  foldOf: ArrayLike<number>;
  seed: number;
}

/**
 * k-fold: the out-of-fold scores of every row (at most 20,000, seeded) calibrate the model refitted
 * on all rows. Coverage is estimated as for intervals: each fold's rows get the quantile of the
 * other folds' scores, so no row's own score sets its set.
 */
export function crossSets(input: CrossSetInput): ConformalSets {
  const { k } = input;
  const rows = crossCalibrationRows(input.y.length, input.seed);
  const all = classScores(input.score, input.proba, k);
  const own = Float64Array.from(rows, (r) => all[r * k + input.y[r]]);
  const c: ConformalSets = { score: input.score, method: 'cv', coverage: input.coverage, scores: Float64Array.from(own).sort(), calibrationRows: rows.length };
  let folds = 0;
  for (const r of rows) folds = Math.max(folds, input.foldOf[r] + 1);
  let inside = 0;
  let size = 0;
  for (let f = 0; f < folds; f++) {
    const others = Float64Array.from(own.filter((_, i) => input.foldOf[rows[i]] !== f)).sort();
    const q = conformalQuantile(others, input.coverage);
    rows.forEach((r, i) => {
      if (input.foldOf[r] !== f) return;
      if (own[i] <= q + 1e-12) inside++;
      for (let j = 0; j < k; j++) if (all[r * k + j] <= q + 1e-12) size++;
    });
  }
  return { ...c, evaluation: { kind: 'out-of-fold', coverage: input.coverage, empiricalCoverage: inside / rows.length, meanSetSize: size / rows.length, rows: rows.length } };
}

/** What a person is told about a classifier's prediction sets (no scores): for screens, reports and worker messages. */
export interface SetSummary {
  score: SetScore;
  method: ConformalSets['method'];
  coverage: number;
  calibrationRows: number;
  evaluation?: SetEvaluation;
}

export function setSummary(c: ConformalSets): SetSummary {
  return { score: c.score, method: c.method, coverage: c.coverage, calibrationRows: c.calibrationRows, ...(c.evaluation ? { evaluation: { ...c.evaluation } } : {}) };
}
