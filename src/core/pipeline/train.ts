/**
 * The training run — the one place a training request is carried out, end to end. The train
 * worker (one candidate per job) and the CLI (every candidate) only call `runTraining` and
 * report what it returns.
 *
 * dataset + recipe + candidates + split →
 *   1. cleaning, then rows without a target dropped (counted, warned);
 *   2. degenerate data refused early: a constant target, a test part (or fold) under 2 rows;
 *   3. the split, once (seeded: every worker that runs part of a request sees the same rows);
 *   4. the recipe fitted on the training rows only (k-fold: one per fold too);
 *   5. per candidate: fit, predict the test rows (k-fold: every fold, then a refit on all rows),
 *      metrics, per-row test predictions (k-fold: out of fold), the calibration of its prediction
 *      intervals (conformal/training.ts: a refit without a held-out part of the training rows,
 *      or k-fold's out-of-fold errors) with their coverage on the test part, the bundle;
 *   6. with `ensemble`: one more candidate, the ensemble of the finished ones, weighed on their
 *      out-of-fold predictions (k-fold: the run's own; otherwise `ensembleOutOfFold`, a search's)
 *      and scored as every candidate is (pipeline/ensemble.ts);
 *   7. a leaderboard ranked by R² — by RMSE, said so, where R² is undefined (a constant test
 *      target) — and the best model.
 * A classification target (the recipe's task, data/task.ts) takes the same path with: classes
 * from every row after cleaning (LabelEncoder order, so folds keep their codes), stratified
 * hold-out and k-fold, `classCount` passed to every fit, classification metrics with the binary
 * decision threshold, per-row probabilities kept, ranking by `metric` (default ROC AUC), only
 * classifiers as candidates, optional probability calibration (`calibration`), and conformal
 * prediction sets (conformal/sets.ts) where a regressor gets intervals, calibrated the same way.
 * Stages log structured lines and fail with a PipelineError naming the stage; one candidate
 * failing does not stop the others; cancellation stops everything.
 */
import { checkpoint, throwIfAborted } from '../abort';
import { createBundle, type ModelBundle } from '../bundle/bundle';
import { predictIntervals, scoreIntervals, type ConformalCalibration } from '../conformal/calibration';
import { calibrationPart, crossCalibration, intervalPlan, splitCalibration, tooFewForCrossCalibration, type IntervalRequest } from '../conformal/training';
import { crossSets, splitSets, type ConformalSets } from '../conformal/sets';
import { takeMatrixRows, takeValues } from '../conformal/rows';
import { referenceProfile, type ReferenceProfile } from '../bundle/reference-profile';
import { encodeReferenceSample, REFERENCE_SAMPLE_ROWS, sampleRowIndices } from '../bundle/reference-sample';
import { kFold, stratifiedKFold, stratifiedTrainTestSplit, trainTestSplit, type SplitIndices } from '../data/split';
import { checkClasses, classCodes, classLabels, resolveTask } from '../data/task';
import { classificationMetrics, decide, type ClassificationMetrics } from '../metrics/classification';
import { classificationMetric, classificationRankingScore, DEFAULT_CLASSIFICATION_METRIC, type ClassificationMetricName } from '../metrics/classification-ranking';
import { takeRows } from '../data';
import type { Column, Table } from '../data/types';
import { classificationDiagnostics, evaluationDiagnostics } from '../report/diagnostics';
import { CancelledError, LoupeError, PipelineError, isCancelled, type PipelineStage } from '../errors';
import { meanMetrics, regressionMetrics, type RegressionMetrics } from '../metrics';
import { emptyHistory, type FitHistory } from '../models/history';
import type { TreeSharing } from '../models/forest/tree-share';
import { createModel, MODEL_TYPES, modelInfo, modelLabel } from '../models/registry';
import { CALIBRATION_HOLDOUT, CalibratedClassifier, calibrationChoice, calibrationMethod, type CalibrationChoice } from '../models/calibration-model';
import { isClassifier, type Matrix, type ModelType, type Regressor, type Task } from '../models/types';
import { permutation, Rng } from '../random';
import { applyCleaning, fitRecipe, type FitRecipeOptions, type FittedRecipe, type Recipe } from '../recipe';
import { ensembleCandidate, ENSEMBLE_NAME, type EnsembleMemberInfo, type EnsembleRequest, type OutOfFoldCandidate } from './ensemble';
import { Logger, type LogSink } from './log';
import { rankingScore, type RankedBy } from './ranking';

export { rankingScore, isClassificationRanking, type RankedBy } from './ranking';

export interface CandidateSpec {
  /** Display name, unique within a run (defaults to the model's label). */
  name?: string;
  type: ModelType;
  params?: Record<string, unknown>;
}

export type SplitSpec =
  | { kind: 'holdout'; testSize: number; seed: number }
  | { kind: 'test-table'; table: Table; seed: number }
  | { kind: 'kfold'; k: number; seed: number };

/** What the split was, as recorded in reports, runs and bundle lineage. */
export interface SplitInfo {
  kind: SplitSpec['kind'];
  seed: number;
  testSize?: number;
  k?: number;
  trainRows: number;
  testRows: number;
  /** Rows removed by cleaning before the split. */
  removedByCleaning: number;
}

/** The dataset version a request trains on (bundle lineage). */
export interface DatasetRef {
  /** SHA-256 hex of the file's bytes. */
  hash: string;
  name?: string;
  /** Rows before cleaning (defaults to the table's). */
  rows?: number;
}

export interface TrainingProgress {
  candidate: string;
  candidateIndex: number;
  candidates: number;
  /** 0..1 within this candidate. */
  fraction: number;
  /** 0..1 over the whole run. */
  overall: number;
  step?: number;
  totalSteps?: number;
  loss?: { train?: number; validation?: number };
}

/** Rows of per-row test predictions a candidate keeps by default (a seeded sample beyond it). */
export const MAX_EVALUATION_ROWS = 100_000;

export interface TrainingRequest {
  table: Table;
  recipe: Recipe;
  candidates: CandidateSpec[];
  split: SplitSpec;
  dataset: DatasetRef;
  /** Seed given to every seeded model (per the catalog) whose params do not set one. */
  modelSeed?: number;
  /**
   * Prediction intervals calibrated per candidate and stored in its bundle (default: 90 %,
   * normalised by a residual model); false for none (hold-out splits then skip a second fit).
   */
  intervals?: IntervalRequest | false;
  /** Which candidates get a bundle: each finished one (default), only the best, or none. */
  bundles?: 'each' | 'best' | 'none';
  /** Per-row test predictions kept per candidate; beyond it, a seeded sample (default MAX_EVALUATION_ROWS). */
  maxEvaluationRows?: number;
  /**
   * Training rows each bundle carries as its drift reference (a seeded sample of the training
   * inputs with the model's predictions on them; bundle/reference-sample.ts). Default
   * REFERENCE_SAMPLE_ROWS (10,000); 0 for none.
   */
  referenceSampleRows?: number;
  signal?: AbortSignalLike;
  onProgress?: (p: TrainingProgress) => void;
  onLog?: LogSink;
  /** Called when a candidate finishes, fails or is cancelled (for live leaderboards and run records). */
  onCandidateDone?: (r: CandidateResult) => void;
  /** Random forests grow their trees in other workers too (the app's pool); the result is the same. */
  shareTrees?: TreeSharing;
  /** Classification: the metric the leaderboard ranks by (default roc_auc). Ignored for regression. */
  metric?: ClassificationMetricName;
  /**
   * Binary classification: the decision threshold on the positive class's probability (code 1)
   * that metrics such as accuracy and F1 are computed with and the bundle predicts with (default 0.5).
   */
  threshold?: number;
  /**
   * Classification: calibrate each candidate's probabilities — 'platt' (a sigmoid) or 'isotonic',
   * fitted on a seeded, stratified 20 % of each fit's training rows held out of the model's fit
   * (models/calibration-model.ts); the calibrated model is the one scored and bundled. Default 'none'.
   */
  calibration?: CalibrationChoice;
  /**
   * Add the ensemble of the finished candidates (named "Ensemble") as one more candidate,
   * weighed on their out-of-fold predictions (pipeline/ensemble.ts): a k-fold run's own, or
   * `ensembleOutOfFold` with any split.
   */
  ensemble?: EnsembleRequest;
  /**
   * Out-of-fold predictions made elsewhere (a search's cross-validation of the same training
   * rows), one per candidate in order (null: that candidate takes no part), for the ensemble.
   */
  ensembleOutOfFold?: SuppliedOutOfFold;
  /**
   * Candidates' fits made elsewhere (a search's worker threads or pool workers), one entry per
   * candidate in order, on exactly this run's rows (the same table, recipe and split give the
   * same rows): the run takes those models instead of fitting them itself. A promise that
   * resolves to undefined (the worker could not) leaves that fit to the run. The folds' fits are
   * always the run's own, and so is every fit of a probability-calibrated classifier.
   */
  prefitted?: readonly (FitsElsewhere | undefined)[];
}

/** A model fitted outside the run, and how long that fit took. */
export interface PrefittedModel {
  model: Regressor;
  seconds: number;
}

/** One candidate's fits made outside the run; started before the run asks for them, they go on side by side. */
export interface FitsElsewhere {
  /** On every training row: the model the run ships. */
  all?: Promise<PrefittedModel | undefined>;
  /**
   * On the proper part of the hold-out calibration split (conformal/training.ts
   * `calibrationPart`, at `holdOutCalibrationCoverage`): the second fit whose errors on the
   * calibration part calibrate the intervals (or a classifier's prediction sets).
   */
  proper?: Promise<PrefittedModel | undefined>;
}

/**
 * The coverage at which a run of this request makes a second, hold-out calibration fit of each
 * candidate (conformal/training.ts `calibrationPart`), or null when it makes none: k-fold
 * calibrates on the folds, no intervals were asked for, or a probability-calibrated classifier
 * is fitted only by the run.
 */
export function holdOutCalibrationCoverage(req: Pick<TrainingRequest, 'split' | 'intervals' | 'calibration'>): number | null {
  if (req.split.kind === 'kfold' || calibrationMethod(req.calibration)) return null;
  return intervalPlan(req.intervals)?.coverage ?? null;
}

/** Candidates' out-of-fold predictions of the run's training rows, made by a cross-validation outside the run. */
export interface SuppliedOutOfFold {
  /** The training rows' targets, in the target's units, in the run's training-row order. */
  actual: Float64Array;
  /** The fold (0..k−1) that held each row out. */
  foldOf: Uint32Array;
  /** Per candidate (the request's order): its out-of-fold predictions in the target's units, or null. */
  byCandidate: (Float64Array | null)[];
}

export type CandidateStatus = 'finished' | 'failed' | 'cancelled';

/**
 * Per-row predictions on the rows a candidate was scored on, in the target's own units:
 * the test rows (hold-out, test file) or every row predicted by the fold that left it out (k-fold).
 */
export interface Evaluation {
  kind: 'test' | 'out-of-fold';
  /** Classification: class codes. */
  actual: Float64Array;
  /** Classification: the decided class codes (binary: by the run's threshold). */
  predicted: Float64Array;
  /** Classification: the rows' class probabilities, rows × K row-major (for ROC, PR, reliability and threshold screens). */
  probabilities?: Float64Array;
  /** Classification, k-fold: the fold (0..k−1) that held each row out, so scores at another decision threshold can be taken per fold. */
  foldOf?: Uint32Array;
  /** Rows scored; when more than were kept, `actual`/`predicted` are a seeded sample of them. */
  totalRows: number;
}

export interface CandidateResult {
  name: string;
  type: ModelType;
  /** Hyperparameters with defaults filled in. */
  params: Record<string, unknown>;
  status: CandidateStatus;
  /** Test metrics (k-fold: mean over folds); regression. */
  metrics?: RegressionMetrics;
  /** Per-fold test metrics for k-fold; regression. */
  folds?: RegressionMetrics[];
  /** A classifier's test metrics (k-fold: mean over folds). */
  classification?: ClassificationMetrics;
  /** A classifier's per-fold test metrics for k-fold. */
  classificationFolds?: ClassificationMetrics[];
  fitSeconds: number;
  predictSeconds: number;
  history: FitHistory;
  /** The fitted model (k-fold: refitted on every row). */
  model?: Regressor;
  evaluation?: Evaluation;
  featureImportance?: Float64Array;
  /** Conformal calibration of its prediction intervals, with their coverage on the test part (k-fold: out of fold). */
  intervals?: ConformalCalibration;
  /** A classifier's conformal prediction sets, with their coverage and mean size on the test part (k-fold: out of fold). */
  predictionSets?: ConformalSets;
  /** Built for finished candidates as `TrainingRequest.bundles` asks. */
  bundle?: ModelBundle;
  /** An ensemble: the candidates it blends and their weights. */
  members?: EnsembleMemberInfo[];
  /**
   * An ensemble of a run with a test part: its cross-validated metrics too (each fold predicted
   * with weights chosen on the other folds), for choosing it without looking at the test rows.
   */
  outOfFoldMetrics?: RegressionMetrics;
  error?: { code: string; message: string; stage: PipelineStage };
}

/** Something about the data or the split a person should know; the run went on. */
export interface RunWarning {
  code: 'missing-target' | 'wide-data' | 'r2-undefined' | 'no-intervals' | 'rare-class';
  message: string;
  column?: string;
  rows?: number;
}

export interface TrainingResult {
  split: SplitInfo;
  recipe: FittedRecipe;
  /** Best first by `rankedBy`; failed and cancelled candidates last. */
  leaderboard: CandidateResult[];
  best?: string;
  /**
   * Regression: R² unless it is undefined on the test part (a constant test target): then RMSE.
   * Classification: the request's metric (default roc_auc).
   */
  rankedBy: RankedBy | ClassificationMetricName;
  /** What the run predicted: regression, or classification (the recipe's task, resolved on the target). */
  task: Task;
  /** Classification: the class labels, code 0 first. */
  classes?: string[];
  /** Binary classification: the decision threshold the metrics and bundles use. */
  threshold?: number;
  /** Classification: the probability calibration of every candidate ('none' when uncalibrated). */
  calibration?: CalibrationChoice;
  warnings: RunWarning[];
  /**
   * The transformed rows a fitted model can be examined on (permutation importance): the test
   * rows, or for k-fold the training rows (the refit saw them: in-sample).
   */
  evaluationRows: { X: Matrix; y: Float64Array; inSample: boolean };
  logs: Logger['lines'];
}

const now = (): number => performance.now();

/** Runs a stage, turning unexpected errors into a PipelineError that names it. */
async function stage<T>(name: PipelineStage, log: Logger, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isCancelled(e)) throw e instanceof CancelledError ? e : new CancelledError();
    if (e instanceof PipelineError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    log.error(name, message);
    throw new PipelineError(e instanceof LoupeError ? e.code : 'stage-failed', `${capitalize(name)} failed: ${message}`, { ...(e instanceof LoupeError ? e.where : {}), stage: name }, { cause: e });
  }
}

function capitalize(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}

export interface Prepared {
  X: Matrix;
  y: Float64Array;
  yRaw: Float64Array;
}

function prepare(recipe: FittedRecipe, table: Table): Prepared {
  const { X, y } = recipe.transformTable(table);
  if (!y) throw new PipelineError('missing-target', `The target column "${recipe.recipe.target}" is missing.`, { column: recipe.recipe.target, stage: 'transformation' });
  if (recipe.task === 'classification') {
    const codes = recipe.targetCodes(table);
    return { X, y: codes, yRaw: codes };
  }
  return { X, y: recipe.encodeTarget(y), yRaw: y };
}

export function candidateNames(candidates: CandidateSpec[]): string[] {
  const seen = new Map<string, number>();
  return candidates.map((c) => {
    const base = c.name ?? modelLabel(c.type);
    const k = (seen.get(base) ?? 0) + 1;
    seen.set(base, k);
    return k === 1 ? base : `${base} #${k}`;
  });
}

/** The params a candidate is built with: the request's seed for seeded models that set none. */
function candidateParams(spec: CandidateSpec, modelSeed: number | undefined): Record<string, unknown> {
  const given = spec.params ?? {};
  if (modelSeed === undefined || !modelInfo(spec.type).seeded || given.seed !== undefined) return given;
  return { ...given, seed: modelSeed };
}

export async function runTraining(req: TrainingRequest): Promise<TrainingResult> {
  const log = new Logger(req.onLog);
  const { signal } = req;
  const warnings: RunWarning[] = [];
  const warn = (w: RunWarning): void => {
    warnings.push(w);
    log.warn('transformation', w.message, w.rows !== undefined ? { data: { rows: w.rows } } : {});
  };
  throwIfAborted(signal);
  if (req.candidates.length === 0) throw new PipelineError('no-candidates', 'Choose at least one model to train.', { stage: 'training' });
  const names = candidateNames(req.candidates);
  if (req.ensemble && req.split.kind !== 'kfold' && !req.ensembleOutOfFold)
    throw new PipelineError('ensemble-needs-folds', 'An ensemble is weighed on its members’ out-of-fold predictions: choose k-fold cross-validation to build one.', { field: 'ensemble', stage: 'training' });
  const supplied = req.ensembleOutOfFold;
  if (req.prefitted && req.prefitted.length !== req.candidates.length)
    throw new PipelineError('bad-request', `Models fitted elsewhere were given for ${req.prefitted.length} candidates; there are ${req.candidates.length}.`, { field: 'prefitted', stage: 'training' });
  if (supplied && supplied.byCandidate.length !== req.candidates.length)
    throw new PipelineError('bad-ensemble', `Out-of-fold predictions were given for ${supplied.byCandidate.length} candidates; there are ${req.candidates.length}.`, { field: 'ensembleOutOfFold', stage: 'training' });
  const sampleRows = req.referenceSampleRows ?? REFERENCE_SAMPLE_ROWS;
  if (!(Number.isInteger(sampleRows) && sampleRows >= 0))
    throw new PipelineError('bad-reference-rows', `The reference sample size must be a whole number of at least 0; got ${sampleRows}.`, { field: 'referenceSampleRows', stage: 'transformation' });

  const { cleaned, splitInfo, folds, fullTrain, recipe, train, test, foldData, rankedBy, task, classes, threshold } = await prepareRun(req, log, warn, (t) =>
    refuseWrongTask(req.candidates, names, t, req.recipe.target),
  );
  const split = req.split;
  const target = req.recipe.target;
  const calMethod = await stage('training', log, () => {
    const m = calibrationMethod(req.calibration);
    if (m && task !== 'classification')
      throw new PipelineError('bad-calibration', `Probability calibration is for classifiers; "${target}" is a regression target.`, { field: 'calibration', stage: 'training' });
    return m;
  });
  if (calMethod) log.info('training', `Probabilities calibrated (${calibrationChoice(calMethod)}) on a stratified ${CALIBRATION_HOLDOUT * 100} % of each fit's training rows`, { data: { calibration: calibrationChoice(calMethod) } });

  // Prediction intervals: the calibration part of the training rows (hold-out), or k-fold's folds.
  // A classifier gets prediction sets instead, from the same calibration rows.
  let plan = intervalPlan(req.intervals);
  const kind = task === 'classification' ? 'sets' : 'intervals';
  let calPart: { proper: Uint32Array; calibration: Uint32Array } | undefined;
  let foldOf: Uint32Array | undefined;
  if (plan && test) {
    const p = calibrationPart(train.X.rows, split.seed, plan.coverage, kind);
    if ('reason' in p) {
      warn({ code: 'no-intervals', message: p.reason, rows: train.X.rows });
      plan = null;
    } else calPart = p;
  } else if (plan) {
    const reason = tooFewForCrossCalibration(cleaned.rowCount, plan.coverage, kind);
    if (reason) {
      warn({ code: 'no-intervals', message: reason, rows: cleaned.rowCount });
      plan = null;
    } else foldOf = foldIndex(folds, cleaned.rowCount);
  }

  const maxRows = req.maxEvaluationRows ?? MAX_EVALUATION_ROWS;
  const keptRows = (n: number): Uint32Array | null => (n > maxRows ? permutation(n, new Rng(split.seed)).slice(0, maxRows).sort() : null);

  const results: CandidateResult[] = [];
  /** k-fold with an ensemble: every finished candidate's out-of-fold predictions of every row (evaluations may keep a sample). */
  const outOfFold = new Map<string, { oof: Float64Array; actual: Float64Array }>();
  const n = req.candidates.length;
  for (let ci = 0; ci < n; ci++) {
    const spec = req.candidates[ci];
    const name = names[ci];
    const given = candidateParams(spec, req.modelSeed);
    const report = (fraction: number, extra: Partial<TrainingProgress> = {}): void =>
      req.onProgress?.({ candidate: name, candidateIndex: ci, candidates: n, fraction, overall: (ci + fraction) / n, ...extra });
    let result: CandidateResult;
    let params: Record<string, unknown> = {};
    try {
      params = { ...createModel(spec.type, given).params };
      log.info('training', `Training ${name}`, { candidate: name });
      report(0);
      const parts = foldData.length + 1 + (calPart ? 1 : 0);
      const elsewhere = req.prefitted?.[ci];
      /** Fits the candidate on these rows (part: its share of the progress), or takes the same fit made elsewhere. */
      const fit = async (X: Matrix, y: Float64Array, part: number, made?: Promise<PrefittedModel | undefined>): Promise<PrefittedModel> => {
        if (made && !calMethod) {
          const done = await made;
          if (done && done.model.type === spec.type) {
            report((part + 1) / parts);
            return done;
          }
        }
        const base = createModel(spec.type, given);
        // Calibrated: the base model fits 80 % of these rows, its calibration the other 20 %.
        const model = calMethod && task === 'classification' ? new CalibratedClassifier(base, calMethod, split.seed ^ 0xca1) : base;
        const t0 = now();
        await model.fit(X, y, {
          signal,
          shareTrees: req.shareTrees,
          ...(task === 'classification' ? { classCount: classes.length } : {}),
          onProgress: (p) => report((part + p.fraction) / parts, { step: p.step, totalSteps: p.totalSteps, loss: p.loss }),
        });
        return { model, seconds: (now() - t0) / 1000 };
      };
      if (task === 'classification') {
        const k = classes.length;
        const score = (m: Regressor, X: Matrix, y: Float64Array) => scoreClassifier(m, X, y, k, threshold);
        let cls: ClassificationMetrics;
        let clsFolds: ClassificationMetrics[] | undefined;
        let fitSeconds = 0;
        let predictSeconds = 0;
        let evaluation: Evaluation;
        let model: Regressor;
        let sets: ConformalSets | undefined;
        if (foldData.length > 0) {
          clsFolds = [];
          const oofActual = new Float64Array(cleaned.rowCount);
          const oofPred = new Float64Array(cleaned.rowCount);
          const oofProba = new Float64Array(cleaned.rowCount * k);
          const oofFold = new Uint32Array(cleaned.rowCount);
          for (let f = 0; f < foldData.length; f++) {
            const fd = foldData[f];
            const fitted = await fit(fd.train.X, fd.train.y, f);
            fitSeconds += fitted.seconds;
            const t1 = now();
            const sc = score(fitted.model, fd.test.X, fd.test.yRaw);
            predictSeconds += (now() - t1) / 1000;
            clsFolds.push(sc.metrics);
            for (let i = 0; i < fd.rows.length; i++) {
              const r = fd.rows[i];
              oofActual[r] = fd.test.yRaw[i];
              oofPred[r] = sc.predicted[i];
              oofProba.set(sc.proba.subarray(i * k, i * k + k), r * k);
              oofFold[r] = f;
            }
            log.info('evaluation', `Fold ${f + 1}/${foldData.length}: ${classificationLine(sc.metrics)}`, { candidate: name });
            await checkpoint(signal);
          }
          fitSeconds /= foldData.length;
          predictSeconds /= foldData.length;
          cls = meanMetrics(clsFolds);
          if (plan && foldOf) sets = crossSets({ score: plan.setScore, coverage: plan.coverage, proba: oofProba, y: oofActual, k, foldOf, seed: split.seed });
          model = (await fit(train.X, train.y, foldData.length, elsewhere?.all)).model;
          const keep = keptRows(oofActual.length);
          evaluation = { ...evaluationOf('out-of-fold', oofActual, oofPred, keep, oofProba, k), ...foldsOf(oofFold, keep) };
        } else {
          const f = await fit(train.X, train.y, 0, elsewhere?.all);
          model = f.model;
          fitSeconds = f.seconds;
          const t1 = now();
          const sc = score(model, test!.X, test!.yRaw);
          predictSeconds = (now() - t1) / 1000;
          cls = sc.metrics;
          evaluation = evaluationOf('test', test!.yRaw, sc.predicted, keptRows(sc.predicted.length), sc.proba, k);
          if (plan && calPart) {
            // As for intervals: the same candidate (calibrated too, if asked) refitted without the calibration part.
            const refit = (await fit(takeMatrixRows(train.X, calPart.proper), takeValues(train.y, calPart.proper), 1, elsewhere?.proper)).model;
            if (!isClassifier(refit)) throw new PipelineError('wrong-task', `${modelLabel(refit.type)} predicts numbers, not classes.`, { stage: 'evaluation' });
            const proba = refit.predictProba(takeMatrixRows(train.X, calPart.calibration));
            sets = splitSets({ score: plan.setScore, coverage: plan.coverage, proba, y: takeValues(train.y, calPart.calibration), k, test: { y: test!.yRaw, proba: sc.proba } });
          }
        }
        if (sets?.evaluation) {
          const e = sets.evaluation;
          log.info('evaluation', `${name}: ${(e.coverage * 100).toFixed(0)} % prediction sets (${sets.score.toUpperCase()}) cover ${(e.empiricalCoverage * 100).toFixed(1)} % of ${e.kind === 'test' ? 'the test rows' : 'rows out of fold'}, mean size ${e.meanSetSize.toFixed(3)}`, {
            candidate: name,
            data: { coverage: e.coverage, empiricalCoverage: e.empiricalCoverage, meanSetSize: e.meanSetSize },
          });
        }
        result = finishedResult({ name, type: spec.type, params }, model, { fitSeconds, predictSeconds }, evaluation, {
          classification: cls,
          ...(clsFolds ? { classificationFolds: clsFolds } : {}),
          ...(sets ? { predictionSets: sets } : {}),
        });
        log.info('evaluation', `${name}: ${classificationLine(cls)}, fit ${fitSeconds.toFixed(2)} s`, {
          candidate: name,
          data: { rocAuc: cls.rocAuc, logLoss: cls.logLoss, accuracy: cls.accuracy, f1: cls.f1, fitSeconds },
        });
        report(1);
        results.push(result);
        req.onCandidateDone?.(result);
        continue;
      }
      let metrics: RegressionMetrics;
      let foldMetrics: RegressionMetrics[] | undefined;
      let fitSeconds: number;
      let predictSeconds: number;
      let evaluation: Evaluation;
      let model: Regressor;
      let intervals: ConformalCalibration | undefined;
      if (foldData.length > 0) {
        foldMetrics = [];
        fitSeconds = 0;
        predictSeconds = 0;
        const oofActual = new Float64Array(cleaned.rowCount);
        const oofPred = new Float64Array(cleaned.rowCount);
        for (let k = 0; k < foldData.length; k++) {
          const fd = foldData[k];
          const f = await fit(fd.train.X, fd.train.y, k);
          fitSeconds += f.seconds;
          const t1 = now();
          const pred = fd.recipe.decodeTarget(f.model.predict(fd.test.X));
          predictSeconds += (now() - t1) / 1000;
          foldMetrics.push(regressionMetrics(fd.test.yRaw, pred));
          for (let i = 0; i < fd.rows.length; i++) {
            oofActual[fd.rows[i]] = fd.test.yRaw[i];
            oofPred[fd.rows[i]] = pred[i];
          }
          log.info('evaluation', `Fold ${k + 1}/${foldData.length}: R² ${foldMetrics[k].r2.toFixed(4)}, RMSE ${foldMetrics[k].rmse.toFixed(2)}`, { candidate: name });
          await checkpoint(signal);
        }
        fitSeconds /= foldData.length;
        predictSeconds /= foldData.length;
        metrics = meanMetrics(foldMetrics);
        model = (await fit(train.X, train.y, foldData.length, elsewhere?.all)).model;
        evaluation = evaluationOf('out-of-fold', oofActual, oofPred, keptRows(oofActual.length));
        if (req.ensemble && !supplied) outOfFold.set(name, { oof: oofPred, actual: oofActual });
        if (plan && foldOf) intervals = await crossCalibration({ plan, X: train.X, actual: oofActual, predicted: oofPred, foldOf, seed: split.seed, signal });
      } else {
        const f = await fit(train.X, train.y, 0, elsewhere?.all);
        model = f.model;
        fitSeconds = f.seconds;
        const t1 = now();
        const pred = recipe.decodeTarget(model.predict(test!.X));
        predictSeconds = (now() - t1) / 1000;
        metrics = regressionMetrics(test!.yRaw, pred);
        evaluation = evaluationOf('test', test!.yRaw, pred, keptRows(pred.length));
        if (plan && calPart) {
          const t2 = now();
          intervals = await splitCalibration({
            plan,
            part: calPart,
            train,
            fitAndPredict: async (fx, fy, px) => recipe.decodeTarget((await fit(fx, fy, 1, elsewhere?.proper)).model.predict(px)),
            test: { X: test!.X, yRaw: test!.yRaw, predicted: pred },
            seed: split.seed,
            signal,
          });
          log.info('evaluation', `${name}: intervals calibrated on ${intervals.calibrationRows} held-out training rows in ${((now() - t2) / 1000).toFixed(2)} s`, { candidate: name });
        }
      }
      if (intervals?.evaluation) {
        const e = intervals.evaluation;
        log.info('evaluation', `${name}: ${(e.coverage * 100).toFixed(0)} % intervals cover ${(e.empiricalCoverage * 100).toFixed(1)} % of ${e.kind === 'test' ? 'the test rows' : 'rows out of fold'}, mean width ${e.meanWidth.toPrecision(5)}`, {
          candidate: name,
          data: { coverage: e.coverage, empiricalCoverage: e.empiricalCoverage, meanWidth: e.meanWidth },
        });
      }
      result = finishedResult({ name, type: spec.type, params }, model, { fitSeconds, predictSeconds }, evaluation, {
        metrics,
        folds: foldMetrics,
        ...(intervals ? { intervals } : {}),
      });
      log.info('evaluation', `${name}: R² ${metrics.r2.toFixed(4)}, RMSE ${metrics.rmse.toFixed(2)}, fit ${fitSeconds.toFixed(2)} s`, {
        candidate: name,
        data: { r2: metrics.r2, rmse: metrics.rmse, mae: metrics.mae, fitSeconds },
      });
      report(1);
    } catch (e) {
      if (isCancelled(e) || signal?.aborted) {
        log.warn('training', `${name} cancelled`, { candidate: name });
        results.push(failed(name, spec, params, 'cancelled', e));
        req.onCandidateDone?.(results[results.length - 1]);
        throw e instanceof CancelledError ? e : new CancelledError();
      }
      const msg = e instanceof Error ? e.message : String(e);
      log.error('training', `${name} failed: ${msg}`, { candidate: name });
      result = failed(name, spec, params, 'failed', e);
    }
    const suppliedOof = supplied?.byCandidate[ci];
    if (req.ensemble && suppliedOof && result.status === 'finished') outOfFold.set(name, { oof: suppliedOof, actual: supplied!.actual });
    results.push(result);
    req.onCandidateDone?.(result);
  }

  if (req.ensemble) {
    const foldOf = supplied?.foldOf ?? foldIndex(folds, cleaned.rowCount);
    const r = await ensembleResult(req.ensemble, results, outOfFold, { recipe, foldOf, plan, X: train.X, test, seed: split.seed, signal, log, keptRows });
    results.push(r);
    req.onCandidateDone?.(r);
  }

  const leaderboard = rankCandidates(results, rankedBy);
  const best = leaderboard.find((r) => r.status === 'finished');
  if (!best) throw new PipelineError('all-failed', 'Every candidate model failed; see the log for each.', { stage: 'training' });
  if (best.classification) log.info('evaluation', `Best model by ${classificationMetric(rankedBy).label}: ${best.name} (${classificationLine(best.classification)})`, { candidate: best.name });
  else log.info('evaluation', `Best model by ${rankedBy === 'r2' ? 'R²' : 'RMSE'}: ${best.name} (R² ${best.metrics!.r2.toFixed(4)}, RMSE ${best.metrics!.rmse.toFixed(2)})`, { candidate: best.name });

  const bundles = req.bundles ?? 'each';
  if (bundles !== 'none') {
    const reference = referenceProfile(fullTrain, [...recipe.inputSchema().map((c) => c.name), target]);
    const sample = await stage('evaluation', log, () => sampleRowsOf(fullTrain, train.X, recipe, sampleRows, split.seed));
    for (const r of bundles === 'each' ? leaderboard.filter((c) => c.status === 'finished') : [best])
      r.bundle = candidateBundle(r, { recipe, split: splitInfo, seed: split.seed, dataset: req.dataset, datasetRows: req.dataset.rows ?? req.table.rowCount, reference, sample, threshold });
  }

  const evaluationRows = test ? { X: test.X, y: test.yRaw, inSample: false } : { X: train.X, y: train.yRaw, inSample: true };
  return {
    split: splitInfo,
    recipe,
    leaderboard,
    best: best.name,
    rankedBy,
    task,
    ...(task === 'classification' ? { classes } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
    ...(task === 'classification' ? { calibration: calMethod ? calibrationChoice(calMethod) : ('none' as const) } : {}),
    warnings,
    evaluationRows,
    logs: log.lines,
  };
}
/** A finished candidate: its model, timings and evaluation, with the scores of its task. */
function finishedResult(
  who: Pick<CandidateResult, 'name' | 'type' | 'params'>,
  model: Regressor,
  timing: Pick<CandidateResult, 'fitSeconds' | 'predictSeconds'>,
  evaluation: Evaluation,
  scores: Pick<CandidateResult, 'metrics' | 'folds' | 'classification' | 'classificationFolds' | 'intervals' | 'predictionSets'>,
): CandidateResult {
  return { ...who, status: 'finished', ...scores, ...timing, history: model.history(), model, evaluation, featureImportance: model.featureImportance() };
}

/** A classifier's probabilities, decided classes (binary: by the threshold) and metrics on rows with class codes `y`. */
function scoreClassifier(model: Regressor, X: Matrix, y: Float64Array, k: number, threshold: number | undefined): { proba: Float64Array; predicted: Float64Array; metrics: ClassificationMetrics } {
  if (!isClassifier(model)) throw new PipelineError('wrong-task', `${modelLabel(model.type)} predicts numbers, not classes.`, { stage: 'evaluation' });
  const proba = model.predictProba(X);
  return { proba, predicted: decide(proba, k, threshold), metrics: classificationMetrics(y, proba, k, { threshold }) };
}

/** A log line of a classifier's scores. */
function classificationLine(m: ClassificationMetrics): string {
  return `ROC AUC ${m.rocAuc.toFixed(4)}, log loss ${m.logLoss.toFixed(4)}, accuracy ${m.accuracy.toFixed(4)}, F1 ${m.f1.toFixed(4)}`;
}

/** The target column of a table (PipelineError naming it when absent). */
function targetColumn(table: Table, target: string): Column {
  const col = table.columns.find((c) => c.name === target);
  if (!col) throw new PipelineError('missing-target', `The target column "${target}" is not in the dataset.`, { column: target, stage: 'transformation' });
  return col;
}

/** Every candidate must learn the run's task: a regressor for a classification target (or the reverse) is refused, naming it. */
function refuseWrongTask(candidates: CandidateSpec[], names: string[], task: Task, target: string): void {
  candidates.forEach((c, i) => {
    if (!modelInfo(c.type).tasks.includes(task)) throw wrongTaskError(names[i], c.type, task, target, `candidates[${i}]`);
  });
}

/** A model of the other task, refused naming it (`name (type)`), the target, and the models that fit. */
export function wrongTaskError(name: string, type: ModelType, task: Task, target: string, field: string): PipelineError {
  const fitting = MODEL_TYPES.filter((t) => modelInfo(t).tasks.includes(task));
  return new PipelineError(
    'wrong-task',
    `${name} (${type}) is a ${task === 'classification' ? 'regression' : 'classification'} model, but "${target}" is a ${task} target. Choose ${
      fitting.length ? `among ${fitting.join(', ')}` : `a ${task} model`
    }.`,
    { field, stage: 'training' },
  );
}

/**
 * Classes too rare for the split: fewer rows than folds (some folds test none of them), or for a
 * hold-out fewer than 2 (on one side only). Warned, never silent; the run goes on.
 */
function warnRareClasses(codes: Float64Array, classes: string[], target: string, need: number, kind: SplitSpec['kind'], warn: (w: RunWarning) => void): void {
  if (kind === 'test-table') return;
  const counts = new Array<number>(classes.length).fill(0);
  for (const c of codes) counts[c]++;
  classes.forEach((label, k) => {
    if (counts[k] >= need) return;
    warn({
      code: 'rare-class',
      column: target,
      rows: counts[k],
      message:
        kind === 'kfold'
          ? `The class ${JSON.stringify(label)} of "${target}" has ${counts[k]} row${counts[k] === 1 ? '' : 's'}, fewer than the ${need} folds: some folds test none of it, and its scores there are undefined.`
          : `The class ${JSON.stringify(label)} of "${target}" has ${counts[k]} row: it cannot be both learned and tested.`,
    });
  });
}



/** The fold that holds each row out, from k folds' test rows. */
function foldIndex(folds: { test: Uint32Array }[], n: number): Uint32Array {
  const foldOf = new Uint32Array(n);
  folds.forEach((f, k) => f.test.forEach((r) => (foldOf[r] = k)));
  return foldOf;
}

/**
 * The ensemble of the finished candidates, as a candidate (failed, with the reason, when it
 * cannot be built). k-fold: scored out of fold; with a test part: on it, like the others, and
 * its out-of-fold metrics kept beside.
 */
async function ensembleResult(
  request: EnsembleRequest,
  results: CandidateResult[],
  outOfFold: Map<string, { oof: Float64Array; actual: Float64Array }>,
  run: {
    recipe: FittedRecipe;
    foldOf: Uint32Array;
    plan: ReturnType<typeof intervalPlan>;
    X: Matrix;
    test: Prepared | undefined;
    seed: number;
    signal: AbortSignalLike | undefined;
    log: Logger;
    keptRows: (n: number) => Uint32Array | null;
  },
): Promise<CandidateResult> {
  const { log, test, recipe } = run;
  const members: OutOfFoldCandidate[] = results
    .filter((r) => r.status === 'finished' && r.model && outOfFold.has(r.name))
    .map((r) => ({ name: r.name, type: r.type, oof: outOfFold.get(r.name)!.oof, model: r.model!, fitSeconds: r.fitSeconds, predictSeconds: r.predictSeconds }));
  const spec: CandidateSpec = { type: 'ensemble', params: { ...request } };
  try {
    log.info('training', `Building ${ENSEMBLE_NAME} of ${members.length} candidates`, { candidate: ENSEMBLE_NAME });
    const actual = members.length ? outOfFold.get(members[0].name)!.actual : new Float64Array(0);
    const { foldOf } = run;
    let k = 0;
    for (const f of foldOf) k = Math.max(k, f + 1);
    const e = ensembleCandidate({ candidates: members, actual, recipe, foldOf, k, request });
    const cv = e.result.metrics!;
    const cal = run.plan ? await crossCalibration({ plan: run.plan, X: run.X, actual, predicted: e.oofPredicted, foldOf, seed: run.seed, signal: run.signal }) : undefined;
    log.info('evaluation', `${ENSEMBLE_NAME}: ${e.result.members!.map((x) => `${x.name} ${x.weight.toFixed(2)}`).join(', ')}; out of fold R² ${cv.r2.toFixed(4)}, RMSE ${cv.rmse.toFixed(2)} (weights chosen without each scored fold)`, {
      candidate: ENSEMBLE_NAME,
      data: { r2: cv.r2, rmse: cv.rmse, members: e.result.members!.length },
    });
    if (!test) return { ...e.result, evaluation: evaluationOf('out-of-fold', actual, e.oofPredicted, run.keptRows(actual.length)), ...(cal ? { intervals: cal } : {}) };
    // A test part: scored on it as every candidate is; intervals calibrated out of fold, judged on it.
    const t0 = now();
    const pred = recipe.decodeTarget(e.result.model!.predict(test.X));
    const predictSeconds = (now() - t0) / 1000;
    const metrics = regressionMetrics(test.yRaw, pred);
    const intervals = cal ? { ...cal, evaluation: scoreIntervals('test', test.yRaw, predictIntervals(cal, test.X, pred)) } : undefined;
    log.info('evaluation', `${ENSEMBLE_NAME}: test R² ${metrics.r2.toFixed(4)}, RMSE ${metrics.rmse.toFixed(2)}`, { candidate: ENSEMBLE_NAME, data: { r2: metrics.r2, rmse: metrics.rmse } });
    return {
      ...e.result,
      metrics,
      folds: undefined,
      outOfFoldMetrics: cv,
      predictSeconds,
      evaluation: evaluationOf('test', test.yRaw, pred, run.keptRows(pred.length)),
      ...(intervals ? { intervals } : {}),
    };
  } catch (e) {
    if (isCancelled(e)) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    log.error('training', `${ENSEMBLE_NAME} failed: ${msg}`, { candidate: ENSEMBLE_NAME });
    return failed(ENSEMBLE_NAME, spec, spec.params!, 'failed', e);
  }
}

/** A fold of the training rows: its own recipe fitted on its training part, both parts transformed. */
export interface FoldData {
  recipe: FittedRecipe;
  /** Positions (in the rows the folds were cut from) of the rows it tests. */
  rows: Uint32Array;
  train: Prepared;
  test: Prepared;
}

/** What the split and the recipe give a run, before any model is fitted. */
export interface PreparedRun {
  /** The rows after cleaning and dropping rows without a target. */
  cleaned: Table;
  splitInfo: SplitInfo;
  /** k-fold: the folds over `cleaned`; otherwise empty. */
  folds: SplitIndices[];
  /** The training rows: the recipe that ships is fitted on them (k-fold: every cleaned row). */
  fullTrain: Table;
  recipe: FittedRecipe;
  train: Prepared;
  test?: Prepared;
  foldData: FoldData[];
  /** Regression: r2 or rmse; classification: the request's metric. */
  rankedBy: RankedBy | ClassificationMetricName;
  task: Task;
  /** Classification: the class labels, code 0 first (from every cleaned row); empty for regression. */
  classes: string[];
  /** Binary classification: the decision threshold. */
  threshold?: number;
}

/**
 * Each fold fits its own recipe on its training rows (nothing of the rows it tests leaks into
 * their features). Used by k-fold runs and by the model search's cross-validation (search.ts).
 */
export function foldParts(rows: Table, recipe: Recipe, folds: readonly SplitIndices[], options: FitRecipeOptions = {}): FoldData[] {
  return folds.map((f) => {
    const trT = takeRows(rows, f.train);
    const teT = takeRows(rows, f.test);
    const r = fitRecipe(recipe, trT, options);
    return { recipe: r, rows: f.test, train: prepare(r, trT), test: prepare(r, teT) };
  });
}

/**
 * Stages 1–4 of a run: cleaning, dropping rows without a target, refusing degenerate data, the
 * split, the recipe fitted on the training rows (k-fold: per fold too) and how to rank. Shared by
 * runTraining and the model search, so both see the same rows and features for the same request.
 */
export async function prepareRun(
  req: Pick<TrainingRequest, 'table' | 'recipe' | 'split' | 'metric' | 'threshold'>,
  log: Logger,
  warn: (w: RunWarning) => void,
  /** Checks the candidates against the resolved task (runTraining refuses a model of the other task). */
  checkTask?: (task: Task) => void,
): Promise<PreparedRun> {
  const target = req.recipe.target;
  const split = req.split;
  // ---- transformation: cleaning, split, recipe fitted on training rows only ----
  const { cleaned, removed } = await stage('transformation', log, () => {
    const c = applyCleaning(req.table, req.recipe);
    for (const s of c.steps) log.info('transformation', `${s.description}: removed ${s.removed} rows`, { data: { removed: s.removed } });
    const t = dropMissingTarget(c.table, target, warn);
    return { cleaned: t, removed: req.table.rowCount - t.rowCount };
  });
  log.info('ingestion', `Dataset: ${req.table.rowCount} rows, ${req.table.columns.length} columns`, { data: { rows: req.table.rowCount } });

  // ---- the task, and for classification the classes of every row (so folds keep their codes) ----
  const { task, reason: taskReason } = await stage('transformation', log, () => resolveTask(req.recipe.task, targetColumn(cleaned, target)));
  log.info('transformation', `Task: ${task} (${taskReason})`, { data: { task } });
  if (checkTask) await stage('training', log, () => checkTask(task));
  let classes: string[] = [];
  let codes: Float64Array | undefined;
  let metric: ClassificationMetricName = DEFAULT_CLASSIFICATION_METRIC;
  let threshold: number | undefined;
  if (task === 'classification') {
    await stage('transformation', log, () => {
      const col = targetColumn(cleaned, target);
      classes = classLabels(col);
      checkClasses(classes, target);
      codes = classCodes(col, classes);
      metric = classificationMetric(req.metric ?? DEFAULT_CLASSIFICATION_METRIC).name;
      const t = req.threshold ?? 0.5;
      if (!(t >= 0 && t <= 1)) throw new PipelineError('bad-threshold', `The decision threshold must lie between 0 and 1; got ${t}.`, { field: 'threshold', stage: 'transformation' });
      if (classes.length === 2) threshold = t;
    });
    log.info('transformation', `Classes: ${classes.map((c) => JSON.stringify(c)).join(', ')}`, { data: { classes: classes.length } });
  } else await stage('transformation', log, () => refuseConstantTarget(cleaned, target, 'the data'));

  let splitInfo!: SplitInfo;
  let folds: SplitIndices[] = [];
  let holdout: { train: Table; test: Table } | undefined;
  await stage('transformation', log, () => {
    if (split.kind === 'holdout') {
      if (!(split.testSize > 0 && split.testSize < 1)) throw new PipelineError('bad-split', `Test share must be between 0 and 1; got ${split.testSize}.`, { field: 'testSize', stage: 'transformation' });
      const s = codes ? stratifiedTrainTestSplit(codes, { testSize: split.testSize, seed: split.seed }) : trainTestSplit(cleaned.rowCount, { testSize: split.testSize, seed: split.seed });
      holdout = { train: takeRows(cleaned, s.train), test: takeRows(cleaned, s.test) };
      splitInfo = { kind: 'holdout', seed: split.seed, testSize: split.testSize, trainRows: s.train.length, testRows: s.test.length, removedByCleaning: removed };
    } else if (split.kind === 'test-table') {
      // A label the training rows never show cannot be scored: named by its row in the test file.
      if (task === 'classification') classCodes(targetColumn(split.table, target), classes);
      const t = dropMissingTarget(applyCleaning(split.table, req.recipe).table, target, warn);
      holdout = { train: cleaned, test: t };
      splitInfo = { kind: 'test-table', seed: split.seed, trainRows: cleaned.rowCount, testRows: t.rowCount, removedByCleaning: removed };
    } else {
      if (!(Number.isInteger(split.k) && split.k >= 2))
        throw new PipelineError('bad-split', `k must be a whole number of at least 2; got ${split.k}.`, { field: 'k', stage: 'transformation' });
      if (cleaned.rowCount < 2 * split.k)
        throw new PipelineError(
          'test-too-small',
          `${split.k}-fold cross-validation of ${cleaned.rowCount} rows leaves folds of fewer than 2 rows, too few to score a model; choose k ≤ ${Math.floor(cleaned.rowCount / 2)}.`,
          { field: 'k', stage: 'transformation' },
        );
      folds = codes ? stratifiedKFold(codes, split.k, split.seed) : kFold(cleaned.rowCount, split.k, split.seed);
      splitInfo = { kind: 'kfold', seed: split.seed, k: split.k, trainRows: cleaned.rowCount, testRows: cleaned.rowCount, removedByCleaning: removed };
    }
    if (holdout) {
      if (holdout.train.rowCount < 2)
        throw new PipelineError('train-too-small', `The split leaves ${holdout.train.rowCount} training rows; a model needs at least 2.`, { stage: 'transformation' });
      if (holdout.test.rowCount < 2)
        throw new PipelineError(
          'test-too-small',
          `The test part has ${holdout.test.rowCount} row${holdout.test.rowCount === 1 ? '' : 's'}; scoring a model needs at least 2 (R² is undefined on one row). ${
            split.kind === 'holdout' ? 'Use a larger test share or k-fold cross-validation.' : 'Use a larger test file.'
          }`,
          { field: split.kind === 'holdout' ? 'testSize' : 'test', stage: 'transformation' },
        );
      if (task === 'regression') refuseConstantTarget(holdout.train, target, 'the training rows');
    }
    if (codes) warnRareClasses(codes, classes, target, split.kind === 'kfold' ? split.k : 2, split.kind, warn);
  });
  log.info('transformation', `Split: ${splitInfo.kind}, ${splitInfo.trainRows} training rows, ${splitInfo.testRows} test rows`, {
    data: { trainRows: splitInfo.trainRows, testRows: splitInfo.testRows, seed: split.seed },
  });

  // The recipe fitted on all training rows (the one that ships in a bundle).
  const fullTrain = holdout ? holdout.train : cleaned;
  const classOrder: FitRecipeOptions = task === 'classification' ? { classes } : {};
  const recipe = await stage('transformation', log, () => fitRecipe(req.recipe, fullTrain, classOrder));
  const train = await stage('transformation', log, () => prepare(recipe, fullTrain));
  const test = holdout ? await stage('transformation', log, () => prepare(recipe, holdout!.test)) : undefined;
  log.info('transformation', `Features: ${recipe.featureNames.join(', ')}`, { data: { features: recipe.featureNames.length } });
  if (recipe.featureNames.length > train.X.rows)
    warn({
      code: 'wide-data',
      message: `There are more features (${recipe.featureNames.length}) than training rows (${train.X.rows}): models can fit the training rows exactly and generalise poorly. Penalised models (ridge, lasso) or fewer features are safer.`,
      rows: train.X.rows,
    });

  // k-fold: each fold fits its own recipe on its training rows.
  const foldData = await stage('transformation', log, () => foldParts(cleaned, req.recipe, folds, classOrder));

  // R² is undefined where the test target does not vary (scikit-learn reports 0 or 1 by convention).
  const testTargets = test ? [test.yRaw] : foldData.map((f) => f.test.yRaw);
  const constantPart = task === 'regression' ? testTargets.findIndex(isConstant) : -1;
  const rankedBy: RankedBy | ClassificationMetricName = task === 'classification' ? metric : constantPart >= 0 ? 'rmse' : 'r2';
  if (constantPart >= 0)
    warn({
      code: 'r2-undefined',
      column: target,
      message: `The target "${target}" has the same value in every row of ${test ? 'the test part' : `fold ${constantPart + 1}`}, so R² is undefined there: models are ranked by RMSE instead.`,
    });

  return { cleaned, splitInfo, folds, fullTrain, recipe, train, test, foldData, rankedBy, task, classes, ...(threshold !== undefined ? { threshold } : {}) };
}

/** The training rows a bundle's reference sample holds: their input columns and their feature rows. */
interface SampledRows {
  inputs: Table;
  X: Matrix;
  sourceRows: number;
  seed: number;
}

function sampleRowsOf(rows: Table, X: Matrix, recipe: FittedRecipe, max: number, seed: number): SampledRows | undefined {
  if (max === 0) return undefined;
  const idx = sampleRowIndices(rows.rowCount, max, seed);
  const data = new Float64Array(idx.length * X.cols);
  for (let k = 0; k < idx.length; k++) data.set(X.data.subarray(idx[k] * X.cols, (idx[k] + 1) * X.cols), k * X.cols);
  return { inputs: recipe.inputTable(takeRows(rows, idx)), X: { data, rows: idx.length, cols: X.cols, features: X.features }, sourceRows: rows.rowCount, seed };
}

/** The bundle of a finished candidate: built here and nowhere else. */
function candidateBundle(
  r: CandidateResult,
  run: { recipe: FittedRecipe; split: SplitInfo; seed: number; dataset: DatasetRef; datasetRows: number; reference: ReferenceProfile; sample?: SampledRows; threshold?: number },
): ModelBundle {
  const sample = run.sample;
  const model = r.model!;
  const classifier = isClassifier(model) ? model : undefined;
  // The reference sample's predictions are what the bundle predicts: a classifier's decided class codes.
  const predictOn = (X: Matrix): Float64Array => (classifier ? decide(classifier.predictProba(X), classifier.classCount, run.threshold) : run.recipe.decodeTarget(model.predict(X)));
  return createBundle({
    name: `${run.recipe.recipe.target} — ${r.name}`,
    recipe: run.recipe,
    model,
    metrics: r.classification
      ? { classification: { test: r.classification, ...(r.classificationFolds ? { folds: r.classificationFolds } : {}) }, fitSeconds: r.fitSeconds, predictSeconds: r.predictSeconds }
      : { test: r.metrics, folds: r.folds, fitSeconds: r.fitSeconds, predictSeconds: r.predictSeconds },
    ...(run.threshold !== undefined ? { threshold: run.threshold } : {}),
    lineage: { datasetHash: run.dataset.hash, datasetName: run.dataset.name, datasetRows: run.datasetRows, split: run.split, seed: run.seed },
    referenceProfile: run.reference,
    referenceSample: sample
      ? encodeReferenceSample({ table: sample.inputs, predictions: predictOn(sample.X), sourceRows: sample.sourceRows, seed: sample.seed })
      : undefined,
    predictionSets: r.predictionSets,
    intervals: r.intervals,
    diagnostics: !r.evaluation
      ? undefined
      : classifier && r.evaluation.probabilities
        ? classificationDiagnostics(r.evaluation.kind, r.evaluation.actual, r.evaluation.probabilities, classifier.classCount, run.threshold, r.evaluation.totalRows)
        : classifier
          ? undefined
          : evaluationDiagnostics(r.evaluation.kind, r.evaluation.actual, r.evaluation.predicted, r.evaluation.totalRows),
  });
}

function evaluationOf(kind: Evaluation['kind'], actual: Float64Array, predicted: Float64Array, keep: Uint32Array | null, probabilities?: Float64Array, k = 0): Evaluation {
  if (!keep) return { kind, actual, predicted, ...(probabilities ? { probabilities } : {}), totalRows: actual.length };
  const out: Evaluation = { kind, actual: Float64Array.from(keep, (i) => actual[i]), predicted: Float64Array.from(keep, (i) => predicted[i]), totalRows: actual.length };
  if (probabilities) {
    const kept = new Float64Array(keep.length * k);
    keep.forEach((row, j) => kept.set(probabilities.subarray(row * k, row * k + k), j * k));
    out.probabilities = kept;
  }
  return out;
}

/** The fold of each kept row (all rows when `keep` is null). */
function foldsOf(foldOf: Uint32Array, keep: Uint32Array | null): { foldOf: Uint32Array } {
  return { foldOf: keep ? Uint32Array.from(keep, (i) => foldOf[i]) : foldOf };
}

function failed(name: string, spec: CandidateSpec, params: Record<string, unknown>, status: CandidateStatus, e: unknown): CandidateResult {
  const code = e instanceof LoupeError ? e.code : 'error';
  const message = e instanceof Error ? e.message : String(e);
  return { name, type: spec.type, params, status, fitSeconds: 0, predictSeconds: 0, history: emptyHistory(), error: { code, message, stage: 'training' } };
}

/** Best first: by R² descending, RMSE ascending, or a classification metric; unfinished candidates last, in their order. */
export function rankCandidates(results: CandidateResult[], by: RankedBy | ClassificationMetricName = 'r2'): CandidateResult[] {
  const score = (r: CandidateResult): number => rankingScore(r, by);
  return results
    .map((r, i) => ({ r, i }))
    .sort((a, b) => score(b.r) - score(a.r) || a.i - b.i)
    .map((x) => x.r);
}

function isConstant(y: Float64Array): boolean {
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return false;
  return true;
}

function targetValues(table: Table, target: string): Float64Array {
  const col = targetColumn(table, target);
  if (col.type !== 'numeric')
    throw new PipelineError('target-not-numeric', `The target column "${target}" holds labels, not numbers: regression predicts a number. Train for classification.`, {
      column: target,
      stage: 'transformation',
    });
  return col.values;
}

/** A target with one value everywhere leaves nothing to learn (and would score a perfect R²). */
function refuseConstantTarget(table: Table, target: string, where: string): void {
  const y = targetValues(table, target);
  if (y.length > 0 && isConstant(y))
    throw new PipelineError('constant-target', `The target "${target}" is ${y[0]} in every row of ${where}: there is nothing to predict. Choose another target or check the cleaning steps.`, {
      column: target,
      stage: 'transformation',
    });
}

/**
 * Rows without a target value cannot be learned from or scored: they are removed before the
 * split, counted and warned about (never silently). A target column that is absent or not a
 * number is an error naming it.
 */
function dropMissingTarget(table: Table, target: string, warn: (w: RunWarning) => void): Table {
  const col = targetColumn(table, target);
  const keep: number[] = [];
  if (col.type === 'numeric') {
    for (let i = 0; i < col.values.length; i++) if (Number.isFinite(col.values[i])) keep.push(i);
  } else for (let i = 0; i < col.codes.length; i++) if (col.codes[i] >= 0) keep.push(i);
  if (keep.length === table.rowCount) return table;
  if (keep.length === 0) throw new PipelineError('no-target-values', `The target column "${target}" has no values.`, { column: target, stage: 'transformation' });
  const removed = table.rowCount - keep.length;
  warn({ code: 'missing-target', column: target, rows: removed, message: `Removed ${removed} row${removed === 1 ? '' : 's'} whose target "${target}" is missing${col.type === 'numeric' ? ' or not a finite number' : ''}.` });
  return takeRows(table, Uint32Array.from(keep));
}
