import { boxInParent } from './geometry.js'

/** What the sandbox remembers between messages. One instance per plugin run. */
export interface PluginState {
  /** The explicit content choice; kept while that layer stays selected (never the selection order). */
  contentId: string | null
  /** Last seen name and geometry of layers used as inputs, for names and the deleted-content case. */
  known: Map<string, KnownLayer>
}

export interface KnownLayer {
  name: string
  /** boxInParent at the time it was seen. */
  x: number
  y: number
  width: number
  height: number
  parentId: string | null
}

export function createPluginState(): PluginState {
  return { contentId: null, known: new Map() }
}

export function rememberLayer(state: PluginState, node: SceneNode): void {
  state.known.set(node.id, { name: node.name, ...boxInParent(node), parentId: node.parent?.id ?? null })
}
