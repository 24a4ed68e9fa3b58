// Why a layer cannot be used as an input image, as a sentence for the designer (or null if it can).

export function layerProblem(node: SceneNode): string | null {
  const name = `“${node.name}”`
  // A slice has no pixels of its own; exporting it would capture whatever happens to lie under it.
  if (node.type === 'SLICE') return `${name} is a slice, which has no pixels of its own. Select the layers under it instead.`
  if (!('exportAsync' in node)) return `${name} cannot be exported as an image. Select a frame, shape, group or image instead.`
  if (!(node.width > 0 && node.height > 0)) {
    return `${name} has no area (${formatSize(node.width)} × ${formatSize(node.height)}), so it cannot be used as an image. Select a layer with a width and a height.`
  }
  return null
}

function formatSize(value: number): string {
  return String(Math.round(value * 100) / 100)
}
