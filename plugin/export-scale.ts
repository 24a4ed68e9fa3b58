// The export scale for a layer so the PNG's long side is at most maxSide pixels.
//
// Upscaling is allowed up to MAX_EXPORT_SCALE: Figma re-renders vectors and text sharply at a higher
// scale, which beats enlarging a 1x bitmap in the UI. The cap (Figma's largest export preset) keeps
// a tiny icon from being rasterised at a huge size; the UI must use the width/height it gets back.

export const MAX_EXPORT_SCALE = 4

export function exportScale(width: number, height: number, maxSide: number): number {
  const longSide = Math.max(width, height)
  let scale = Math.min(maxSide / longSide, MAX_EXPORT_SCALE)
  // Guard against floating-point results a hair above maxSide (e.g. 11 * (25 / 11) > 25).
  while (longSide * scale > maxSide) scale -= scale * Number.EPSILON
  return scale
}
