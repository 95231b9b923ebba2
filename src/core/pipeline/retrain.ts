/**
 * Retraining: a champion bundle + new labelled rows → a challenger, and which of the two is better.
 * The CLI's `retrain` and the app's retrain worker only call `runRetrain` and report.
 *
 *   1. the data (retrain-data.ts): the new rows split once, seeded — a held-out part for scoring,
 *      the rest for training; with base rows (the champion's own training data) in front of them
 *      for 'all', or the last N of base then new for 'window';
 *   2. the challenger trained by `runTraining` with the champion's recipe (unfitted: it is
 *      refitted on the new training rows) and by default its model type and hyperparameters
 *      (seed included), or a fresh choice of candidates (the best of them is the challenger);
 *   3. both scored on the SAME rows: the held-out part cleaned by the recipe, rows without a
 *      target dropped, and rows either model cannot predict (an unseen category with unknown
 *      'error') left out of both, counted;
 *   4. `better` by the run's ranking metric — R², or RMSE where the held-out target is constant;
 *      for a classifier the request's metric (ROC AUC by default, log loss lower-is-better), both
 *      models' probabilities scored at the champion's decision threshold — and the champion kept
 *      on a tie (a challenger has to earn the alias).
 * A classifier's challenger must learn the champion's classes: new training rows that lack one
 * of them (or bring another) are refused, naming the classes, since the two models' scores would
 * not be of the same question.
 * The challenger's bundle names its parents in its lineage: the dataset versions its rows came
 * from and the champion it was retrained from.
 */
import { readyToPredict, type LoadedBundle, type ModelBundle } from '../bundle/bundle';
import { columnByName, takeRows } from '../data/table';
import type { Table } from '../data/types';
import { PipelineError } from '../errors';
import { sha256Hex } from '../hash';
import { regressionMetrics, type RegressionMetrics } from '../metrics';
import { classificationMetrics, type ClassificationMetrics } from '../metrics/classification';
import { classificationMetric, DEFAULT_CLASSIFICATION_METRIC, type ClassificationMetricName } from '../metrics/classification-ranking';
import { isClassifier, type Regressor } from '../models/types';
import { applyCleaning, type FittedRecipe } from '../recipe';
import type { LogSink } from './log';
import { rankingScore, type RankedBy } from './ranking';
import { assembleRetrainData, DEFAULT_HOLDOUT_SHARE, type RetrainMode } from './retrain-data';
import { runTraining, type CandidateResult, type CandidateSpec, type DatasetRef, type TrainingProgress, type TrainingResult } from './train';

export { DEFAULT_HOLDOUT_SHARE, RETRAIN_MODES, type RetrainMode } from './retrain-data';

/** A source of rows and the dataset version it is. */
export interface RetrainSource {
  table: Table;
  dataset: DatasetRef;
}

export interface RetrainRequest {
  champion: LoadedBundle;
  /** The new labelled rows (they hold the target column). */
  newData: RetrainSource;
  /** The rows the champion was trained on; needed for 'all', used by 'window' when given. */
  base?: RetrainSource;
  mode: RetrainMode;
  /** mode 'window': how many of the newest rows to train on. */
  window?: number;
  /** Share of the new rows held out for scoring (default 0.2). */
  holdoutShare?: number;
  /** Seed of the held-out split (default: the champion's split seed). */
  seed?: number;
  /** A fresh model choice; default the champion's model type and hyperparameters. */
  candidates?: CandidateSpec[];
  /** A classifier's: the metric the challenger is chosen and compared by (default roc_auc). */
  metric?: ClassificationMetricName;
  signal?: AbortSignalLike;
  onProgress?: (p: TrainingProgress) => void;
  onLog?: LogSink;
  onCandidateDone?: (r: CandidateResult) => void;
}

/** One model's side of the comparison: a regressor's metrics, or a classifier's. */
export interface ContenderScore {
  name: string;
  type: string;
  metrics?: RegressionMetrics;
  classification?: ClassificationMetrics;
}

export interface RetrainComparison {
  champion: ContenderScore;
  challenger: ContenderScore;
  /** Held-out rows both models were scored on. */
  evaluatedRows: number;
  /** Held-out rows left out: cleaned away, without a target, or not predictable by one model. */
  skippedRows: { cleaning: number; missingTarget: number; unpredictable: number };
  rankedBy: RankedBy | ClassificationMetricName;
  better: 'champion' | 'challenger';
}

/** What a bundle's lineage records about a retrain (the parents and how the rows were drawn). */
export interface RetrainLineage {
  mode: RetrainMode;
  window?: number;
  holdoutShare: number;
  seed: number;
  /** The champion retrained: its name, the dataset version it was trained on and when it was built. */
  champion: { name: string; datasetHash: string; createdAt: string };
}

export interface RetrainResult extends RetrainComparison {
  mode: RetrainMode;
  window?: number;
  holdoutShare: number;
  seed: number;
  /** The training rows: the derived dataset version, its parents, and how many came from each. */
  training: { dataset: Required<Pick<DatasetRef, 'hash' | 'name' | 'rows'>>; parents: ParentRef[]; baseRows: number; newRows: number };
  /** The challenger's bundle, its lineage naming its parents. */
  bundle: ModelBundle;
  /** The training run (every candidate, the split, logs) for run records. */
  run: TrainingResult;
  warnings: string[];
}

/** A dataset version a derived one was drawn from. */
export interface ParentRef {
  hash: string;
  name?: string;
  /** Rows of it in use (before the held-out split for the new data). */
  rows: number;
  role: 'base' | 'new';
}

/**
 * The id of a derived dataset version: the SHA-256 of its definition (its parents' hashes and how
 * rows were drawn from them), so the same retrain of the same files is the same version.
 */
export async function derivedDatasetHash(definition: { parents: ParentRef[]; mode: RetrainMode; window?: number; holdoutShare: number; seed: number }): Promise<string> {
  const text = JSON.stringify({
    kind: 'loupe-retrain-training-rows',
    parents: definition.parents.map((p) => [p.role, p.hash]),
    mode: definition.mode,
    window: definition.window ?? null,
    holdoutShare: definition.holdoutShare,
    seed: definition.seed,
  });
  return sha256Hex(new TextEncoder().encode(text));
}

export async function runRetrain(req: RetrainRequest): Promise<RetrainResult> {
  const champion = await readyToPredict(req.champion);
  const classifying = champion.recipe.task === 'classification';
  const metric = classifying ? classificationMetric(req.metric ?? DEFAULT_CLASSIFICATION_METRIC).name : undefined;
  // A classifier's recipe may say 'auto': the challenger learns what the champion learned.
  const recipe = classifying ? { ...champion.recipe.recipe, task: 'classification' as const } : champion.recipe.recipe;
  const target = recipe.target;
  const holdoutShare = req.holdoutShare ?? DEFAULT_HOLDOUT_SHARE;
  const seed = req.seed ?? champion.bundle.lineage.seed;
  const warnings: string[] = [];

  const data = assembleRetrainData({
    recipe,
    newTable: req.newData.table,
    baseTable: req.base?.table,
    mode: req.mode,
    window: req.window,
    holdoutShare,
    seed,
    newLabel: req.newData.dataset.name ? `The new data (${req.newData.dataset.name})` : undefined,
    baseLabel: req.base?.dataset.name ? `The base data (${req.base.dataset.name})` : undefined,
  });
  if (data.windowClipped)
    warnings.push(`The window asks for ${data.windowClipped.asked} rows but only ${data.windowClipped.available} are available for training; all of them were used.`);

  // The held-out rows as both models are scored on them.
  const cleaned = applyCleaning(data.holdout, recipe).table;
  const labelled = labelledRows(cleaned, target);
  const skipped = { cleaning: data.holdout.rowCount - cleaned.rowCount, missingTarget: cleaned.rowCount - labelled.length, unpredictable: 0 };
  const evalTable = labelled.length === cleaned.rowCount ? cleaned : takeRows(cleaned, labelled);
  if (evalTable.rowCount < 2)
    throw new PipelineError(
      'test-too-small',
      `The held-out part of the new data has ${evalTable.rowCount} labelled row${evalTable.rowCount === 1 ? '' : 's'} after cleaning; scoring the models needs at least 2. Use more new rows or a larger held-out share.`,
      { field: 'testSize', stage: 'evaluation' },
    );

  const parents: ParentRef[] = [];
  const useBase = req.base !== undefined && req.mode !== 'new' && data.baseRows > 0;
  if (useBase) parents.push({ role: 'base', hash: req.base!.dataset.hash, name: req.base!.dataset.name, rows: req.base!.dataset.rows ?? req.base!.table.rowCount });
  parents.push({ role: 'new', hash: req.newData.dataset.hash, name: req.newData.dataset.name, rows: req.newData.dataset.rows ?? req.newData.table.rowCount });
  const hash = await derivedDatasetHash({ parents, mode: req.mode, window: req.window, holdoutShare, seed });
  const name = `${req.mode === 'window' ? `last ${data.training.rowCount} rows of ` : ''}${parents.map((p) => p.name ?? p.hash.slice(0, 12)).join(' + ')}`;
  const dataset = { hash, name, rows: data.training.rowCount };

  const candidates: CandidateSpec[] = req.candidates ?? [{ name: `${champion.bundle.model.type} (retrained)`, type: champion.bundle.model.type, params: champion.bundle.model.params }];
  const run = await runTraining({
    table: data.training,
    recipe,
    candidates,
    split: { kind: 'test-table', table: evalTable, seed },
    dataset,
    modelSeed: seed,
    bundles: 'best',
    ...(metric ? { metric } : {}),
    ...(champion.bundle.decision ? { threshold: champion.bundle.decision.threshold } : {}),
    signal: req.signal,
    onProgress: req.onProgress,
    onLog: req.onLog,
    onCandidateDone: req.onCandidateDone,
  });
  const best = run.leaderboard.find((r) => r.name === run.best)!;
  if (classifying) sameClasses(champion.recipe.classes, run.recipe.classes, champion.bundle.name, target);

  const champ: Contender = { name: champion.bundle.name, type: champion.bundle.model.type, recipe: champion.recipe, model: champion.model };
  const chall: Contender = { name: best.name, type: best.type, recipe: run.recipe, model: best.model! };
  const comparison = metric ? compareClassifiers(champ, chall, evalTable, metric, champion.bundle.decision?.threshold) : compare(champ, chall, evalTable, target);
  comparison.skippedRows = { ...skipped, unpredictable: comparison.skippedRows.unpredictable };

  const lineage: RetrainLineage = {
    mode: req.mode,
    ...(req.window !== undefined ? { window: req.window } : {}),
    holdoutShare,
    seed,
    champion: { name: champion.bundle.name, datasetHash: champion.bundle.lineage.datasetHash, createdAt: champion.bundle.lineage.createdAt },
  };
  const bundle: ModelBundle = {
    ...best.bundle!,
    name: champion.bundle.name,
    lineage: { ...best.bundle!.lineage, parents: parents.map(({ hash: h, name: n, rows, role }) => ({ hash: h, role, rows, ...(n ? { name: n } : {}) })), retrain: lineage },
  };
  return {
    ...comparison,
    mode: req.mode,
    ...(req.window !== undefined ? { window: req.window } : {}),
    holdoutShare,
    seed,
    training: { dataset, parents, baseRows: data.baseRows, newRows: data.newRows },
    bundle,
    run,
    warnings: [...warnings, ...run.warnings.map((w) => w.message)],
  };
}

/** Rows with a target: a number, or for a categorical target any level (codes ≥ 0). */
function labelledRows(table: Table, target: string): Uint32Array {
  const col = columnByName(table, target);
  const all = Uint32Array.from({ length: table.rowCount }, (_, i) => i);
  if (!col) return all;
  if (col.type === 'numeric') return all.filter((i) => Number.isFinite(col.values[i]));
  return all.filter((i) => col.codes[i] >= 0);
}

/** The challenger must have learned the champion's classes, in the same order. */
function sameClasses(champion: readonly string[], challenger: readonly string[], name: string, target: string): void {
  if (champion.length === challenger.length && champion.every((c, k) => c === challenger[k])) return;
  const missing = champion.filter((c) => !challenger.includes(c));
  const extra = challenger.filter((c) => !champion.includes(c));
  const said = [
    missing.length ? `lack ${missing.map((c) => JSON.stringify(c)).join(', ')}` : '',
    extra.length ? `bring ${extra.map((c) => JSON.stringify(c)).join(', ')}, which the champion never learned` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  throw new PipelineError(
    'class-mismatch',
    `"${name}" predicts the classes ${champion.map((c) => JSON.stringify(c)).join(', ')} of "${target}", but the training rows of the retrain ${said}: the two models would not answer the same question. Retrain with rows of every class (mode 'all' keeps the champion's own rows), or train a new model.`,
    { column: target, field: 'classes', stage: 'training' },
  );
}

interface Contender {
  name: string;
  type: string;
  recipe: FittedRecipe;
  model: Regressor;
}

/** Predictions of one model on `table` and which rows it could predict. */
function predictTable(c: Contender, table: Table): { predicted: Float64Array; valid: Uint8Array } {
  const { X, valid } = c.recipe.transformTable(table);
  return { predicted: c.recipe.decodeTarget(c.model.predict(X)), valid };
}

/** Scores both models on the rows both can predict; `better` by R² (RMSE for a constant target). */
export function compare(champion: Contender, challenger: Contender, table: Table, target: string): RetrainComparison {
  const a = predictTable(champion, table);
  const b = predictTable(challenger, table);
  const y = (columnByName(table, target) as { values: Float64Array }).values;
  const keep: number[] = [];
  for (let i = 0; i < table.rowCount; i++) if (a.valid[i] && b.valid[i] && Number.isFinite(a.predicted[i]) && Number.isFinite(b.predicted[i])) keep.push(i);
  if (keep.length < 2)
    throw new PipelineError('test-too-small', `Only ${keep.length} held-out row${keep.length === 1 ? '' : 's'} can be predicted by both models; scoring needs at least 2.`, { stage: 'evaluation' });
  const pick = (v: Float64Array): Float64Array => Float64Array.from(keep, (i) => v[i]);
  const actual = pick(y);
  const rankedBy: RankedBy = actual.every((v) => v === actual[0]) ? 'rmse' : 'r2';
  const champ: ContenderScore = { name: champion.name, type: champion.type, metrics: regressionMetrics(actual, pick(a.predicted)) };
  const chall: ContenderScore = { name: challenger.name, type: challenger.type, metrics: regressionMetrics(actual, pick(b.predicted)) };
  return verdict(champ, chall, keep.length, table.rowCount, rankedBy);
}

/** The comparison of two scored models on `evaluated` of `rows` held-out rows; the champion kept on a tie. */
function verdict(champion: ContenderScore, challenger: ContenderScore, evaluated: number, rows: number, rankedBy: RankedBy | ClassificationMetricName): RetrainComparison {
  const score = (s: ContenderScore): number => rankingScore({ status: 'finished', metrics: s.metrics, classification: s.classification }, rankedBy);
  return {
    champion,
    challenger,
    evaluatedRows: evaluated,
    skippedRows: { cleaning: 0, missingTarget: 0, unpredictable: rows - evaluated },
    rankedBy,
    better: score(challenger) > score(champion) ? 'challenger' : 'champion',
  };
}

/**
 * Scores two classifiers of the same classes on the rows both can predict: class probabilities,
 * decided at `threshold` (binary), and `better` by `metric` (NaN, as ROC AUC on rows lacking a
 * class, never wins: the champion stays).
 */
export function compareClassifiers(champion: Contender, challenger: Contender, table: Table, metric: ClassificationMetricName, threshold?: number): RetrainComparison {
  const k = champion.recipe.classes.length;
  const y = champion.recipe.targetCodes(table);
  const proba = (c: Contender): { p: Float64Array; valid: Uint8Array } => {
    if (!isClassifier(c.model)) throw new PipelineError('wrong-task', `"${c.name}" predicts numbers, not the classes of "${c.recipe.recipe.target}".`, { stage: 'evaluation' });
    const { X, valid } = c.recipe.transformTable(table);
    return { p: c.model.predictProba(X), valid };
  };
  const a = proba(champion);
  const b = proba(challenger);
  const keep: number[] = [];
  for (let i = 0; i < table.rowCount; i++) if (a.valid[i] && b.valid[i] && Number.isInteger(y[i])) keep.push(i);
  if (keep.length < 2)
    throw new PipelineError('test-too-small', `Only ${keep.length} held-out row${keep.length === 1 ? '' : 's'} can be predicted by both models; scoring needs at least 2.`, { stage: 'evaluation' });
  const rows = (p: Float64Array): Float64Array => {
    const out = new Float64Array(keep.length * k);
    keep.forEach((i, r) => out.set(p.subarray(i * k, (i + 1) * k), r * k));
    return out;
  };
  const actual = Float64Array.from(keep, (i) => y[i]);
  const champ: ContenderScore = { name: champion.name, type: champion.type, classification: classificationMetrics(actual, rows(a.p), k, { threshold }) };
  const chall: ContenderScore = { name: challenger.name, type: challenger.type, classification: classificationMetrics(actual, rows(b.p), k, { threshold }) };
  return verdict(champ, chall, keep.length, table.rowCount, metric);
}
