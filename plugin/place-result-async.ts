import { findLayerAsync } from './find-layer-async.js'
import type { PluginMessage, ResultTile, UiMessage } from './messages.js'
import type { PluginState } from './plugin-state.js'
import { writeRecipe } from './recipe-data.js'
import { type Placement, resolvePlacementAsync } from './resolve-placement-async.js'
import { resultName } from './result-name.js'
import { resultTiles } from './result-tiles.js'

/**
 * Places a result as a rectangle with an IMAGE fill (or a group of tiled rectangles) on top of the
 * content's parent, over the content's box, named after both inputs and numbered among earlier
 * results, with the recipe in plugin data, selected and in view, as one undo step. All or nothing: if any step fails, whatever was created is removed and the error is
 * rethrown, so the document is never left half-changed.
 */
export async function placeResultAsync(
  message: UiMessage<'place'> | UiMessage<'place-tiles'>,
  state: PluginState
): Promise<PluginMessage<'placed'>> {
  const tiles = resultTiles(message)
  const { recipe } = message
  const placement = await resolvePlacementAsync(recipe.contentId, state, message)
  const styleNames = await Promise.all(recipe.styleIds.map((id) => layerNameAsync(id, state)))
  // Images are not nodes: creating them leaves the document unchanged, so it comes first.
  const hashes = tiles.map((tile) => figma.createImage(tile.png).hash)
  // Named before anything is created, from the siblings it will join.
  const name = resultName(placement.contentName, styleNames, placement.parent.children.map((n) => n.name))
  const previousSelection = figma.currentPage.selection
  const created: SceneNode[] = []
  try {
    const result = buildResult(tiles, hashes, placement, message, created)
    result.name = name
    writeRecipe(result, recipe, `From “${placement.contentName}” in the style of ${styleNames.map((n) => `“${n}”`).join(', ')}, seed ${recipe.seed}.`)
    figma.currentPage.selection = [result]
    figma.viewport.scrollAndZoomIntoView([result])
    // Closes the undo step: one Cmd+Z removes exactly this result.
    figma.commitUndo()
    return { type: 'placed', requestId: message.requestId, nodeId: result.id, notice: placement.notice }
  } catch (error) {
    for (const node of created.reverse()) if (!node.removed) node.remove()
    figma.currentPage.selection = previousSelection.filter((node) => !node.removed)
    throw error
  }
}

function buildResult(
  tiles: readonly ResultTile[],
  hashes: readonly string[],
  { parent, index, box }: Placement,
  image: { width: number; height: number },
  created: SceneNode[]
): SceneNode {
  // Canvas units per result pixel: the result covers the content's box whatever its resolution.
  const sx = box.width / image.width
  const sy = box.height / image.height
  const rects = tiles.map((tile, i) => {
    const rect = figma.createRectangle()
    created.push(rect)
    rect.name = `Tile ${i + 1}`
    rect.resize(Math.max(0.01, tile.width * sx), Math.max(0.01, tile.height * sy))
    rect.fills = [{ type: 'IMAGE', imageHash: hashes[i]!, scaleMode: 'FILL' }]
    parent.insertChild(index + i, rect)
    keepOutOfAutoLayout(rect, parent)
    rect.x = box.x + tile.x * sx
    rect.y = box.y + tile.y * sy
    return rect
  })
  if (rects.length === 1) return rects[0]!
  // figma.group keeps the tiles' absolute positions and puts the group at `index`.
  const group = figma.group(rects, parent, index)
  created.push(group)
  keepOutOfAutoLayout(group, parent)
  group.x = box.x
  group.y = box.y
  return group
}

/** In an auto-layout parent a new child would be moved by the layout; pin it where it is put. */
function keepOutOfAutoLayout(node: RectangleNode | GroupNode, parent: BaseNode & ChildrenMixin): void {
  if ('layoutMode' in parent && parent.layoutMode !== 'NONE') node.layoutPositioning = 'ABSOLUTE'
}

async function layerNameAsync(id: string, state: PluginState): Promise<string> {
  return (await findLayerAsync(id))?.name ?? state.known.get(id)?.name ?? 'deleted style'
}
