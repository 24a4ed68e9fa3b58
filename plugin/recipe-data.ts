import { type Recipe, parseRecipe } from './messages.js'
import { UserError } from './user-error.js'

/** Plugin-data key of the recipe JSON on a result layer. */
export const RECIPE_KEY = 'recipe'
/** Must match manifest.json relaunchButtons[].command. */
export const RERUN_COMMAND = 'rerun'
// Figma shows at most 1000 characters of a relaunch description.
const MAX_DESCRIPTION = 1000

export function writeRecipe(node: SceneNode, recipe: Recipe, description: string): void {
  node.setPluginData(RECIPE_KEY, JSON.stringify(recipe))
  node.setRelaunchData({ [RERUN_COMMAND]: description.slice(0, MAX_DESCRIPTION) })
}

/**
 * The recipe on this layer or the nearest ancestor that has one (the designer may have selected one
 * tile of a tiled result); null if none.
 */
export function readRecipe(node: BaseNode): Recipe | null {
  for (let current: BaseNode | null = node; current !== null; current = current.parent) {
    const raw = current.getPluginData(RECIPE_KEY)
    if (raw === '') continue
    try {
      return parseRecipe(JSON.parse(raw), 'recipe')
    } catch {
      throw new UserError(`The recipe stored on “${current.name}” is damaged, so it cannot be re-run. Select the original layers instead.`)
    }
  }
  return null
}
