// Where a layer sits, as the axis-aligned box it covers in its parent's coordinates. This is the
// region exportAsync({useAbsoluteBounds: true}) renders (a rotated layer exports as its bounding
// box), so the result is placed unrotated over exactly this box.

export interface Box {
  x: number
  y: number
  width: number
  height: number
}

export function boxInParent(node: SceneNode): Box {
  const [[a, b, tx], [c, d, ty]] = node.relativeTransform
  const w = node.width
  const h = node.height
  const xs = [tx, tx + a * w, tx + b * h, tx + a * w + b * h]
  const ys = [ty, ty + c * w, ty + d * h, ty + c * w + d * h]
  const x = Math.min(...xs)
  const y = Math.min(...ys)
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y }
}
