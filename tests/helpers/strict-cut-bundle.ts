/**
 * A model bundle trained on gemstone-shaped CSV text (target `price`, default recipe) in which an
 * unseen `cut` makes a row fail (the recipe's 'error' rule) instead of being imputed, so that
 * prediction tests meet rows that cannot be predicted. Round-tripped through its JSON, as a file.
 */
import { parseBundle, serializeBundle, type LoadedBundle } from '../../src/core/bundle/bundle';
import { parseCsv } from '../../src/core/data';
import type { ModelType } from '../../src/core/models/types';
import { runTraining } from '../../src/core/pipeline/train';
import { defaultRecipe } from '../../src/core/recipe';

export async function trainStrictCutBundle(csv: string, type: ModelType, params: Record<string, unknown>, splitSeed: number): Promise<LoadedBundle> {
  const ds = await parseCsv(csv);
  const recipe = defaultRecipe(ds.schema, 'price', ds.table);
  recipe.columns = recipe.columns.map((c) => (c.name === 'cut' ? { ...c, unknown: 'error' } : c));
  const result = await runTraining({
    table: ds.table,
    recipe,
    dataset: { hash: 'c'.repeat(64) },
    candidates: [{ type, params }],
    split: { kind: 'holdout', testSize: 0.2, seed: splitSeed },
  });
  const bundle = result.leaderboard[0].bundle;
  if (!bundle) throw new Error(`${type} did not train: ${result.leaderboard[0].error ?? 'no bundle'}`);
  return parseBundle(serializeBundle(bundle));
}
