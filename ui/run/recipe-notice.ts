import type { Recipe } from '../../plugin/messages.js'

/**
 * The banner shown when a result's recipe restores the settings. A recipe from another engine
 * version re-creates the settings but not necessarily the pixels (0.2.0 changed smoothness above
 * 256 px, 0.3.0 keeps details, 0.3.1 keeps them at the
 * preview's scale above 256 px, 0.4.0 removes the border frame), so the designer is told rather than surprised.
 */
export function recipeNotice(recipe: Pick<Recipe, 'seed' | 'engineVersion'>, engineVersion: string): string {
  const restored = `Settings restored from the selected result (seed ${recipe.seed}).`
  if (recipe.engineVersion === engineVersion) return restored
  return `${restored} It was made with engine ${recipe.engineVersion}; this is ${engineVersion}, so the image may come out slightly different.`
}
