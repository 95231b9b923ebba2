/**
 * A small, deterministic binary (or with `third`, three-class) classification dataset as CSV,
 * and a logistic regression trained on it by the real training run, for the tracking, registry,
 * retrain, monitor and report tests of classifiers. Two overlapping clouds ("no" around (0, 0),
 * "yes" around (1.5, 1.5)) and a nuisance colour column, so the model is good but not perfect.
 */
import { parseCsv } from '../../src/core/data';
import type { ParsedDataset } from '../../src/core/data/types';
import { runTraining, type TrainingRequest, type TrainingResult } from '../../src/core/pipeline/train';
import { defaultRecipe } from '../../src/core/recipe';

export const CLASSIFIER_DATASET = { hash: 'c'.repeat(64), name: 'clouds.csv', rows: 0 };

/** Options of `cloudsCsv`. */
export interface CloudOptions {
  /** A third class, "maybe", every fifth row around (−1.5, 1.5). */
  third?: boolean;
  /** Moves every cloud by this much on both axes (drift of the inputs). */
  shift?: number;
  /** Where the "yes" cloud sits (default (1.5, 1.5)): moving it changes what the inputs say about the label. */
  yesAt?: [number, number];
  /** The noise's seed (default 12345). */
  seed?: number;
}

/** `n` rows of x1, x2, colour, label. */
export function cloudsCsv(n: number, options: CloudOptions = {}): string {
  const lines = ['x1,x2,colour,label'];
  let s = options.seed ?? 12345;
  const rand = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
  const shift = options.shift ?? 0;
  for (let i = 0; i < n; i++) {
    const label = options.third && i % 5 === 0 ? 'maybe' : i % 3 === 0 ? 'yes' : 'no';
    const [cx, cy] = label === 'yes' ? (options.yesAt ?? [1.5, 1.5]) : label === 'maybe' ? [-1.5, 1.5] : [0, 0];
    lines.push(`${(cx + shift + 3 * rand()).toFixed(4)},${(cy + shift + 3 * rand()).toFixed(4)},${i % 2 ? 'red' : 'blue'},${label}`);
  }
  return lines.join('\n') + '\n';
}

export async function clouds(n: number, options: CloudOptions = {}): Promise<ParsedDataset> {
  return parseCsv(cloudsCsv(n, options));
}

/** A training run of logistic regression (and, if asked, more candidates) on `clouds(n)`, every candidate bundled. */
export async function trainClassifier(n = 400, rest: Partial<TrainingRequest> = {}, third = false): Promise<TrainingResult> {
  const ds = await clouds(n, { third });
  return runTraining({
    table: ds.table,
    recipe: defaultRecipe(ds.schema, 'label', ds.table),
    dataset: { ...CLASSIFIER_DATASET, rows: n },
    candidates: [{ type: 'logistic' }],
    split: { kind: 'holdout', testSize: 0.25, seed: 7 },
    bundles: 'each',
    intervals: false,
    ...rest,
  });
}
