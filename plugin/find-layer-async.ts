import type { PluginState } from './plugin-state.js'

/**
 * The scene node with this id, or null when it was deleted. getNodeByIdAsync because the sync
 * getNodeById throws under documentAccess "dynamic-page" (platform-facts 1.6).
 */
export async function findLayerAsync(id: string): Promise<SceneNode | null> {
  const node = await figma.getNodeByIdAsync(id)
  if (node === null || node.removed || node.type === 'DOCUMENT' || node.type === 'PAGE') return null
  return node
}

/** The page a node is on, or null when it is detached. */
export function pageOf(node: BaseNode): PageNode | null {
  let current: BaseNode | null = node
  while (current !== null && current.type !== 'PAGE') current = current.parent
  return current
}

export function knownName(state: PluginState, id: string, fallback: string): string {
  return state.known.get(id)?.name ?? fallback
}
