import { findLayerAsync, pageOf } from './find-layer-async.js'
import { type Box, boxInParent } from './geometry.js'
import type { PluginState } from './plugin-state.js'

/**
 * Where the result goes: on top of the content's parent, over the content's box. On top, not just
 * above the content: a second result placed directly above the content would go under the first
 * and be hidden by it.
 */
export interface Placement {
  parent: BaseNode & ChildrenMixin
  /** insertChild index: the parent's child count, so the result is its topmost child. */
  index: number
  box: Box
  contentName: string
  /** A sentence for the designer when the result could not go where they would expect. */
  notice: string | null
}

export async function resolvePlacementAsync(
  contentId: string,
  state: PluginState,
  imageSize: { width: number; height: number }
): Promise<Placement> {
  const content = await findLayerAsync(contentId)
  const known = state.known.get(contentId)
  const name = content?.name ?? known?.name ?? 'The content layer'
  const quoted = content === null && known === undefined ? name : `“${name}”`
  const page = figma.currentPage
  if (content !== null && content.parent !== null && pageOf(content) === page) {
    const instance = outermostInstance(content)
    if (instance === null) return onTopOfParent(content, content.parent, name, known)
    // Figma refuses new children anywhere inside an instance; put the result on top of the page.
    const box = content.absoluteBoundingBox ?? boxInParent(content)
    return {
      parent: page, index: page.children.length, box, contentName: name,
      notice: `${quoted} is inside a component instance, which cannot hold new layers, so the result was placed on top of the instance.`
    }
  }
  // Deleted, or moved to another page: keep its last known size, centred in the view.
  const width = known?.width ?? imageSize.width
  const height = known?.height ?? imageSize.height
  const { x, y } = figma.viewport.center
  const where = content === null ? 'was deleted while the style was being transferred' : 'is no longer on this page'
  return {
    parent: page,
    index: page.children.length,
    box: { x: x - width / 2, y: y - height / 2, width, height },
    contentName: name,
    notice: `${quoted} ${where}, so the result was placed in the middle of the view.`
  }
}

function onTopOfParent(
  content: SceneNode,
  parent: BaseNode & ChildrenMixin,
  name: string,
  known: { x: number; y: number; parentId: string | null } | undefined
): Placement {
  const box = boxInParent(content)
  const moved = known !== undefined && (known.parentId !== parent.id || known.x !== box.x || known.y !== box.y)
  return {
    parent,
    index: parent.children.length,
    box,
    contentName: name,
    notice: moved ? `“${name}” moved while the style was being transferred, so the result was placed on top of it where it is now.` : null
  }
}

function outermostInstance(node: SceneNode): SceneNode | null {
  let found: SceneNode | null = null
  for (let p = node.parent; p !== null && p.type !== 'PAGE' && p.type !== 'DOCUMENT'; p = p.parent) {
    if (p.type === 'INSTANCE') found = p
  }
  return found
}
