import { sortByLayersPanel } from './layer-order.js'
import { layerProblem } from './layer-problem.js'
import type { LayerInfo, PluginMessage } from './messages.js'
import { type PluginState, rememberLayer } from './plugin-state.js'
import { postToUi } from './post-to-ui.js'

/**
 * Splits the current selection into one content and the style layers, and says what is wrong when
 * the selection cannot be used. The content is the remembered explicit choice while it stays
 * selected, else the first layer in layers-panel order (then remembered, so adding a layer never
 * silently swaps it).
 */
export function describeSelection(state: PluginState): PluginMessage<'selection'> {
  const selected = sortByLayersPanel(figma.currentPage.selection)
  for (const node of selected) rememberLayer(state, node)
  const content = selected.find((n) => n.id === state.contentId) ?? selected[0] ?? null
  state.contentId = content?.id ?? state.contentId
  const styles = selected.filter((n) => n !== content)
  return {
    type: 'selection',
    content: content === null ? null : layerInfo(content),
    styles: styles.map(layerInfo),
    problem: selectionProblem(selected)
  }
}

export function reportSelection(state: PluginState): void {
  postToUi(describeSelection(state))
}

function selectionProblem(selected: readonly SceneNode[]): string | null {
  if (selected.length === 0) {
    return 'Nothing is selected. Select two layers: the content and at least one style (Shift-click to add a layer).'
  }
  for (const node of selected) {
    const problem = layerProblem(node)
    if (problem !== null) return problem
  }
  if (selected.length === 1) {
    return `Only “${selected[0]!.name}” is selected. Shift-click a second layer to use as the style.`
  }
  return null
}

function layerInfo(node: SceneNode): LayerInfo {
  return { id: node.id, name: node.name, width: node.width, height: node.height }
}
