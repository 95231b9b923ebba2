/**
 * The model bundle: one versioned, self-describing JSON file holding everything needed to
 * predict and to audit a model — input schema, fitted recipe, model, metrics, lineage, the
 * training data's reference profile and, optionally, the calibration of its prediction intervals
 * and binned evaluation diagnostics for its report (bundles written before these existed have
 * neither and still load). Typed arrays are base64
 * (see codec.ts). A classifier's bundle adds its task and classes (read from its fitted recipe,
 * which holds them), classification test metrics, and for two classes the decision threshold it
 * predicts with; bundles without them are regression bundles, as every bundle before was.
 *
 * Loading validates strictly, outside in: the envelope (format, version, required fields and
 * their types) with valibot, then the recipe and the model state with their own validators
 * (model `fromJSON` checks array lengths and tree indices). Nothing in a bundle is executed.
 */
import * as v from 'valibot';
import { decodeCalibration, decodeSets, encodeCalibration, encodeSets, type EncodedCalibration, type EncodedSets } from '../conformal/bundle-form';
import type { ConformalSets } from '../conformal/sets';
import type { ConformalCalibration } from '../conformal/calibration';
import { BundleError, LoupeError } from '../errors';
import { decodeDiagnostics, encodeDiagnostics, type EncodedDiagnostics, type EvaluationDiagnostics } from '../report/diagnostics';
import type { RegressionMetrics } from '../metrics';
import type { ClassificationMetrics } from '../metrics/classification';
import { isModelType, modelFromJSON, modelInfo, MODEL_TYPES } from '../models/registry';
import { CalibratedClassifier, probabilityCalibrationOf } from '../models/calibration-model';
import { decodeProbabilityCalibration, encodeProbabilityCalibration, type EncodedProbabilityCalibration } from '../models/calibration-bundle';
import { isClassifier, type ModelType, type Regressor, type SerializedModel, type StateValue, type Task } from '../models/types';
import { FittedRecipe } from '../recipe';
import { ensureTf } from '../tf';
import { LOUPE_VERSION } from '../version';
import { decodeState, encodeState, type EncodedValue } from './codec';
import type { ReferenceProfile } from './reference-profile';
import { decodeReferenceSample, type EncodedReferenceSample, type ReferenceSample } from './reference-sample';
import type { SplitInfo } from '../pipeline/train';
import type { RetrainLineage } from '../pipeline/retrain';

export const BUNDLE_FORMAT = 'loupe-model-bundle';
export const BUNDLE_VERSION = 1;

export interface BundleLineage {
  datasetHash: string;
  datasetName?: string;
  /** Rows of the dataset before cleaning. */
  datasetRows: number;
  split: SplitInfo;
  seed: number;
  runId?: string;
  createdAt: string;
  loupeVersion: string;
  /** A retrained model: the dataset versions its training rows were drawn from. */
  parents?: Array<{ hash: string; name?: string; rows: number; role: 'base' | 'new' }>;
  /** A retrained model: how its rows were drawn and the champion it was retrained from. */
  retrain?: RetrainLineage;
}

export interface BundleInputColumn {
  name: string;
  kind: string;
  levels?: string[];
  min?: number;
  max?: number;
  unit?: string;
  /** Value used when the input is missing. */
  fill?: number | string;
}

export interface ModelBundle {
  format: typeof BUNDLE_FORMAT;
  formatVersion: typeof BUNDLE_VERSION;
  name: string;
  target: string;
  inputSchema: BundleInputColumn[];
  recipe: unknown;
  model: { type: ModelType; params: Record<string, unknown>; state: EncodedValue };
  /** A classifier's: 'classification' (absent: regression). */
  task?: Task;
  /** A classifier's class labels, code 0 first (its fitted recipe's). */
  classes?: string[];
  /** A binary classifier's decision: the positive class (code 1) is predicted where its probability ≥ threshold. */
  decision?: { threshold: number };
  /**
   * Test metrics (k-fold: mean over folds): a regressor's in `test`/`folds`, a classifier's in
   * `classification` (NaN, as ROC AUC where the test part lacks a class, written as null).
   */
  metrics: {
    test?: RegressionMetrics;
    folds?: RegressionMetrics[];
    classification?: { test: ClassificationMetrics; folds?: ClassificationMetrics[] };
    fitSeconds?: number;
    predictSeconds?: number;
  };
  lineage: BundleLineage;
  referenceProfile: ReferenceProfile;
  /** A sample of the training inputs and the model's predictions on it, for drift (reference-sample.ts). Absent in older or stripped bundles. */
  referenceSample?: EncodedReferenceSample;
  /** Conformal calibration of prediction intervals (absent in bundles made before they existed). */
  intervals?: EncodedCalibration;
  /**
   * A calibrated classifier's probability calibration (Platt or isotonic), applied to the
   * probabilities of `model`: the two together are the model that predicts (absent: uncalibrated).
   */
  probabilityCalibration?: EncodedProbabilityCalibration;
  /** A classifier's conformal prediction sets: the calibration scores and their coverage on the test part. */
  predictionSets?: EncodedSets;
  /** Predicted-vs-actual and residuals on the test part as binned counts, for the model report. */
  diagnostics?: EncodedDiagnostics;
}

/** A validated bundle, ready to predict. */
export interface LoadedBundle {
  bundle: ModelBundle;
  recipe: FittedRecipe;
  model: Regressor;
  /** The bundle's reference sample, decoded (absent when the bundle has none). */
  referenceSample?: ReferenceSample;
  /** Present when the bundle carries a calibration: prediction intervals at any coverage. */
  intervals?: ConformalCalibration;
  /** A classifier's: present when the bundle carries them, prediction sets at any coverage. */
  predictionSets?: ConformalSets;
  diagnostics?: EvaluationDiagnostics;
}

const finite = v.pipe(v.number(), v.finite());
const sha256 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest'));
const metricsSchema = v.object({
  r2: v.number(),
  rmse: v.number(),
  mae: v.number(),
  mape: v.number(),
  medianAe: v.number(),
  maxError: v.number(),
});
// JSON writes NaN (ROC AUC where the test part lacks a class) as null; read back as NaN.
const metricValue = v.pipe(
  v.nullable(v.number()),
  v.transform((x) => x ?? NaN),
);
const classificationMetricsSchema = v.object({
  accuracy: metricValue,
  balancedAccuracy: metricValue,
  precision: metricValue,
  recall: metricValue,
  f1: metricValue,
  f1Macro: metricValue,
  f1Weighted: metricValue,
  rocAuc: metricValue,
  logLoss: metricValue,
  brier: metricValue,
});

const refColumn = v.variant('kind', [
  v.object({
    name: v.string(),
    kind: v.literal('numeric'),
    count: finite,
    missing: finite,
    mean: v.number(),
    std: v.number(),
    min: v.number(),
    max: v.number(),
    edges: v.array(finite),
    counts: v.array(finite),
  }),
  v.object({
    name: v.string(),
    kind: v.literal('categorical'),
    count: finite,
    missing: finite,
    levels: v.array(v.object({ level: v.string(), count: finite })),
  }),
]);

const envelope = v.object({
  format: v.literal(BUNDLE_FORMAT),
  formatVersion: v.number(),
  name: v.string(),
  target: v.pipe(v.string(), v.minLength(1)),
  inputSchema: v.array(
    v.object({
      name: v.string(),
      kind: v.string(),
      levels: v.optional(v.array(v.string())),
      min: v.optional(v.number()),
      max: v.optional(v.number()),
      unit: v.optional(v.string()),
      fill: v.optional(v.union([v.number(), v.string()])),
    }),
  ),
  recipe: v.unknown(),
  model: v.object({
    type: v.string(),
    params: v.record(v.string(), v.unknown()),
    state: v.unknown(),
  }),
  // task and classes are read from the recipe (which holds them) and written back from it.
  task: v.optional(v.picklist(['regression', 'classification'])),
  classes: v.optional(v.array(v.string())),
  decision: v.optional(v.object({ threshold: v.pipe(v.number(), v.minValue(0), v.maxValue(1)) })),
  metrics: v.object({
    test: v.optional(metricsSchema),
    folds: v.optional(v.array(metricsSchema)),
    classification: v.optional(v.object({ test: classificationMetricsSchema, folds: v.optional(v.array(classificationMetricsSchema)) })),
    fitSeconds: v.optional(v.number()),
    predictSeconds: v.optional(v.number()),
  }),
  lineage: v.object({
    datasetHash: sha256,
    datasetName: v.optional(v.string()),
    datasetRows: finite,
    split: v.object({
      kind: v.picklist(['holdout', 'test-table', 'kfold']),
      seed: finite,
      testSize: v.optional(finite),
      k: v.optional(finite),
      trainRows: finite,
      testRows: finite,
      removedByCleaning: finite,
    }),
    seed: finite,
    runId: v.optional(v.string()),
    createdAt: v.string(),
    loupeVersion: v.string(),
    parents: v.optional(v.array(v.object({ hash: sha256, name: v.optional(v.string()), rows: finite, role: v.picklist(['base', 'new']) }))),
    retrain: v.optional(
      v.object({
        mode: v.picklist(['all', 'new', 'window']),
        window: v.optional(finite),
        holdoutShare: finite,
        seed: finite,
        champion: v.object({ name: v.string(), datasetHash: sha256, createdAt: v.string() }),
      }),
    ),
  }),
  referenceProfile: v.object({ rows: finite, columns: v.array(refColumn) }),
  // Checked in full by decodeReferenceSample, against the recipe's inputs.
  referenceSample: v.optional(v.object({ rows: v.unknown(), sourceRows: v.unknown(), seed: v.unknown(), columns: v.array(v.unknown()), predictions: v.unknown() })),
  // Checked field by field by decodeCalibration (conformal/bundle-form.ts) and decodeDiagnostics (report/diagnostics.ts).
  intervals: v.optional(v.unknown()),
  diagnostics: v.optional(v.unknown()),
  // Checked by decodeProbabilityCalibration (models/calibration-bundle.ts) against the model.
  probabilityCalibration: v.optional(v.unknown()),
  // Checked by decodeSets (conformal/bundle-form.ts).
  predictionSets: v.optional(v.unknown()),
});

export interface CreateBundleInput {
  name: string;
  recipe: FittedRecipe;
  model: Regressor;
  metrics: ModelBundle['metrics'];
  lineage: Omit<BundleLineage, 'createdAt' | 'loupeVersion'> & { createdAt?: string };
  referenceProfile: ReferenceProfile;
  referenceSample?: EncodedReferenceSample;
  intervals?: ConformalCalibration;
  /** A classifier's conformal prediction sets. */
  predictionSets?: ConformalSets;
  diagnostics?: EvaluationDiagnostics;
  /** A binary classifier's decision threshold (default 0.5). */
  threshold?: number;
}

export function createBundle(input: CreateBundleInput): ModelBundle {
  const s = input.model.toJSON();
  const calibrated = probabilityCalibrationOf(input.model);
  const classes = input.recipe.task === 'classification' ? [...input.recipe.classes] : undefined;
  return {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_VERSION,
    name: input.name,
    target: input.recipe.recipe.target,
    inputSchema: input.recipe.inputSchema(),
    recipe: input.recipe.toJSON(),
    model: { type: s.type, params: s.params, state: encodeState(s.state) },
    ...(classes ? { task: 'classification' as const, classes } : {}),
    ...(classes?.length === 2 ? { decision: { threshold: input.threshold ?? 0.5 } } : {}),
    metrics: input.metrics,
    lineage: { ...input.lineage, createdAt: input.lineage.createdAt ?? new Date().toISOString(), loupeVersion: LOUPE_VERSION },
    referenceProfile: input.referenceProfile,
    ...(input.referenceSample ? { referenceSample: input.referenceSample } : {}),
    ...(input.intervals ? { intervals: encodeCalibration(input.intervals) } : {}),
    ...(input.diagnostics ? { diagnostics: encodeDiagnostics(input.diagnostics) } : {}),
    ...(input.predictionSets ? { predictionSets: encodeSets(input.predictionSets) } : {}),
    ...(calibrated ? { probabilityCalibration: encodeProbabilityCalibration(calibrated.calibration, calibrated.rows) } : {}),
  };
}

/** The bundle without its reference sample (a smaller export; drift then needs reference data from elsewhere). */
export function withoutReferenceSample(b: ModelBundle): ModelBundle {
  const { referenceSample: _dropped, ...rest } = b;
  return rest;
}

export function serializeBundle(b: ModelBundle): string {
  return JSON.stringify(b);
}

/** Parses and validates a bundle file's text; every failure is a BundleError naming the field. */
export function parseBundle(text: string): LoadedBundle {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new BundleError('not-json', `This file is not a Loupe model bundle: it is not valid JSON (${(e as Error).message}). It may be truncated.`);
  }
  return loadBundle(json);
}

export function loadBundle(json: unknown): LoadedBundle {
  if (typeof json !== 'object' || json === null || (json as { format?: unknown }).format !== BUNDLE_FORMAT)
    throw new BundleError('wrong-format', `This file is not a Loupe model bundle (expected "format": "${BUNDLE_FORMAT}").`, { field: 'format' });
  const version = (json as { formatVersion?: unknown }).formatVersion;
  if (version !== BUNDLE_VERSION)
    throw new BundleError(
      'wrong-version',
      typeof version === 'number' && version > BUNDLE_VERSION
        ? `This bundle has format version ${version}, newer than this Loupe understands (${BUNDLE_VERSION}). Update Loupe to open it.`
        : `Unsupported bundle format version ${String(version)}; this Loupe reads version ${BUNDLE_VERSION}.`,
      { field: 'formatVersion' },
    );
  const parsed = v.safeParse(envelope, json);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const field = v.getDotPath(issue) ?? '(root)';
    throw new BundleError('invalid-bundle', `Invalid bundle: ${field}: ${issue.message}.`, { field });
  }
  const b = parsed.output as unknown as ModelBundle;
  if (!isModelType(b.model.type))
    throw new BundleError('unknown-model-type', `Unknown model type "${b.model.type}" in model.type; this Loupe knows ${MODEL_TYPES.join(', ')}.`, { field: 'model.type' });
  let recipe: FittedRecipe;
  try {
    recipe = FittedRecipe.fromJSON(b.recipe);
  } catch (e) {
    throw rethrow(e, 'recipe');
  }
  let model: Regressor;
  try {
    const state = decodeState(b.model.state, 'model.state') as { [k: string]: StateValue };
    const serialized: SerializedModel = { type: b.model.type, params: b.model.params, state };
    model = modelFromJSON(serialized);
  } catch (e) {
    throw rethrow(e, 'model');
  }
  checkTask(recipe, model, b);
  if (b.probabilityCalibration !== undefined) {
    if (!isClassifier(model)) throw new BundleError('bad-calibration', 'Invalid bundle: probabilityCalibration: calibrates class probabilities, but the model predicts numbers.', { field: 'probabilityCalibration' });
    const { calibration, rows } = decodeProbabilityCalibration(b.probabilityCalibration, model.classCount);
    b.probabilityCalibration = encodeProbabilityCalibration(calibration, rows);
    model = CalibratedClassifier.restore(model, calibration, rows);
  } else delete b.probabilityCalibration;
  let predictionSets: ConformalSets | undefined;
  if (b.predictionSets !== undefined) {
    if (!isClassifier(model)) throw new BundleError('bad-sets', 'Invalid bundle: predictionSets: prediction sets are of classes, but the model predicts numbers.', { field: 'predictionSets' });
    predictionSets = decodeSets(b.predictionSets);
    b.predictionSets = encodeSets(predictionSets);
  } else delete b.predictionSets;
  let intervals: ConformalCalibration | undefined;
  if (b.intervals !== undefined) {
    intervals = decodeCalibration(b.intervals);
    b.intervals = encodeCalibration(intervals);
  } else delete b.intervals;
  let diagnostics: EvaluationDiagnostics | undefined;
  if (b.diagnostics !== undefined) {
    diagnostics = decodeDiagnostics(b.diagnostics);
    b.diagnostics = encodeDiagnostics(diagnostics);
  } else delete b.diagnostics;
  // What is kept is what was understood: valibot dropped unknown envelope fields, the recipe and
  // the params are written back from their validated forms, and unknown state fields were refused.
  const referenceSample = b.referenceSample
    ? decodeReferenceSample(
        b.referenceSample,
        recipe.inputSchema().map((c) => c.name),
      )
    : undefined;
  b.recipe = recipe.toJSON();
  b.model = { ...b.model, params: model.toJSON().params };
  return { bundle: b, recipe, model, ...(referenceSample ? { referenceSample } : {}), ...(intervals ? { intervals } : {}), ...(predictionSets ? { predictionSets } : {}), ...(diagnostics ? { diagnostics } : {}) };
}

/**
 * The recipe's task decides: a classification recipe needs a classifier of as many classes, a
 * regression one a regressor; a decision threshold belongs to two classes only. The task and
 * classes of the envelope are written back from the recipe.
 */
function checkTask(recipe: FittedRecipe, model: Regressor, b: ModelBundle): void {
  if (recipe.task === 'classification') {
    if (!isClassifier(model))
      throw new BundleError('bad-model', `model.type: "${b.model.type}" predicts numbers, but the recipe predicts the classes of "${recipe.target}".`, { field: 'model.type' });
    if (model.classCount !== recipe.classes.length)
      throw new BundleError('bad-state', `model.state: the model has ${model.classCount} classes, the recipe ${recipe.classes.length}.`, { field: 'model.state.classCount' });
    b.task = 'classification';
    b.classes = [...recipe.classes];
    if (recipe.classes.length !== 2) {
      if (b.decision) throw new BundleError('invalid-bundle', `decision: a decision threshold applies to two classes, not ${recipe.classes.length}.`, { field: 'decision' });
    } else b.decision = { threshold: b.decision?.threshold ?? 0.5 };
  } else {
    if (isClassifier(model)) throw new BundleError('bad-model', `model.type: "${b.model.type}" predicts classes, but the recipe predicts the number "${recipe.target}".`, { field: 'model.type' });
    if (b.decision) throw new BundleError('invalid-bundle', 'decision: a decision threshold belongs to a classifier.', { field: 'decision' });
    delete b.task;
    delete b.classes;
  }
}

function rethrow(e: unknown, prefix: 'recipe' | 'model'): BundleError {
  const field = (f: string | undefined): string => (f && !f.startsWith(prefix) ? `${prefix}.${f}` : (f ?? prefix));
  const code = prefix === 'recipe' ? 'bad-recipe' : e instanceof BundleError ? e.code : 'bad-state';
  if (e instanceof BundleError) return new BundleError(code, e.message, { ...e.where, field: field(e.where.field) }, { cause: e });
  if (e instanceof LoupeError) return new BundleError(code, `Invalid bundle ${prefix}: ${e.message}`, { ...e.where, field: field(e.where.field) }, { cause: e });
  return new BundleError(code, `Invalid bundle ${prefix}: ${e instanceof Error ? e.message : String(e)}`, { field: prefix }, { cause: e });
}

/** Readies what a loaded model needs before a synchronous predict (the tfjs backend, per the catalog). */
export async function readyToPredict(loaded: LoadedBundle): Promise<LoadedBundle> {
  if (modelInfo(loaded.bundle.model.type).tfjs) await ensureTf();
  return loaded;
}

/** parseBundle, then readies what the model needs to predict. */
export async function openBundle(text: string): Promise<LoadedBundle> {
  return readyToPredict(parseBundle(text));
}
