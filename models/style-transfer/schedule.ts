/**
 * Coarse-to-fine schedule (Gatys et al. 2017; sqrt(2) steps as crowsonkb's gen_scales): the long
 * side of each scale, from the largest below-or-equal `end` down by factors of sqrt(2) while it
 * stays at least `start`, returned smallest first. The last entry is always `end`.
 */
export function generateScales(start: number, end: number): number[] {
  const scales: number[] = []
  for (let i = 0; ; i++) {
    const s = Math.round(end / 2 ** (i / 2))
    if (s < start && i > 0) break
    scales.push(s)
    if (s <= start) break
  }
  return scales.reverse()
}

/**
 * Width and height with the given long side and the same aspect ratio. When that would make the
 * short side smaller than `minShort`, the image is made larger instead: VGG-19 halves the size
 * four times before conv5_1, and a side below 16 px would vanish there.
 */
export function sizeToFit(width: number, height: number, longSide: number, minShort = 0): [number, number] {
  let k = longSide / Math.max(width, height)
  if (Math.min(width, height) * k < minShort) k = minShort / Math.min(width, height)
  const floor = Math.max(1, minShort)
  return [Math.max(floor, Math.round(width * k)), Math.max(floor, Math.round(height * k))]
}
