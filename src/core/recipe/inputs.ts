import type { Recipe } from './types';

/**
 * The table columns a recipe reads to build its features, in recipe order: every feature column,
 * then the raw columns derived features use (which may be ignored as features themselves).
 */
export function recipeInputs(recipe: Recipe): string[] {
  const out: string[] = recipe.columns.filter((c) => c.role === 'feature').map((c) => c.name);
  const derived = new Set(recipe.features.map((f) => f.name));
  for (const f of recipe.features) for (const c of f.columns) if (!derived.has(c) && !out.includes(c)) out.push(c);
  return out;
}
