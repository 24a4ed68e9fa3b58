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

/** Width and height with the given long side and the same aspect ratio (each at least 1). */
export function sizeToFit(width: number, height: number, longSide: number): [number, number] {
  const k = longSide / Math.max(width, height)
  return [Math.max(1, Math.round(width * k)), Math.max(1, Math.round(height * k))]
}
