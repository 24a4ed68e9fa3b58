import { exportScale } from './export-scale.js'
import { boxInParent } from './geometry.js'
import { findLayerAsync, knownName } from './find-layer-async.js'
import { layerProblem } from './layer-problem.js'
import type { PluginMessage, UiMessage } from './messages.js'
import { type PluginState, rememberLayer } from './plugin-state.js'
import { readPngSize } from './png-size.js'
import { UserError } from './user-error.js'

/** Exports one layer as a PNG no larger than the run needs (long side <= maxSide). */
export async function exportLayerAsync(
  message: UiMessage<'export'>,
  state: PluginState
): Promise<PluginMessage<'image'>> {
  const node = await findLayerAsync(message.nodeId)
  if (node === null) {
    const name = knownName(state, message.nodeId, 'The layer')
    throw new UserError(`${name === 'The layer' ? name : `“${name}”`} no longer exists. Select the layers again.`)
  }
  const problem = layerProblem(node)
  if (problem !== null || !('exportAsync' in node)) throw new UserError(problem ?? '')
  rememberLayer(state, node)
  const box = boxInParent(node)
  const png = await node.exportAsync({
    format: 'PNG',
    // Exactly the layer's box: no shadow margin, no cropping of empty space, so the PNG's size is
    // predictable (box x scale) and the result can be placed over the same box.
    useAbsoluteBounds: true,
    constraint: { type: 'SCALE', value: exportScale(box.width, box.height, message.maxSide) },
    // The file's colour profile may be Display P3; VGG was trained on sRGB.
    colorProfile: 'SRGB'
  })
  const size = readPngSize(png)
  if (size === null) throw new Error('Figma returned an export that is not a PNG')
  return { type: 'image', requestId: message.requestId, nodeId: node.id, png, ...size }
}
