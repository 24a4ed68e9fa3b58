import { findLayerAsync, pageOf } from './find-layer-async.js'
import type { PluginState } from './plugin-state.js'
import { postToUi } from './post-to-ui.js'
import { readRecipe } from './recipe-data.js'
import { describeSelection } from './report-selection.js'
import { UserError } from './user-error.js'

/**
 * Relaunched with "Re-run style transfer": reads the recipe from the selected result, selects its
 * original inputs again (content as recorded, not as selection order), and sends the recipe.
 */
export async function sendRerunRecipeAsync(state: PluginState): Promise<void> {
  const selected = figma.currentPage.selection[0]
  if (selected === undefined) throw new UserError('Select a style-transfer result to re-run it.')
  const recipe = readRecipe(selected)
  if (recipe === null) {
    throw new UserError(`“${selected.name}” is not a style-transfer result, so there is nothing to re-run. Select a result layer.`)
  }
  const ids = [recipe.contentId, ...recipe.styleIds]
  const found = await Promise.all(ids.map(findLayerAsync))
  const inputs = found.filter((n): n is SceneNode => n !== null && pageOf(n) === figma.currentPage)
  if (inputs.length > 0) {
    figma.currentPage.selection = inputs
    if (inputs.some((n) => n.id === recipe.contentId)) state.contentId = recipe.contentId
  }
  postToUi(describeSelection(state))
  postToUi({ type: 'recipe', recipe })
  if (inputs.length < ids.length) {
    throw new UserError(`${ids.length - inputs.length} of the layers this result was made from no longer exist on this page. Its settings were loaded; select new layers to run it again.`)
  }
}
