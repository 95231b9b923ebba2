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
 *   4. `better` by the run's ranking metric — R², or RMSE where the held-out target is constant —
 *      and the champion kept on a tie (a challenger has to earn the alias).
 * The challenger's bundle names its parents in its lineage: the dataset versions its rows came
 * from and the champion it was retrained from.
 */
import { readyToPredict, type LoadedBundle, type ModelBundle } from '../bundle/bundle';
import { columnByName, takeRows } from '../data/table';
import type { Table } from '../data/types';
import { PipelineError } from '../errors';
import { sha256Hex } from '../hash';
import { regressionMetrics, type RegressionMetrics } from '../metrics';
import type { Regressor } from '../models/types';
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
  signal?: AbortSignalLike;
  onProgress?: (p: TrainingProgress) => void;
  onLog?: LogSink;
  onCandidateDone?: (r: CandidateResult) => void;
}

/** One model's side of the comparison. */
export interface ContenderScore {
  name: string;
  type: string;
  metrics: RegressionMetrics;
}

export interface RetrainComparison {
  champion: ContenderScore;
  challenger: ContenderScore;
  /** Held-out rows both models were scored on. */
  evaluatedRows: number;
  /** Held-out rows left out: cleaned away, without a target, or not predictable by one model. */
  skippedRows: { cleaning: number; missingTarget: number; unpredictable: number };
  rankedBy: RankedBy;
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
  // Champion and challenger are compared by R² or RMSE on held-out rows: regression models only, so far.
  if (req.champion.recipe.task === 'classification')
    throw new PipelineError('not-supported', `Retraining compares models by R² or RMSE; "${req.champion.bundle.name}" is a classifier, which Loupe cannot retrain yet. Train a new model on the labelled rows instead.`, {
      stage: 'training',
      field: 'champion',
    });
  const champion = await readyToPredict(req.champion);
  const recipe = champion.recipe.recipe;
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
  const y = (columnByName(cleaned, target) as { values: Float64Array }).values;
  const labelled = Uint32Array.from(y.keys()).filter((i) => Number.isFinite(y[i]));
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
    signal: req.signal,
    onProgress: req.onProgress,
    onLog: req.onLog,
    onCandidateDone: req.onCandidateDone,
  });
  const best = run.leaderboard.find((r) => r.name === run.best)!;

  const comparison = compare(
    { name: champion.bundle.name, type: champion.bundle.model.type, recipe: champion.recipe, model: champion.model },
    { name: best.name, type: best.type, recipe: run.recipe, model: best.model! },
    evalTable,
    target,
  );
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
  const score = (s: ContenderScore): number => rankingScore({ status: 'finished', metrics: s.metrics }, rankedBy);
  return {
    champion: champ,
    challenger: chall,
    evaluatedRows: keep.length,
    skippedRows: { cleaning: 0, missingTarget: 0, unpredictable: table.rowCount - keep.length },
    rankedBy,
    better: score(chall) > score(champ) ? 'challenger' : 'champion',
  };
}
