/**
 * A small three-class dataset (alpha, beta, gamma) from two numbers, a one-hot colour and an
 * ordinal size whose unseen level makes a row fail, and classifiers trained on it through the
 * training pipeline (bundles round-tripped through their JSON): for explanation tests.
 */
import { parseBundle, serializeBundle, type LoadedBundle } from '../../src/core/bundle/bundle';
import { parseCsv } from '../../src/core/data';
import type { ModelType } from '../../src/core/models/types';
import { runTraining } from '../../src/core/pipeline/train';
import { Rng } from '../../src/core/random';
import { defaultRecipe } from '../../src/core/recipe';

const COLOURS = ['red', 'green', 'blue'];
const SIZES = ['S', 'M', 'L'];

/** Three classes from two numbers and a colour (with an interaction), as CSV text. */
export function threeClassCsv(n: number, seed: number, withLabel = true): string {
  const rng = new Rng(seed);
  const rows = [['x1', 'x2', 'colour', 'size', ...(withLabel ? ['label'] : [])].join(',')];
  for (let i = 0; i < n; i++) {
    const x1 = rng.normal();
    const x2 = rng.normal();
    const c = rng.nextInt(3);
    const score = [x1 + (c === 0 ? 1.5 : 0), x2 + (c === 1 ? 1 : 0), 0.5 * x1 * x2 + (c === 2 ? 1 : 0)].map((s) => s + 0.4 * rng.normal());
    const label = ['alpha', 'beta', 'gamma'][score.indexOf(Math.max(...score))];
    rows.push([x1.toFixed(4), x2.toFixed(4), COLOURS[c], SIZES[rng.nextInt(3)], ...(withLabel ? [label] : [])].join(','));
  }
  return rows.join('\n') + '\n';
}

export async function trainThreeClassBundle(type: ModelType, params: Record<string, unknown>): Promise<LoadedBundle> {
  const ds = await parseCsv(threeClassCsv(600, 1));
  const recipe = defaultRecipe(ds.schema, 'label', ds.table);
  // An unseen size makes its row fail (colour stays one-hot: its indicators are one player).
  recipe.columns = recipe.columns.map((c) => (c.name === 'size' ? { ...c, encode: 'ordinal', order: SIZES, unknown: 'error' } : c));
  const result = await runTraining({ table: ds.table, recipe, dataset: { hash: 'e'.repeat(64) }, candidates: [{ type, params }], split: { kind: 'holdout', testSize: 0.2, seed: 1 } });
  const bundle = result.leaderboard[0].bundle;
  if (!bundle) throw new Error(`${type} did not train: ${result.leaderboard[0].error ?? 'no bundle'}`);
  return parseBundle(serializeBundle(bundle));
}

